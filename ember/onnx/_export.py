"""``export``: run the model once on example inputs, record its ops, write them as an ONNX model."""
import contextlib
import os

import numpy as np

from .._tensor import Tensor
from ..autograd import no_grad
from ._converters import CONVERTERS
from ._trace import module_scopes, tracing

DEFAULT_OPSET = 18
MIN_OPSET = 13


class UnsupportedOperatorError(RuntimeError):
    """The model ran an op the exporter cannot write as ONNX."""


class _Graph:
    """The ONNX graph under construction: nodes, initializers, fresh names."""

    def __init__(self, trace, opset):
        import onnx

        self.onnx, self.trace, self.opset = onnx, trace, opset
        self.nodes = []
        self.scope = ""  # the module path of the step being converted, which prefixes its nodes' names
        self._count = 0

    def node(self, op_type, inputs, outputs, **attrs):
        self._count += 1
        self.nodes.append(self.onnx.helper.make_node(op_type, list(inputs), list(outputs),
                                                     name=f"{self.scope}/{op_type}_{self._count}", **attrs))

    def const(self, array):
        return self.trace.array_name(np.asarray(array))

    def state(self, array):
        """A parameter or buffer the op received as a plain array (batch norm's running statistics)."""
        return self.trace.array_name(array)

    def tmp(self):
        self._count += 1
        return f"/tmp_{self._count}"

    def unsupported(self, step, why):
        raise UnsupportedOperatorError(f"Exporting the operator '{step.op.__name__}' to ONNX opset version "
                                       f"{self.opset} is not supported: {why}.")


def export(model, args=(), f=None, *, kwargs=None, export_params=True, verbose=None, input_names=None,
           output_names=None, opset_version=None, dynamic_axes=None, keep_initializers_as_inputs=False,
           do_constant_folding=True, training=None, **ignored):
    """Write ``model`` run on ``args`` as an ONNX model to ``f`` (a path or a binary file object).

    The model runs once in eval mode, and the ops it runs are what is written (a trace: Python
    control flow is fixed at the path these inputs took). ``dynamic_axes`` names input/output dims
    that may vary, such as ``{"input": {0: "batch"}}``. PyTorch's options for its own exporters
    (``dynamo=``, ``optimize=``, ...) are accepted and change nothing."""
    import onnx

    opset = DEFAULT_OPSET if opset_version is None else opset_version
    if opset < MIN_OPSET:
        raise ValueError(f"Ember exports ONNX opset {MIN_OPSET} and later; opset_version={opset} was asked for")
    args = (args,) if isinstance(args, Tensor) else tuple(args)
    if not all(isinstance(a, Tensor) for a in args):
        raise TypeError("ember.onnx.export: args must be a Tensor or a tuple of Tensors")
    state = {}
    if hasattr(model, "state_dict"):
        state = {id(t._data): k for k, t in model.state_dict(keep_vars=True).items()}
    input_names = list(input_names or [])
    input_names += [f"input_{i}" for i in range(len(input_names), len(args))]
    was_training = getattr(model, "training", False)
    if hasattr(model, "eval"):
        model.eval()
    try:
        trace, result = _run(model, args, kwargs, input_names, state)
        _check_constants(trace, _run(model, _perturbed(args), kwargs, input_names, state)[0])
    finally:
        if was_training:
            model.train()
    results = result if isinstance(result, (tuple, list)) else (result,)
    g = _Graph(trace, opset)
    for step in trace.steps:
        # an op's subclasses (View's: ReshapeAlias, Squeeze, ...) compute what it computes
        convert = next((CONVERTERS[c.__name__] for c in step.op.__mro__ if c.__name__ in CONVERTERS), None)
        if convert is None:
            g.unsupported(step, f"Ember's exporter knows {', '.join(sorted(CONVERTERS))}")
        g.scope = step.scope
        convert(g, step)
    output_names = list(output_names or [])
    output_names += [f"output_{i}" for i in range(len(output_names), len(results))]
    for r, name in zip(results, output_names):  # the last node making each result writes its final name
        _rename(g.nodes, trace.name(r), name)
    model_proto = _model(onnx, g, trace, args, input_names, results, output_names, dynamic_axes or {},
                         export_params, keep_initializers_as_inputs)
    onnx.checker.check_model(model_proto)
    if verbose:
        print(onnx.helper.printable_graph(model_proto.graph))
    data = model_proto.SerializeToString()
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as out:
            out.write(data)
    elif f is not None:
        f.write(data)
    return None


def _run(model, args, kwargs, input_names, state):
    with no_grad(), tracing(state) as trace, \
            (module_scopes(model, trace) if hasattr(model, "named_modules") else contextlib.nullcontext()):
        for a, name in zip(args, input_names):
            trace.name_input(a, name)
        return trace, model(*args, **(kwargs or {}))


def _perturbed(args):
    """Other inputs of the same shapes: floating ones moved by random noise, others as they are."""
    rng = np.random.default_rng(0)
    return tuple(Tensor._wrap(a._data + rng.standard_normal(a.shape).astype(a._data.dtype) * (a._data.std() + 1))
                 if a.dtype.is_floating_point else a for a in args)


def _check_constants(trace, other):
    """Refuse a trace whose constants change with the input: some value came from the input by a path the
    trace cannot see (a function computing outside Ember's ops, ``.numpy()``, ``.item()``), and the file
    would hold this input's value of it. Ops that differ between the runs (control flow that depends on the
    data) leave nothing to compare."""
    if [s.op for s in trace.steps] != [s.op for s in other.steps]:
        return
    changed = {name for (name, a), b in zip(trace.constants.items(), other.constants.values())
               if name not in trace.state_names and (a.shape != b.shape or not np.array_equal(a, b, equal_nan=True))}
    for step, again in zip(trace.steps, other.steps):
        for x, y in zip(step.inputs, again.inputs):
            if x in changed if isinstance(x, str) else (x is not None and not np.array_equal(x, y, equal_nan=True)):
                raise UnsupportedOperatorError(
                    f"Exporting the model is not supported: an input of '{step.op.__name__}' in "
                    f"{step.scope or 'the top module'} depends on the model's input through a computation the "
                    "exporter cannot trace (an Ember function that works outside the op layer such as argmax or "
                    "nonzero, or a round trip through .numpy()/.item()); it would be written as a constant.")

def _rename(nodes, old, new):
    for node in nodes:
        for i, name in enumerate(node.output):
            if name == old:
                node.output[i] = new
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new


def _model(onnx, g, trace, args, input_names, results, output_names, dynamic_axes, export_params, as_inputs):
    def value_info(name, tensor):
        axes = dynamic_axes.get(name, {})
        if not isinstance(axes, dict):  # a list of dims: PyTorch names them itself
            axes = {d: f"{name}_dynamic_axes_{i + 1}" for i, d in enumerate(axes)}
        shape = [axes.get(d, n) for d, n in enumerate(tensor._data.shape)]
        return onnx.helper.make_tensor_value_info(name, onnx.helper.np_dtype_to_tensor_dtype(tensor._data.dtype),
                                                  shape)

    used = {i for node in g.nodes for i in node.input}
    initializers = [onnx.numpy_helper.from_array(np.ascontiguousarray(a), name)
                    for name, a in trace.constants.items() if name in used]
    inputs = [value_info(n, a) for a, n in zip(args, input_names)]
    # without export_params the model's own parameters and buffers are inputs the caller feeds
    fed = [t for t in initializers if as_inputs or (not export_params and t.name in trace.state_names)]
    inputs += [onnx.helper.make_tensor_value_info(t.name, t.data_type, t.dims) for t in fed]
    if not export_params:
        initializers = [t for t in initializers if t.name not in trace.state_names]
    graph = onnx.helper.make_graph(g.nodes, "main_graph", inputs,
                                   [value_info(n, r) for r, n in zip(results, output_names)], initializers)
    return onnx.helper.make_model_gen_version(graph, opset_imports=[onnx.helper.make_opsetid("", g.opset)],
                                              producer_name="ember")

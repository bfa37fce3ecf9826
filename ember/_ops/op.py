"""``Op``: how one operation is written, forward and backward side by side.

An op is a class. ``forward(ctx, *arrays, **params)`` computes the result from
arrays; ``backward(ctx, *grads)`` turns output gradients into one gradient per
input. The instance is both the context that forward saves into and the graph
node that backward runs on, so recording an op costs one object.

Backward formulas work on arrays, or on Tensors when the engine runs with
``create_graph=True`` (Tensors answer the NumPy functions the formulas call),
so the same formula gives first and higher derivatives. Gradients need not be
reduced over broadcast dimensions or cast: the engine makes each one match its
input's shape and dtype.
"""
import numpy as np

from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.graph import Node, edge, output_ref

_state = grad_mode.state
_wrap = Tensor._wrap
_generic = np.generic


class Op(Node):
    differentiable = True  # False for ops whose result never carries a gradient (comparisons, argmax)
    is_view = False  # True when the output shares the first input's memory (view, transpose, slicing)

    @classmethod
    def apply(cls, *inputs, **params):
        """Run the op on Tensors (constants and None allowed) and record it when grad is needed."""
        ctx = cls.__new__(cls)
        out = ctx.forward(*[t._data if isinstance(t, Tensor) else t for t in inputs], **params)
        record = _state.enabled and cls.differentiable and any(
            isinstance(t, Tensor) and t.requires_grad for t in inputs)
        if type(out) is tuple:
            return ctx._wrap_many(out, inputs, record)
        if isinstance(out, _generic):
            out = np.asarray(out)
        result = _wrap(out)
        if cls.is_view:
            result._version = inputs[0]._version
        if record:
            ctx._connect(inputs)
            result.grad_fn = ctx
            result.requires_grad = True
            ctx._track_output(result)
        return result

    def _connect(self, inputs):
        self.next_functions = tuple(edge(t) if isinstance(t, Tensor) else None for t in inputs)
        self._meta = tuple((t._data.shape, t._data.dtype) if isinstance(t, Tensor) else None for t in inputs)
        saved = self._saved
        if saved is not None:
            self._inputs = inputs
            self._versions = [(t._version, t._version[0], t._data) for t in inputs
                              if isinstance(t, Tensor) and any(s is t._data for s in saved)]

    def _track_output(self, result):
        saved = self._saved
        if saved is not None and any(s is result._data for s in saved):
            self._versions.append((result._version, result._version[0], result._data))
            output_ref(self, result)

    def _wrap_many(self, outs, inputs, record):
        outs = tuple(np.asarray(o) if isinstance(o, _generic) else o for o in outs)
        results = tuple(_wrap(o) for o in outs)
        if record:
            self.n_outputs = len(outs)
            self._out_meta = tuple((o.shape, o.dtype) for o in outs)
            self._connect(inputs)
            for k, r in enumerate(results):
                if r._data.dtype.kind == "f":  # integer outputs (indices) never carry a gradient
                    r.grad_fn, r._out_idx, r.requires_grad = self, k, True
        return results

    def _zeros_like_output(self, k):
        shape, dt = self._out_meta[k]
        return np.zeros(shape, dt)

    def _check_versions(self):
        for counter, expected, array in getattr(self, "_versions", ()):
            if counter[0] != expected:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an inplace "
                    f"operation: [{Tensor._wrap(array).type()} {list(array.shape)}], which is output 0 of "
                    f"{self.name()}, is at version {counter[0]}; expected version {expected} instead. Hint: "
                    "enable anomaly detection to find the operation that failed to compute its gradient, with "
                    "torch.autograd.set_detect_anomaly(True).")

    def backward(self, *grads):
        raise RuntimeError(f"the derivative for '{type(self).__name__}' is not implemented")


def inplace(op, target, *others, **params):
    """Run ``op`` and write its result into ``target`` (``x.add_(y)``), as PyTorch's in-place ops do:
    the result is cast to target's dtype, target's version advances, and its grad_fn becomes this op."""
    if _state.enabled and target.requires_grad and target.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    result = op.apply(target, *others, **params)
    rd, td = result._data, target._data
    if rd.dtype != td.dtype and rd.dtype.kind == "f" and td.dtype.kind in "biu":
        raise RuntimeError(f"result type {Tensor._wrap(rd).dtype_short()} can't be cast to the desired output "
                           f"type {target.dtype_short()}")
    if rd.shape != td.shape:
        raise RuntimeError(f"output with shape {list(td.shape)} doesn't match the broadcast shape {list(rd.shape)}")
    td[...] = rd
    target._version[0] += 1
    if result.grad_fn is not None:
        target.grad_fn, target._out_idx, target.requires_grad = result.grad_fn, 0, True
        result.grad_fn._track_output(target)
    return target


def write_out(result, out):
    """``out=``: resize ``out`` to the result and copy into it (PyTorch's contract for out arguments)."""
    if out.requires_grad and _state.enabled and (result.requires_grad or out.grad_fn is None):
        raise RuntimeError("functions with out=... arguments don't support automatic differentiation, but one "
                           "of the arguments requires grad.")
    rd = result._data
    if out._data.shape != rd.shape:
        out._data = np.empty_like(rd, dtype=out._data.dtype) if type(rd) is np.ndarray else rd.astype(
            out._data.dtype)
    out._data[...] = rd
    out._version[0] += 1
    return out

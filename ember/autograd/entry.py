"""``backward`` and ``grad``: the two ways into the engine, and ``Tensor.backward`` on top of them."""
import numpy as np

from .._tensor import Tensor
from .graph import _new_tensor, accumulate_into, run_backward


def _as_seq(x):
    if x is None:
        return None
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _seed_grads(outputs, grad_outputs, create_graph):
    """The gradient each output starts from: ones for a scalar, else the one given."""
    grads = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        data = out._data
        if g is None:
            if data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if data.dtype.kind != "f":
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                   f"{out.dtype}")
            g = np.ones_like(data)  # dispatches to the array's own library
            grads.append(Tensor._wrap(g) if create_graph else g)
            continue
        if not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        if g._data.shape != data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] has "
                               f"a shape of {out.shape}.")
        if g._data.dtype != data.dtype:
            g = g.to(out.dtype)
        grads.append(g if create_graph else g._data)
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Accumulate the gradient of ``tensors`` into the ``.grad`` of the leaves that produced them
    (or, with ``inputs``, of those tensors only)."""
    if (inputs is None and grad_tensors is None and grad_variables is None and not create_graph
            and isinstance(tensors, Tensor) and tensors.grad_fn is not None):
        data = tensors._data  # a scalar loss: the call of every training step, kept short
        if data.size == 1 and data.dtype.kind == "f":
            if type(data) is np.ndarray:  # np.array of a number costs a fraction of np.ones
                ones = np.array(1, data.dtype).reshape(data.shape)
            else:
                ones = np.ones_like(data)  # the array's own library (CuPy)
            run_backward((tensors,), (ones,), bool(retain_graph), False)
            return
    tensors = _as_seq(tensors)
    grad_tensors = _as_seq(grad_tensors if grad_tensors is not None else grad_variables) or (None,) * len(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    grads = _seed_grads(tensors, grad_tensors, create_graph)
    if inputs is None:
        run_backward(tensors, grads, retain_graph, create_graph)
        return
    inputs = _as_seq(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    _check_inputs(inputs)
    for t, g in zip(inputs, run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs)):
        if g is not None and not (t.grad_fn is not None and t._retains):  # retain_grad has stored it already
            accumulate_into(t, g)


def _check_inputs(inputs):
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Return d(outputs)/d(inputs) without touching any ``.grad``."""
    if is_grads_batched:
        raise NotImplementedError("autograd.grad(is_grads_batched=True) is not supported by Ember")
    outputs, inputs = _as_seq(outputs), _as_seq(inputs)
    grad_outputs = _as_seq(grad_outputs) or (None,) * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(grad_outputs)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    _check_inputs(inputs)
    grads = _seed_grads(outputs, grad_outputs, create_graph)
    found = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs)
    result = []
    for i, (t, g) in enumerate(zip(inputs, found)):
        if g is None:
            if materialize_grads:
                g = np.zeros_like(t._data)
            elif not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
        result.append(g if g is None or isinstance(g, Tensor) else _new_tensor(g))
    return tuple(result)


def tensor_backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """``Tensor.backward``."""
    backward(self, gradient, retain_graph, create_graph, inputs=inputs)

"""Automatic differentiation: ``backward``, ``grad``, grad modes, custom Functions, gradcheck."""
from .._tensor import Tensor
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .graph import Node, run_backward

__all__ = ["backward", "grad", "Variable", "Function", "gradcheck", "gradgradcheck", "no_grad", "enable_grad",
           "set_grad_enabled", "inference_mode", "is_grad_enabled", "Node"]


def _seed_grads(outputs, grad_outputs, create_graph):
    grads = []
    for out, g in zip(outputs, grad_outputs):
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if out._data.dtype.kind != "f":
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                   f"{out.dtype}")
            g = out._data.__array_namespace__().ones_like(out._data) if hasattr(
                out._data, "__array_namespace__") else out._data * 0 + 1
        elif isinstance(g, Tensor):
            if g.shape != out.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {g.shape} and output[0] has a "
                                   f"shape of {out.shape}.")
            g = g if create_graph else g._data
        else:
            raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
        grads.append(Tensor._wrap(g) if create_graph and not isinstance(g, Tensor) else g)
    return grads


def _as_seq(x):
    if x is None:
        return None
    return (x,) if isinstance(x, Tensor) else tuple(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate the gradient of ``tensors`` into the ``.grad`` of the leaves that produced them."""
    tensors = _as_seq(tensors)
    grad_tensors = _as_seq(grad_tensors) or (None,) * len(tensors)
    for t in tensors:
        if not t.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    if retain_graph is None:
        retain_graph = create_graph
    grads = _seed_grads(tensors, grad_tensors, create_graph)
    if inputs is not None:
        inputs = _as_seq(inputs)
        found = run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, allow_unused=True)
        for t, g in zip(inputs, found):
            if g is not None:
                g = g if isinstance(g, Tensor) else Tensor._wrap(g.copy())
                t.grad = g if t.grad is None else t.grad + g
        return
    run_backward(tensors, grads, retain_graph, create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """Return d(outputs)/d(inputs) without touching any ``.grad``."""
    outputs, inputs = _as_seq(outputs), _as_seq(inputs)
    grad_outputs = _as_seq(grad_outputs) or (None,) * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    for t in outputs:
        if not t.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    grads = _seed_grads(outputs, grad_outputs, create_graph)
    found = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                         allow_unused=bool(allow_unused) or materialize_grads)
    result = []
    for t, g in zip(inputs, found):
        if g is None:
            result.append(Tensor._wrap(t._data * 0) if materialize_grads else None)
        else:
            result.append(g if isinstance(g, Tensor) else Tensor._wrap(g))
    return tuple(result)


from .function import Function  # noqa: E402
from .gradcheck import gradcheck, gradgradcheck  # noqa: E402
from .variable import Variable  # noqa: E402

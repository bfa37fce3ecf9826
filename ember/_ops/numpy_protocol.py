"""NumPy's dispatch protocols for Tensors.

Backward formulas are written with NumPy functions. Handed Tensors (when the
engine runs with ``create_graph=True``), NumPy forwards each call here and it
runs as the matching Ember op, so the formula records a graph of its own.
"""
import numpy as np

from .._arraylib import from_np
from .._tensor import Tensor
from . import registry

# ufuncs of ops that declare their API through the registry map themselves (``declare(ufunc=...)``)
_UFUNCS = registry.UFUNCS
_UFUNCS.update({
    "add": "add", "subtract": "sub", "multiply": "mul", "true_divide": "true_divide", "divide": "true_divide",
    "power": "pow", "matmul": "matmul", "sign": "sign", "absolute": "abs", "maximum": "maximum",
    "minimum": "minimum", "greater": "gt", "greater_equal": "ge", "less": "lt", "less_equal": "le",
    "equal": "eq", "not_equal": "ne", "square": "square", "logical_not": "logical_not",
    "rint": "round", "arctan2": "atan2", "hypot": "hypot", "fmax": "fmax", "fmin": "fmin",
    "remainder": "remainder", "fmod": "fmod", "floor_divide": "floor_divide", "isnan": "isnan", "isinf": "isinf",
    "isfinite": "isfinite", "logical_and": "logical_and", "logical_or": "logical_or", "logical_xor": "logical_xor",
    "bitwise_and": "bitwise_and", "bitwise_or": "bitwise_or", "bitwise_xor": "bitwise_xor", "invert": "bitwise_not",
})


def _scalarize(x):
    return x.item() if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _fn(name):
    return registry.FUNCTIONS[name]


def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
    """NumPy ufuncs on Tensors run as Ember ops."""
    name = _UFUNCS.get(ufunc.__name__)
    if method != "__call__" or name is None:
        return NotImplemented  # NumPy then raises TypeError naming the ufunc
    if kwargs:
        raise TypeError(f"Ember cannot record numpy.{ufunc.__name__} called with {', '.join(sorted(kwargs))}=")
    args = [x if isinstance(x, Tensor) else _scalarize(x) for x in inputs]
    args = [Tensor._wrap(x) if isinstance(x, np.ndarray) else x for x in args]
    return _fn(name)(*args)


def _dtype(dtype):
    return None if dtype is None else from_np(np.dtype(dtype))


# Each takes exactly the arguments it honours: anything else is a TypeError, never silently dropped.
_FUNCTIONS = {
    np.where: lambda condition, x, y: _fn("where")(condition, x, y),
    np.broadcast_to: lambda array, shape: array.expand(*shape),
    np.expand_dims: lambda a, axis: a.unsqueeze(axis),
    np.swapaxes: lambda a, axis1, axis2: a.transpose(axis1, axis2),
    np.zeros_like: lambda a, dtype=None: _fn("zeros_like")(a, dtype=_dtype(dtype)),
    np.ones_like: lambda a, dtype=None: _fn("ones_like")(a, dtype=_dtype(dtype)),
    np.sum: lambda a, axis=None, keepdims=False: a.sum(axis, keepdims),
    np.reshape: lambda a, shape: a.reshape(shape),
    np.flip: lambda m, axis: m.flip(axis),
    np.cumsum: lambda a, axis: _fn("cumsum")(a, axis),
    np.cumprod: lambda a, axis: _fn("cumprod")(a, axis),
    np.einsum: lambda subscripts, *operands, optimize=False: _fn("einsum")(subscripts, *operands),
    np.take_along_axis: lambda arr, indices, axis: _fn("gather")(arr, axis, indices),
}


def __array_function__(self, func, types, args, kwargs):
    """NumPy functions on Tensors run as Ember ops."""
    impl = _FUNCTIONS.get(func)
    if impl is None:
        raise RuntimeError(f"Ember cannot differentiate through numpy.{func.__name__} (double backward of an op "
                           "whose derivative is not written in differentiable operations)")
    args = [Tensor._wrap(x) if isinstance(x, np.ndarray) else x for x in args]
    return impl(*args, **kwargs)


TENSOR_METHODS = dict(__array_ufunc__=__array_ufunc__, __array_function__=__array_function__)

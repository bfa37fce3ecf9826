"""NumPy's dispatch protocols for Tensors.

Backward formulas are written with NumPy functions. Handed Tensors (when the
engine runs with ``create_graph=True``), NumPy forwards each call here and it
runs as the matching Ember op, so the formula records a graph of its own.
"""
import numpy as np

import ember

from .._tensor import Tensor

_UFUNCS = {
    "add": "add", "subtract": "sub", "multiply": "mul", "true_divide": "true_divide", "divide": "true_divide",
    "negative": "neg", "power": "pow", "exp": "exp", "log": "log", "matmul": "matmul", "sqrt": "sqrt",
    "sin": "sin", "cos": "cos", "tanh": "tanh", "sign": "sign", "absolute": "abs", "maximum": "maximum",
    "minimum": "minimum", "greater": "gt", "greater_equal": "ge", "less": "lt", "less_equal": "le",
    "equal": "eq", "not_equal": "ne", "reciprocal": "reciprocal", "log1p": "log1p", "expm1": "expm1",
    "square": "square", "floor": "floor", "ceil": "ceil", "logical_not": "logical_not",
    "exp2": "exp2", "log2": "log2", "log10": "log10", "tan": "tan", "arcsin": "asin", "arccos": "acos",
    "arctan": "atan", "sinh": "sinh", "cosh": "cosh", "trunc": "trunc", "rint": "round", "arctan2": "atan2",
    "hypot": "hypot", "fmax": "fmax", "fmin": "fmin", "remainder": "remainder", "fmod": "fmod",
    "floor_divide": "floor_divide", "isnan": "isnan", "isinf": "isinf", "isfinite": "isfinite",
    "logical_and": "logical_and", "logical_or": "logical_or", "logical_xor": "logical_xor",
    "bitwise_and": "bitwise_and", "bitwise_or": "bitwise_or", "bitwise_xor": "bitwise_xor", "invert": "bitwise_not",
}


def _scalarize(x):
    return x.item() if isinstance(x, np.ndarray) and x.ndim == 0 else x


def array_ufunc(ufunc, method, inputs, kwargs):
    name = _UFUNCS.get(ufunc.__name__)
    if method != "__call__" or name is None or kwargs.get("out") is not None:
        return NotImplemented
    args = [x if isinstance(x, Tensor) else _scalarize(x) for x in inputs]
    args = [Tensor._wrap(x) if isinstance(x, np.ndarray) else x for x in args]
    return getattr(ember, name)(*args)


def _where(cond, a, b):
    return ember.where(cond, a, b)


_FUNCTIONS = {
    np.where: _where,
    np.broadcast_to: lambda a, shape: a.expand(*shape) if isinstance(a, Tensor) else np.broadcast_to(a, shape),
    np.expand_dims: lambda a, axis: a.unsqueeze(axis),
    np.swapaxes: lambda a, x, y: a.transpose(x, y),
    np.zeros_like: lambda a, dtype=None: ember.zeros_like(a),
    np.ones_like: lambda a, dtype=None: ember.ones_like(a),
    np.sum: lambda a, axis=None, keepdims=False, **kw: a.sum(axis, keepdims),
    np.reshape: lambda a, shape, **kw: a.reshape(shape),
    np.flip: lambda a, axis: a.flip(axis),
    np.cumsum: lambda a, axis, **kw: ember.cumsum(a, axis),
    np.cumprod: lambda a, axis, **kw: ember.cumprod(a, axis),
    np.einsum: lambda equation, *operands, **kw: ember.einsum(equation, *operands),
    np.take_along_axis: lambda a, indices, axis: ember.gather(a, axis, indices),
}


def array_function(func, args, kwargs):
    impl = _FUNCTIONS.get(func)
    if impl is None:
        raise RuntimeError(f"Ember cannot differentiate through numpy.{func.__name__} (double backward of an op "
                           "whose derivative is not written in differentiable operations)")
    args = [Tensor._wrap(x) if isinstance(x, np.ndarray) else x for x in args]
    return impl(*args, **kwargs)

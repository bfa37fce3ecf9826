"""Reductions over dims: sum, mean and friends."""
import numpy as np

from .. import _backend as B
from .._tensor import Tensor
from .op import Op


def dims(t, dim):
    """Normalise ``dim`` (None, int, or sequence) to an axis tuple or None, checking the range."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        return tuple(t._dim(d) for d in dim) if dim else None
    return (t._dim(dim),)


def expand_back(g, shape, axes, keepdim):
    """Broadcast a reduced gradient back over the reduced axes."""
    if axes is not None and not keepdim:
        g = g.reshape(tuple(1 if i in axes else s for i, s in enumerate(shape)))
    elif axes is None and not keepdim:
        g = g.reshape((1,) * len(shape))
    return np.broadcast_to(g, shape)


class Sum(Op):
    def forward(ctx, a, axes=None, keepdim=False, dtype=None):
        ctx.shape, ctx.axes, ctx.keepdim = a.shape, axes, keepdim
        return a.sum(axis=axes, keepdims=keepdim, dtype=dtype)

    def backward(ctx, g):
        return expand_back(g, ctx.shape, ctx.axes, ctx.keepdim)


class Mean(Op):
    def forward(ctx, a, axes=None, keepdim=False):
        ctx.shape, ctx.axes, ctx.keepdim = a.shape, axes, keepdim
        ctx.n = a.size if axes is None else int(np.prod([a.shape[i] for i in axes]))
        return a.mean(axis=axes, keepdims=keepdim)

    def backward(ctx, g):
        return expand_back(g / ctx.n, ctx.shape, ctx.axes, ctx.keepdim)


def sum(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    axes = dims(input, axis if dim is None else dim)
    keepdim = keepdims if keepdims is not None else keepdim
    if dtype is None and input._data.dtype.kind in "bi" and input._data.dtype != np.int64 or (
            dtype is None and input._data.dtype.kind == "u"):
        dtype = B.int64  # PyTorch sums integers and bools in int64
    return Sum.apply(input, axes=axes, keepdim=keepdim, dtype=None if dtype is None else B.to_dtype(dtype).np)


def mean(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                           f"or complex dtype. Got: {input.dtype_short()}")
    keepdim = keepdims if keepdims is not None else keepdim
    return Mean.apply(input, axes=dims(input, axis if dim is None else dim), keepdim=keepdim)


TENSOR_METHODS = dict(sum=sum, mean=mean)
FUNCTIONS = dict(sum=sum, mean=mean)

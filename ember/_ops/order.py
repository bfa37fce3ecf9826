"""Ops that pick elements by their order: max/min, amax/amin, argmax/argmin, median, kthvalue, sort, topk.

Those that return values with their indices give the named tuples of ``ember.return_types``."""
import numpy as np

from .. import return_types
from .._arraylib import get_array_module
from .._tensor import Tensor
from .arithmetic import maximum, minimum
from .op import Op, array_of
from .reduction import axis_of, dims, unreduce

_wrap = Tensor._wrap
_new_tuple = tuple.__new__


def _as_vector(a, keepdim=False):
    """A 0-dim tensor is picked from as a 1-element vector (the result stays 0-dim: no keepdim)."""
    return (a.reshape(1), False) if a.ndim == 0 else (a, keepdim)


# ----------------------------------------------------------------- reductions to the extreme value


class _Extreme(Op):
    """A result that some elements equal (amax, max(), median()): the gradient is shared evenly among them."""

    def backward(ctx, g):
        a, out = ctx.saved_tensors
        hit = array_of(a) == array_of(unreduce(out, a.shape, ctx.axes, ctx.keepdim))  # a constant mask
        share = unreduce(g, a.shape, ctx.axes, ctx.keepdim) / hit.sum(axis=ctx.axes, keepdims=True)
        return np.where(hit, share, 0)


class Amax(_Extreme):
    def forward(ctx, a, axes=None, keepdim=False):
        ctx.axes, ctx.keepdim = axes, keepdim
        out = get_array_module(a).asarray(a.max(axis=axes, keepdims=keepdim))  # saved: an array, not a scalar
        ctx.save_for_backward(a, out)
        return out


class Amin(_Extreme):
    def forward(ctx, a, axes=None, keepdim=False):
        ctx.axes, ctx.keepdim = axes, keepdim
        out = get_array_module(a).asarray(a.min(axis=axes, keepdims=keepdim))
        ctx.save_for_backward(a, out)
        return out


class MaxAll(Amax):
    backward_name = "MaxBackward1"


class MinAll(Amin):
    backward_name = "MinBackward1"


class MedianAll(_Extreme):
    backward_name = "MedianBackward0"

    def forward(ctx, a):
        ctx.axes, ctx.keepdim = None, False
        # the lower of the two middle values, as PyTorch; nan for no values
        xp = get_array_module(a)
        out = xp.asarray(xp.sort(a, axis=None)[(a.size - 1) // 2] if a.size else np.nan, a.dtype)
        ctx.save_for_backward(a, out)
        return out


def _extreme(op, input, axes, keepdim, what):
    try:
        return op.apply(input, axes=axes, keepdim=keepdim)
    except ValueError:  # NumPy: zero-size array to reduction operation
        if axes is None:
            raise RuntimeError(f"{what}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
                               "the reduction dim with the 'dim' argument.") from None
        empty = next(d for d in axes if input._data.shape[d] == 0)
        raise IndexError(f"{what}(): Expected reduction dim {empty} to have non-zero size.") from None


def amax(input, dim=(), keepdim=False):
    """The largest values over ``dim`` (all dimensions by default); the gradient is shared among ties."""
    return _extreme(Amax, input, dims(input, dim), keepdim, "amax")


def amin(input, dim=(), keepdim=False):
    """The smallest values over ``dim`` (all dimensions by default); the gradient is shared among ties."""
    return _extreme(Amin, input, dims(input, dim), keepdim, "amin")


# ----------------------------------------------------------------- one element picked along a dim


class _Pick(Op):
    """Values picked at one index along ``axis`` (max(dim), median(dim), kthvalue): the gradient goes there."""

    def picked(ctx, a, axis, values, index, keepdim):
        """Finish forward, remembering where the values came from (``index`` has the values' shape)."""
        index = get_array_module(a).asarray(index, np.int64)  # an array even when NumPy gave a scalar
        ctx.shape, ctx.axis, ctx.keepdim, ctx.index = a.shape, axis, keepdim, index
        return values, index

    def backward(ctx, g, _):
        shape, axis, index = ctx.shape, ctx.axis, ctx.index
        if not ctx.keepdim:
            g, index = np.expand_dims(g, axis), np.expand_dims(index, axis)
        n = shape[axis]
        positions = get_array_module(index).arange(n).reshape((n,) + (1,) * (len(shape) - axis - 1))
        return np.where(positions == index, g, 0)


class MaxDim(_Pick):
    backward_name = "MaxBackward0"

    def forward(ctx, a, axis, keepdim=False):
        a, keepdim = _as_vector(a, keepdim)
        index = a.argmax(axis=axis, keepdims=keepdim)
        return ctx.picked(a, axis, _at_index(a, axis, index, keepdim, a.max), index, keepdim)


class MinDim(_Pick):
    backward_name = "MinBackward0"

    def forward(ctx, a, axis, keepdim=False):
        a, keepdim = _as_vector(a, keepdim)
        index = a.argmin(axis=axis, keepdims=keepdim)
        return ctx.picked(a, axis, _at_index(a, axis, index, keepdim, a.min), index, keepdim)


def _at_index(a, axis, index, keepdim, reduce):
    """The values of a max/min along ``axis`` from their indices: for a matrix, one gather, which on
    small arrays costs less than NumPy's reduction; otherwise the reduction itself."""
    if a.ndim == 2 and not keepdim and type(a) is np.ndarray:
        rows = np.arange(index.shape[0])
        return a[rows, index] if axis == 1 else a[index, rows]
    return reduce(axis=axis, keepdims=keepdim)


class Kthvalue(_Pick):
    def forward(ctx, a, k, axis, keepdim=False):
        a, keepdim = _as_vector(a, keepdim)
        index = np.take(np.argsort(a, axis=axis, kind="stable"), [k - 1], axis=axis)
        values = np.take_along_axis(a, index, axis)
        if not keepdim:
            values, index = values.squeeze(axis), index.squeeze(axis)
        return ctx.picked(a, axis, values, index, keepdim)


class MedianDim(Kthvalue):
    backward_name = "MedianBackward1"

    def forward(ctx, a, axis, keepdim=False):
        n = a.shape[axis] if a.ndim else 1
        return Kthvalue.forward(ctx, a, (n + 1) // 2, axis, keepdim)


def _pick(op, input, dim, keepdim, what, **params):
    axis = axis_of(input, dim)
    if input._data.ndim and input._data.shape[axis] == 0:
        raise IndexError(f"{what}(): Expected reduction dim {axis} to have non-zero size.")
    # tuple.__new__ builds the named tuple without its Python-level constructor
    return _new_tuple(getattr(return_types, what), op.apply(input, axis=axis, keepdim=keepdim, **params))


def max(input, dim=None, keepdim=False):
    """The largest element; along ``dim``, ``(values, indices)``; with a tensor second argument, the elementwise
    :func:`ember.maximum`."""
    if isinstance(dim, Tensor):
        return maximum(input, dim)
    if dim is None:
        return _extreme(MaxAll, input, None, False, "max")
    return _pick(MaxDim, input, dim, keepdim, "max")


def min(input, dim=None, keepdim=False):
    """The smallest element; along ``dim``, ``(values, indices)``; with a tensor second argument, the elementwise
    :func:`ember.minimum`."""
    if isinstance(dim, Tensor):
        return minimum(input, dim)
    if dim is None:
        return _extreme(MinAll, input, None, False, "min")
    return _pick(MinDim, input, dim, keepdim, "min")


def median(input, dim=None, keepdim=False):
    """The lower median of all elements, or along ``dim`` as ``(values, indices)``."""
    if dim is None:
        return MedianAll.apply(input)
    return _pick(MedianDim, input, dim, keepdim, "median")


def kthvalue(input, k, dim=-1, keepdim=False):
    """The ``k``-th smallest value along ``dim`` (``k`` counts from 1) and its index, as
    ``(values, indices)``."""
    axis = axis_of(input, dim)
    n = input._data.shape[axis] if input._data.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}")
    return _pick(Kthvalue, input, dim, keepdim, "kthvalue", k=k)


def _arg(reduce, input, dim, keepdim, what):
    a = input._data
    if a.dtype == np.bool_:
        raise RuntimeError(f"{what}(): does not support bool input")
    if dim is None:
        if a.size == 0:
            raise IndexError(f"{what}(): Expected reduction dim to be specified for input.numel() == 0.")
        r = reduce(a.reshape(-1))
        return _wrap(get_array_module(a).full((1,) * a.ndim if keepdim else (), r, np.int64))
    axis = axis_of(input, dim)
    if a.ndim == 0:
        return _wrap(get_array_module(a).zeros((), np.int64))
    if a.shape[axis] == 0:
        raise IndexError(f"{what}(): Expected reduction dim {axis} to have non-zero size.")
    index = reduce(a, axis=axis, keepdims=keepdim)  # a NumPy scalar for a 1-D input
    return _wrap(get_array_module(a).asarray(index, np.int64))


def argmax(input, dim=None, keepdim=False):
    """The index of the largest element, of the flattened tensor or along ``dim`` (the first among ties)."""
    return _arg(np.argmax, input, dim, keepdim, "argmax")


def argmin(input, dim=None, keepdim=False):
    """The index of the smallest element, of the flattened tensor or along ``dim`` (the first among ties)."""
    return _arg(np.argmin, input, dim, keepdim, "argmin")


# ----------------------------------------------------------------- sorting


def _order(a, axis, descending):
    """Stable sorting indices; descending keeps equal elements in their original order (and NaN first)."""
    if not descending:
        return np.argsort(a, axis=axis, kind="stable")
    n = a.shape[axis]
    # sort the reversed array ascending, then read it backwards: ties come out in original order
    return (n - 1) - np.flip(np.argsort(np.flip(a, axis), axis=axis, kind="stable"), axis)


class _Scatter(Op):
    """Values gathered at indices along ``axis`` (sort, topk): each gradient goes back to its index."""

    def gather(ctx, a, index, axis, shape):
        """Finish forward: values at ``index`` of the (0-dim: 1-element) ``a``, both in the output ``shape``."""
        ctx.shape, ctx.dtype, ctx.axis, ctx.index = a.shape, a.dtype, axis, index
        return np.take_along_axis(a, index, axis).reshape(shape), index.reshape(shape)

    def backward(ctx, g, _):
        # each input element reads the gradient of the output slot it went to; topk leaves some unselected
        index, axis = ctx.index, ctx.axis
        k = index.shape[axis]
        xp = get_array_module(index)
        if k == 0:
            return xp.zeros(ctx.shape, ctx.dtype)
        slot = xp.zeros(ctx.shape, np.int64)
        np.put_along_axis(slot, index, xp.arange(k).reshape((k,) + (1,) * (index.ndim - axis - 1)), axis)
        grad = np.take_along_axis(g.reshape(index.shape), slot, axis)
        if k == ctx.shape[axis]:
            return grad
        selected = xp.zeros(ctx.shape, bool)
        np.put_along_axis(selected, index, True, axis)
        return np.where(selected, grad, 0)


class Sort(_Scatter):
    def forward(ctx, a, axis, descending=False):
        shape, (a, _) = a.shape, _as_vector(a)
        return ctx.gather(a, _order(a, axis, descending), axis, shape)


class Topk(_Scatter):
    def forward(ctx, a, k, axis, largest=True):
        ndim, (a, _) = a.ndim, _as_vector(a)
        index = np.take(_order(a, axis, largest), get_array_module(a).arange(k), axis=axis)
        return ctx.gather(a, index, axis, index.shape if ndim else ())


# Ember always sorts stably, so ``stable`` needs no handling
def sort(input, dim=-1, descending=False, *, stable=False):
    """The values sorted along ``dim`` and their original indices, as ``(values, indices)``. Ember's sort is
    always stable, whatever ``stable`` says."""
    return return_types.sort(*Sort.apply(input, axis=axis_of(input, dim), descending=descending))


def argsort(input, dim=-1, descending=False, *, stable=False):
    """The indices that sort ``input`` along ``dim`` (stably)."""
    a = input._data
    return _wrap(_order(a.reshape(-1) if a.ndim == 0 else a, axis_of(input, dim), descending).reshape(a.shape))


def topk(input, k, dim=-1, largest=True, sorted=True):
    """The ``k`` largest (or smallest, with ``largest=False``) values along ``dim`` and their indices, as
    ``(values, indices)``, sorted."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    axis = axis_of(input, dim)
    if not 0 <= k <= (input._data.shape[axis] if input._data.ndim else 1):
        raise RuntimeError("selected index k out of range")
    return return_types.topk(*Topk.apply(input, k=k, axis=axis, largest=largest))


TENSOR_METHODS = dict(max=max, min=min, amax=amax, amin=amin, argmax=argmax, argmin=argmin, median=median,
                      kthvalue=kthvalue, sort=sort, argsort=argsort, topk=topk)
FUNCTIONS = dict(TENSOR_METHODS)

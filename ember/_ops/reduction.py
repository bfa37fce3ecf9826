"""Reductions over dims (sum, mean, prod, std/var, logsumexp, norm, all/any) and scans (cumsum, cumprod).

Ops that pick elements by their order (max/min, argmax, sort, topk, median) live in ``order.py``."""
import math

import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from .op import Op, array_of

_wrap = Tensor._wrap
_INTEGRAL = "biu"


# ----------------------------------------------------------------- dims and gradients


def dims(t, dim):
    """Normalise ``dim`` (None, int, or sequence) to an axis tuple, or None for all dims.

    An empty sequence means all dims, as in PyTorch; a 0-dim tensor reduces over ``()``."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        if not dim:
            return tuple(range(t._data.ndim))
        axes = tuple(t._dim(d) for d in dim)
        if len(set(axes)) != len(axes):
            dup = next(a for a in axes if axes.count(a) > 1)
            raise RuntimeError(f"dim {dup} appears multiple times in the list of dims")
    else:
        axes = (t._dim(dim),)
    return axes if t._data.ndim else ()


def axis_of(t, dim):
    """One dim as a NumPy axis; a 0-dim tensor counts as a 1-element vector (the forward reshapes it)."""
    return t._dim(dim)


def unreduce(g, shape, axes, keepdim):
    """Give a reduced result back the reduced axes as size-1 dims (the ``keepdim=True`` shape)."""
    if keepdim:
        return g
    if axes is None:
        return g.reshape((1,) * len(shape))
    return g.reshape(tuple(1 if i in axes else s for i, s in enumerate(shape)))


def expand_back(g, shape, axes, keepdim):
    """Broadcast a reduced gradient back over the reduced axes."""
    return np.broadcast_to(unreduce(g, shape, axes, keepdim), shape)


def count(shape, axes):
    """How many elements each output of a reduction over ``axes`` summarises."""
    return math.prod(shape if axes is None else (shape[i] for i in axes))


def _int64_if_integral(t, dtype):
    """PyTorch sums and multiplies integers and bools in int64 unless told otherwise."""
    if dtype is not None:
        return B.to_dtype(dtype).np
    return np.int64 if t._data.dtype.kind in _INTEGRAL else None


# ----------------------------------------------------------------- sum, mean, prod

_add_reduce = np.add.reduce


class Sum(Op):
    def forward(ctx, a, axes=None, keepdim=False, dtype=None):
        ctx.shape, ctx.axes, ctx.keepdim = a.shape, axes, keepdim
        if type(a) is np.ndarray:  # the ufunc's reduce directly: NumPy's Python wrapper costs more on small arrays
            return _add_reduce(a, axes, dtype, None, keepdim)
        return a.sum(axis=axes, keepdims=keepdim, dtype=dtype)

    def backward(ctx, g):
        return expand_back(g, ctx.shape, ctx.axes, ctx.keepdim)

    def name(self):
        return "SumBackward0" if self.axes is None else "SumBackward1"


class Mean(Op):
    def forward(ctx, a, axes=None, keepdim=False):
        ctx.shape, ctx.axes, ctx.keepdim = a.shape, axes, keepdim
        acc = np.float32 if a.dtype == np.float16 else None  # half precision sums drift: accumulate in float
        out = a.sum(axis=axes, keepdims=keepdim, dtype=acc) / count(a.shape, axes)  # ndarray.mean is slower
        return out if acc is None else out.astype(a.dtype)

    def backward(ctx, g):
        return expand_back(g / count(ctx.shape, ctx.axes), ctx.shape, ctx.axes, ctx.keepdim)

    def name(self):
        return "MeanBackward0" if self.axes is None else "MeanBackward1"


class Prod(Op):
    def forward(ctx, a, axis=None, keepdim=False, dtype=None):
        if a.ndim == 0:
            axis = None
        ctx.axis, ctx.keepdim = axis, keepdim
        out = a.prod(axis=axis, keepdims=keepdim, dtype=dtype)
        out = B.get_array_module(a).asarray(out)  # saved: an array, not a scalar
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, g):
        a, out = ctx.saved_tensors
        axis = ctx.axis
        g = unreduce(g, a.shape, None if axis is None else (axis,), ctx.keepdim)
        if axis is None:
            return g * _others_product(a.reshape(-1), out.reshape(1), 0).reshape(a.shape)
        return g * _others_product(a, unreduce(out, a.shape, (axis,), ctx.keepdim), axis)

    def name(self):
        return "ProdBackward0" if self.axis is None else "ProdBackward1"


def _others_product(a, out, axis):
    """The product of all other elements along ``axis`` (``out`` is the product with keepdim): the
    derivative of prod, exact with zeros and differentiable again."""
    zero = array_of(a) == 0
    if not zero.any():
        return out / a
    # In a slice with a zero, take its first zero z as 1 (b): z's result is b's product, and every
    # other element's is a_z (zero, but not to differentiate) times its product of others in b.
    n = a.shape[axis]
    pos = B.get_array_module(zero).arange(n).reshape((n,) + (1,) * (a.ndim - axis - 1))
    has_zero = zero.any(axis=axis, keepdims=True)
    at = pos == np.where(has_zero, zero.argmax(axis=axis, keepdims=True), n)
    b = np.where(at, 1, a)
    prod_b = b.prod(axis=axis, keepdims=True)
    a_z = np.where(at, a, 0).sum(axis=axis, keepdims=True)
    with_zero = np.where(at, prod_b, a_z * _others_product(b, prod_b, axis))
    return np.where(has_zero, with_zero, out / np.where(zero, 1, a))


def sum(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """The sum over ``dim`` (one, several, or all dimensions when None); integers and bools sum in int64
    unless ``dtype`` is given."""
    axes = dims(input, axis if dim is None else dim)
    keepdim = keepdims if keepdims is not None else keepdim
    return Sum.apply(input, axes=axes, keepdim=keepdim, dtype=_int64_if_integral(input, dtype))


def mean(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """The mean over ``dim`` (all dimensions when None), of a floating-point or complex input (or one cast
    to ``dtype``)."""
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind not in "fc":
        raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                           f"or complex dtype. Got: {input.dtype_short()}")
    keepdim = keepdims if keepdims is not None else keepdim
    return Mean.apply(input, axes=dims(input, axis if dim is None else dim), keepdim=keepdim)


def prod(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """The product of all elements, or along the one dimension ``dim``; integers and bools multiply in int64
    unless ``dtype`` is given."""
    dim = axis if dim is None else dim
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"prod() received an invalid combination of arguments - got ({type(dim).__name__}), "
                        "but expected (int dim, bool keepdim = False, *, torch.dtype dtype = None)")
    keepdim = keepdims if keepdims is not None else keepdim
    return Prod.apply(input, axis=None if dim is None else axis_of(input, dim), keepdim=keepdim,
                      dtype=_int64_if_integral(input, dtype))


# ----------------------------------------------------------------- spread


class Var(Op):
    def forward(ctx, a, axes=None, correction=1, keepdim=False):
        ctx.axes, ctx.correction, ctx.keepdim = axes, correction, keepdim
        ctx.save_for_backward(a)
        return a.var(axis=axes, ddof=correction, keepdims=keepdim)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return _centered(a, ctx) * unreduce(g * 2, a.shape, ctx.axes, ctx.keepdim)


class Std(Op):
    def forward(ctx, a, axes=None, correction=1, keepdim=False):
        ctx.axes, ctx.correction, ctx.keepdim = axes, correction, keepdim
        out = B.get_array_module(a).asarray(np.sqrt(a.var(axis=axes, ddof=correction, keepdims=keepdim)))
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, g):
        a, out = ctx.saved_tensors
        g = g / np.where(out == 0, np.inf, out)  # a constant slice has gradient 0 as in PyTorch, not nan
        return _centered(a, ctx) * unreduce(g, a.shape, ctx.axes, ctx.keepdim)


def _centered(a, ctx):
    """(a - mean) / (n - correction): the derivative of the variance, halved."""
    return (a - a.mean(axis=ctx.axes, keepdims=True)) / (count(a.shape, ctx.axes) - ctx.correction)


def _spread(op, input, dim, unbiased, keepdim, correction):
    if input._data.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if isinstance(dim, bool):  # std(x, True): the legacy positional ``unbiased``
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return op.apply(input, axes=dims(input, dim), correction=correction, keepdim=keepdim)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The variance over ``dim`` with ``correction`` (1 by default; the legacy ``unbiased`` flag also works)."""
    return _spread(Var, input, dim, unbiased, keepdim, correction)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The standard deviation over ``dim`` with ``correction`` (1 by default; the legacy ``unbiased`` flag also
    works)."""
    return _spread(Std, input, dim, unbiased, keepdim, correction)


# ----------------------------------------------------------------- logsumexp and norms


class Logsumexp(Op):
    def forward(ctx, a, axes=None, keepdim=False):
        ctx.axes, ctx.keepdim = axes, keepdim
        # shift by the max so exp cannot overflow; an infinite max (all -inf, or +inf) shifts by 0
        m = np.max(a, axis=axes, keepdims=True, initial=-np.inf)
        m = np.where(np.isfinite(m), m, 0)
        with np.errstate(divide="ignore"):  # log(0) = -inf is the answer for empty or all -inf slices
            out = np.log(np.exp(a - m).sum(axis=axes, keepdims=True)) + m
        if not keepdim:
            out = out.squeeze(axis=axes)
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, g):
        a, out = ctx.saved_tensors
        return unreduce(g, a.shape, ctx.axes, ctx.keepdim) * np.exp(a - unreduce(out, a.shape, ctx.axes,
                                                                                 ctx.keepdim))


def logsumexp(input, dim, keepdim=False):
    """``log(sum(exp(input)))`` over ``dim``, computed without overflow; integer inputs give the default
    float dtype."""
    if input._data.dtype.kind != "f":
        input = input.to(B.get_default_dtype())
    return Logsumexp.apply(input, axes=dims(input, dim), keepdim=keepdim)


class LinalgVectorNorm(Op):
    def forward(ctx, a, p=2.0, axes=None, keepdim=False):
        ctx.p, ctx.axes, ctx.keepdim = p, axes, keepdim
        r = dict(axis=axes, keepdims=keepdim)
        if p == 2:
            out = np.sqrt((a * a).sum(**r))
        elif p == 1:
            out = np.abs(a).sum(**r)
        elif p == np.inf:
            out = np.abs(a).max(**r, initial=0)
        elif p == -np.inf:
            out = np.abs(a).min(**r)
        elif p == 0:
            out = (a != 0).sum(**r, dtype=a.dtype)
        else:
            out = (np.abs(a) ** p).sum(**r) ** (1 / p)
        out = B.get_array_module(a).asarray(out)
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, g):
        a, out = ctx.saved_tensors
        p = ctx.p
        g = unreduce(g, a.shape, ctx.axes, ctx.keepdim)
        if p == 0:
            return None
        if p == 1:
            return g * np.sign(a)
        out = unreduce(out, a.shape, ctx.axes, ctx.keepdim)
        if p in (np.inf, -np.inf):  # like amax: shared evenly by the elements that reach it
            hit = np.abs(array_of(a)) == array_of(out)
            return np.sign(a) * np.where(hit, g / hit.sum(axis=ctx.axes, keepdims=True), 0)
        safe = np.where(out == 0, np.inf, out)  # the gradient at a zero norm is 0, as in PyTorch
        if p == 2:
            return g * a / safe
        return np.where(a == 0, 0, g * a * np.abs(a) ** (p - 2) / safe ** (p - 1))


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The ``p``-norm over ``dim`` (all elements when None), ``"fro"`` being the 2-norm. Ember supports real
    floating-point inputs, and no ``"nuc"``: see :func:`ember.linalg.norm` for the full function."""
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{input.dtype_short()}")
    if isinstance(p, str):
        if p != "fro":
            raise NotImplementedError(f"norm(p='{p}') is not supported by Ember")
        if isinstance(dim, (tuple, list)) and len(dim) > 2:
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
        p = 2.0
    return LinalgVectorNorm.apply(input, p=float(p), axes=dims(input, dim), keepdim=keepdim)


# ----------------------------------------------------------------- logical and counting


def _logical(reduce, input, dim, keepdim):
    a = input._data
    r = reduce(a, axis=dims(input, dim), keepdims=keepdim)
    dt = np.uint8 if a.dtype == np.uint8 else np.bool_  # uint8 stays uint8 in PyTorch
    return _wrap(B.get_array_module(a).asarray(r, dt))


def all(input, dim=None, keepdim=False):
    """Whether every element (over ``dim``, when given) is nonzero, as bool (uint8 for uint8 input)."""
    return _logical(np.all, input, dim, keepdim)


def any(input, dim=None, keepdim=False):
    """Whether some element (over ``dim``, when given) is nonzero, as bool (uint8 for uint8 input)."""
    return _logical(np.any, input, dim, keepdim)


def count_nonzero(input, dim=None):
    """The number of nonzero elements over ``dim`` (all dimensions when None), as int64."""
    a = input._data
    return _wrap(B.get_array_module(a).asarray(np.count_nonzero(a, axis=dims(input, dim)), np.int64))


# ----------------------------------------------------------------- scans


class Cumsum(Op):
    def forward(ctx, a, axis=0, dtype=None):
        ctx.axis = axis
        return np.cumsum(a, axis=axis, dtype=dtype) if a.ndim else a.astype(dtype or a.dtype)

    def backward(ctx, g):
        return _reverse_cumsum(g, ctx.axis)


def _reverse_cumsum(g, axis):
    """Sums from each position to the end: the gradient of cumsum."""
    if g.ndim == 0:
        return g
    return np.flip(np.cumsum(np.flip(g, axis), axis), axis)


class Cumprod(Op):
    def forward(ctx, a, axis=0, dtype=None):
        ctx.axis = axis
        out = np.cumprod(a, axis=axis, dtype=dtype) if a.ndim else a.astype(dtype or a.dtype)
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, g):
        a, out = ctx.saved_tensors
        return g if a.ndim == 0 else _cumprod_grad(a, out, g, ctx.axis)


def _cumprod_grad(a, out, g, axis):
    """The gradient of ``out = cumprod(a)``: exact with zeros, and differentiable again."""
    zero = array_of(a) == 0
    if not zero.any():
        return _reverse_cumsum(g * out, axis) / a
    # Split each slice at its first zero z. Before z, out_k / a_i is still the product without a_i.
    # From z on every product holds a_z: with b = a where a_z is taken as 1, the gradient at z is
    # sum_{k>=z} g_k * cumprod(b)_k, and after z it is a_z (zero, but not to differentiate) times cumprod(b)'s.
    n = a.shape[axis]
    pos = B.get_array_module(zero).arange(n).reshape((n,) + (1,) * (a.ndim - axis - 1))
    first = np.where(zero.any(axis=axis, keepdims=True), zero.argmax(axis=axis, keepdims=True), n)
    before, at = pos < first, pos == first
    b = np.where(at, 1, a)
    out_b = np.cumprod(b, axis=axis)
    g_before = _reverse_cumsum(g * out, axis) / np.where(before, a, 1)
    g_at = np.where(pos >= first, g * out_b, 0).sum(axis=axis, keepdims=True)
    g_after = np.where(at, a, 0).sum(axis=axis, keepdims=True) * _cumprod_grad(b, out_b, g, axis)
    return np.where(before, g_before, np.where(at, g_at, g_after))


def _scan(op, input, dim, dtype):
    return op.apply(input, axis=axis_of(input, dim), dtype=_int64_if_integral(input, dtype))


def cumsum(input, dim, *, dtype=None, axis=None):
    """Running sums along ``dim``; integers and bools sum in int64 unless ``dtype`` is given."""
    return _scan(Cumsum, input, dim if axis is None else axis, dtype)


def cumprod(input, dim, *, dtype=None):
    """Running products along ``dim``; integers and bools multiply in int64 unless ``dtype`` is given."""
    return _scan(Cumprod, input, dim, dtype)


TENSOR_METHODS = dict(sum=sum, mean=mean, prod=prod, var=var, std=std, logsumexp=logsumexp, norm=norm, all=all,
                      any=any, count_nonzero=count_nonzero, cumsum=cumsum, cumprod=cumprod)
FUNCTIONS = dict(TENSOR_METHODS)

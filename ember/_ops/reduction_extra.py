"""More reductions and scans: the nan-ignoring reductions, quantiles, mode, std/var with the
mean, aminmax, cummax/cummin, logcumsumexp, diff, trapezoid rules, cov and corrcoef.

Where a result is a selection of input elements (medians, quantile end points, running
maxima) the indices are found on the arrays and the values gathered with ``gather``, so
gradients flow to the chosen elements through gather's own backward.
"""
import numpy as np

from .. import _arraylib as B, return_types
from .._tensor import Tensor
from .op import Op
from .promotion import finish
from .join import cat, stack

_wrap = Tensor._wrap


def _float(t):
    return t if t._data.dtype.kind == "f" else t.to(B.get_default_dtype())


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum over ``dim`` (all dimensions when None) counting NaNs as zero."""
    x = input if dtype is None else input.to(dtype)
    if x._data.dtype.kind == "f":
        x = x.masked_fill(x.isnan(), 0)
    return x.sum(dim, keepdim) if dim is not None else x.sum()


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean over ``dim`` (all dimensions when None) of the values that are not NaN."""
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{input.dtype_short()}")
    present = (~input.isnan()).sum(dim, keepdim) if dim is not None else (~input.isnan()).sum()
    return nansum(input, dim, keepdim, dtype=dtype) / present


def _nan_median_indices(a, axis):
    """Index (along ``axis``) of each slice's lower median among its non-NaN values (of the middle
    element where all are NaN, as PyTorch picks)."""
    order = np.argsort(a, axis=axis, kind="stable")  # NaNs sort last
    count = (~np.isnan(a)).sum(axis, keepdims=True)
    count = np.where(count == 0, a.shape[axis], count)
    return np.take_along_axis(order, (count - 1) // 2, axis)


def nanmedian(input, dim=None, keepdim=False):
    """The lower median ignoring NaNs: of all elements as a 0-d tensor, or along ``dim`` as
    ``(values, indices)``. A slice of NaNs only gives NaN."""
    if dim is None:
        flat = input.reshape(-1)
        index = _nan_median_indices(flat._data, 0)
        return flat.gather(0, _wrap(index)).reshape(())
    d = dim % max(input.ndim, 1)
    index = _wrap(_nan_median_indices(input._data, d))
    values = input.gather(d, index)
    if not keepdim:
        values, index = values.squeeze(d), index.squeeze(d)
    return return_types.nanmedian(values, index)


def _spread_and_mean(spread, input, dim, unbiased, keepdim, correction):
    kwargs = dict(keepdim=keepdim, correction=correction) if unbiased is None else dict(keepdim=keepdim)
    if unbiased is not None:
        kwargs["unbiased"] = unbiased
    s = getattr(input, spread)(dim, **kwargs) if dim is not None else getattr(input, spread)(**kwargs)
    m = input.mean(dim, keepdim) if dim is not None else input.mean()
    if keepdim and dim is None:
        m = m.reshape((1,) * input.ndim)
    return s, m


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The standard deviation and the mean over ``dim``, as a tuple (arguments as for :func:`ember.std`)."""
    return _spread_and_mean("std", input, dim, unbiased, keepdim, correction)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The variance and the mean over ``dim``, as a tuple (arguments as for :func:`ember.var`)."""
    return _spread_and_mean("var", input, dim, unbiased, keepdim, correction)


def aminmax(input, *, dim=None, keepdim=False):
    """The minimum and the maximum, of all elements or over ``dim``, as ``(min, max)``."""
    if dim is None:
        return return_types.aminmax(input.amin(), input.amax())
    return return_types.aminmax(input.amin(dim, keepdim), input.amax(dim, keepdim))


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise ValueError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. "
                         f"Got {interpolation}")
    if isinstance(q, Tensor) and q.dtype != input.dtype:
        raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
    scalar_q = not isinstance(q, Tensor) or q.ndim == 0
    q = q if isinstance(q, Tensor) else _wrap(np.asarray(q, input._data.dtype))
    qs = q.reshape(-1)
    if q.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if ((qs._data < 0) | (qs._data > 1)).any():
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    x = input.reshape(-1) if dim is None else input
    d = 0 if dim is None else dim % max(input.ndim, 1)
    a = x._data
    order = np.argsort(a, axis=d, kind="stable")  # NaNs last
    count = (~np.isnan(a)).sum(d, keepdims=True) if ignore_nan else np.full(
        np.take(a, [0], axis=d).shape, a.shape[d])
    undefined = _wrap((count == 0) if ignore_nan else np.isnan(a).any(d, keepdims=True))
    last = _wrap((count - 1).astype(a.dtype))
    results = []
    for i in range(qs.shape[0]):
        pos = qs[i] * last  # a Tensor: the interpolation weight carries q's gradient
        lo, hi = np.floor(pos._data), np.ceil(pos._data)
        if interpolation == "nearest":
            lo = hi = np.round(pos._data)  # round half to even, as PyTorch
        elif interpolation == "lower":
            hi = lo
        elif interpolation == "higher":
            lo = hi
        weight = pos * 0 + 0.5 if interpolation == "midpoint" else pos - _wrap(lo)
        low = x.gather(d, _wrap(np.take_along_axis(order, np.clip(lo, 0, None).astype(np.int64), d)))
        high = x.gather(d, _wrap(np.take_along_axis(order, np.clip(hi, 0, None).astype(np.int64), d)))
        value = (low + (high - low) * weight).masked_fill(undefined, float("nan"))
        results.append(value if keepdim else value.squeeze(d))
    out = stack(results, 0)
    if dim is None and keepdim:
        out = out.reshape((qs.shape[0],) + (1,) * input.ndim)
    return out[0] if scalar_q else out


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The ``q``-th quantiles (a number or a 1-D tensor in [0, 1]) over ``dim`` (of all elements when
    None), between neighbouring values as ``interpolation`` says."""
    return finish(_quantile("quantile", input, q, dim, keepdim, interpolation, False), out)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """Like :func:`ember.quantile`, ignoring NaNs."""
    return finish(_quantile("nanquantile", input, q, dim, keepdim, interpolation, True), out)


def mode(input, dim=-1, keepdim=False):
    """The most frequent value of each slice (the smallest among ties) and its last index."""
    d = dim % max(input.ndim, 1)
    a = np.moveaxis(input._data, d, -1) if input.ndim else input._data.reshape(1)
    rows = a.reshape(-1, a.shape[-1])
    index = np.empty(rows.shape[0], np.int64)
    for r, row in enumerate(rows):
        values, counts = np.unique(row, return_counts=True)
        best = values[np.argmax(counts)]
        index[r] = np.flatnonzero(row == best)[-1]
    index = index.reshape(a.shape[:-1] + (1,))
    index = _wrap(np.moveaxis(index, -1, d) if input.ndim else index.reshape(()))
    if input.ndim == 0:
        return return_types.mode(input.clone(), index)
    values = input.gather(d, index)
    if not keepdim:
        values, index = values.squeeze(d), index.squeeze(d)
    return return_types.mode(values, index)


def _running_index(a, axis, better):
    """Index of the running extreme along ``axis`` (the latest among ties; a NaN, once seen, wins)."""
    a = np.moveaxis(a, axis, -1)
    index = np.zeros(a.shape, np.int64)
    best = a[..., 0].copy()
    current = np.zeros(a.shape[:-1], np.int64)
    for i in range(a.shape[-1]):
        v = a[..., i]
        take = (better(v, best) | (v == best) | np.isnan(v)) & ~(np.isnan(best) & (i > 0))
        best = np.where(take, v, best)
        current = np.where(take, i, current)
        index[..., i] = current
    return np.moveaxis(index, -1, axis)


def _cumulative_extreme(input, dim, better, result):
    if input.ndim == 0:
        return result(input.clone(), _wrap(np.zeros((), np.int64)))
    d = dim % input.ndim
    index = _wrap(_running_index(input._data, d, better))
    return result(input.gather(d, index), index)


def cummax(input, dim):
    """The running maximum along ``dim`` and the index where each was found, as ``(values, indices)``."""
    return _cumulative_extreme(input, dim, np.greater, return_types.cummax)


def cummin(input, dim):
    """The running minimum along ``dim`` and the index where each was found, as ``(values, indices)``."""
    return _cumulative_extreme(input, dim, np.less, return_types.cummin)


class Logcumsumexp(Op):
    def forward(ctx, a, axis):
        ctx.axis = axis
        out = np.logaddexp.accumulate(a, axis=axis)
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, g):
        # dL/da_j = sum over i >= j of g_i exp(a_j - out_i): a reversed log-cumsum-exp of
        # log|g_i| - out_i, taken separately for the positive and negative parts of g
        a, out = ctx.saved_tensors
        ax = ctx.axis
        with np.errstate(divide="ignore"):
            parts = []
            for part in (np.maximum(g, 0), np.maximum(-g, 0)):
                rev = np.flip(np.log(part) - out, ax)
                parts.append(np.exp(a + np.flip(np.logaddexp.accumulate(rev, axis=ax), ax)))
        return parts[0] - parts[1]


def logcumsumexp(input, dim):
    """Running ``log(sum(exp(input)))`` along ``dim``, computed without overflow."""
    x = _float(input)
    if x.ndim == 0:
        return x.clone()
    return Logcumsumexp.apply(x, axis=dim % x.ndim)


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The ``n``-th forward difference along ``dim``, after joining ``prepend`` and ``append`` on either side
    (for bools, exclusive or of neighbours)."""
    d = dim % input.ndim
    x = cat([t for t in (prepend, input, append) if t is not None], d) if (prepend is not None
                                                                         or append is not None) else input
    for _ in range(n):
        size = x.shape[d]
        if x._data.dtype == np.bool_:
            x = x.narrow(d, 1, size - 1) ^ x.narrow(d, 0, size - 1)
        else:
            x = x.narrow(d, 1, max(size - 1, 0)) - x.narrow(d, 0, max(size - 1, 0))
    return x


def _spacing(y, x, dx, d):
    """The widths between samples: dx (1 by default), or the differences of x along the dimension."""
    if x is None:
        return 1.0 if dx is None else dx
    if x.ndim == 1:
        return diff(x).reshape((-1,) + (1,) * (y.ndim - 1 - d))
    return diff(x, dim=d)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The integral of ``y`` along ``dim`` by the trapezoidal rule, with sample points ``x`` or spacing
    ``dx`` (1 by default)."""
    d = dim % y.ndim
    n = y.shape[d]
    if n == 0:
        return y.sum(d)
    pairs = y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)
    h = _spacing(y, x, dx, d)
    return (pairs * h).sum(d) / 2


def trapz(y, x=None, *, dx=None, dim=-1):
    """The older name of :func:`ember.trapezoid`."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """Running integrals of ``y`` along ``dim`` by the trapezoidal rule (one fewer than the
    samples), with sample points ``x`` or spacing ``dx``."""
    d = dim % y.ndim
    n = y.shape[d]
    pairs = y.narrow(d, 1, max(n - 1, 0)) + y.narrow(d, 0, max(n - 1, 0))
    h = _spacing(y, x, dx, d)
    return (pairs * h / 2).cumsum(d)


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows of ``input`` (observations in the columns), with
    ``correction`` and optional frequency and observation weights."""
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                           f"{input.ndim} dimensions")
    x = _float(input.reshape(1, -1) if input.ndim < 2 else input)
    n = x.shape[1]
    w = None
    if fweights is not None:
        w = fweights
    if aweights is not None:
        w = aweights if w is None else w * aweights
    if w is None:
        mean = x.mean(1, keepdim=True)
        total = n
        norm = total - correction
    else:
        w = w.to(x.dtype)
        total = w.sum()
        mean = (x * w).sum(1, keepdim=True) / total
        norm = total - correction * ((w * aweights).sum() / total if aweights is not None else 1)
    centered = x - mean
    weighted = centered if w is None else centered * w
    c = (weighted @ centered.T) / (norm.clamp(min=0) if isinstance(norm, Tensor) else max(norm, 0))
    return c.squeeze() if input.ndim < 2 else c


def corrcoef(input):
    """The Pearson correlation coefficients of the variables in the rows of ``input``."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = c.diagonal()
    stddev = d.sqrt()
    c = c / stddev.unsqueeze(1) / stddev.unsqueeze(0)
    return c.clamp(-1, 1)


FUNCTIONS = dict(nansum=nansum, nanmean=nanmean, nanmedian=nanmedian, std_mean=std_mean, var_mean=var_mean,
                 aminmax=aminmax, quantile=quantile, nanquantile=nanquantile, mode=mode, cummax=cummax,
                 cummin=cummin, logcumsumexp=logcumsumexp, diff=diff, trapezoid=trapezoid, trapz=trapz,
                 cumulative_trapezoid=cumulative_trapezoid, cov=cov, corrcoef=corrcoef)
TENSOR_METHODS = dict(nansum=nansum, nanmean=nanmean, nanmedian=nanmedian, aminmax=aminmax, quantile=quantile,
                      nanquantile=nanquantile, mode=mode, cummax=cummax, cummin=cummin, logcumsumexp=logcumsumexp,
                      diff=diff, cov=cov, corrcoef=corrcoef)

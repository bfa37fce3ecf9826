"""Counting and searching: unique/unique_consecutive, bincount, histc/histogram,
searchsorted/bucketize, isin, and cdist (pairwise distances, with gradients)."""
import numpy as np

from .. import return_types
from .._tensor import Tensor
from .op import Op

_wrap = Tensor._wrap


def _unique_results(values, inverse, counts, return_inverse, return_counts):
    out = [_wrap(values)]
    if return_inverse:
        out.append(_wrap(inverse.astype(np.int64)))
    if return_counts:
        out.append(_wrap(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct elements of ``input`` (or slices along ``dim``), sorted, with the inverse indices and counts on
    request."""
    a = input._data
    if dim is None:
        values, inverse, counts = np.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        return _unique_results(values, inverse.reshape(a.shape), counts, return_inverse, return_counts)
    d = dim % a.ndim
    values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=d)
    return _unique_results(values, inverse.reshape(-1), counts, return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """``input`` with each run of equal consecutive elements (or slices along ``dim``) collapsed to one, with inverse
    indices and counts on request."""
    a = input._data
    moved = a.reshape(-1, 1) if dim is None else np.moveaxis(a, dim % a.ndim, 0).reshape(a.shape[dim], -1)
    n = moved.shape[0]
    if n == 0:
        starts = np.zeros(0, np.int64)
    else:
        starts = np.concatenate([[0], np.flatnonzero((moved[1:] != moved[:-1]).any(1)) + 1])
    counts = np.diff(np.append(starts, n))
    inverse = np.repeat(np.arange(len(starts)), counts)
    if dim is None:
        values, inverse = a.reshape(-1)[starts], inverse.reshape(a.shape)
    else:
        values = np.take(a, starts, axis=dim % a.ndim)
    return _unique_results(values, inverse, counts, return_inverse, return_counts)


def bincount(input, weights=None, minlength=0):
    """How often each value occurs in a 1-D tensor of non-negative integers (or the sum of ``weights`` per value)."""
    a = input._data
    if a.ndim != 1 or a.dtype.kind not in "iu" or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return _wrap(np.bincount(a, minlength=minlength).astype(np.int64))
    w = weights._data
    dtype = np.float32 if w.dtype == np.float32 else np.float64
    return _wrap(np.bincount(a, weights=w.astype(np.float64), minlength=minlength).astype(dtype))


def histc(input, bins=100, min=0, max=0, *, out=None):
    """Counts of ``input``'s elements in ``bins`` equal bins over [``min``, ``max``] (the data's range when both are
    0); ``out`` is ignored."""
    a = input._data
    if a.dtype.kind != "f":
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{input.dtype_short()}'")
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError("max must be larger than min")
    counts, _ = np.histogram(a, bins=bins, range=(lo, hi))
    return _wrap(counts.astype(a.dtype))


def histogram(input, bins, *, range=None, weight=None, density=False, out=None):
    """Histogram of ``input`` as ``(hist, bin_edges)``, for ``bins`` a count or a tensor of edges; ``out`` is
    ignored."""
    a = input._data
    edges = bins._data if isinstance(bins, Tensor) else bins
    w = None if weight is None else weight._data
    counts, edges = np.histogram(a, bins=edges, range=range, weights=w, density=density)
    return return_types.histogram(_wrap(counts.astype(a.dtype)), _wrap(np.asarray(edges, a.dtype)))


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """Indices at which ``input``'s values would be inserted into the innermost dimension of ``sorted_sequence`` to
    keep it sorted; ``out`` is ignored."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    seq = sorted_sequence._data
    values = input._data if isinstance(input, Tensor) else np.asarray(input)
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, -1)
    how = "right" if right else "left"
    if seq.ndim == 1:
        index = np.searchsorted(seq, values, side=how)
    else:
        if seq.shape[:-1] != values.shape[:-1]:
            raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                               "dimensions of boundaries tensor and input value tensor must match, but we got "
                               f"boundaries tensor {list(seq.shape)} and input value tensor {list(values.shape)}")
        rows_s = seq.reshape(-1, seq.shape[-1])
        rows_v = values.reshape(-1, values.shape[-1])
        index = np.stack([np.searchsorted(s, v, side=how) for s, v in zip(rows_s, rows_v)]).reshape(values.shape)
    return _wrap(np.asarray(index, np.int32 if out_int32 else np.int64))


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """Index of the bucket of 1-D ``boundaries`` that each element of ``input`` falls in; ``out`` is ignored."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """A bool tensor, True where an element of ``elements`` occurs in ``test_elements`` (False with ``invert``)."""
    a = elements._data if isinstance(elements, Tensor) else np.asarray(elements)
    b = test_elements._data if isinstance(test_elements, Tensor) else np.asarray(test_elements)
    return _wrap(np.asarray(np.isin(a, b, assume_unique=assume_unique, invert=invert)))


class Cdist(Op):
    """Distances between the rows of x1 (.., P, M) and of x2 (.., R, M): (.., P, R)."""
    backward_name = "CdistBackward0"

    def forward(ctx, x1, x2, p):
        diff = x1[..., :, None, :] - x2[..., None, :, :]
        ctx.p = p
        a = np.abs(diff)
        if p == 0:
            out = (a != 0).sum(-1).astype(x1.dtype)
        elif p == np.inf:
            out = a.max(-1) if a.shape[-1] else np.zeros(a.shape[:-1], x1.dtype)
        else:
            out = (a ** p).sum(-1) ** (1 / p)
        ctx.save_for_backward(x1, x2, out)
        return out

    def backward(ctx, g):
        x1, x2, out = ctx.saved_tensors
        diff = x1[..., :, None, :] - x2[..., None, :, :]
        p, d = ctx.p, out[..., None]
        safe = np.where(d == 0, 1, d)
        with np.errstate(all="ignore"):
            if p == 0:
                local = np.zeros_like(diff)
            elif p == 1:
                local = np.sign(diff)
            elif p == np.inf:
                local = np.sign(diff) * (np.abs(diff) == d)
            else:
                local = np.sign(diff) * np.abs(diff) ** (p - 1) / safe ** (p - 1)
        local = np.where(d == 0, 0, local) * g[..., None]
        return local.sum(-2), -local.sum(-3)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """The ``p``-norm distances between each row of ``x1`` and each row of ``x2``, batched; ``compute_mode`` is
    ignored."""
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X1 got: {x1.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError(f"cdist only supports non-negative p values, got {p}")
    if x1._data.dtype.kind != "f":
        raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: {x1.dtype_short()}")
    batch = np.broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
    x1 = x1.expand(batch + tuple(x1.shape[-2:]))
    x2 = x2.expand(batch + tuple(x2.shape[-2:]))
    return Cdist.apply(x1, x2, p=float(p))


FUNCTIONS = dict(unique=unique, unique_consecutive=unique_consecutive, bincount=bincount, histc=histc,
                 histogram=histogram, searchsorted=searchsorted, bucketize=bucketize, isin=isin, cdist=cdist)
TENSOR_METHODS = dict(unique=unique, unique_consecutive=unique_consecutive, bincount=bincount, histc=histc,
                      histogram=histogram)

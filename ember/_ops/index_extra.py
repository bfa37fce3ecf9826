"""Writing along an index: index_copy, index_fill, index_put, put, scatter_reduce and
index_reduce, each with its in-place form. The plain writes reuse indexing's ``Put`` (whose
backward blanks the overwritten positions); the reductions have an op of their own."""
import numpy as np

from .._tensor import Tensor
from .indexing import IndexPut, Put
from .op import Op, inplace
from .scatter import MaskedScatter, _along, _broadcast_mask, _dim, _index_array, _mask

_wrap = Tensor._wrap


class IndexCopy(Put):
    backward_name = "IndexCopyBackward0"


class IndexFill(Put):
    backward_name = "IndexFillBackward0"


class PutFlat(Put):
    backward_name = "PutBackward0"


def _slice_key(self, dim, index, name):
    d = _dim(self, dim)
    idx = _index_array(index, name)
    if idx.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    size = self.shape[d] if self.ndim else 1
    if idx.size and (idx.min() < -size or idx.max() >= size):
        raise IndexError("index out of range in self")
    return (slice(None),) * d + (idx,) if self.ndim else (idx,)


def _source(self, source, name):
    if source._data.dtype != self._data.dtype:
        raise RuntimeError(f"{name}(): self and source expected to have the same dtype, but got (self) "
                           f"{self.dtype_short()} and (source) {source.dtype_short()}")
    return source


def index_copy(input, dim, index, source):
    """A copy of ``input`` with the slices of ``source`` written at ``index`` along ``dim``."""
    key = _slice_key(input, dim, index, "index_copy")
    return IndexCopy.apply(input, _source(input, source, "index_copy").reshape(input[key].shape), key=key)


def index_copy_(self, dim, index, source):
    """In-place form of :func:`ember.index_copy`."""
    key = _slice_key(self, dim, index, "index_copy_")
    return inplace(IndexCopy, self, _source(self, source, "index_copy_").reshape(self[key].shape), key=key)


def _fill_value(self, value):
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        return value.to(self.dtype)
    return value


def index_fill(input, dim, index, value):
    """A copy of ``input`` with ``value`` in the slices at ``index`` along ``dim``."""
    return IndexFill.apply(input, _fill_value(input, value), key=_slice_key(input, dim, index, "index_fill"))


def index_fill_(self, dim, index, value):
    """In-place form of :func:`ember.index_fill`."""
    return inplace(IndexFill, self, _fill_value(self, value), key=_slice_key(self, dim, index, "index_fill_"))


def _put_key(self, indices):
    return tuple(i._data if isinstance(i, Tensor) else np.asarray(i) for i in indices)


def index_put(input, indices, values, accumulate=False):
    """A copy of ``input`` with ``values`` written at the advanced index ``indices`` (a tuple of index
    tensors), added there instead when ``accumulate`` is True."""
    return IndexPut.apply(input, values.to(input.dtype), key=_put_key(input, indices), accumulate=accumulate)


def index_put_(self, indices, values, accumulate=False):
    """In-place form of :func:`ember.index_put`."""
    return inplace(IndexPut, self, values.to(self.dtype), key=_put_key(self, indices), accumulate=accumulate)


def _flat_key(self, index, source):
    idx = _index_array(index, "put")
    n = self.numel()
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = idx[(idx < -n) | (idx >= n)].flat[0]
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    if source.numel() != idx.size:
        raise RuntimeError(f"put_(): Expected source and index to have the same number of elements, but got "
                           f"source.numel() = {source.numel()}, index.numel() = {idx.size}")
    return np.unravel_index(idx.reshape(-1) % max(n, 1), self.shape)


def put(input, index, source, accumulate=False):
    """A copy of ``input`` with ``source`` written at the flat positions ``index`` (added with ``accumulate``)."""
    return PutFlat.apply(input, source.reshape(-1), key=_flat_key(input, index, source), accumulate=accumulate)


def put_(self, index, source, accumulate=False):
    """In-place form of :func:`ember.put`."""
    return inplace(PutFlat, self, source.reshape(-1), key=_flat_key(self, index, source), accumulate=accumulate)


def masked_scatter_(self, mask, source):
    """In-place form of :func:`ember.masked_scatter`."""
    _mask(mask, "masked_scatter_ only supports boolean masks, but got mask with dtype {dtype}")
    _, m = _broadcast_mask(self, mask)
    n = int(np.count_nonzero(m))
    if source.numel() < n:
        raise RuntimeError("masked_scatter: expected source to have at least as many elements as ones in mask")
    return inplace(MaskedScatter, self, source.reshape(-1)[:n], key=m)


# ----------------------------------------------------------------- reductions along an index

_IDENTITY = {"sum": 0, "mean": 0, "prod": 1, "amax": -np.inf, "amin": np.inf}
_UFUNC = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum, "amin": np.minimum}


class ScatterReduce(Op):
    backward_name = "ScatterReduceBackward0"

    def forward(ctx, a, src, key, reduce, include_self):
        ctx.key, ctx.reduce, ctx.include_self = key, reduce, include_self
        out = a.copy()
        if not include_self:
            ident = _IDENTITY[reduce]
            if a.dtype.kind != "f" and not np.isfinite(ident):
                ident = np.iinfo(a.dtype).min if ident < 0 else np.iinfo(a.dtype).max
            out[key] = ident
        _UFUNC[reduce].at(out, key, src)
        count = np.ones(a.shape) if include_self else np.zeros(a.shape)
        np.add.at(count, key, 1)
        count[count == 0] = 1  # positions nothing was written to keep their value
        if reduce == "mean":
            out = (out / count).astype(a.dtype) if a.dtype.kind == "f" else out // count.astype(a.dtype)
        ctx.count = count
        ctx.save_for_backward(a, src, out)
        return out

    def backward(ctx, g):
        a, src, out = ctx.saved_tensors
        key, reduce = ctx.key, ctx.reduce
        written = np.zeros(a.shape, bool)
        written[key] = True
        keep_self = ctx.include_self | ~written  # where the input's own value took part (or was kept)
        if reduce in ("sum", "mean"):
            scale = g / ctx.count if reduce == "mean" else g
            return np.where(keep_self, scale, 0), scale[key]
        if reduce == "prod":
            return _product_grads(g, a, src, out, key, keep_self)
        # amax / amin: the gradient is shared evenly among the elements equal to the result (the
        # input's own element counts among them even where include_self=False left it out, as in
        # PyTorch, though it then receives nothing)
        equal_self = a == out
        hits_src = src == out[key]
        ties = equal_self.astype(g.dtype)
        np.add.at(ties, key, hits_src)
        share = g / np.where(ties == 0, 1, ties)
        return np.where(keep_self & equal_self, share, 0), np.where(hits_src, share[key], 0)


def _product_grads(g, a, src, out, key, keep_self):
    """Gradients of a product of the input and the sources written to each position: the product
    of the other factors, computed by division where the factor is non-zero and directly otherwise."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ga = np.where(keep_self, g * out / a, 0)
        gs = g[key] * out[key] / src
    for position in zip(*np.nonzero(keep_self & (a == 0))):
        ga[position] = g[position] * np.prod(src[_hits(key, position)])
    for j in np.flatnonzero(src.reshape(-1) == 0):
        position = tuple(k.reshape(-1)[j] for k in np.broadcast_arrays(*key))
        hits = _hits(key, position).reshape(-1)
        hits[j] = False
        factor = np.prod(src.reshape(-1)[hits]) * (a[position] if keep_self[position] else 1)
        gs.reshape(-1)[j] = g[position] * factor
    return ga, gs


def _hits(key, position):
    """Which sources were written to ``position``."""
    hit = None
    for k, p in zip(np.broadcast_arrays(*key), position):
        hit = (k == p) if hit is None else hit & (k == p)
    return hit


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def _scatter_reduce_args(self, dim, index, src, reduce, name):
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    d = _dim(self, dim)
    idx = _index_array(index, name)
    key = _along(self._data, d, idx, src._data)
    if src._data.shape != idx.shape:
        src = src[tuple(slice(s) for s in idx.shape)]
    return key, src.to(self.dtype), reduce


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """A copy of ``input`` with ``src`` combined in at ``index`` along ``dim`` by ``reduce``
    (``"sum"``, ``"prod"``, ``"mean"``, ``"amax"`` or ``"amin"``), with or without the values already there
    (``include_self``)."""
    key, src, reduce = _scatter_reduce_args(input, dim, index, src, reduce, "scatter_reduce")
    return ScatterReduce.apply(input, src, key=key, reduce=reduce, include_self=include_self)


def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    """In-place form of :func:`ember.scatter_reduce`."""
    key, src, reduce = _scatter_reduce_args(self, dim, index, src, reduce, "scatter_reduce_")
    return inplace(ScatterReduce, self, src, key=key, reduce=reduce, include_self=include_self)


def _index_as_scatter(self, dim, index, source, reduce):
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    d = _dim(self, dim)
    shape = [1] * source.ndim
    shape[d] = -1
    return d, index.reshape(shape).expand(source.shape)


def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    """A copy of ``input`` with the slices of ``source`` combined into those at ``index`` along
    ``dim`` by ``reduce`` (``"prod"``, ``"mean"``, ``"amax"`` or ``"amin"``)."""
    d, expanded = _index_as_scatter(input, dim, index, source, reduce)
    return scatter_reduce(input, d, expanded, source, reduce, include_self=include_self)


def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
    """In-place form of :func:`ember.index_reduce`."""
    d, expanded = _index_as_scatter(self, dim, index, source, reduce)
    return scatter_reduce_(self, d, expanded, source, reduce, include_self=include_self)


FUNCTIONS = dict(index_copy=index_copy, index_fill=index_fill, index_put=index_put, index_put_=index_put_,
                 put=put, scatter_reduce=scatter_reduce, index_reduce=index_reduce)
TENSOR_METHODS = dict(FUNCTIONS, index_copy_=index_copy_, index_fill_=index_fill_, put_=put_,
                      scatter_reduce_=scatter_reduce_, index_reduce_=index_reduce_, masked_scatter_=masked_scatter_)

"""``F.embedding_bag``: sums, means or maxima of bags of embedding rows, without the (bags, rows) matrix."""
import numpy as np

from .._ops.creation import zeros
from .._ops.embedding import embedding
from .._ops.join import cat
from .._tensor import Tensor

__all__ = ["embedding_bag"]


def _bags(input, offsets, include_last_offset):
    """Flat indices, the bag of each index and the number of bags."""
    idx = input._data
    if idx.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             f"fixed length sequences. However, found offsets of type {type(offsets)}")
        n, length = idx.shape
        return idx.reshape(-1), np.repeat(np.arange(n), length), n
    if idx.ndim != 1:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {idx.ndim}")
    if offsets is None:
        raise ValueError("offsets has to be a 1D Tensor but got None")
    starts = np.asarray(offsets._data if isinstance(offsets, Tensor) else offsets, np.int64).reshape(-1)
    if include_last_offset:
        ends, starts = starts[1:], starts[:-1]
    else:
        ends = np.append(starts[1:], idx.size)
    n = starts.size
    bag = np.repeat(np.arange(n), np.maximum(ends - starts, 0))
    return idx, bag, n


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2, scale_grad_by_freq=False, mode="mean",
                  sparse=False, per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """Sums, means or maxima (``mode``) of bags of embedding rows, the bags given by a 2-D ``input`` or by
    ``offsets`` into a 1-D one. ``sparse`` is accepted, but the gradient of ``weight`` is always dense."""
    if mode not in ("sum", "mean", "max"):
        raise ValueError("mode has to be one of sum, mean or max")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  "GitHub.")
    flat, bag, n = _bags(input, offsets, include_last_offset)
    flat = flat[:bag.size]
    if padding_idx is not None:
        padding_idx %= weight.shape[0]
        keep = flat != padding_idx
    else:
        keep = np.ones(flat.shape, bool)
    rows = embedding(Tensor._wrap(flat), weight, None, max_norm, norm_type, scale_grad_by_freq)
    dim = weight.shape[1]
    if mode == "max":
        counts = np.bincount(bag[keep], minlength=n)
        width = max(int(counts.max()) if n else 0, 1)
        # a (bags, width) table of row numbers, the empty slots pointing at a row of -inf
        slot = np.full((n, width), bag.size, np.int64)
        kept_bag = bag[keep]
        order = np.arange(kept_bag.size) - np.searchsorted(kept_bag, kept_bag)
        slot[kept_bag, order] = np.nonzero(keep)[0]
        floor = rows.new_full((1, dim), -np.inf)
        table = cat([rows, floor])[Tensor._wrap(slot)]
        out = table.max(1)[0]
        return out.masked_fill(Tensor._wrap((counts == 0)[:, None]), 0.0)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1, 1)
    if not keep.all():
        rows = rows * Tensor._wrap(keep[:, None].astype(rows._data.dtype))
    out = zeros(n, dim, dtype=weight.dtype, device=weight.device).index_add(0, Tensor._wrap(bag), rows)
    if mode == "mean":
        counts = np.bincount(bag[keep], minlength=n).astype(out._data.dtype)
        out = out / Tensor._wrap(np.maximum(counts, 1)[:, None])
    return out

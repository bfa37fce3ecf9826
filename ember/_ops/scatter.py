"""gather/scatter, index_select/index_add, take, masked ops and nonzero: indexing along a dim or a mask.

Each builds a NumPy key and runs one of indexing.py's two op shapes on it
(``Index`` to read at the key, ``Put`` to write or add there)."""
import numpy as np

from .._arraylib import get_array_module
from .._tensor import Tensor
from .indexing import Index, Put
from .op import Op, inplace
from .promotion import finish


class Gather(Index):
    pass


class IndexSelect(Index):
    pass


class Take(Index):
    pass


class MaskedSelect(Index):
    accumulate = False


class Scatter(Put):
    def name(self):
        return "ScatterBackward0" if self.vshape is not None else "ScatterBackward1"


class ScatterAdd(Put):
    pass


class IndexAdd(Put):
    pass


class MaskedFill(Put):
    """``Put`` at a boolean mask, computed as one ``where`` pass forward and backward: writing through a
    boolean index gathers the mask's positions first, several times slower on attention-sized masks."""

    def forward(ctx, a, v, key, accumulate=False, in_place=False):
        if in_place:
            return Put.forward(ctx, a, v, key, accumulate, in_place)
        ctx.key, ctx.accumulate, ctx.vshape = key, False, getattr(v, "shape", None)
        xp = get_array_module(a)
        return xp.where(key, xp.asarray(v).astype(a.dtype, copy=False), a)

    def backward(ctx, g):
        if ctx.create_graph or ctx.needs_input_grad[1]:
            return Put.backward(ctx, g)
        return get_array_module(g).where(ctx.key, g.dtype.type(0), g), None

    def name(self):
        return "MaskedFillBackward1" if self.vshape is not None else "MaskedFillBackward0"


class MaskedScatter(Put):
    pass


class ScatterMultiply(Op):
    """``scatter(..., reduce='multiply')``: PyTorch gives it no derivative either."""

    def forward(ctx, a, v, key):
        out = a.copy()
        np.multiply.at(out, key, v)
        return out


# ----------------------------------------------------------------- gather, scatter, index_select


def _index_array(index, name):
    arr = index._data
    if arr.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    return arr


def _out_of_range(index, size):
    """The first index outside ``[0, size)``, or None. NumPy would wrap negative indices where PyTorch
    refuses them; read as unsigned, negatives are huge, so one comparison finds both kinds."""
    if index.size and (index.view(f"u{index.itemsize}") >= size).any():
        return index[(index < 0) | (index >= size)].flat[0]
    return None


def _along(a, dim, index, src=None):
    """The NumPy key that reaches ``a`` at ``index`` along ``dim`` and at the same position elsewhere
    (gather's and scatter's addressing), after PyTorch's checks on index's shape and values."""
    if index.ndim != a.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    too_big = [d for d in range(a.ndim) if d != dim and index.shape[d] > a.shape[d]]
    if src is None and too_big:
        raise RuntimeError(f"Size does not match at dimension {too_big[0]} expected index {list(index.shape)} to be "
                           f"no larger than self {list(a.shape)} apart from dimension {dim}")
    if src is not None and (too_big or any(i > s for i, s in zip(index.shape, src.shape))):
        raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self {list(a.shape)} apart "
                           f"from dimension {dim} and to be no larger size than src {list(src.shape)}")
    size = a.shape[dim] if a.ndim else 1
    bad = _out_of_range(index, size)
    if bad is not None:
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {size}")
    if a.ndim == 0:
        return ()
    n = index.ndim
    xp = get_array_module(index)
    return tuple(index if d == dim else xp.arange(s).reshape((s,) + (1,) * (n - d - 1))
                 for d, s in enumerate(index.shape))


def _dim(t, dim):
    return t._dim(dim) if t._data.ndim else 0


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """The values of ``input`` at ``index`` along ``dim``, in ``index``'s shape (for ``dim=0``,
    ``out[i][j] = input[index[i][j]][j]``)."""
    dim = _dim(input, dim)
    key = _along(input._data, dim, _index_array(index, "gather"))
    return finish(Gather.apply(input, key=key), out)


def _scatter_src(self, dim, index, src, name):
    dim = _dim(self, dim)
    idx = _index_array(index, name)
    if isinstance(src, Tensor):
        if src._data.dtype != self._data.dtype:
            raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
        key = _along(self._data, dim, idx, src._data)
        if src._data.shape != idx.shape:  # only the part of src that index covers is written
            src = src[tuple(slice(s) for s in idx.shape)]
    else:
        key = _along(self._data, dim, idx)
    return key, src


def _scatter_op(reduce):
    if reduce is None:
        return Scatter, {}
    if reduce == "add":
        return ScatterAdd, {"accumulate": True}
    if reduce == "multiply":
        return ScatterMultiply, {}
    raise RuntimeError("reduce argument must be either add or multiply.")


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """A copy of ``input`` with ``src`` (a tensor, or the number ``value``) written at ``index`` along
    ``dim``, replacing, adding or multiplying as ``reduce`` says (None, ``"add"``, ``"multiply"``)."""
    op, params = _scatter_op(reduce)
    key, src = _scatter_src(input, dim, index, value if src is None else src, "scatter")
    return op.apply(input, src, key=key, **params)


def scatter_add(input, dim, index, src):
    """A copy of ``input`` with ``src`` added at ``index`` along ``dim`` (repeated indices add up)."""
    key, src = _scatter_src(input, dim, index, src, "scatter_add")
    return ScatterAdd.apply(input, src, key=key, accumulate=True)


def _select_index(self, dim, index, name):
    idx = index._data if isinstance(index, Tensor) else get_array_module(self._data).asarray(index)
    if idx.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int32 or int64 for index")
    dim = _dim(self, dim)
    return dim, (slice(None),) * dim + (idx.reshape(-1),)


def index_select(input, dim, index, *, out=None):
    """The slices of ``input`` at the 1-D ``index`` along ``dim``."""
    dim, key = _select_index(input, dim, index, "index_select")
    size = input._data.shape[dim] if input._data.ndim else 1
    idx = key[-1]
    if _out_of_range(idx, size) is not None:
        raise IndexError("index out of range in self")
    if input._data.ndim == 0:
        if idx.size != 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)")
        return input.clone()
    return finish(IndexSelect.apply(input, key=key), out)


def _index_add_args(self, dim, index, source, alpha):
    dim, key = _select_index(self, dim, index, "index_add")
    a, s, idx = self._data, source._data, key[-1]
    if s.dtype != a.dtype:
        raise RuntimeError(f"index_add_(): self ({self.dtype_short()}) and source ({source.dtype_short()}) must "
                           "have the same scalar type")
    if s.shape[:dim] + s.shape[dim + 1:] != a.shape[:dim] + a.shape[dim + 1:]:
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. "
                           f"Got self.shape = {list(a.shape)} source.shape = {list(s.shape)}")
    bad = _out_of_range(idx, a.shape[dim])
    if bad is not None:
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {a.shape[dim]}")
    return key, (source if alpha == 1 else source * alpha)


def index_add(input, dim, index, source, *, alpha=1):
    """A copy of ``input`` with ``alpha * source`` added into the slices at ``index`` along ``dim``."""
    key, source = _index_add_args(input, dim, index, source, alpha)
    return IndexAdd.apply(input, source, key=key, accumulate=True)


def index_add_(self, dim, index, source, *, alpha=1):
    """In-place form of :func:`ember.index_add`."""
    key, source = _index_add_args(self, dim, index, source, alpha)
    return inplace(IndexAdd, self, source, key=key, accumulate=True)


def take(input, index):
    """The elements of the flattened ``input`` at ``index`` (negative indices count from the end)."""
    idx = _index_array(index, "take")
    n = input._data.size
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = idx[(idx < -n) | (idx >= n)].flat[0]
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    return Take.apply(input, key=np.unravel_index(idx % max(n, 1), input._data.shape))


# ----------------------------------------------------------------- masks


def _mask(mask, message):
    m = mask._data
    if m.dtype != np.bool_:
        raise RuntimeError(message.format(dtype=mask.dtype_short(c_name=True)))
    return m


def masked_fill(input, mask, value):
    """A copy of ``input`` with ``value`` wherever the boolean ``mask`` (broadcast) is True."""
    m = _mask(mask, "masked_fill_ only supports boolean masks, but got mask with dtype {dtype}")
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value._data.ndim} dimension(s).")
    a = input._data
    if m.shape != a.shape:
        try:
            shape = np.broadcast_shapes(a.shape, m.shape)
        except ValueError:
            raise RuntimeError(f"The size of tensor a ({m.shape[-1] if m.ndim else 1}) must match the size of "
                               f"tensor b ({a.shape[-1] if a.ndim else 1}) at non-singleton dimension "
                               f"{max(a.ndim, m.ndim) - 1}") from None  # PyTorch names the mask first
        if shape != a.shape:
            input = input.expand(shape)
        m = np.broadcast_to(m, shape)
    if isinstance(value, Tensor) and value._data.dtype != a.dtype:
        value = value.to(input.dtype)
    return MaskedFill.apply(input, value, key=m)


def masked_fill_(self, mask, value):
    """In-place form of :func:`ember.masked_fill`."""
    m = _mask(mask, "masked_fill_ only supports boolean masks, but got mask with dtype {dtype}")
    return inplace(MaskedFill, self, value, key=np.broadcast_to(m, self._data.shape))


def _broadcast_mask(input, mask):
    """``input`` and ``mask`` broadcast together, as masked_select and masked_scatter take them."""
    m = mask._data
    if m.shape != input._data.shape:
        shape = np.broadcast_shapes(input._data.shape, m.shape)
        if shape != input._data.shape:
            input = input.expand(shape)
        m = np.broadcast_to(m, shape)
    return input, m


def masked_select(input, mask, *, out=None):
    """The elements where the boolean ``mask`` (broadcast with ``input``) is True, as a 1-D tensor."""
    _mask(mask, "masked_select: expected BoolTensor for mask")
    input, m = _broadcast_mask(input, mask)
    return finish(MaskedSelect.apply(input, key=m), out)


def masked_scatter(input, mask, source):
    """A copy of ``input`` with the first elements of ``source``, in order, written where ``mask`` is
    True."""
    _mask(mask, "masked_scatter_ only supports boolean masks, but got mask with dtype {dtype}")
    input, m = _broadcast_mask(input, mask)
    n = int(np.count_nonzero(m))
    if source._data.size < n:
        raise RuntimeError("masked_scatter: expected source to have at least as many elements as ones in mask")
    return MaskedScatter.apply(input, source.reshape(-1)[:n], key=m)


def nonzero(input, *, out=None, as_tuple=False):
    """The indices of the nonzero elements, one row per element (or, with ``as_tuple``, one tensor per
    dimension)."""
    a = input._data
    if as_tuple:
        return tuple(Tensor._wrap(i) for i in np.nonzero(a.reshape(1) if a.ndim == 0 else a))
    return finish(Tensor._wrap(np.argwhere(a)), out)


def argwhere(input):
    """The indices of the nonzero elements, one row per element."""
    return Tensor._wrap(np.argwhere(input._data))


# ----------------------------------------------------------------- in place


def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
    """In-place form of :func:`ember.scatter`."""
    op, params = _scatter_op(reduce)
    key, src = _scatter_src(self, dim, index, value if src is None else src, "scatter")
    return inplace(op, self, src, key=key, **params)


def scatter_add_(self, dim, index, src):
    """In-place form of :func:`ember.scatter_add`."""
    key, src = _scatter_src(self, dim, index, src, "scatter_add")
    return inplace(ScatterAdd, self, src, key=key, accumulate=True)


TENSOR_METHODS = dict(
    gather=gather, scatter=scatter, scatter_=scatter_, scatter_add=scatter_add, scatter_add_=scatter_add_,
    index_select=index_select, index_add=index_add, index_add_=index_add_, take=take, masked_fill=masked_fill,
    masked_fill_=masked_fill_, masked_select=masked_select, masked_scatter=masked_scatter, nonzero=nonzero,
    argwhere=argwhere,
)
FUNCTIONS = dict(gather=gather, scatter=scatter, scatter_add=scatter_add, index_select=index_select,
                 index_add=index_add, take=take, masked_fill=masked_fill, masked_select=masked_select,
                 masked_scatter=masked_scatter, nonzero=nonzero, argwhere=argwhere)

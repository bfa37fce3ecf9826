"""More shape functions, built from views, ``cat`` and ``gather`` so that gradients come from
those ops: rot90, fliplr/flipud, dstack/column_stack/row_stack, the tensor_split family,
repeat_interleave, ravel, as_strided, Tensor.unfold, take/take_along_dim, block_diag, kron,
tensordot, msort, and the in-place shape methods (t_, transpose_, squeeze_, ...)."""
import numpy as np

from .._tensor import Tensor
from .broadcast import atleast_3d
from .join import cat, vstack
from .op import Op
from .promotion import finish
from .scatter import take

_wrap = Tensor._wrap


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``dims``, from the first towards the second."""
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    d0, d1 = dims[0] % input.ndim, dims[1] % input.ndim
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k %= 4
    if k == 1:
        return input.flip(d1).transpose(d0, d1)
    if k == 2:
        return input.flip(d0, d1)
    if k == 3:
        return input.flip(d0).transpose(d0, d1)
    return input.clone()


def fliplr(input):
    """A copy with the order of columns (dimension 1) reversed."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return input.flip(1)


def flipud(input):
    """A copy with the order of rows (dimension 0) reversed."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return input.flip(0)


def dstack(tensors, *, out=None):
    """Join ``tensors`` depth-wise along dimension 2, after making each at least 3-D."""
    return cat(atleast_3d(*tensors) if len(tensors) > 1 else [atleast_3d(tensors[0])], 2, out=out)


def column_stack(tensors, *, out=None):
    """Join ``tensors`` as columns along dimension 1, turning 0-d and 1-D tensors into columns."""
    columns = [t.reshape(-1, 1) if t.ndim <= 1 else t for t in tensors]
    return cat(columns, 1, out=out)


def tensor_split(input, indices_or_sections, dim=0):
    """Split into views along ``dim``: into ``n`` nearly equal parts for an int, or at the listed
    indices (a list or a tensor)."""
    d = dim % input.ndim
    size = input.shape[d]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        big, extra = divmod(size, n)
        sizes = [big + 1] * extra + [big] * (n - extra)
        bounds = np.cumsum([0] + sizes)
    else:
        bounds = [0] + [min(max(int(i), 0), size) for i in indices_or_sections] + [size]
    return tuple(input.narrow(d, int(a), max(int(b) - int(a), 0)) for a, b in zip(bounds[:-1], bounds[1:]))


def _split_along(name, dim, min_dim, doc):
    def function(input, indices_or_sections):
        if input.ndim < min_dim:
            raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dim} dimension, but got a tensor "
                               f"with {input.ndim} dimensions!")
        d = 0 if name == "hsplit" and input.ndim == 1 else dim
        if isinstance(indices_or_sections, int) and input.shape[d] % indices_or_sections:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the size of the dimension "
                               f"{input.shape[d]} is not divisible by the split_size {indices_or_sections}!")
        return tensor_split(input, indices_or_sections, d)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    return function


hsplit = _split_along("hsplit", 1, 1, "Split into views along dimension 1 (0 for a 1-D tensor), as "
                      ":func:`ember.tensor_split` does; an int must divide the size evenly.")
vsplit = _split_along("vsplit", 0, 2, "Split a tensor of at least 2 dimensions into views along dimension 0, as "
                      ":func:`ember.tensor_split` does; an int must divide the size evenly.")
dsplit = _split_along("dsplit", 2, 3, "Split a tensor of at least 3 dimensions into views along dimension 2, as "
                      ":func:`ember.tensor_split` does; an int must divide the size evenly.")


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element ``repeats`` times (an int or one count per element) along ``dim``, over
    the flattened tensor when ``dim`` is None. Called with only a tensor of counts, it repeats the indices
    0, 1, ... by them. ``output_size`` is accepted and not needed."""
    if repeats is None:  # repeat_interleave(repeats): the indices 0..n-1, each repeated
        counts = input._data
        return _wrap(np.repeat(np.arange(len(counts)), counts))
    x = input.reshape(-1) if dim is None else input
    d = 0 if dim is None else dim % x.ndim
    counts = repeats._data if isinstance(repeats, Tensor) else repeats
    index = np.repeat(np.arange(x.shape[d]), counts)
    return x.index_select(d, _wrap(index))


def ravel(input):
    """The elements as a 1-D tensor (a view when the strides allow one)."""
    return input.reshape(-1)


class AsStrided(Op):
    """A view with explicit sizes and strides (in elements) over the tensor's elements in
    row-major order (the tensor's storage when it is contiguous, as in PyTorch)."""
    is_view = True

    def forward(ctx, a, size, stride, storage_offset):
        ctx.shape, ctx.geometry = a.shape, (size, stride, storage_offset)
        flat = np.ascontiguousarray(a).reshape(-1)
        return np.lib.stride_tricks.as_strided(flat[storage_offset:], size, tuple(s * a.itemsize for s in stride))

    def backward(ctx, g):
        # each output element came from one input element (several, where strides overlap): add them up
        size, stride, offset = ctx.geometry
        flat = np.zeros(int(np.prod(ctx.shape)), g.dtype)
        positions = np.full(size, offset, np.int64)
        for i, (n, s) in enumerate(zip(size, stride)):
            positions = positions + np.arange(n).reshape((-1,) + (1,) * (len(size) - i - 1)) * s
        np.add.at(flat, positions.reshape(-1), g.reshape(-1))
        return flat.reshape(ctx.shape)


def as_strided(input, size, stride, storage_offset=0):
    """A view with the given ``size``, ``stride`` and ``storage_offset`` (in elements). Ember lays them
    over the elements in row-major order, which is the tensor's storage only when it is contiguous."""
    size, stride = tuple(size), tuple(stride)
    needed = storage_offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1 if all(size) else 0
    if needed > input.numel():
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                           f"{storage_offset}, and itemsize {input.element_size()} requiring a storage size of "
                           f"{needed * input.element_size()} are out of bounds for storage of size "
                           f"{input.numel() * input.element_size()}")
    return AsStrided.apply(input, size=size, stride=stride, storage_offset=storage_offset)


def unfold(self, dimension, size, step):
    """Slices of ``size`` along ``dimension`` every ``step`` elements, as a new last dimension (a view)."""
    d = dimension % max(self.ndim, 1)
    length = self.shape[d] if self.ndim else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    count = (length - size) // step + 1
    index = np.arange(count)[:, None] * step + np.arange(size)  # (count, size)
    x = self if self.ndim else self.reshape(1)
    picked = x.index_select(d, _wrap(index.reshape(-1)))
    shape = x.shape[:d] + (count, size) + x.shape[d + 1:]
    return picked.reshape(shape).movedim(d + 1, -1)


def take_along_dim(input, indices, dim=None):
    """The values at ``indices`` along ``dim``, broadcasting the other dimensions (of the flattened
    tensor when ``dim`` is None)."""
    if dim is None:
        return input.reshape(-1).gather(0, indices.reshape(-1))
    d = dim % input.ndim
    shape = list(np.broadcast_shapes(tuple(input.shape[:d]) + (1,) + tuple(input.shape[d + 1:]),
                                     tuple(indices.shape[:d]) + (1,) + tuple(indices.shape[d + 1:])))
    src_shape, idx_shape = list(shape), list(shape)
    src_shape[d], idx_shape[d] = input.shape[d], indices.shape[d]
    return input.expand(src_shape).gather(d, indices.expand(idx_shape))


def block_diag(*tensors):
    """A matrix with the given tensors (each at most 2-D) as blocks along its diagonal, zeros elsewhere."""
    mats = [t.reshape(1, -1) if t.ndim < 2 else t for t in tensors]
    if any(t.ndim > 2 for t in tensors):
        raise RuntimeError("torch.block_diag: Input tensors must have 2 or fewer dimensions.")
    if not mats:
        return _wrap(np.empty((1, 0), np.float32))
    rows = []
    width = sum(m.shape[1] for m in mats)
    left = 0
    dtype = np.result_type(*[m._data.dtype for m in mats])
    for m in mats:
        m = m if m._data.dtype == dtype else m.to(_wrap(np.empty(0, dtype)).dtype)
        pad_left = _wrap(np.zeros((m.shape[0], left), dtype))
        pad_right = _wrap(np.zeros((m.shape[0], width - left - m.shape[1]), dtype))
        rows.append(cat([pad_left, m, pad_right], 1))
        left += m.shape[1]
    return cat(rows, 0)


def kron(input, other, *, out=None):
    """The Kronecker product of ``input`` and ``other``."""
    n = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (n - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (n - other.ndim) + tuple(other.shape))
    # interleave: a's axis i and b's axis i become neighbours, then merge each pair
    a_shape = sum(((s, 1) for s in a.shape), ())
    b_shape = sum(((1, s) for s in b.shape), ())
    product = a.reshape(a_shape) * b.reshape(b_shape)
    return finish(product.reshape(tuple(x * y for x, y in zip(a.shape, b.shape))), out)


def tensordot(a, b, dims=2, out=None):
    """Contract ``a`` and ``b`` over the last ``dims`` dimensions of ``a`` and first of ``b``, or over
    the two lists of dimensions ``dims`` gives."""
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        dims_a, dims_b = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        dims_a, dims_b = dims
        if isinstance(dims_a, Tensor):
            dims_a, dims_b = dims_a.tolist(), dims_b.tolist()
        dims_a = [dims_a] if isinstance(dims_a, int) else list(dims_a)
        dims_b = [dims_b] if isinstance(dims_b, int) else list(dims_b)
    dims_a = [d % a.ndim for d in dims_a]
    dims_b = [d % b.ndim for d in dims_b]
    free_a = [d for d in range(a.ndim) if d not in dims_a]
    free_b = [d for d in range(b.ndim) if d not in dims_b]
    k = int(np.prod([a.shape[d] for d in dims_a]))
    left = a.permute(*free_a, *dims_a).reshape(-1, k)
    right = b.permute(*dims_b, *free_b).reshape(k, -1)
    return finish((left @ right).reshape(tuple(a.shape[d] for d in free_a) + tuple(b.shape[d] for d in free_b)), out)


def msort(input):
    """The values sorted along dimension 0 in ascending order."""
    return input.sort(0).values


FUNCTIONS = dict(rot90=rot90, fliplr=fliplr, flipud=flipud, dstack=dstack, column_stack=column_stack,
                 row_stack=vstack, tensor_split=tensor_split, hsplit=hsplit, vsplit=vsplit, dsplit=dsplit,
                 repeat_interleave=repeat_interleave, ravel=ravel, as_strided=as_strided,
                 take_along_dim=take_along_dim, block_diag=block_diag, kron=kron, tensordot=tensordot, msort=msort)
TENSOR_METHODS = dict(rot90=rot90, fliplr=fliplr, flipud=flipud, tensor_split=tensor_split, hsplit=hsplit,
                      vsplit=vsplit, dsplit=dsplit, repeat_interleave=repeat_interleave, ravel=ravel,
                      as_strided=as_strided, unfold=unfold, take=take, take_along_dim=take_along_dim, kron=kron,
                      msort=msort)

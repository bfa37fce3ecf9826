"""Shape ops: views (view, reshape, squeeze, transpose, permute, expand, ...), and copies that
rearrange (repeat, flip, roll). Joining and splitting live in ``join.py``."""
import warnings
from math import prod

import numpy as np

from .._tensor import Size
from .indexing import Slice
from .op import Op
from .promotion import expand_error


def _sizes(args):
    """Accept ``view(2, 3)``, ``view((2, 3))`` and ``view(torch.Size([2, 3]))``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        args = tuple(args[0])
    return tuple(int(a) for a in args)


def infer_shape(shape, numel):
    """Resolve one -1 in ``shape``; raise PyTorch's error when the sizes cannot hold ``numel`` elements."""
    if prod(shape) == numel and (not shape or min(shape) >= 0):
        return shape
    known = 1
    minus = [i for i, s in enumerate(shape) if s == -1]
    if len(minus) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for i, s in enumerate(shape):
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {list(shape)}")
        if s != -1:
            known *= s
    if minus:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[:minus[0]] + (numel // known,) + shape[minus[0] + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _wrap_dims(t, dims, extra=0):
    """Wrap dims against ``t.ndim + extra`` (``extra=1`` for unsqueeze/stack, where the result is one dim larger)."""
    n = t._data.ndim + extra
    return [t._dim(d, n) for d in dims]


# ----------------------------------------------------------------- views


class View(Op):
    is_view = True

    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return a.reshape(shape)

    def backward(ctx, g):
        return g.reshape(ctx.shape)


class ReshapeAlias(View):
    pass


class UnsafeView(View):
    is_view = False  # the reshape had to copy


class Squeeze(View):
    def forward(ctx, a, shape, variant):
        ctx.variant = variant
        return View.forward(ctx, a, shape)

    def name(self):
        return f"SqueezeBackward{self.variant}"


class Unsqueeze(View):
    pass


class Transpose(Op):
    is_view = True

    def forward(ctx, a, dim0, dim1):
        ctx.dims = dim0, dim1
        return a.swapaxes(dim0, dim1)

    def backward(ctx, g):
        return np.swapaxes(g, *ctx.dims)


class T(Op):
    is_view = True

    def forward(ctx, a):
        ctx.swap = a.ndim == 2  # tensors of fewer dims are their own transpose
        return a.T

    def backward(ctx, g):
        return np.swapaxes(g, 0, 1) if ctx.swap else g


class Permute(Op):
    is_view = True

    def forward(ctx, a, dims):
        ctx.dims = dims
        return a.transpose(dims)

    def backward(ctx, g):
        return ctx.run(Permute, g, dims=tuple(np.argsort(ctx.dims)))


class Expand(Op):
    is_view = True

    def forward(ctx, a, shape):
        return np.broadcast_to(a, shape)

    def backward(ctx, g):
        return g  # the engine sums a gradient back over the broadcast dims


def view(self, *shape):
    """A view of the same memory with a new shape (one size may be -1). ``view(dtype)`` is not a bit
    reinterpretation in Ember: it converts, as :meth:`ember.Tensor.to` does."""
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer, tuple, list, Size)):
        return self.to(shape[0])  # view(dtype): a same-size reinterpretation is out of scope
    shape = infer_shape(_sizes(shape), self._data.size)
    if not self._data.flags.c_contiguous and self._data.ndim > 1:
        try:
            np.reshape(self._data, shape, copy=False)
        except ValueError:
            raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                               "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") from None
    return View.apply(self, shape=shape)


def reshape(input, *shape):
    """The elements in a new shape (one size may be -1): a view when the strides allow one, a copy otherwise."""
    a = input._data
    shape = infer_shape(_sizes(shape), a.size)
    if a.flags.c_contiguous:
        return View.apply(input, shape=shape)
    try:  # a view when the strides allow it, a copy otherwise, as PyTorch decides
        np.reshape(a, shape, copy=False)
    except ValueError:
        return UnsafeView.apply(input, shape=shape)
    return ReshapeAlias.apply(input, shape=shape)


def view_as(self, other):
    """A view of this tensor with ``other``'s shape."""
    return view(self, other.shape)


def reshape_as(self, other):
    """This tensor reshaped to ``other``'s shape (a view when possible)."""
    return reshape(self, other.shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dimensions ``start_dim`` through ``end_dim`` into one; a 0-d tensor becomes 1-d."""
    shape = input._data.shape
    if not shape:
        return reshape(input, 1)
    start, end = _wrap_dims(input, (start_dim, end_dim))
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return input
    n = 1
    for s in shape[start:end + 1]:
        n *= s
    return reshape(input, shape[:start] + (n,) + shape[end + 1:])


def unflatten(input, dim, sizes):
    """Split dimension ``dim`` into ``sizes`` (one of them may be -1)."""
    shape = input._data.shape
    d = input._dim(dim)
    sizes = tuple(int(s) for s in sizes)
    try:
        sizes = infer_shape(sizes, shape[d])
    except RuntimeError:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                           f"({shape[d]}) in the input tensor") from None
    return view(input, shape[:d] + sizes + shape[d + 1:])


def squeeze(input, dim=None):
    """Remove dimensions of size 1: all of them, or those among ``dim`` (an int or a tuple)."""
    shape = input._data.shape
    if dim is None:
        axes, variant = range(len(shape)), 0
    elif isinstance(dim, (tuple, list)):
        axes, variant = _wrap_dims(input, dim), 2
    else:
        axes, variant = (input._dim(dim),), 1
    new = tuple(s for i, s in enumerate(shape) if s != 1 or i not in axes)
    return Squeeze.apply(input, shape=new, variant=variant)


def unsqueeze(input, dim):
    """Insert a dimension of size 1 at position ``dim`` (a view)."""
    shape = input._data.shape
    d = input._dim(dim, len(shape) + 1)
    return Unsqueeze.apply(input, shape=shape[:d] + (1,) + shape[d:])


def transpose(input, dim0, dim1):
    """Swap dimensions ``dim0`` and ``dim1`` (a view); ``swapaxes`` and ``swapdims`` are the same function."""
    n = input._data.ndim
    dim0, dim1 = input._dim(dim0, n), input._dim(dim1, n)
    if n == 0:  # PyTorch lets dims 0 and -1 name a 0-dim tensor's one "dim": the result is the tensor
        return Permute.apply(input, dims=())
    return Transpose.apply(input, dim0=dim0, dim1=dim1)


def t(input):
    """Transpose a matrix; a tensor of fewer than two dimensions comes back as it is."""
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    return T.apply(input)


def permute(input, *dims):
    """Reorder the dimensions as ``dims`` lists them (a view)."""
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = _wrap_dims(input, _sizes(dims))
    n = input._data.ndim
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the length "
                           f"of the desired ordering of dimensions i.e. input.dim() = {n} is not equal to len(dims) = "
                           f"{len(dims)}")
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims=tuple(dims))


def movedim(input, source, destination):
    """Move the dimensions in ``source`` to the positions in ``destination``, keeping the others in order
    (``moveaxis`` is the same function)."""
    src = _wrap_dims(input, source if isinstance(source, (tuple, list)) else (source,))
    dst = _wrap_dims(input, destination if isinstance(destination, (tuple, list)) else (destination,))
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should contain "
                           f"the same number of dims as destination ({list(dst)} dims)")
    n = input._data.ndim
    order = [d for d in range(n) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return Permute.apply(input, dims=tuple(order))


def _T(self):
    """The tensor with its dimensions reversed (warns, as PyTorch does, on tensors that are not 2-D)."""
    n = self._data.ndim
    if n != 2:
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
                      "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
                      "matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a "
                      "tensor.", UserWarning, stacklevel=2)
    return Permute.apply(self, dims=tuple(range(n - 1, -1, -1)))


def _mT(self):
    """The last two dimensions swapped: each matrix of a batch transposed (a view)."""
    n = self._data.ndim
    if n == 0:
        warnings.warn("Tensor.mT is deprecated on 0-D tensors. This function is the identity in these cases.",
                      UserWarning, stacklevel=2)
        return Permute.apply(self, dims=())
    if n < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {n}-D tensor.")
    return Transpose.apply(self, dim0=n - 2, dim1=n - 1)


def expand(self, *sizes):
    """A view that repeats size-1 dimensions (and new leading ones) to ``sizes`` without copying; -1 keeps
    a size."""
    target = _sizes(sizes)
    shape = self._data.shape
    lead = len(target) - len(shape)
    if lead < 0:
        raise expand_error(shape, target)
    resolved = tuple(shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(target))
    try:
        return Expand.apply(self, shape=resolved)
    except ValueError:
        raise expand_error(shape, target) from None


def expand_as(self, other):
    """This tensor expanded to ``other``'s shape."""
    return expand(self, other.shape)


def broadcast_to(input, size):
    """``input`` expanded to ``size`` by broadcasting (a view), as :meth:`ember.Tensor.expand`."""
    return expand(input, size)


def narrow(input, dim, start, length):
    """The slice ``start:start + length`` along ``dim`` (a view)."""
    if input._data.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = input._dim(dim)
    size = input._data.shape[d]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return Slice.apply(input, key=(slice(None),) * d + (slice(start, start + length),))


# ----------------------------------------------------------------- copies that rearrange


class Repeat(Op):
    def forward(ctx, a, reps):
        ctx.shape = (1,) * (len(reps) - a.ndim) + a.shape
        return np.tile(a.reshape(ctx.shape), reps)

    def backward(ctx, g):
        # split each dim into (repeats, size) and sum the repeats away
        split = [x for r, s in zip(g.shape, ctx.shape) for x in (r // s if s else r, s)]
        return g.reshape(split).sum(axis=tuple(range(0, len(split), 2)))


class Flip(Op):
    def forward(ctx, a, dims):
        ctx.dims = dims
        return np.flip(a, dims).copy()  # a flip is a copy in PyTorch: writes to it must not reach the input

    def backward(ctx, g):
        return ctx.run(Flip, g, dims=ctx.dims)


class Roll(Op):
    def forward(ctx, a, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        if dims is None:
            return np.roll(a.reshape(-1), shifts).reshape(a.shape)
        return np.roll(a, shifts, dims)

    def backward(ctx, g):
        shifts = tuple(-s for s in ctx.shifts) if ctx.dims is not None else -ctx.shifts
        return ctx.run(Roll, g, shifts=shifts, dims=ctx.dims)


def repeat(self, *sizes):
    """The tensor tiled ``sizes`` times along each dimension (a copy); ``sizes`` may add leading dimensions."""
    reps = _sizes(sizes)
    if len(reps) < self._data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    return Repeat.apply(self, reps=reps)


def tile(input, dims):
    """Like :meth:`ember.Tensor.repeat`, with ``dims`` padded with leading ones when it is shorter than the
    number of dimensions."""
    reps = _sizes((dims,))
    return Repeat.apply(input, reps=(1,) * (input._data.ndim - len(reps)) + reps)


def flip(input, *dims):
    """A copy with the order of elements reversed along each dimension in ``dims``."""
    dims = _wrap_dims(input, _sizes(dims))
    for d in dims:
        if dims.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return Flip.apply(input, dims=tuple(dims) if input._data.ndim else ())  # a 0-dim tensor flips to itself


def roll(input, shifts, dims=None):
    """Shift elements cyclically by ``shifts`` along ``dims`` (over the flattened tensor when ``dims`` is None)."""
    if dims is None:
        if isinstance(shifts, (tuple, list)):
            shifts = shifts[0] if len(shifts) == 1 else shifts
        return Roll.apply(input, shifts=int(shifts), dims=None)
    shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    return Roll.apply(input, shifts=tuple(int(s) for s in shifts), dims=tuple(_wrap_dims(input, dims)))


TENSOR_METHODS = dict(
    view=view, reshape=reshape, view_as=view_as, reshape_as=reshape_as, flatten=flatten, unflatten=unflatten,
    squeeze=squeeze, unsqueeze=unsqueeze, transpose=transpose, swapaxes=transpose, swapdims=transpose, t=t,
    permute=permute, movedim=movedim, moveaxis=movedim, T=property(_T), mT=property(_mT), expand=expand,
    expand_as=expand_as, broadcast_to=broadcast_to, narrow=narrow, repeat=repeat,
    tile=tile, flip=flip, roll=roll,
)
FUNCTIONS = dict(
    reshape=reshape, flatten=flatten, unflatten=unflatten, squeeze=squeeze, unsqueeze=unsqueeze,
    transpose=transpose, swapaxes=transpose, swapdims=transpose, t=t, permute=permute, movedim=movedim,
    moveaxis=movedim, broadcast_to=broadcast_to, narrow=narrow, tile=tile, flip=flip, roll=roll,
)

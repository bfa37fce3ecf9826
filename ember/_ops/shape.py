"""Shape ops: views and reshapes."""
import numpy as np

from .._tensor import Size
from .op import Op


def _sizes(args):
    """Accept ``view(2, 3)``, ``view((2, 3))`` and ``view(torch.Size([2, 3]))``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        args = tuple(args[0])
    return tuple(int(a) for a in args)


def infer_shape(shape, numel):
    """Resolve one -1 in ``shape``; raise PyTorch's error when the sizes cannot hold ``numel`` elements."""
    known = 1
    minus = [i for i, s in enumerate(shape) if s == -1]
    if len(minus) > 1:
        raise RuntimeError("only one dimension can be inferred")
    for i, s in enumerate(shape):
        if s < -1:
            raise RuntimeError(f"invalid shape dimension {s}")
        if s != -1:
            known *= s
    if minus:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[:minus[0]] + (numel // known,) + shape[minus[0] + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class View(Op):
    is_view = True

    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return a.reshape(shape)

    def backward(ctx, g):
        return g.reshape(ctx.shape)


class Reshape(View):
    backward_name = "ViewBackward0"  # a reshape that can view records a view, as in PyTorch
    is_view = False

    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return a.reshape(shape)


def view(self, *shape):
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
    shape = infer_shape(_sizes(shape), input._data.size)
    return Reshape.apply(input, shape=shape)


def view_as(self, other):
    return view(self, other.shape)


def reshape_as(self, other):
    return reshape(self, other.shape)


TENSOR_METHODS = dict(view=view, reshape=reshape, view_as=view_as, reshape_as=reshape_as)
FUNCTIONS = dict(reshape=reshape)

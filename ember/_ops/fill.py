"""Writing values into a tensor in place: ``zero_``, ``fill_``, ``copy_``."""
import numpy as np

from .._arraylib import get_array_module
from .._tensor import Tensor
from ..autograd import grad_mode
from .op import Op, inplace
from .promotion import broadcast_error

_state = grad_mode.state


class Zero(Op):
    def forward(ctx, a):
        return np.zeros_like(a)

    def backward(ctx, g):
        return np.zeros_like(g)


class Fill(Op):
    def forward(ctx, a, value):
        value = get_array_module(a).asarray(value).astype(a.dtype)  # wraps out-of-range integers
        return np.broadcast_to(value, a.shape)

    def backward(ctx, g):
        return np.zeros_like(g), (g.sum() if ctx.needs_input_grad[1] else None)

    def name(self):  # a number or a 0-dim tensor value
        return f"FillBackward{2 if self._meta[1] is None else 3}"


class Copy(Op):
    backward_name = "CopyBackwards"

    def forward(ctx, a, src):
        out = np.broadcast_to(src, a.shape)
        return out if out.dtype == a.dtype else out.astype(a.dtype)

    def backward(ctx, g):
        return np.zeros_like(g), g


def _write(self, op, value, *inputs):
    """Record ``op`` in place when autograd must see the write; otherwise just store ``value``
    (the common case: initialising parameters, resetting buffers)."""
    if _state.enabled and (self.requires_grad or any(isinstance(t, Tensor) and t.requires_grad for t in inputs)):
        return inplace(op, self, *inputs)
    try:
        self._data[...] = value
    except OverflowError:  # PyTorch wraps out-of-range integers (-1 into uint8 is 255); NumPy refuses
        self._data[...] = np.asarray(value).astype(self._data.dtype)[()]  # a NumPy scalar: any device takes it
    self._version[0] += 1
    return self


def zero_(self):
    """Set every element to zero in place and return the tensor."""
    return _write(self, Zero, 0)


def fill_(self, value):
    """Set every element to ``value`` (a number or a 0-d tensor) in place and return the tensor."""
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value._data.ndim} dimensions.")
        return _write(self, Fill, value._data, value)
    return _write(self, Fill, value, value)


def copy_(self, src, non_blocking=False):
    """Copy ``src`` into self, broadcasting it and casting to self's dtype."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' (position 1) must be Tensor, not {type(src).__name__}")
    if type(src._data) is not type(self._data):  # another device
        src = src.to(self.device)
    try:
        return _write(self, Copy, src._data, src)
    except ValueError:
        try:
            shape = np.broadcast_shapes(self.shape, src.shape)
        except ValueError:
            raise broadcast_error(self, src) from None
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast shape "
                           f"{list(shape)}") from None


TENSOR_METHODS = dict(zero_=zero_, fill_=fill_, copy_=copy_)
FUNCTIONS = dict(zero_=zero_, fill_=fill_)

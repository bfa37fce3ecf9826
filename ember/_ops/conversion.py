"""dtype and device conversion: ``to``, ``type``, ``float()``, ``cuda()``, ``clone``."""
import numpy as np

from .. import _arraylib as B
from .._legacy import legacy_type_name, resolve_type
from .._tensor import Tensor
from .op import Op


class ToCopy(Op):
    def forward(ctx, a, np_dtype=None, dev=None):
        ctx.src_dev = None if dev is None else B.device_of(a)
        out = a if np_dtype is None else a.astype(np_dtype)
        return out if dev is None else B.to_device(out, dev)

    def backward(ctx, g):
        # the engine casts the gradient back to the input's dtype; only the device is ours to restore
        return g if ctx.src_dev is None else B.to_device(g, ctx.src_dev)


class Clone(Op):
    def forward(ctx, a, memory_format=None):
        return a.copy()

    def backward(ctx, g):
        return g


def clone(input, *, memory_format=None):
    """A copy of ``input`` in memory of its own, recorded for autograd (gradients flow back to ``input``).
    ``memory_format`` is accepted and ignored."""
    return Clone.apply(input)


def _parse_to(args, kwargs):
    dt = kwargs.get("dtype")
    dev = kwargs.get("device")
    for a in args:
        if isinstance(a, Tensor):
            dt, dev = a.dtype, a.device
        elif isinstance(a, (B.dtype, np.dtype)) or a in (float, int, bool):
            dt = a
        elif isinstance(a, (str, B.device, int)) and not isinstance(a, bool):  # a bool is non_blocking
            dev = a
    return (None if dt is None else B.to_dtype(dt)), (None if dev is None else B.device(dev))


def to(self, *args, non_blocking=False, copy=False, memory_format=None, **kwargs):
    """This tensor converted to a dtype and/or device, given positionally, by keyword, or as another tensor's.
    The tensor itself comes back when nothing changes (a copy with ``copy=True``); ``non_blocking`` and
    ``memory_format`` are accepted and ignored."""
    dt, dev = _parse_to(args, kwargs)
    np_dtype = None if dt is None or dt.np == self._data.dtype else dt.np
    if dev is not None:
        B.xp_for(dev)  # raises PyTorch's error when the device has no backend here
        if dev == self.device or (dev.index is None and dev.type == self.device.type):
            dev = None
    if np_dtype is None and dev is None:
        return clone(self) if copy else self
    return ToCopy.apply(self, np_dtype=np_dtype, dev=dev)


def _caster(dt):
    def cast(self, memory_format=None):
        return self if self._data.dtype == dt.np else ToCopy.apply(self, np_dtype=dt.np)

    cast.__name__ = dt.name
    cast.__doc__ = f"This tensor converted to ``ember.{dt.name}`` (the tensor itself when it has that dtype already)."
    return cast


def cpu(self, memory_format=None):
    """This tensor in host memory (the tensor itself when it is there already)."""
    return to(self, "cpu")


def cuda(self, device=None, non_blocking=False, memory_format=None):
    """This tensor on a CUDA device (the current one unless ``device`` is given); needs CuPy."""
    return to(self, B.device("cuda", device if isinstance(device, int) else None) if not isinstance(
        device, (str, B.device)) else device)


def type_(self, dtype=None, non_blocking=False, **kwargs):
    """``t.type()`` names the legacy type ('torch.FloatTensor'); ``t.type(T)`` converts."""
    if dtype is None:
        return legacy_type_name(self)
    dt, dev = resolve_type(dtype)
    out = to(self, dt)
    return to(out, dev) if dev is not None else out


def type_as(self, other):
    """This tensor converted to ``other``'s dtype."""
    return to(self, other.dtype)


TENSOR_METHODS = dict(
    to=to, clone=clone, cpu=cpu, cuda=cuda, type=type_, type_as=type_as,
    float=_caster(B.float32), double=_caster(B.float64), half=_caster(B.float16), long=_caster(B.int64),
    int=_caster(B.int32), short=_caster(B.int16), char=_caster(B.int8), byte=_caster(B.uint8),
    bool=_caster(B.bool),
)
FUNCTIONS = dict(clone=clone)

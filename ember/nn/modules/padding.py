"""Padding layers: ``F.pad`` with a fixed padding and mode."""
from .. import functional as F
from .module import Module


# how each mode fills the border, for the docstrings the subclasses get from their mode and dims
_FILLS = {"constant": "with the constant ``value``", "reflect": "by mirroring the input at its edges",
          "replicate": "by repeating the edge values", "circular": "by wrapping the input around"}
_SIDES = {1: "(left, right)", 2: "(left, right, top, bottom)", 3: "(left, right, top, bottom, front, back)"}


class _PadNd(Module):
    """Base of the padding layers: a subclass sets ``_mode`` and ``_dims`` and gets its docstring from them."""

    _mode, _dims, _fill = "constant", 2, None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__name__.startswith("_") or vars(cls).get("__doc__"):
            return
        last = "the last dimension" if cls._dims == 1 else f"the last {cls._dims} dimensions"
        cls.__doc__ = (f"Pads {last} of the input "
                       f"{cls._fill or _FILLS[cls._mode]}; ``padding`` is one int for every side or the tuple "
                       f"{_SIDES[cls._dims]}.")

    def __init__(self, padding, value=0.0):
        super().__init__()
        self.padding = (padding,) * (2 * self._dims) if isinstance(padding, int) else tuple(padding)
        if self._mode == "constant":
            self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, self._mode, getattr(self, "value", None))

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}" if self._mode == "constant" else f"{self.padding}"


class ConstantPad1d(_PadNd):
    _dims = 1

    def __init__(self, padding, value):
        super().__init__(padding, value)


class ConstantPad2d(_PadNd):
    def __init__(self, padding, value):
        super().__init__(padding, value)


class _ZeroPadNd(_PadNd):
    _fill = "with zeros"

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd):
    _dims = 1


class ZeroPad2d(_ZeroPadNd):
    _dims = 2


class ReflectionPad1d(_PadNd):
    _mode, _dims = "reflect", 1


class ReflectionPad2d(_PadNd):
    _mode = "reflect"


class ReplicationPad1d(_PadNd):
    _mode, _dims = "replicate", 1


class ReplicationPad2d(_PadNd):
    _mode = "replicate"


class ConstantPad3d(_PadNd):
    _dims = 3

    def __init__(self, padding, value):
        super().__init__(padding, value)


class ZeroPad3d(_ZeroPadNd):
    _dims = 3


class ReflectionPad3d(_PadNd):
    _mode, _dims = "reflect", 3


class ReplicationPad3d(_PadNd):
    _mode, _dims = "replicate", 3


class CircularPad1d(_PadNd):
    _mode, _dims = "circular", 1


class CircularPad2d(_PadNd):
    _mode = "circular"


class CircularPad3d(_PadNd):
    _mode, _dims = "circular", 3

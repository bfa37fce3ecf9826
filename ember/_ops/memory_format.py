"""Memory formats (``torch.contiguous_format``, ``channels_last``, ...): the layouts a tensor's
elements can have in memory, with ``is_contiguous(memory_format=)`` and
``contiguous(memory_format=)``. Ember's ops accept any layout; channels_last is a hint that
only changes strides, never values."""
import numpy as np

from .op import Op


class memory_format:
    """A memory layout tag such as ``ember.channels_last``, accepted wherever PyTorch takes
    ``memory_format``."""
    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"torch.{self._name}"


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
preserve_format = memory_format("preserve_format")

# the order of dimensions from outermost to innermost in memory, by format and rank
_ORDER = {channels_last: (4, (0, 2, 3, 1)), channels_last_3d: (5, (0, 2, 3, 4, 1))}


def _check_rank(t, fmt):
    rank, _ = _ORDER[fmt]
    if t.ndim != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {fmt._name} format")


def _dense_strides(shape, order):
    """Strides (in elements) of a dense layout whose dimensions run in memory in ``order``."""
    strides = [0] * len(shape)
    step = 1
    for d in reversed(order):
        strides[d] = step
        step *= max(shape[d], 1)
    return strides


def is_contiguous(self, memory_format=contiguous_format):
    """Whether the elements lie densely in memory in the order ``memory_format`` names (row-major
    by default)."""
    if memory_format in (contiguous_format, preserve_format, None):
        return self._data.flags.c_contiguous
    if self.ndim != _ORDER[memory_format][0]:  # asking is allowed; the answer is no
        return False
    expected = _dense_strides(self.shape, _ORDER[memory_format][1])
    return all(n == 1 or s == e for n, s, e in zip(self.shape, self.stride(), expected))


class ToLayout(Op):
    """A copy of the values laid out with the dimensions in memory in ``order``."""
    backward_name = "CloneBackward0"

    def forward(ctx, a, order):
        inverse = np.argsort(order)
        return np.ascontiguousarray(a.transpose(order)).transpose(inverse)

    def backward(ctx, g):
        return g


def contiguous(self, memory_format=contiguous_format):
    """The tensor laid out densely in ``memory_format`` (row-major by default): itself when it is
    already, a copy otherwise."""
    if memory_format in (contiguous_format, preserve_format, None):
        return self if self._data.flags.c_contiguous else self.clone()
    _check_rank(self, memory_format)
    if is_contiguous(self, memory_format):
        return self
    return ToLayout.apply(self, order=_ORDER[memory_format][1])


def storage_offset(self):
    """Elements between the start of the memory the tensor views and its first element."""
    root = self._data
    while isinstance(root.base, np.ndarray):
        root = root.base
    start = root.__array_interface__["data"][0]
    return (self._data.__array_interface__["data"][0] - start) // self._data.itemsize


class layout:
    """Tensor layouts: Ember's tensors are all dense (``torch.strided``)."""

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return f"torch.{self._name}"


strided = layout("strided")

FUNCTIONS = dict(strided=strided, layout=layout, contiguous_format=contiguous_format, channels_last=channels_last,
                 channels_last_3d=channels_last_3d, preserve_format=preserve_format, memory_format=memory_format)
def _layout(self):
    """The tensor's layout: always :data:`ember.strided` (Ember has no sparse tensors)."""
    return strided


TENSOR_METHODS = dict(is_contiguous=is_contiguous, contiguous=contiguous, storage_offset=storage_offset,
                      layout=property(_layout))

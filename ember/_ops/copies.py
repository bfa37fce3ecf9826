"""The copying forms of the view ops (``view_copy``, ``t_copy``, ``narrow_copy``, ...: the view,
then a clone), PyTorch's "unsafe" split aliases, strided allocation (``empty_strided``),
``as_strided_scatter``, and the function forms ``torch.fill`` and ``torch.detach``."""
import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from .shape_extra import as_strided

_wrap = Tensor._wrap


def _copying(view, doc=None):
    def function(input, *args, **kwargs):
        result = getattr(input, view)(*args, **kwargs)
        if isinstance(result, (tuple, list)):
            return tuple(r.clone() for r in result)
        return result.clone()

    function.__name__ = function.__qualname__ = view + "_copy"
    function.__doc__ = doc or (f"The result of :meth:`ember.Tensor.{view}` in memory of its own (each piece "
                               "copied, for a view op that returns several).")
    return function


_VIEWS = ("alias", "as_strided", "detach", "diagonal", "expand", "narrow", "permute", "select", "split",
          "split_with_sizes", "squeeze", "t", "transpose", "unbind", "unfold", "unsqueeze", "view")
COPIES = {name + "_copy": _copying(name) for name in _VIEWS if name != "alias"}
COPIES["alias_copy"] = _copying("clone", "A copy of ``input``: the copying form of an alias, which views the "
                                         "whole tensor.")


def slice_copy(input, dim=0, start=None, end=None, step=1):
    """A copy of the slice ``start:end:step`` along ``dim``."""
    return input[(slice(None),) * (dim % input.ndim) + (slice(start, end, step),)].clone()


COPIES["slice_copy"] = slice_copy


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """An uninitialised tensor with the given ``size`` and ``stride`` (in elements). Ember allocates it
    in host memory: ``device``, ``layout`` and ``pin_memory`` are accepted and not used."""
    dt = B.to_dtype(dtype) if dtype is not None else B.get_default_dtype()
    size, stride = tuple(size), tuple(stride)
    span = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    memory = np.empty(max(span, 0), dt.np)
    data = np.lib.stride_tricks.as_strided(memory, size, tuple(s * memory.itemsize for s in stride))
    t = _wrap(data)
    return t.requires_grad_(requires_grad) if requires_grad else t


def new_empty_strided(self, size, stride, *, dtype=None, device=None, requires_grad=False, **kwargs):
    """Like :func:`ember.empty_strided`, with this tensor's dtype unless ``dtype`` is given."""
    return empty_strided(size, stride, dtype=dtype or self.dtype, requires_grad=requires_grad)


def as_strided_scatter(input, src, size, stride, storage_offset=0):
    """``input`` (a contiguous copy of it) with the strided view written from ``src``."""
    out = input.contiguous().clone()
    as_strided(out, size, stride, storage_offset).copy_(src)
    return out


def fill(input, value):
    """A copy of ``input`` with every element set to ``value``."""
    return input.clone().fill_(value)


def detach(input):
    """Function form of :meth:`ember.Tensor.detach`."""
    return input.detach()


def detach_(input):
    """Function form of :meth:`ember.Tensor.detach_`."""
    return input.detach_()


# PyTorch's "unsafe" splits skip a check of in-place use of the pieces; Ember's are the plain ones
def unsafe_chunk(input, chunks, dim=0):
    """:meth:`ember.Tensor.chunk` under PyTorch's "unsafe" name; Ember's pieces are the ordinary ones."""
    return input.chunk(chunks, dim)


def unsafe_split(input, split_size, dim=0):
    """:meth:`ember.Tensor.split` under PyTorch's "unsafe" name; Ember's pieces are the ordinary ones."""
    return input.split(split_size, dim)


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """:meth:`ember.Tensor.split` with a list of sizes, under PyTorch's "unsafe" name."""
    return input.split(list(split_sizes), dim)


_UNSAFE = dict(unsafe_chunk=unsafe_chunk, unsafe_split=unsafe_split, unsafe_split_with_sizes=unsafe_split_with_sizes)
FUNCTIONS = dict(COPIES, **_UNSAFE, empty_strided=empty_strided, as_strided_scatter=as_strided_scatter, fill=fill,
                 detach=detach, detach_=detach_)
TENSOR_METHODS = dict(_UNSAFE, narrow_copy=COPIES["narrow_copy"], new_empty_strided=new_empty_strided,
                      as_strided_scatter=as_strided_scatter)

"""Smaller pieces of the Tensor API, each a composition of existing differentiable ops:
the *_scatter family, diagflat, sum_to_size, split_with_sizes, unravel_index, renorm,
in-place scans and random fills, and the small predicates (is_signed, is_nonzero, isreal, ...)."""
import math
import warnings

import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from .comparison import where
from .diagonal import diag_embed, diagonal, select
from .op import inplace
from .products import Overwrite

_wrap = Tensor._wrap


def _write(input, src, view_of):
    """``input`` with the region ``view_of(result)`` replaced by ``src``: a clone written through the view,
    so the gradient reaches input outside the region and src inside it."""
    out = input.clone()
    view = view_of(out)
    if tuple(view.shape) != tuple(src.shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(view.shape)}")
    view.copy_(src)
    return out


def select_scatter(input, src, dim, index):
    """A copy of ``input`` with ``src`` written into the slice at ``index`` along ``dim``."""
    return _write(input, src, lambda t: select(t, dim, index))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of ``input`` with ``src`` written into the slice ``start:end:step`` along ``dim``."""
    d = dim % input.ndim
    return _write(input, src, lambda t: t[(slice(None),) * d + (slice(start, end, step),)])


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of ``input`` with ``src`` written into the diagonal that :func:`ember.diagonal` with
    the same ``offset``, ``dim1`` and ``dim2`` selects."""
    return _write(input, src, lambda t: diagonal(t, offset, dim1, dim2))


def diagflat(input, offset=0):
    """A matrix with the flattened ``input`` on its ``offset``-th diagonal and zeros elsewhere."""
    return diag_embed(input.reshape(-1), offset)


def sum_to_size(self, *size):
    """The tensor summed down to ``size``, a shape it can be broadcast from."""
    size = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size
    lead = self.ndim - len(size)
    if lead < 0 or any(s not in (1, n) for s, n in zip(size, self.shape[lead:])):
        raise RuntimeError(f"size {{{list(size)}}} is not expandable to size {{{list(self.shape)}}}.")
    dims = list(range(lead)) + [lead + i for i, s in enumerate(size) if s == 1 and self.shape[lead + i] != 1]
    out = self.sum(dims, keepdim=True) if dims else self
    return out.reshape(size)


def split_with_sizes(self, split_sizes, dim=0):
    """Split into views of the given sizes along ``dim`` (they must add up to its size)."""
    d = dim % self.ndim
    if sum(split_sizes) != self.shape[d]:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {self.shape[d]} (input tensor's "
                           f"size at dimension {d}), but got split_sizes={list(split_sizes)}")
    return self.split(list(split_sizes), d)


def unravel_index(indices, shape):
    """The coordinates in a tensor of ``shape`` of the flat ``indices``, as one int64 tensor per
    dimension."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    flat = indices._data if isinstance(indices, Tensor) else np.asarray(indices)
    if flat.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    total = int(np.prod(shape))  # indices wrap around modulo the size, as in PyTorch
    return tuple(_wrap(np.asarray(i, np.int64)) for i in np.unravel_index(flat % max(total, 1), shape))


def renorm(input, p, dim, maxnorm):
    """Each slice along ``dim`` with a p-norm above ``maxnorm`` scaled down to it."""
    d = dim % input.ndim
    others = [i for i in range(input.ndim) if i != d]
    norms = input.abs().pow(p).sum(others, keepdim=True).pow(1.0 / p)
    return input * where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)


# In-place forms computed from a copy: the ops save their input for backward, and self is about
# to be overwritten.
def renorm_(self, p, dim, maxnorm):
    """In-place form of :meth:`ember.Tensor.renorm`."""
    return inplace(Overwrite, self, renorm(self.clone(), p, dim, maxnorm))


def cumsum_(self, dim, *, dtype=None):
    """In-place running sums along ``dim``."""
    return inplace(Overwrite, self, self.clone().cumsum(dim))


def cumprod_(self, dim, *, dtype=None):
    """In-place running products along ``dim``."""
    return inplace(Overwrite, self, self.clone().cumprod(dim))


def fill_diagonal_(self, fill_value, wrap=False):
    """Set the main diagonal (all indices equal) to ``fill_value`` in place; with ``wrap``, a tall
    matrix's diagonal starts again below each square block. Ember does not record this write for autograd."""
    if self.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if self.ndim > 2 and len(set(self.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    a = self._data
    n = min(a.shape)
    if self.ndim == 2 and wrap and a.shape[0] > a.shape[1] + 1:
        flat = a.reshape(-1)  # the diagonal restarts every (cols + 1) rows, as NumPy's fill_diagonal(wrap=True)
        flat[::a.shape[1] + 1] = fill_value
    else:
        index = (np.arange(n),) * self.ndim
        a[index] = fill_value
    self._version[0] += 1
    return self


def _random_fill(draw, doc):
    def fill(self, *args, generator=None):
        values = draw(B.rng(generator), self._data.shape, *args)
        self._data[...] = values
        self._version[0] += 1
        return self

    fill.__doc__ = doc
    return fill


cauchy_ = _random_fill(lambda g, shape, median=0.0, sigma=1.0:
                       median + sigma * np.tan(math.pi * (g.random(shape) - 0.5)),
                       "Fill in place with draws from the Cauchy distribution of ``median`` and ``sigma``.")
log_normal_ = _random_fill(lambda g, shape, mean=1.0, std=2.0: np.exp(g.normal(mean, std, shape)),
                           "Fill in place with ``exp`` of normal draws of ``mean`` and ``std``.")
geometric_ = _random_fill(lambda g, shape, p: g.geometric(p, shape),
                          "Fill in place with the number of trials up to the first success of probability ``p``.")


def is_signed(self):
    """Whether the dtype can hold negative values."""
    return self._data.dtype.kind in "ifc"


def is_nonzero(self):
    """Whether the single element of a one-element tensor is nonzero."""
    if self.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous" if self.numel() else
                           "Boolean value of Tensor with no values is ambiguous")
    return bool(self._data.reshape(-1)[0] != 0)


def is_same_size(self, other):
    """Whether ``other`` has this tensor's shape."""
    return tuple(self.shape) == tuple(other.shape)


def isreal(input):
    """Whether each element has no imaginary part (every element of a real tensor), as a bool tensor."""
    return _wrap(np.imag(input._data) == 0)


def get_device(self):
    """The CUDA device index, or -1 for a tensor in host memory."""
    return -1 if self.device.type == "cpu" else (self.device.index or 0)


def is_inference(self):
    """Whether this is an inference tensor; always False in Ember, whose inference mode makes ordinary
    tensors."""
    return False


def scalar_tensor(s, *, dtype=None, device=None, layout=None, requires_grad=False, pin_memory=False):
    """A 0-d tensor holding ``s``, of the default dtype unless ``dtype`` is given."""
    dt = B.to_dtype(dtype) if dtype is not None else B.get_default_dtype()
    t = _wrap(np.asarray(s, dt.np))
    return t.requires_grad_(requires_grad) if requires_grad else t


def range_(start, end, step=1, *, dtype=None, device=None, requires_grad=False, **kwargs):
    """``torch.range``: like arange, but including ``end`` (deprecated in PyTorch, which warns)."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    dt = B.to_dtype(dtype) if dtype is not None else B.get_default_dtype()
    count = int(math.floor((end - start) / step)) + 1
    t = _wrap((start + step * np.arange(max(count, 0))).astype(dt.np))
    return t.requires_grad_(requires_grad) if requires_grad else t


FUNCTIONS = dict(select_scatter=select_scatter, slice_scatter=slice_scatter, diagonal_scatter=diagonal_scatter,
                 diagflat=diagflat, split_with_sizes=split_with_sizes, unravel_index=unravel_index, renorm=renorm,
                 isreal=isreal, is_signed=is_signed, is_nonzero=is_nonzero, is_same_size=is_same_size,
                 is_inference=is_inference, get_device=get_device, scalar_tensor=scalar_tensor, range=range_)
TENSOR_METHODS = dict(select_scatter=select_scatter, slice_scatter=slice_scatter, diagonal_scatter=diagonal_scatter,
                      diagflat=diagflat, sum_to_size=sum_to_size, split_with_sizes=split_with_sizes, renorm=renorm,
                      renorm_=renorm_, cumsum_=cumsum_, cumprod_=cumprod_, fill_diagonal_=fill_diagonal_,
                      cauchy_=cauchy_, log_normal_=log_normal_, geometric_=geometric_, is_signed=is_signed,
                      is_nonzero=is_nonzero, is_same_size=is_same_size, isreal=isreal, get_device=get_device,
                      is_inference=is_inference)

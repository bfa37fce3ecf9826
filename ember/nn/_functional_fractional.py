"""Fractional max pooling (Graham, 2014): windows of a fixed size at pseudo-random, increasing starts,
as many as the output size asks for. The starts follow PyTorch's formula, so given the same
``_random_samples`` the result is PyTorch's."""
import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from ._functional_layers import _tuple

__all__ = ["fractional_max_pool2d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d",
           "fractional_max_pool3d_with_indices"]


def _starts(samples, size, out, pool, dtype):
    """Window starts per plane: (N, C, out) from one uniform sample per plane."""
    starts = np.empty(samples.shape + (out,), np.int64)
    if out > 1:
        alpha = dtype.type(size - pool) / dtype.type(out - 1)
        steps = np.arange(out - 1, dtype=dtype)
        starts[..., :-1] = ((steps + samples[..., None]) * alpha).astype(np.int64) - (
            samples[..., None] * alpha).astype(np.int64)
    starts[..., -1] = size - pool
    return starts


def _fractional(name, dims, sample_of_dim, input, kernel_size, output_size, output_ratio, return_indices,
                _random_samples):
    if output_size is None and output_ratio is None:
        raise ValueError(f"{name} requires specifying either an output_size or an output_ratio")
    x = input if input.dim() == dims + 2 else input.unsqueeze(0)
    n, c = x.shape[:2]
    spatial = tuple(x.shape[2:])
    kernel = _tuple(kernel_size, dims)
    if output_size is None:
        output_size = tuple(int(s * r) for s, r in zip(spatial, _tuple(output_ratio, dims)))
    outs = _tuple(output_size, dims)
    for size, o, k, what in zip(spatial, outs, kernel, ("time", "height", "width")[3 - dims:]):
        if o + k - 1 > size:
            raise RuntimeError(f"{name}(): pool {what} {k} too large relative to input {what} {size}")
    dtype = x._data.dtype
    samples = (B.rng().random((n, c, dims)).astype(dtype) if _random_samples is None
               else _random_samples._data.reshape(n, c, dims))
    # flat index of every (output cell, kernel offset): shape (N, C, *outs, *kernel)
    strides = np.cumprod((1,) + spatial[:0:-1])[::-1]
    flat = np.zeros((n, c) + outs + kernel, np.int64)
    for d, (size, o, k, stride) in enumerate(zip(spatial, outs, kernel, strides)):
        starts = _starts(samples[..., sample_of_dim[d]], size, o, k, dtype)
        shape_o = [1] * dims
        shape_o[d] = o
        shape_k = [1] * dims
        shape_k[d] = k
        flat += (starts.reshape(n, c, *shape_o, *([1] * dims)) + np.arange(k).reshape(*shape_k)) * stride
    cells, window = int(np.prod(outs)), int(np.prod(kernel))
    flat = flat.reshape(n, c, cells, window)
    picked = x.reshape(n, c, -1).gather(2, Tensor._wrap(flat.reshape(n, c, -1))).reshape(n, c, cells, window)
    values, arg = picked.max(3)
    out = values.reshape(n, c, *outs)
    indices = Tensor._wrap(np.take_along_axis(flat, arg._data[..., None], 3).reshape(n, c, *outs))
    if input.dim() == dims + 1:
        out, indices = out.squeeze(0), indices.squeeze(0)
    return (out, indices) if return_indices else out


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling of ``(N, C, H, W)`` or ``(C, H, W)`` inputs: ``kernel_size`` windows at
    pseudo-random starts, sized to ``output_size`` or ``output_ratio``; the same ``_random_samples`` give
    PyTorch's result."""
    # PyTorch draws the width's sample first, then the height's
    return _fractional("fractional_max_pool2d", 2, (1, 0), input, kernel_size, output_size, output_ratio,
                       return_indices, _random_samples)


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """:func:`ember.nn.functional.fractional_max_pool2d` that always returns ``(values, indices)``."""
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True, _random_samples)


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    """Fractional max pooling of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` inputs, as
    :func:`ember.nn.functional.fractional_max_pool2d` does over three dims."""
    return _fractional("fractional_max_pool3d", 3, (0, 1, 2), input, kernel_size, output_size, output_ratio,
                       return_indices, _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    """:func:`ember.nn.functional.fractional_max_pool3d` that always returns ``(values, indices)``."""
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True, _random_samples)

"""Fractional max pooling (Graham, 2014): windows of a fixed size at pseudo-random, increasing starts,
as many as the output size asks for. The starts follow PyTorch's formula, so given the same
``_random_samples`` the result is PyTorch's."""
import numpy as np

from .. import _backend as B
from .._tensor import Tensor
from ._functional_layers import _tuple

__all__ = ["fractional_max_pool2d", "fractional_max_pool2d_with_indices"]


def _starts(samples, size, out, pool, dtype):
    """Window starts per plane: (planes, out) from one uniform sample per plane."""
    starts = np.empty(samples.shape + (out,), np.int64)
    if out > 1:
        alpha = dtype.type(size - pool) / dtype.type(out - 1)
        steps = np.arange(out - 1, dtype=dtype)
        starts[..., :-1] = ((steps + samples[..., None]) * alpha).astype(np.int64) - (
            samples[..., None] * alpha).astype(np.int64)
    starts[..., -1] = size - pool
    return starts


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                          _random_samples=None):
    if output_size is None and output_ratio is None:
        raise ValueError("fractional_max_pool2d requires specifying either an output_size or an output_ratio")
    x = input if input.dim() == 4 else input.unsqueeze(0)
    n, c, h, w = x.shape
    kh, kw = _tuple(kernel_size, 2)
    if output_size is None:
        ratio = _tuple(output_ratio, 2)
        output_size = (int(h * ratio[0]), int(w * ratio[1]))
    oh, ow = _tuple(output_size, 2)
    if oh + kh - 1 > h or ow + kw - 1 > w:
        raise RuntimeError(f"fractional_max_pool2d(): pool height {kh} too large relative to input height {h}"
                           if oh + kh - 1 > h else
                           f"fractional_max_pool2d(): pool width {kw} too large relative to input width {w}")
    dtype = x._data.dtype
    samples = (B.rng().random((n, c, 2)).astype(dtype) if _random_samples is None
               else _random_samples._data.reshape(n, c, 2))
    rows = _starts(samples[..., 1], h, oh, kh, dtype)  # (N, C, oh)
    cols = _starts(samples[..., 0], w, ow, kw, dtype)  # (N, C, ow)
    ys = rows[:, :, :, None, None, None] + np.arange(kh)[:, None]  # (N, C, oh, 1, kh, 1)
    xs = cols[:, :, None, :, None, None] + np.arange(kw)  # (N, C, 1, ow, 1, kw)
    flat = (ys * w + xs).reshape(n, c, oh * ow, kh * kw)
    picked = x.reshape(n, c, h * w).gather(2, Tensor._wrap(flat.reshape(n, c, -1))).reshape(n, c, oh * ow, kh * kw)
    values, arg = picked.max(3)
    out = values.reshape(n, c, oh, ow)
    indices = Tensor._wrap(np.take_along_axis(flat, arg._data[..., None], 3).reshape(n, c, oh, ow))
    if input.dim() == 3:
        out, indices = out.squeeze(0), indices.squeeze(0)
    return (out, indices) if return_indices else out


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None, output_ratio=None,
                                       return_indices=False, _random_samples=None):
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True, _random_samples)

"""3-D convolution and pooling in ``ember.nn.functional`` (and LP pooling in 3-D), written as one gather of
every window (the n-d im2col of ``_functional_layers``) followed by a batched product or a reduction."""
import math

import numpy as np

from .._ops.nn_ops import pad
from .._tensor import Tensor
from ._functional_layers import _tuple, _window_indices

__all__ = ["conv3d", "conv_transpose3d", "max_pool3d", "max_pool3d_with_indices", "avg_pool3d", "adaptive_avg_pool3d",
           "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices", "lp_pool3d"]


def _windows(input, kernel, dilation, padding, stride, fill=0.0, ceil_mode=False):
    """(N, C, K, L) values of every window, the index table and the output's spatial size."""
    spatial = tuple(input.shape[2:])
    idx, reach, outs = _window_indices(spatial, kernel, dilation, padding, stride, ceil_mode)
    widths = []
    for n, p, r in zip(reversed(spatial), reversed(padding), reversed(reach)):
        widths += [p, r - n - p]
    x = pad(input, widths, value=fill) if any(widths) else input
    n, c = input.shape[:2]
    cols = x.reshape(n, c, -1)[:, :, Tensor._wrap(idx.reshape(-1))]
    return cols.reshape(n, c, idx.shape[0], idx.shape[1]), idx, reach, outs


def _batched(input, name):
    if input.dim() not in (4, 5):
        raise RuntimeError(f"{name}: Expected 4D (unbatched) or 5D (batched) input, but got input of size: "
                           f"{list(input.shape)}")
    return input if input.dim() == 5 else input.unsqueeze(0)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlate (N, C, D, H, W) with (O, C/groups, kd, kh, kw)."""
    x = _batched(input, "conv3d")
    kernel = tuple(weight.shape[2:])
    stride, dilation = _tuple(stride, 3), _tuple(dilation, 3)
    if isinstance(padding, str):
        if padding == "same":  # PyTorch puts the odd pixel of an even total at the end
            totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
            x = pad(x, [p for t in reversed(totals) for p in (t // 2, t - t // 2)])
        padding = (0, 0, 0)
    padding = _tuple(padding, 3)
    n, c = x.shape[:2]
    if c != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, expected input"
                           f"{list(x.shape)} to have {weight.shape[1] * groups} channels, but got {c} channels "
                           "instead")
    cols, _, _, outs = _windows(x, kernel, dilation, padding, stride)
    k, length = cols.shape[2], cols.shape[3]
    o = weight.shape[0]
    cols = cols.reshape(n, groups, (c // groups) * k, length)
    w = weight.reshape(groups, o // groups, (c // groups) * k)
    out = (w.unsqueeze(0) @ cols).reshape(n, o, *outs)
    if bias is not None:
        out = out + bias.reshape(1, o, 1, 1, 1)
    return out if input.dim() == 5 else out.squeeze(0)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The adjoint of conv3d: each input voxel spreads ``weight`` over its window of the output."""
    x = _batched(input, "conv_transpose3d")
    stride, padding, dilation = _tuple(stride, 3), _tuple(padding, 3), _tuple(dilation, 3)
    output_padding = _tuple(output_padding, 3)
    n, c = x.shape[:2]
    kernel = tuple(weight.shape[2:])
    o = weight.shape[1] * groups
    spatial = tuple(x.shape[2:])
    out = [(s - 1) * st - 2 * p + d * (k - 1) + op + 1 for s, st, p, d, k, op in
           zip(spatial, stride, padding, dilation, kernel, output_padding)]
    full = [size + 2 * p for size, p in zip(out, padding)]
    idx, reach, _ = _window_indices(full, kernel, dilation, (0, 0, 0), stride)
    k, length = idx.shape
    w = weight.reshape(groups, c // groups, (o // groups) * k).transpose(1, 2)
    cols = (w.unsqueeze(0) @ x.reshape(n, groups, c // groups, length)).reshape(n, o, k * length)
    target = Tensor._wrap(np.broadcast_to(idx.reshape(1, 1, -1), (n, o, idx.size)).copy())
    image = x.new_zeros((n, o, int(np.prod(reach)))).scatter_add(2, target, cols).reshape(n, o, *reach)
    image = image[:, :, padding[0]:padding[0] + out[0], padding[1]:padding[1] + out[1],
                  padding[2]:padding[2] + out[2]]
    if bias is not None:
        image = image + bias.reshape(1, o, 1, 1, 1)
    return image if input.dim() == 5 else image.squeeze(0)


def _pool_args(kernel_size, stride, padding, dilation=1):
    kernel = _tuple(kernel_size, 3)
    stride = _tuple(stride if stride is not None and stride != [] else kernel_size, 3)
    return kernel, stride, _tuple(padding, 3), _tuple(dilation, 3)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The maximum of each ``(kd, kh, kw)`` window of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` inputs, with the
    flat positions of the maxima in each spatial volume when ``return_indices`` is set."""
    x = _batched(input, "max_pool3d")
    kernel, stride, padding, dilation = _pool_args(kernel_size, stride, padding, dilation)
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise RuntimeError("pad should be at most half of effective kernel size")
    cols, idx, reach, outs = _windows(x, kernel, dilation, padding, stride, -math.inf, ceil_mode)
    values, arg = cols.max(2)
    n, c = x.shape[:2]
    out = values.reshape(n, c, *outs)
    if not return_indices:
        return out if input.dim() == 5 else out.squeeze(0)
    # the winners' places in the padded image, as flat indices into the unpadded one
    padded_flat = idx[arg._data, np.arange(idx.shape[1])]
    coords = np.unravel_index(padded_flat, reach)
    spatial = tuple(x.shape[2:])
    flat = np.ravel_multi_index(tuple(cc - p for cc, p in zip(coords, padding)), spatial)
    indices = Tensor._wrap(flat.reshape(n, c, *outs).astype(np.int64))
    if input.dim() == 4:
        return out.squeeze(0), indices.squeeze(0)
    return out, indices


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """:func:`ember.nn.functional.max_pool3d` that always returns ``(values, indices)``."""
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """The mean of each ``(kd, kh, kw)`` window of ``(N, C, D, H, W)`` or ``(C, D, H, W)`` inputs;
    ``count_include_pad`` and ``divisor_override`` set the divisor."""
    x = _batched(input, "avg_pool3d")
    kernel, stride, padding, dilation = _pool_args(kernel_size, stride, padding)
    cols, _, _, outs = _windows(x, kernel, dilation, padding, stride, ceil_mode=ceil_mode)
    total = cols.sum(2)
    if divisor_override is not None:
        divisor = divisor_override
    else:
        divisor = Tensor._wrap(_window_sizes(tuple(x.shape[2:]), kernel, stride, padding, outs, count_include_pad)
                               .astype(x._data.dtype))
    n, c = x.shape[:2]
    out = (total / divisor).reshape(n, c, *outs)
    return out if input.dim() == 5 else out.squeeze(0)


def _window_sizes(spatial, kernel, stride, padding, outs, include_pad):
    """How many elements each window averages, flattened: windows stop at the padded border (ceil mode
    lets the last one run past it), and without ``include_pad`` they count only the input's elements."""
    counts = np.ones((1,), np.int64)
    for n, k, s, p, o in zip(spatial, kernel, stride, padding, outs):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        if not include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, n)
        counts = (counts[:, None] * (end - start)[None, :]).reshape(-1)
    return counts


def _adaptive_windows(input, output_size, name):
    """Every adaptive window as a row of flat input indices, padded to the widest window: the values
    (N, C, cells, width) with ``fill`` past a window's end, the index table and which entries are real."""
    x = _batched(input, name)
    spatial = tuple(x.shape[2:])
    sizes = [s if s is not None else n for s, n in zip(_tuple(output_size, 3), spatial)]
    # output cell i of a dim pools the input cells [floor(i n / o), ceil((i + 1) n / o))
    tables, valid = [], []
    for n, o in zip(spatial, sizes):
        start = (np.arange(o) * n) // o
        end = -(-((np.arange(o) + 1) * n) // o)
        offsets = np.arange((end - start).max())
        tables.append(np.minimum(start[:, None] + offsets, n - 1))
        valid.append(offsets < (end - start)[:, None])
    flat = np.ravel_multi_index(np.broadcast_arrays(*np.ix_(*[t.reshape(-1) for t in tables])), spatial)
    first, second, third = (v.reshape(-1) for v in valid)
    ok = first[:, None, None] & second[None, :, None] & third[None, None, :]  # (o1*w1, o2*w2, o3*w3), as flat
    # regroup to (cells, window): (o1, w1, o2, w2, o3, w3) -> (o1, o2, o3, w1, w2, w3)
    shape = [d for o, t in zip(sizes, tables) for d in (o, t.shape[1])]
    order = (0, 2, 4, 1, 3, 5)
    flat = flat.reshape(shape).transpose(order).reshape(int(np.prod(sizes)), -1)
    ok = ok.reshape(shape).transpose(order).reshape(flat.shape)
    n, c = x.shape[:2]
    values = x.reshape(n, c, -1)[:, :, Tensor._wrap(flat.reshape(-1))].reshape(n, c, *flat.shape)
    return x, values, flat, Tensor._wrap(ok), sizes


def adaptive_avg_pool3d(input, output_size):
    """Average pooling of 5-D or 4-D inputs to ``output_size`` ``(D, H, W)`` (None keeps that dim), whatever
    the input's size."""
    x, values, _, ok, sizes = _adaptive_windows(input, output_size, "adaptive_avg_pool3d")
    counts = ok.sum(1).to(x.dtype)
    out = (values * ok.to(x.dtype)).sum(3) / counts
    out = out.reshape(*x.shape[:2], *sizes)
    return out if input.dim() == 5 else out.squeeze(0)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """Max pooling of 5-D or 4-D inputs to ``output_size`` ``(D, H, W)`` (None keeps that dim), with the
    flat positions of the maxima when ``return_indices`` is set."""
    x, values, flat, ok, sizes = _adaptive_windows(input, output_size, "adaptive_max_pool3d")
    best, arg = values.masked_fill(~ok, -math.inf).max(3)
    n, c = x.shape[:2]
    out = best.reshape(n, c, *sizes)
    if not return_indices:
        return out if input.dim() == 5 else out.squeeze(0)
    cells = np.arange(flat.shape[0])
    indices = Tensor._wrap(flat[cells, arg._data].reshape(n, c, *sizes))
    if input.dim() == 4:
        return out.squeeze(0), indices.squeeze(0)
    return out, indices


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    """:func:`ember.nn.functional.adaptive_max_pool3d` that always returns ``(values, indices)``."""
    return adaptive_max_pool3d(input, output_size, True)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling over ``(kd, kh, kw)`` windows: ``(sum of x ** p) ** (1 / p)``, ``p`` being
    ``norm_type``."""
    kd, kh, kw = _tuple(kernel_size, 3)
    out = avg_pool3d(input ** norm_type, kernel_size, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(kd * kh * kw) ** (1.0 / norm_type)

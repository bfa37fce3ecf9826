"""Pooling: max and average over sliding windows, and their adaptive forms.

The windows are visited one kernel position at a time: each position is one
strided slice of the padded input covering every output, so a pooling costs
kh*kw vectorised passes whatever the image size, and its gradient is kh*kw
slice-adds into a zero image. Pooling runs on the last two dims, so 3-D
(unbatched) and 4-D inputs take the same path; the 1-D forms run as 2-D ones of
height 1.
"""
import numpy as np

from .._arraylib import get_array_module
from .._parallel import BLOCK, split
from .._tensor import Tensor
from .op import Op, array_of
from .resample import resample, window_matrix


def _pair(name, what, value):
    values = (value, value) if isinstance(value, int) else tuple(value)
    if len(values) == 1:
        values *= 2
    if len(values) != 2:
        omitted = "be omitted, " if what == "stride" else "be "
        raise RuntimeError(f"{name}: {what} must either {omitted}a single int, or a tuple of two ints")
    return values


def _out_size(n, k, s, p, d, ceil_mode):
    """PyTorch's pooling output size; a ceil-mode window must start inside the input or its left padding."""
    out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _slices(i, j, geometry):
    (_, _), (sh, sw), (dh, dw), (ho, wo) = geometry
    return (..., slice(i * dh, i * dh + sh * (ho - 1) + 1, sh), slice(j * dw, j * dw + sw * (wo - 1) + 1, sw))


def _padded(a, pads, fill):
    """``a`` with (top, bottom, left, right) padding of ``fill`` on its last two dims."""
    t, b, l, r = pads
    if not (t or b or l or r):
        return a
    out = get_array_module(a).full(a.shape[:-2] + (a.shape[-2] + t + b, a.shape[-1] + l + r), fill, a.dtype)
    out[..., t:t + a.shape[-2], l:l + a.shape[-1]] = a
    return out


def _like_layout(xp, shape, strides, dtype, zeros=True):
    """Zeros (or, with ``zeros=False``, uninitialised memory) of ``shape`` (on ``xp``) laid out in the order
    ``strides`` describe (a convolution hands out channel-major arrays; gradients in the same layout keep
    the elementwise ops that meet them fast)."""
    outer_first = np.argsort(strides, kind="stable")[::-1]
    make = xp.zeros if zeros else xp.empty
    return make([shape[d] for d in outer_first], dtype).transpose(np.argsort(outer_first))


def _tiles(geometry, pads, shape):
    """Whether the windows tile the input: no overlap, no padding, no pixel left out. Each pixel then
    gets the gradient of exactly one window position, written instead of added into a zeroed image."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = geometry
    return (sh, sw) == (kh, kw) and (dh, dw) == (1, 1) and not any(pads) and shape[-2:] == (ho * sh, wo * sw)


def _scatter_windows(parts, ctx, dtype, *operands):
    """Sum per-kernel-position gradients back into an input-shaped array (the adjoint of slicing):
    ``parts(k, *operands)`` is the gradient of window position k.

    The work is split over the intra-op threads along the first axis, each thread taking its rows
    of the operands. With create_graph=True the parts are Tensors, and so is the image they are
    added into: the slice-adds are recorded, and the gradient is differentiable in turn."""
    shape, (t, b, l, r), geometry = ctx.shape, ctx.pads, ctx.geometry
    padded = shape[:-2] + (shape[-2] + t + b, shape[-1] + l + r)
    if ctx.create_graph:
        image = Tensor._wrap(get_array_module(operands[0]._data).zeros(padded, dtype))
        _add_windows(image, parts, operands, geometry)
    else:
        tiles = _tiles(geometry, ctx.pads, shape)
        image = _like_layout(get_array_module(operands[0]), padded, ctx.strides, dtype, zeros=not tiles)
        step = max(1, BLOCK // max(1, image[:1].size))  # rows whose passes stay in cache

        def rows(lo, hi):
            for start in range(lo, hi, step):
                stop = min(start + step, hi)
                _add_windows(image[start:stop], parts, [x[start:stop] for x in operands], geometry, tiles)
        split(rows, padded[0], image.size)
    return image[..., t:t + shape[-2], l:l + shape[-1]]


def _add_windows(image, parts, operands, geometry, tiles=False):
    kh, kw = geometry[0]
    for i in range(kh):
        for j in range(kw):
            if tiles:
                image[_slices(i, j, geometry)] = parts(i * kw + j, *operands)
            else:
                image[_slices(i, j, geometry)] += parts(i * kw + j, *operands)


def _dtype(g):
    """The NumPy dtype of a gradient, an array or (create_graph=True) a Tensor."""
    return array_of(g).dtype


class MaxPool2DWithIndices(Op):
    def forward(ctx, a, geometry, pads, return_indices):
        kh, kw = geometry[0]
        fill = -np.inf if a.dtype.kind == "f" else np.iinfo(a.dtype).min
        ap = _padded(a, pads, fill)
        windows = [ap[_slices(i, j, geometry)] for i in range(kh) for j in range(kw)]
        xp = get_array_module(a)
        out = xp.empty(windows[0].shape, a.dtype)
        arg = xp.zeros(out.shape, np.int16 if len(windows) < 2 ** 15 else np.int64)

        def rows(lo, hi):  # rows lo:hi of the first axis (one intra-op thread's share), a few at a time
            for start in range(lo, hi, step):
                stop = min(start + step, hi)
                _max_windows(out[start:stop], arg[start:stop], [w[start:stop] for w in windows])

        step = max(1, BLOCK // max(1, a[:1].size))  # rows whose passes stay in cache
        split(rows, out.shape[0], a.size)
        ctx.arg, ctx.shape, ctx.strides, ctx.geometry, ctx.pads = arg, a.shape, a.strides, geometry, pads
        if not return_indices:
            return out
        return out, _flat_indices(arg, a.shape, geometry, pads)

    def backward(ctx, g, *_):
        arg = ctx.arg
        # a mask multiply, not np.where: faster
        return _scatter_windows(lambda k, g, arg: g * (arg == k), ctx, _dtype(g), g, arg)


def _max_windows(out, arg, windows):
    """The maximum over ``windows`` into ``out`` and the position of the first maximum into ``arg``: a
    running maximum where a strictly greater window takes over, four passes a window. NaN wins, as in
    PyTorch, at the first NaN: a block holding one is redone with explicit NaN tests."""
    np.copyto(out, windows[0])
    arg[...] = 0
    taken = np.empty_like(arg)
    for k, w in enumerate(windows[1:], 1):
        # k is the largest position so far, so "arg = k where w wins" is a maximum: branch-free, where a
        # masked store mispredicts on every other element of random data
        np.multiply(w > out, arg.dtype.type(k), out=taken)
        np.maximum(arg, taken, out=arg)
        np.maximum(out, w, out=out)
    if out.dtype.kind == "f" and np.isnan(out).any():
        arg[...] = 0
        for k in range(len(windows) - 1, -1, -1):  # rare: the masked store's speed does not matter
            np.copyto(arg, k, where=(windows[k] == out) | np.isnan(windows[k]))


def _flat_indices(arg, shape, geometry, pads):
    """Window positions of the maxima as indices into the flattened (H, W) plane."""
    (_, kw), (sh, sw), (dh, dw), (ho, wo) = geometry
    xp = get_array_module(arg)
    rows = (xp.arange(ho) * sh - pads[0]).reshape(-1, 1) + (arg // kw) * dh
    cols = xp.arange(wo) * sw - pads[2] + (arg % kw) * dw
    return (rows * shape[-1] + cols).astype(np.int64)


class AvgPool2D(Op):
    def forward(ctx, a, geometry, pads, divisor):
        kh, kw = geometry[0]
        ap = _padded(a, pads, 0)
        total = ap[_slices(0, 0, geometry)].copy()
        for k in range(1, kh * kw):
            total += ap[_slices(k // kw, k % kw, geometry)]
        divisor = get_array_module(a).asarray(divisor)  # computed from the shapes, on the host
        ctx.shape, ctx.strides, ctx.geometry, ctx.pads, ctx.divisor = a.shape, a.strides, geometry, pads, divisor
        if a.dtype.kind != "f":
            return np.trunc(total / divisor).astype(a.dtype)  # C's integer division
        return total / divisor.astype(a.dtype)

    def backward(ctx, g):
        share = g / ctx.divisor.astype(_dtype(g))
        return _scatter_windows(lambda k, share: share, ctx, _dtype(g), share)


def _divisor(n, k, s, p, out, count_include_pad):
    """Per output position along one dim: the window length (with padding, not past it) or the count of
    input elements it covers."""
    start = np.arange(out) * s - p
    end = np.minimum(start + k, n + p)
    if count_include_pad:
        return end - start
    return np.minimum(end, n) - np.maximum(start, 0)


def _geometry(name, input, kernel_size, stride, padding, dilation, ceil_mode):
    a = input._data
    if a.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    if 0 in a.shape[-3:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but "
                           f"got:{list(a.shape)}")
    kernel = _pair(name, "kernel_size", kernel_size)
    omitted = stride is None or (not isinstance(stride, int) and len(stride) == 0)
    stride = kernel if omitted else _pair(name, "stride", stride)
    padding, dilation = _pair(name, "padding", padding), _pair(name, "dilation", dilation)
    if min(kernel) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kernel[0]} kW: {kernel[1]}")
    if min(stride) <= 0:
        raise RuntimeError("stride should not be zero")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: {dilation[0]} "
                           f"dilationW: {dilation[1]}")
    for p, k, d in zip(padding, kernel, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={p}, "
                               f"kernel_size={k} and dilation={d}")
    h, w = a.shape[-2:]
    out = tuple(_out_size(n, k, s, p, d, ceil_mode) for n, k, s, p, d in zip((h, w), kernel, stride, padding, dilation))
    if min(out) <= 0:
        c = a.shape[-3]
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{out[0]}x{out[1]}). "
                           "Output size is too small")
    # ceil mode lets the last window run past the padding: pad far enough for it
    ends = tuple((o - 1) * s + d * (k - 1) + 1 for o, s, d, k in zip(out, stride, dilation, kernel))
    pads = (padding[0], max(ends[0] - h - padding[0], 0), padding[1], max(ends[1] - w - padding[1], 0))
    return (kernel, stride, dilation, out), pads, padding


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The maximum over each ``kernel_size`` window of a ``(N, C, H, W)`` or ``(C, H, W)`` input, moved
    by ``stride`` (the kernel size by default); with ``return_indices``, also each maximum's flat position in its
    plane."""
    geometry, pads, _ = _geometry("max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode)
    return MaxPool2DWithIndices.apply(input, geometry=geometry, pads=pads, return_indices=return_indices)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """The mean over each ``kernel_size`` window of a ``(N, C, H, W)`` or ``(C, H, W)`` input, moved by
    ``stride``; padding counts in the divisor unless ``count_include_pad=False``, and ``divisor_override``
    replaces it."""
    geometry, pads, padding = _geometry("avg_pool2d", input, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None:
        if divisor_override == 0:
            raise RuntimeError("divisor must be not zero")
        divisor = np.array(divisor_override)
    else:
        h, w = input._data.shape[-2:]
        (kh, kw), (sh, sw), _, (ho, wo) = geometry
        divisor = np.outer(_divisor(h, kh, sh, padding[0], ho, count_include_pad),
                           _divisor(w, kw, sw, padding[1], wo, count_include_pad))
    return AvgPool2D.apply(input, geometry=geometry, pads=pads, divisor=divisor)


def _lift(value, height):
    """A 1-D pooling argument as the 2-D one over a height of 1."""
    return (height,) + ((value,) if isinstance(value, int) else tuple(value))


def _pool1d(name, pool2d, input, *args):
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{name}() Expected 2D or 3D input tensor, but got {list(input.shape)}")
    out = pool2d(input.unsqueeze(-2), *args)
    if isinstance(out, tuple):
        return tuple(o.squeeze(-2) for o in out)
    return out.squeeze(-2)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """The maximum over each window of the last dimension of a 2-D or 3-D input (see
    :func:`ember.nn.functional.max_pool2d`)."""
    return _pool1d("max_pool1d", max_pool2d, input, _lift(kernel_size, 1),
                   None if stride is None else _lift(stride, 1), _lift(padding, 0), _lift(dilation, 1), ceil_mode,
                   return_indices)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """The mean over each window of the last dimension of a 2-D or 3-D input (see
    :func:`ember.nn.functional.avg_pool2d`)."""
    return _pool1d("avg_pool1d", avg_pool2d, input, _lift(kernel_size, 1),
                   None if stride is None else _lift(stride, 1), _lift(padding, 0), ceil_mode, count_include_pad)


# ----------------------------------------------------------------- adaptive


def _adaptive_sizes(name, input, output_size, dims):
    a = input._data
    if a.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"{name}(): Expected {dims + 1}D or {dims + 2}D tensor, but got {list(a.shape)}")
    for d in range(1, a.ndim):
        if a.shape[d] == 0:
            raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input "
                               f"has sizes {list(a.shape)} with dimension {d} being empty")
    sizes = (output_size,) * dims if isinstance(output_size, int) else tuple(output_size)
    if len(sizes) != dims:
        raise RuntimeError(f"{name}: output_size must be {dims}")
    # None keeps the input's size along that dim
    return tuple(n if o is None else o for n, o in zip(a.shape[-dims:], sizes))


def _bounds(n, out):
    """PyTorch's adaptive windows along one dim: [floor(i*n/out), ceil((i+1)*n/out))."""
    i = np.arange(out)
    return (i * n) // out, -((-(i + 1) * n) // out)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling with windows chosen to give ``output_size`` (None keeps a size)."""
    out = _adaptive_sizes("adaptive_avg_pool2d", input, output_size, 2)
    if out == (1, 1):
        return input.mean((-2, -1), keepdim=True)
    h, w = input._data.shape[-2:]
    return resample(input, window_matrix(*_bounds(h, out[0]), h), window_matrix(*_bounds(w, out[1]), w),
                    "AdaptiveAvgPool2DBackward0")


def adaptive_avg_pool1d(input, output_size):
    """Average pooling over the last dimension with windows chosen to give ``output_size``."""
    out = _adaptive_sizes("adaptive_avg_pool1d", input, output_size, 1)
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1,) + out).squeeze(-2)


class AdaptiveMaxPool2D(Op):
    """Windows differ in size, so each output position takes its own argmax (few positions in practice)."""

    def forward(ctx, a, out_size, return_indices):
        (hs, he), (ws, we) = _bounds(a.shape[-2], out_size[0]), _bounds(a.shape[-1], out_size[1])
        index = get_array_module(a).empty(a.shape[:-2] + out_size, np.int64)
        for i in range(out_size[0]):
            for j in range(out_size[1]):
                window = a[..., hs[i]:he[i], ws[j]:we[j]]
                k = window.reshape(a.shape[:-2] + (-1,)).argmax(-1)
                width = we[j] - ws[j]
                index[..., i, j] = (hs[i] + k // width) * a.shape[-1] + ws[j] + k % width
        out = np.take_along_axis(a.reshape(a.shape[:-2] + (-1,)), index.reshape(index.shape[:-2] + (-1,)),
                                 -1).reshape(index.shape)
        ctx.index, ctx.shape = index, a.shape
        return (out, index) if return_indices else out

    def backward(ctx, g, *_):
        lead = int(np.prod(ctx.shape[:-2]))
        plane = ctx.shape[-2] * ctx.shape[-1]
        flat = (ctx.index.reshape(lead, -1) + get_array_module(g).arange(lead).reshape(-1, 1) * plane).reshape(-1)
        total = np.bincount(flat, weights=g.reshape(-1), minlength=lead * plane)
        return total.astype(g.dtype, copy=False).reshape(ctx.shape)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling with windows chosen to give ``output_size`` (None keeps a size); with
    ``return_indices``, also each maximum's flat position in its plane."""
    out = _adaptive_sizes("adaptive_max_pool2d", input, output_size, 2)
    return AdaptiveMaxPool2D.apply(input, out_size=out, return_indices=return_indices)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling over the last dimension with windows chosen to give ``output_size``."""
    out = _adaptive_sizes("adaptive_max_pool1d", input, output_size, 1)
    result = adaptive_max_pool2d(input.unsqueeze(-2), (1,) + out, return_indices)
    if return_indices:
        return tuple(r.squeeze(-2) for r in result)
    return result.squeeze(-2)


TENSOR_METHODS = {}
FUNCTIONS = dict(max_pool1d=max_pool1d, max_pool2d=max_pool2d, avg_pool1d=avg_pool1d,
                 adaptive_avg_pool1d=adaptive_avg_pool1d, adaptive_max_pool1d=adaptive_max_pool1d)

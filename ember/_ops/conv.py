"""Convolutions (1-D and 2-D, plain and transposed) as one matrix multiply each way.

Every convolution runs in two dimensions (a 1-D one is a 2-D one of height 1).
``_unfold`` (im2col) copies each receptive field of the padded input into a
column of a (C*kh*kw, N*Ho*Wo) matrix through one strided view, so the
convolution is one matrix product with the (O, C*kh*kw) weight. ``_fold``
(col2im) is its adjoint: it sums columns back into an image with one slice-add
per kernel position. A convolution's input gradient is a fold, a transposed
convolution's forward is a fold, and the weight gradients are products with the
unfolded matrix, so the four directions share these two helpers.

Arrays are kept channel-major, (C, N, H, W) in memory: that is the layout the
product leaves its result in, and the one whose slices the next unfold copies
fastest. Results are handed out as (N, C, H, W) views of it.
"""
import numpy as np

from .._arraylib import get_array_module
from .._parallel import matmul, split
from .op import Op


def _unfold(xc, kernel, stride, dilation, out_size):
    """(C, N, Hp, Wp) -> (C*kh*kw, N*Ho*Wo) matrix of receptive fields."""
    C, N = xc.shape[:2]
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_size
    s, xp = xc.strides, get_array_module(xc)
    view = xp.lib.stride_tricks.as_strided(xc, (C, kh, kw, N, ho, wo),
                                           (s[0], s[2] * dh, s[3] * dw, s[1], s[2] * sh, s[3] * sw))
    cols = xp.empty(view.shape, xc.dtype)
    split(lambda lo, hi: np.copyto(cols[lo:hi], view[lo:hi]), C, cols.size)  # channels on separate threads
    return cols.reshape(C * kh * kw, N * ho * wo)


def _fold(cols, C, N, padded, kernel, stride, dilation, out_size):
    """Adjoint of ``_unfold``: (C*kh*kw, N*Ho*Wo) columns summed into a (C, N, Hp, Wp) image."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_size
    cols = cols.reshape(C, kh, kw, N, ho, wo)
    image = get_array_module(cols).zeros((C, N) + padded, cols.dtype)

    def channels(lo, hi):
        for i in range(kh):
            for j in range(kw):
                image[lo:hi, :, i * dh:i * dh + sh * (ho - 1) + 1:sh, j * dw:j * dw + sw * (wo - 1) + 1:sw] += \
                    cols[lo:hi, i, j]

    split(channels, C, cols.size)
    return image


def _pad_cn(x, pads):
    """(N, C, H, W) -> zero-padded (C, N, Hp, Wp); ``pads`` is ((top, bottom), (left, right))."""
    (t, b), (l, r) = pads
    xc = x.transpose(1, 0, 2, 3)
    if not (t or b or l or r):
        return xc
    N, C, H, W = x.shape
    out = get_array_module(x).zeros((C, N, H + t + b, W + l + r), x.dtype)
    out[:, :, t:t + H, l:l + W] = xc
    return out


def _crop(image, pads):
    """Strip padding off a (C, N, Hp, Wp) image."""
    (t, b), (l, r) = pads
    Hp, Wp = image.shape[2:]
    return image[:, :, t:Hp - b, l:Wp - r]


def _grouped(a, b, groups, trans_a=False):
    """Per-group products of matrices stacked along the rows: (G*m, k) @ (G*k, n) -> (G*m, n)."""
    if groups == 1:
        return matmul(a.T if trans_a else a, b)
    a = a.reshape(groups, -1, a.shape[-1])
    b = b.reshape(groups, -1, b.shape[-1])
    out = np.matmul(a.transpose(0, 2, 1) if trans_a else a, b)
    return out.reshape(-1, out.shape[-1])


def _weight_grad(g2, cols, groups):
    """Per group, g2 (O, K) times cols (C*kh*kw, K) transposed, with K = N*Ho*Wo long. OpenBLAS runs this
    shape fastest as cols @ g2.T, transposed after."""
    if groups == 1:
        return matmul(cols, g2.T).T
    out = np.matmul(cols.reshape(groups, -1, cols.shape[-1]), g2.reshape(groups, -1, g2.shape[-1]).transpose(0, 2, 1))
    return out.transpose(0, 2, 1).reshape(g2.shape[0], -1)


class Convolution(Op):
    """Convolution or transposed convolution of (N, C, H, W) by (O, C/groups, kh, kw), plus bias.

    ``pads`` holds (before, after) per spatial dim; a transposed convolution's ``pads``
    are cropped off its output (whose bottom/right edge ``output_padding`` extends)."""

    def forward(ctx, x, w, b, stride, pads, dilation, groups, transposed=False, output_padding=(0, 0)):
        inputs = x, w  # saved as well: a backward with create_graph=True convolves them again
        ctx.one_d = x.ndim == 3
        if ctx.one_d:
            x, w = x[:, :, None], w[:, :, None]
        ctx.geometry = stride, pads, dilation, groups
        ctx.shapes, ctx.transposed, ctx.has_bias = (x.shape, w.shape), transposed, b is not None
        out = _conv_transpose(ctx, x, w, output_padding) if transposed else _conv(ctx, x, w)
        ctx.save_for_backward(*ctx._saved, *inputs)
        if b is not None:
            out += b.reshape(-1, 1, 1, 1)
        out = out.transpose(1, 0, 2, 3)
        return out[:, :, 0] if ctx.one_d else out

    def backward(ctx, g):
        if ctx.create_graph:
            return _conv_grads_as_convolutions(ctx, g)
        saved, w, _, _ = ctx.saved_tensors
        need = ctx.needs_input_grad
        if ctx.one_d:
            g = g[:, :, None]
        gx, gw = (_conv_transpose_grads if ctx.transposed else _conv_grads)(ctx, g, saved, w, need)
        if ctx.one_d:
            gx = None if gx is None else gx[:, :, 0]
            gw = None if gw is None else gw[:, :, 0]
        gb = g.sum(axis=(0, 2, 3)) if ctx.has_bias and need[2] else None
        return gx, gw, gb

    backward_name = "ConvolutionBackward0"


def _sizes(x, w, stride, pads, dilation):
    kernel = w.shape[2:]
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[2:], pads))
    out = tuple((p - d * (k - 1) - 1) // s + 1 for p, k, s, d in zip(padded, kernel, stride, dilation))
    return kernel, padded, out


def _conv(ctx, x, w):
    stride, pads, dilation, groups = ctx.geometry
    kernel, padded, out_size = _sizes(x, w, stride, pads, dilation)
    cols = _unfold(_pad_cn(x, pads), kernel, stride, dilation, out_size)
    ctx.save_for_backward(cols, w)
    ctx.padded, ctx.out_size = padded, out_size
    out = _grouped(w.reshape(w.shape[0], -1), cols, groups)
    return out.reshape((w.shape[0], x.shape[0]) + out_size)


def _conv_grads(ctx, g, cols, w, need):
    stride, pads, dilation, groups = ctx.geometry
    x_shape, w_shape = ctx.shapes
    g2 = g.transpose(1, 0, 2, 3).reshape(w_shape[0], -1)  # (O, N*Ho*Wo): free when g is channel-major
    w2 = w.reshape(w_shape[0], -1)
    gx = gw = None
    if need[0]:
        gcols = _grouped(w2, g2, groups, trans_a=True)
        image = _fold(gcols, x_shape[1], x_shape[0], ctx.padded, w_shape[2:], stride, dilation, ctx.out_size)
        gx = _crop(image, pads).transpose(1, 0, 2, 3)
    if need[1]:
        gw = _weight_grad(g2, cols, groups).reshape(w_shape)
    return gx, gw


def _conv_grads_as_convolutions(ctx, g):
    """The gradients written as convolutions of Tensors, so that they are differentiable in turn
    (``create_graph=True``: gradient penalties, double backward). For x: the transposed convolution
    of g by w; for w: the correlation of x with g, channels and batch swapped (stride and dilation
    trade places); for b: g summed."""
    stride, pads, dilation, groups = ctx.geometry
    if ctx.transposed or groups != 1:
        raise NotImplementedError("Ember supports create_graph=True through conv1d/conv2d with groups=1 only, not "
                                  "through grouped or transposed convolutions")
    _, _, x, w = ctx.saved_tensors
    if ctx.one_d:
        x, w, g = x.unsqueeze(2), w.unsqueeze(2), g.unsqueeze(2)
    need = ctx.needs_input_grad
    kernel, x_size, g_size = w.shape[2:], x.shape[2:], g.shape[2:]
    gx = gw = gb = None
    if need[0]:
        reach = tuple((n - 1) * s + d * (k - 1) + 1 - lo - hi  # what the transposed convolution covers
                      for n, s, d, k, (lo, hi) in zip(g_size, stride, dilation, kernel, pads))
        gx = Convolution.apply(g, w, None, stride=stride, pads=pads, dilation=dilation, groups=1, transposed=True,
                               output_padding=tuple(n - r for n, r in zip(x_size, reach)))
    if need[1]:
        gw = Convolution.apply(x.transpose(0, 1), g.transpose(0, 1), None, stride=dilation, pads=pads,
                               dilation=stride, groups=1)
        gw = gw[:, :, :kernel[0], :kernel[1]].transpose(0, 1)
    if ctx.has_bias and need[2]:
        gb = g.sum((0, 2, 3))
    if ctx.one_d:
        gx = None if gx is None else gx.squeeze(2)
        gw = None if gw is None else gw.squeeze(2)
    return gx, gw, gb


def _conv_transpose(ctx, x, w, output_padding):
    """The adjoint of a convolution: fold the product of the weight with the input."""
    stride, pads, dilation, groups = ctx.geometry
    N, C, H, W = x.shape
    kernel = w.shape[2:]
    full = tuple((n - 1) * s + d * (k - 1) + 1 + op
                 for n, s, d, k, op in zip((H, W), stride, dilation, kernel, output_padding))
    x2 = x.transpose(1, 0, 2, 3).reshape(C, -1)
    ctx.save_for_backward(x2, w)
    cols = _grouped(w.reshape(C, -1), x2, groups, trans_a=True)
    image = _fold(cols, w.shape[1] * groups, N, full, kernel, stride, dilation, (H, W))
    return _crop(image, pads)


def _conv_transpose_grads(ctx, g, x2, w, need):
    stride, pads, dilation, groups = ctx.geometry
    x_shape, w_shape = ctx.shapes
    # the gradient of a fold is an unfold of g padded back to the uncropped frame
    gcols = _unfold(_pad_cn(g, pads), w_shape[2:], stride, dilation, x_shape[2:])
    gx = gw = None
    if need[0]:
        gx = _grouped(w.reshape(w_shape[0], -1), gcols, groups)
        gx = gx.reshape((x_shape[1], x_shape[0]) + x_shape[2:]).transpose(1, 0, 2, 3)
    if need[1]:
        gw = _weight_grad(x2, gcols, groups).reshape(w_shape)
    return gx, gw


def _param(name, value, dims):
    """An int or a sequence of ``dims`` ints (a sequence of one int stands for all dims)."""
    values = (value,) * dims if isinstance(value, int) else tuple(value)
    if len(values) == 1:
        values *= dims
    if len(values) != dims:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {dims} values to match the "
                           f"convolution dimensions, but got {name}={list(values)}")
    return values


def _size_text(sizes):
    return " x ".join(map(str, sizes))


def _check(name, input, weight, bias, groups, transposed):
    x, w = input._data, weight._data
    dims = w.ndim - 2
    if x.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but got "
                           f"input of size: {list(x.shape)}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if w.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but "
                           f"got weight of size [{list(w.shape)}] instead")
    channels = w.shape[0] if transposed else w.shape[1] * groups
    if x.shape[-dims - 1] != channels:
        given = "transposed=1" if transposed else f"groups={groups}"
        raise RuntimeError(f"Given {given}, weight of size {list(w.shape)}, expected input{list(x.shape)} to have "
                           f"{channels} channels, but got {x.shape[-dims - 1]} channels instead")
    out_channels = w.shape[1] * groups if transposed else w.shape[0]
    if bias is not None and bias._data.shape != (out_channels,):
        given = "transposed=1, " if transposed else ""
        raise RuntimeError(f"Given {given}weight of size {list(w.shape)}, expected bias to be 1-dimensional with "
                           f"{out_channels} elements, but got bias of size {list(bias._data.shape)} instead")
    if x.dtype != w.dtype:
        raise RuntimeError(f"Input type ({input.type()}) and weight type ({weight.type()}) should be the same or "
                           "input should be a MKLDNN tensor and weight is a dense tensor")
    if bias is not None and bias._data.dtype != x.dtype:
        raise RuntimeError(f"Input type ({input.dtype_short(True)}) and bias type ({bias.dtype_short(True)}) should "
                           "be the same")


def _check_geometry(stride, padding, dilation):
    if min(stride) <= 0:
        raise RuntimeError("non-positive stride is not supported")
    if min(min(p) for p in padding) < 0:
        raise RuntimeError("negative padding is not supported")
    if min(dilation) <= 0:
        raise RuntimeError("non-positive dilation is not supported")


def _padding(padding, kernel, stride, dilation):
    dims = len(kernel)
    if not isinstance(padding, str):
        return tuple((p, p) for p in _param("padding", padding, dims))
    if padding == "valid":
        return ((0, 0),) * dims
    if padding == "same":
        if max(stride) > 1:
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        # d*(k-1) in total per dim, the odd one out on the after side
        return tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel, dilation))
    raise RuntimeError(f"Invalid padding string: '{padding}'")


def _as_2d(dims, stride, pads, dilation):
    """A 1-D convolution's parameters as those of a 2-D one of height 1."""
    if dims == 1:
        return (1,) + stride, ((0, 0),) + pads, (1,) + dilation
    return stride, pads, dilation


def _convolution(name, input, weight, bias, stride, padding, dilation, groups):
    _check(name, input, weight, bias, groups, False)
    kernel = weight._data.shape[2:]
    dims = len(kernel)
    stride, dilation = _param("stride", stride, dims), _param("dilation", dilation, dims)
    pads = _padding(padding, kernel, stride, dilation)
    _check_geometry(stride, pads, dilation)
    padded = tuple(n + lo + hi for n, (lo, hi) in zip(input._data.shape[-dims:], pads))
    dilated = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(p < k for p, k in zip(padded, dilated)):
        raise RuntimeError(f"Calculated padded input size per channel: ({_size_text(padded)}). Kernel size: "
                           f"({_size_text(dilated)}). Kernel size can't be greater than actual input size")
    stride, pads, dilation = _as_2d(dims, stride, pads, dilation)
    return _apply(input, weight, bias, dims, stride=stride, pads=pads, dilation=dilation, groups=groups)


def _transposed(name, input, weight, bias, stride, padding, output_padding, groups, dilation):
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    _check(name, input, weight, bias, groups, True)
    kernel = weight._data.shape[2:]
    dims = len(kernel)
    stride, dilation = _param("stride", stride, dims), _param("dilation", dilation, dims)
    pads = _padding(padding, kernel, stride, dilation)
    output_padding = _param("output_padding", output_padding, dims)
    _check_geometry(stride, pads, dilation)
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        sizes = " ".join(f"{what}_{axis}: {v}" for what, values in
                         (("output_padding", output_padding), ("stride", stride), ("dilation", dilation))
                         for axis, v in zip(("height", "width")[-dims:] if dims < 3 else ("depth", "height", "width"),
                                            values))
        raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got {sizes}")
    sizes = input._data.shape[-dims:]
    out = tuple((n - 1) * s - 2 * p + d * (k - 1) + op + 1
                for n, s, (p, _), d, k, op in zip(sizes, stride, pads, dilation, kernel, output_padding))
    if min(out) <= 0:
        raise RuntimeError(f"Given input size per channel: ({_size_text(sizes)}). Calculated output size per "
                           f"channel: ({_size_text(out)}). Output size is too small")
    stride, pads, dilation = _as_2d(dims, stride, pads, dilation)
    output_padding = (0,) * (2 - dims) + output_padding
    return _apply(input, weight, bias, dims, stride=stride, pads=pads, dilation=dilation, groups=groups,
                  transposed=True, output_padding=output_padding)


def _apply(input, weight, bias, dims, **params):
    if input._data.ndim == dims + 1:  # unbatched: a batch of one
        return Convolution.apply(input.unsqueeze(0), weight, bias, **params).squeeze(0)
    return Convolution.apply(input, weight, bias, **params)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlate (N, C, L) with (O, C/groups, k)."""
    return _convolution("conv1d", input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlate (N, C, H, W) with (O, C/groups, kh, kw); ``padding`` may be 'valid' or 'same'."""
    return _convolution("conv2d", input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The adjoint of conv1d: (N, C, L) by (C, O/groups, k)."""
    return _transposed("conv_transpose1d", input, weight, bias, stride, padding, output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """The adjoint of conv2d (a "deconvolution"): (N, C, H, W) by (C, O/groups, kh, kw)."""
    return _transposed("conv_transpose2d", input, weight, bias, stride, padding, output_padding, groups, dilation)


TENSOR_METHODS = {}
FUNCTIONS = dict(conv1d=conv1d, conv2d=conv2d, conv_transpose1d=conv_transpose1d, conv_transpose2d=conv_transpose2d)

"""Layer-like functions of ``ember.nn.functional`` written as compositions of ops: distances, pixel and
channel shuffles, unfold/fold, instance/RMS/local-response norms, LP pooling, max unpooling."""
import numbers

import numpy as np

from .._ops.creation import zeros
from .._ops.normalization import batch_norm
from .._ops.pooling import avg_pool1d, avg_pool2d
from .._tensor import Tensor

__all__ = ["pairwise_distance", "cosine_similarity", "pdist", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle",
           "native_channel_shuffle", "unfold", "fold", "instance_norm", "rms_norm", "local_response_norm",
           "lp_pool1d", "lp_pool2d", "max_unpool1d", "max_unpool2d", "max_unpool3d"]


def _tuple(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``||x1 - x2 + eps||_p`` along the last dim."""
    return (x1 - x2 + eps).norm(p, -1, keepdim)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """Cosine of the angle between x1 and x2 along ``dim``; each norm clamped below by eps."""
    n1 = x1.norm(2, dim, True).clamp_min(eps)
    n2 = x2.norm(2, dim, True).clamp_min(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pdist(input, p=2):
    """Distances between all pairs of rows i < j of an (N, M) input, in row-major order."""
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    i, j = np.triu_indices(input.shape[0], 1)
    diff = input[Tensor._wrap(i)] - input[Tensor._wrap(j)]
    return diff.norm(p, -1)


def pixel_shuffle(input, upscale_factor):
    """(*, C r^2, H, W) -> (*, C, H r, W r)."""
    r = upscale_factor
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square "
                           f"of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    n = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H r, W r) -> (*, C r^2, H, W)."""
    r = downscale_factor
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by downscale_factor, but "
                           f"got height={h}, width={w}, downscale_factor={r}")
    n = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


def channel_shuffle(input, groups):
    """Interleave the channels of ``groups`` groups (ShuffleNet)."""
    n, c = input.shape[0], input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {groups} groups.")
    rest = tuple(input.shape[2:])
    return input.reshape(n, groups, c // groups, *rest).transpose(1, 2).reshape(n, c, *rest)


native_channel_shuffle = channel_shuffle


def _window_indices(size, kernel, dilation, padding, stride, ceil_mode=False):
    """Flat indices into the padded image of every (kernel offset, output position) pair, any number of
    spatial dims; with ``ceil_mode`` the last window may run past the padded image (callers pad further)."""
    padded = [s + 2 * p for s, p in zip(size, padding)]
    outs = []
    for n, pz, k, d, st, p in zip(size, padded, kernel, dilation, stride, padding):
        span = pz - d * (k - 1) - 1
        o = (-(-span // st) if ceil_mode else span // st) + 1
        if ceil_mode and (o - 1) * st >= n + p:  # the last window must start inside the image or its left padding
            o -= 1
        outs.append(o)
    if any(o <= 0 for o in outs):
        raise RuntimeError(f"Given input with spatial size {tuple(size)}, kernel_size={tuple(kernel)}, "
                           f"dilation={tuple(dilation)}, padding={tuple(padding)}, calculated shape of the array of "
                           f"sliding blocks as {tuple(outs)}, but its components must be at least one.")
    reach = [max(pz, (o - 1) * st + d * (k - 1) + 1) for pz, o, st, d, k in zip(padded, outs, stride, dilation,
                                                                                  kernel)]
    offsets = np.ravel_multi_index(np.meshgrid(*[np.arange(k) * d for k, d in zip(kernel, dilation)],
                                               indexing="ij"), reach)
    starts = np.ravel_multi_index(np.meshgrid(*[np.arange(o) * st for o, st in zip(outs, stride)], indexing="ij"),
                                  reach)
    return offsets.reshape(-1, 1) + starts.reshape(1, -1), reach, outs


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col: (N, C, H, W) -> (N, C * kh * kw, L), one column per sliding block."""
    if input.dim() not in (3, 4):
        raise NotImplementedError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.dim()}D)")
    batched = input.dim() == 4
    x = input if batched else input.unsqueeze(0)
    kernel, dilation, padding, stride = (_tuple(v, 2) for v in (kernel_size, dilation, padding, stride))
    idx, padded, _ = _window_indices(x.shape[2:], kernel, dilation, padding, stride)
    from .._ops.nn_ops import pad
    xp = pad(x, (padding[1], padding[1], padding[0], padding[0])) if any(padding) else x
    n, c = x.shape[:2]
    flat = xp.reshape(n, c, -1)[:, :, Tensor._wrap(idx.reshape(-1))]
    out = flat.reshape(n, c * idx.shape[0], idx.shape[1])
    return out if batched else out.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im, unfold's adjoint: sums each column back into the (N, C, H, W) image it came from."""
    if input.dim() not in (2, 3):
        raise NotImplementedError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported "
                                  f"(got {input.dim()}D)")
    batched = input.dim() == 3
    cols = input if batched else input.unsqueeze(0)
    size, kernel, dilation, padding, stride = (_tuple(v, 2) for v in (output_size, kernel_size, dilation, padding,
                                                                       stride))
    idx, padded, outs = _window_indices(size, kernel, dilation, padding, stride)
    n, ckk, length = cols.shape
    k = idx.shape[0]
    if ckk % k or length != idx.shape[1]:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                           f"but got input.size(1)={ckk} and kernel_size={tuple(kernel)}" if ckk % k else
                           f"Given output_size={tuple(size)}, kernel_size={tuple(kernel)}, dilation={tuple(dilation)}"
                           f", padding={tuple(padding)}, stride={tuple(stride)}, expected size of input's dimension "
                           f"2 to match the calculated number of sliding blocks {outs[0]} * {outs[1]} = "
                           f"{outs[0] * outs[1]}, but got input.size(2)={length}.")
    c = ckk // k
    target = Tensor._wrap(np.broadcast_to(idx.reshape(1, 1, -1), (n, c, idx.size)).copy())
    image = zeros(n, c, padded[0] * padded[1], dtype=input.dtype, device=input.device)
    image = image.scatter_add(2, target, cols.reshape(n, c, -1))
    image = image.reshape(n, c, padded[0], padded[1])
    image = image[:, :, padding[0]:padding[0] + size[0], padding[1]:padding[1] + size[1]]
    return image if batched else image.squeeze(0)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Normalise each sample's channels over their own spatial extent (batch norm of a (1, N*C, ...) view)."""
    n, c = input.shape[:2]
    if use_input_stats and int(np.prod(input.shape[2:])) <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {list(input.shape)}")
    x = input.reshape(1, n * c, *input.shape[2:])
    rm = running_mean.repeat(n) if running_mean is not None else None
    rv = running_var.repeat(n) if running_var is not None else None
    w = weight.repeat(n) if weight is not None else None
    b = bias.repeat(n) if bias is not None else None
    out = batch_norm(x, rm, rv, w, b, use_input_stats, momentum, eps)
    if use_input_stats and running_mean is not None:  # the per-sample updates, averaged back per channel
        running_mean._data[...] = rm._data.reshape(n, c).mean(0)
        running_mean._version[0] += 1
    if use_input_stats and running_var is not None:
        running_var._data[...] = rv._data.reshape(n, c).mean(0)
        running_var._version[0] += 1
    return out.reshape(input.shape)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """``x / sqrt(mean(x^2) + eps) * weight`` over the trailing ``normalized_shape`` dims."""
    shape = (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) else tuple(normalized_shape)
    if tuple(input.shape[input.dim() - len(shape):]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape [*, "
                           f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}")
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    dims = tuple(range(input.dim() - len(shape), input.dim()))
    out = input * (input * input).mean(dims, keepdim=True).add(eps).rsqrt()
    return out * weight if weight is not None else out


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Divide by ``(k + alpha * mean of x^2 over size neighbouring channels)^beta``."""
    if input.dim() < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.dim()} dimensions)")
    if input.numel() == 0:
        return input
    from .._ops.nn_ops import pad
    sq = (input * input).unsqueeze(1)  # (N, 1, C, ...): pool along the channels
    n, c = input.shape[:2]
    flat = sq.reshape(n, 1, c, -1)
    flat = pad(flat, (0, 0, size // 2, (size - 1) // 2))
    pooled = avg_pool2d(flat, (size, 1), stride=1).reshape(input.shape)
    return input / (pooled * alpha + k) ** beta


def _lp_pool(pool, input, norm_type, kernel_size, stride, ceil_mode, numel):
    out = pool(input ** norm_type, kernel_size, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(numel) ** (1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """``(sum of x^p over each window)^(1/p)``."""
    return _lp_pool(avg_pool1d, input, norm_type, kernel_size, stride, ceil_mode, kernel_size)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling over ``(kh, kw)`` windows: ``(sum of x ** p) ** (1 / p)``, ``p`` being
    ``norm_type``."""
    kh, kw = _tuple(kernel_size, 2)
    return _lp_pool(avg_pool2d, input, norm_type, kernel_size, stride, ceil_mode, kh * kw)


def _max_unpool(input, indices, kernel_size, stride, padding, output_size, dims):
    kernel = _tuple(kernel_size, dims)
    stride = _tuple(stride if stride is not None else kernel_size, dims)
    padding = _tuple(padding, dims)
    spatial = tuple(input.shape[-dims:])
    default = tuple((s - 1) * st - 2 * p + k for s, st, p, k in zip(spatial, stride, padding, kernel))
    if output_size is None:
        size = default
    else:
        size = tuple(output_size)[-dims:]
        for s, d, st in zip(size, default, stride):
            if not d - st < s < d + st:
                raise ValueError(f"invalid output_size {tuple(output_size)} (dim 0 must be between {d - st} and "
                                 f"{d + st})")
    lead = tuple(input.shape[:-dims])
    flat_in = input.reshape(*lead, -1)
    flat_idx = indices.reshape(*lead, -1)
    total = int(np.prod(size))
    if flat_idx.numel() and (int(flat_idx.max()) >= total or int(flat_idx.min()) < 0):
        raise RuntimeError(f"Found an invalid max index: {int(flat_idx.max())} (output volumes are of size "
                           f"{'x'.join(map(str, size))}")
    out = zeros(*lead, total, dtype=input.dtype, device=input.device)
    return out.scatter(len(lead), flat_idx, flat_in).reshape(*lead, *size)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Put each pooled value back where max_pool1d found it; zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Put each pooled value back where max_pool2d found it (``indices``); zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Put each pooled value back where max_pool3d found it (``indices``); zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3)


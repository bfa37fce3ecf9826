"""Geometric transforms as functions: affine, rotate, perspective, elastic, Gaussian blur, erase, resized
and multi-crops.

PIL images are warped by Pillow (``Image.transform``) with the inverse matrix torchvision computes;
tensors are resampled in NumPy on the grid torchvision builds (pixel centres, ``align_corners=False``),
nearest or bilinear, with zeros or ``fill`` outside the image.
"""
import math
import numbers

import numpy as np

from ..._tensor import Tensor
from .functional import (InterpolationMode, _is_pil_image, _pil_resample, center_crop, crop, get_dimensions, hflip,
                         pil_image_module, pil_to_tensor, resize, to_pil_image, vflip)
from .functional_color import _work_dtype


def _mode(interpolation):
    if isinstance(interpolation, int):
        interpolation = {0: "nearest", 2: "bilinear", 3: "bicubic"}.get(interpolation, interpolation)
    return InterpolationMode(interpolation)


def _grid_sample(x, grid, mode):
    """Sample (N, C, H, W) at grid (N, oh, ow, 2) of [-1, 1] coordinates, zeros outside."""
    n, c, h, w = x.shape
    gx = ((grid[..., 0] + 1) * w - 1) / 2
    gy = ((grid[..., 1] + 1) * h - 1) / 2
    batch = np.arange(n)[:, None, None]

    def taps(iy, ix):
        inside = (ix >= 0) & (ix < w) & (iy >= 0) & (iy < h)
        values = x[batch, :, np.clip(iy, 0, h - 1), np.clip(ix, 0, w - 1)]  # (N, oh, ow, C)
        return values * inside[..., None]

    if mode == "nearest":
        out = taps(np.rint(gy).astype(np.int64), np.rint(gx).astype(np.int64))
    else:
        x0, y0 = np.floor(gx), np.floor(gy)
        fx, fy = (gx - x0)[..., None], (gy - y0)[..., None]
        x0, y0 = x0.astype(np.int64), y0.astype(np.int64)
        out = (taps(y0, x0) * (1 - fx) * (1 - fy) + taps(y0, x0 + 1) * fx * (1 - fy)
               + taps(y0 + 1, x0) * (1 - fx) * fy + taps(y0 + 1, x0 + 1) * fx * fy)
    return out.transpose(0, 3, 1, 2).astype(x.dtype)


def _resample(array, grid, interpolation, fill):
    """torchvision's grid transform of a (..., C, H, W) array; ``fill`` via a sampled validity mask."""
    mode = _mode(interpolation).value
    if mode not in ("nearest", "bilinear"):
        raise ValueError(f"Interpolation mode '{mode}' is unsupported with Tensor input")
    wt = _work_dtype(array.dtype)
    lead = array.shape[:-3]
    x = array.reshape((-1,) + array.shape[-3:]).astype(wt)
    if fill is not None:
        x = np.concatenate([x, np.ones_like(x[:, :1])], axis=1)
    out = _grid_sample(x, np.broadcast_to(grid.astype(wt), (len(x),) + grid.shape[1:]), mode)
    if fill is not None:
        out, mask = out[:, :-1], out[:, -1:]
        fills = np.asarray(fill if isinstance(fill, (list, tuple)) else [fill], dtype=wt).reshape(1, -1, 1, 1)
        if mode == "nearest":
            out = np.where(mask < 0.5, fills, out)
        else:
            out = out * mask + (1.0 - mask) * fills
    if array.dtype.kind in "iu":
        out = np.round(out)
    return out.astype(array.dtype).reshape(lead + out.shape[1:])


def _affine_grid(theta, w, h, ow, oh):
    xs = np.linspace(-ow * 0.5 + 0.5, ow * 0.5 + 0.5 - 1, ow, dtype=theta.dtype)
    ys = np.linspace(-oh * 0.5 + 0.5, oh * 0.5 + 0.5 - 1, oh, dtype=theta.dtype)
    base = np.stack([np.broadcast_to(xs, (oh, ow)), np.broadcast_to(ys[:, None], (oh, ow)),
                     np.ones((oh, ow), theta.dtype)], axis=-1)
    scaled = theta.T / np.array([0.5 * w, 0.5 * h], dtype=theta.dtype)
    return (base.reshape(-1, 3) @ scaled).reshape(1, oh, ow, 2)


def _inverse_affine_matrix(center, angle, translate, scale, shear):
    """The output-to-input matrix (a, b, c, d, e, f) of rotation about ``center``, scale, shear, translation."""
    rot, sx, sy = math.radians(angle), math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    m = [v / scale for v in (d, -b, 0.0, -c, a, 0.0)]
    m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty) + cx
    m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty) + cy
    return m


def _pil_fill(fill, image):
    channels = len(image.getbands())
    fill = 0 if fill is None else fill
    if isinstance(fill, (list, tuple)):
        fill = list(fill) * channels if len(fill) == 1 else list(fill)
        if len(fill) != channels:
            raise ValueError(f"The number of elements in 'fill' does not match the number of channels of the image "
                             f"({len(fill)} != {channels})")
        fill = tuple(fill)
    elif channels > 1:
        fill = (fill,) * channels
    if image.mode != "F":
        fill = tuple(int(v) for v in fill) if isinstance(fill, tuple) else int(fill)
    return fill


def _check_fill(fill, array):
    if isinstance(fill, (list, tuple)) and len(fill) > 1 and len(fill) != array.shape[-3]:
        raise ValueError(f"The number of elements in 'fill' cannot broadcast to match the number of channels of "
                         f"the image ({len(fill)} != {array.shape[-3]})")


def _tensor_center(img, center):
    if center is None:
        return [0.0, 0.0]
    _, h, w = get_dimensions(img)
    return [1.0 * (c - s * 0.5) for c, s in zip(center, [w, h])]


def affine(img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST, fill=None, center=None):
    """Rotate by ``angle`` degrees, translate, scale and shear, keeping the centre (or ``center``) fixed."""
    if not isinstance(translate, (list, tuple)) or len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if isinstance(shear, numbers.Number):
        shear = [shear, 0.0]
    shear = list(shear) * 2 if len(shear) == 1 else list(shear)
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    angle, translate = float(angle), [float(t) for t in translate]
    _, h, w = get_dimensions(img)
    if _is_pil_image(img):
        pivot = [w * 0.5, h * 0.5] if center is None else center
        matrix = _inverse_affine_matrix(pivot, angle, translate, scale, shear)
        return img.transform(img.size, pil_image_module().Transform.AFFINE, matrix, _pil_resample(interpolation),
                             fillcolor=_pil_fill(fill, img))
    matrix = _inverse_affine_matrix(_tensor_center(img, center), angle, translate, scale, shear)
    array = img._data
    _check_fill(fill, array)
    theta = np.array(matrix, dtype=_work_dtype(array.dtype)).reshape(2, 3)
    return Tensor._wrap(_resample(array, _affine_grid(theta, w, h, w, h), interpolation, fill))


def _expanded_size(matrix, w, h):
    corners = np.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0], [0.5 * w, 0.5 * h, 1.0],
                        [0.5 * w, -0.5 * h, 1.0]], np.float32)
    points = corners @ np.array(matrix, np.float32).reshape(2, 3).T
    half = np.array([w * 0.5, h * 0.5], np.float32)
    tol = np.float32(1e-4)
    high = np.ceil(np.trunc((points.max(axis=0) + half) / tol) * tol)
    low = np.floor(np.trunc((points.min(axis=0) + half) / tol) * tol)
    size = high - low
    return int(size[0]), int(size[1])


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None):
    """Rotate by ``angle`` degrees counter-clockwise about ``center`` (the image centre by default)."""
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if _is_pil_image(img):
        return img.rotate(angle, _pil_resample(interpolation), expand, center, fillcolor=_pil_fill(fill, img))
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
    array = img._data
    _check_fill(fill, array)
    matrix = _inverse_affine_matrix(_tensor_center(img, center), -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    h, w = array.shape[-2:]
    ow, oh = _expanded_size(matrix, w, h) if expand else (w, h)
    theta = np.array(matrix, dtype=_work_dtype(array.dtype)).reshape(2, 3)
    return Tensor._wrap(_resample(array, _affine_grid(theta, w, h, ow, oh), interpolation, fill))


def _perspective_coeffs(startpoints, endpoints):
    """(a..h) with (x, y) -> ((ax + by + c) / (gx + hy + 1), (dx + ey + f) / (gx + hy + 1)) mapping each end
    point to its start point, by least squares in float64 and rounded to float32 as torchvision does."""
    if len(startpoints) != 4 or len(endpoints) != 4:
        raise ValueError(f"Please provide exactly four corners, got {len(startpoints)} startpoints and "
                         f"{len(endpoints)} endpoints.")
    rows = []
    for (x, y), (u, v) in zip(endpoints, startpoints):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    solution = np.linalg.lstsq(np.array(rows, np.float64), np.array(startpoints, np.float64).reshape(8), rcond=None)[0]
    return solution.astype(np.float32).tolist()


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Warp so that the four ``startpoints`` corners land on ``endpoints``."""
    coeffs = _perspective_coeffs(startpoints, endpoints)
    if _is_pil_image(img):
        return img.transform(img.size, pil_image_module().Transform.PERSPECTIVE, coeffs, _pil_resample(interpolation),
                             fillcolor=_pil_fill(fill, img))
    array = img._data
    _check_fill(fill, array)
    oh, ow = array.shape[-2:]
    wt = _work_dtype(array.dtype)
    xs = np.linspace(0.5, ow + 0.5 - 1.0, ow, dtype=wt)
    ys = np.linspace(0.5, oh + 0.5 - 1.0, oh, dtype=wt)
    base = np.stack([np.broadcast_to(xs, (oh, ow)), np.broadcast_to(ys[:, None], (oh, ow)), np.ones((oh, ow), wt)], -1)
    theta1 = np.array(coeffs[:6], wt).reshape(2, 3).T / np.array([0.5 * ow, 0.5 * oh], wt)
    denominator = base @ np.array([coeffs[6], coeffs[7], 1.0], wt)
    grid = (base @ theta1) / denominator[..., None] - 1.0
    return Tensor._wrap(_resample(array, grid[None], interpolation, fill))


def _as_tensor_image(img, name):
    if _is_pil_image(img):
        return pil_to_tensor(img)
    if isinstance(img, Tensor):
        return img
    raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")


def elastic_transform(img, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Move each pixel by ``displacement`` (1 x H x W x 2, in [-1, 1] grid units)."""
    tensor = _as_tensor_image(img, "img")
    if not isinstance(displacement, Tensor):
        raise TypeError("Argument displacement should be a Tensor")
    array = tensor._data
    expected = (1,) + array.shape[-2:] + (2,)
    if tuple(displacement.shape) != expected:
        raise ValueError(f"Argument displacement shape should be {expected}, but given {tuple(displacement.shape)}")
    h, w = array.shape[-2:]
    ys = np.linspace((-h + 1) / h, (h - 1) / h, h, dtype=np.float32)
    xs = np.linspace((-w + 1) / w, (w - 1) / w, w, dtype=np.float32)
    identity = np.stack([np.broadcast_to(xs, (h, w)), np.broadcast_to(ys[:, None], (h, w))], -1)[None]
    out = Tensor._wrap(_resample(array, identity + displacement._data, interpolation, fill))
    return to_pil_image(out, mode=img.mode) if _is_pil_image(img) else out


def _gaussian_kernel1d(size, sigma, dtype):
    half = (size - 1) * 0.5
    pdf = np.exp(-0.5 * (np.linspace(-half, half, size, dtype=dtype) / dtype.type(sigma)) ** 2)
    return pdf / pdf.sum(dtype=dtype)


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur with a Gaussian kernel (odd sizes (kx, ky), sigmas (sx, sy)), reflecting at the borders."""
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if not isinstance(kernel_size, (list, tuple)) or len(kernel_size) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}")
    if any(k % 2 == 0 or k < 0 for k in kernel_size):
        raise ValueError(f"kernel_size should have odd and positive integers. Got {kernel_size}")
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in kernel_size]
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma)] * 2
    sigma = list(sigma) * 2 if len(sigma) == 1 else list(sigma)
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    if any(s <= 0 for s in sigma):
        raise ValueError(f"sigma should have positive values. Got {sigma}")
    tensor = _as_tensor_image(img, "img")
    array = tensor._data
    wt = _work_dtype(array.dtype)
    kx, ky = (_gaussian_kernel1d(k, s, wt) for k, s in zip(kernel_size, sigma))
    kernel = np.outer(ky, kx)  # torchvision convolves with the 2-D product kernel
    px, py = kernel_size[0] // 2, kernel_size[1] // 2
    pad = [(0, 0)] * (array.ndim - 2) + [(py, py), (px, px)]
    x = np.pad(array.astype(wt), pad, mode="reflect")
    h, w = array.shape[-2:]
    out = np.zeros(array.shape, wt)
    for i in range(kernel.shape[0]):
        for j in range(kernel.shape[1]):
            out += kernel[i, j] * x[..., i:i + h, j:j + w]
    if array.dtype.kind in "iu":
        out = np.round(out)
    out = Tensor._wrap(out.astype(array.dtype))
    return to_pil_image(out, mode=img.mode) if _is_pil_image(img) else out


def erase(img, i, j, h, w, v, inplace=False):
    """Set the h x w region at (i, j) of a tensor image to ``v``."""
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    target = img if inplace else Tensor._wrap(img._data.copy())
    target._data[..., i:i + h, j:j + w] = v._data if isinstance(v, Tensor) else v
    if inplace:
        img._version[0] += 1
    return target


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    """The region of ``img`` at ``(top, left)`` of ``height`` by ``width``, resized to ``size`` (see :func:`resize`)."""
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def _pair(size, message):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, (list, tuple)) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(message)
    return tuple(size)


def five_crop(img, size):
    """The four corner crops and the centre crop (tl, tr, bl, br, center)."""
    crop_h, crop_w = _pair(size, "Please provide only two dimensions (h, w) for size.")
    _, h, w = get_dimensions(img)
    if crop_w > w or crop_h > h:
        raise ValueError(f"Requested crop size {(crop_h, crop_w)} is bigger than input size {(h, w)}")
    return (crop(img, 0, 0, crop_h, crop_w), crop(img, 0, w - crop_w, crop_h, crop_w),
            crop(img, h - crop_h, 0, crop_h, crop_w), crop(img, h - crop_h, w - crop_w, crop_h, crop_w),
            center_crop(img, [crop_h, crop_w]))


def ten_crop(img, size, vertical_flip=False):
    """five_crop of the image and of its horizontal (or vertical) flip."""
    size = _pair(size, "Please provide only two dimensions (h, w) for size.")
    flipped = vflip(img) if vertical_flip else hflip(img)
    return five_crop(img, size) + five_crop(flipped, size)

"""Spatial sampling in ``ember.nn.functional``: ``affine_grid`` and ``grid_sample`` (bilinear and nearest,
zeros/border/reflection padding, 4-D inputs), written as gathers so that gradients reach both the input
and the grid; and the ``*_with_indices`` spellings of max pooling."""
import warnings

from .._ops.creation import linspace, ones, zeros
from .._ops.join import stack
from .._ops.pooling import adaptive_max_pool1d, adaptive_max_pool2d, max_pool1d, max_pool2d

__all__ = ["affine_grid", "grid_sample", "max_pool1d_with_indices", "max_pool2d_with_indices",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices"]

_ALIGN_WARNING = ("Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. "
                  "Please specify align_corners=True if the old behavior is desired. See the documentation of "
                  "grid_sample for details.")


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool2d(input, output_size, True)


def _base(n, align_corners, like):
    """Normalised coordinates of n pixel centres (align_corners=False) or edges (True) in [-1, 1]."""
    if n == 1:
        return zeros(1, dtype=like.dtype, device=like.device)
    steps = linspace(-1, 1, n, dtype=like.dtype, device=like.device)
    return steps if align_corners else steps * ((n - 1) / n)


def affine_grid(theta, size, align_corners=None):
    """The sampling grid (N, H, W, 2) of the 2-D affine maps ``theta`` (N, 2, 3)."""
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) != 4:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.") if len(size) != 5 else NotImplementedError(
            "Ember's affine_grid supports 2-D transforms (4-D sizes) only")
    if theta.dim() != 3 or tuple(theta.shape[-2:]) != (2, 3):
        raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got "
                         f"{tuple(theta.shape)}.")
    n, _, h, w = size
    if align_corners and min(h, w) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation "
                      "of affine_grid for details.", stacklevel=2)
    xs, ys = _base(w, align_corners, theta), _base(h, align_corners, theta)
    base = stack([xs.reshape(1, w).expand(h, w), ys.reshape(h, 1).expand(h, w),
                  ones(h, w, dtype=theta.dtype, device=theta.device)], -1)  # (H, W, 3)
    return (base.reshape(1, h * w, 3) @ theta.transpose(1, 2)).reshape(n, h, w, 2)


def _unnormalize(coord, size, align_corners):
    return (coord + 1) / 2 * (size - 1) if align_corners else ((coord + 1) * size - 1) / 2


def _reflect(coord, low, high):
    """Reflect coordinates into [low, high] (twice the span is the period)."""
    span = high - low
    if span <= 0:
        return coord * 0
    flipped = ((coord - low).abs() % (2 * span))
    return (span - (flipped - span).abs()) + low


def _source(coord, size, padding_mode, align_corners):
    x = _unnormalize(coord, size, align_corners)
    if padding_mode == "border":
        x = x.clamp(0, size - 1)
    elif padding_mode == "reflection":
        x = _reflect(x, 0, size - 1) if align_corners else _reflect(x, -0.5, size - 0.5)
        x = x.clamp(0, size - 1)
    return x


def _gather(flat, ix, iy, w, h):
    """Values of flat (N, C, H*W) at integer pixels (N, Ho, Wo); outside the image they are 0."""
    inside = ((ix >= 0) & (ix <= w - 1) & (iy >= 0) & (iy <= h - 1)).to(flat.dtype)
    index = (iy.clamp(0, h - 1) * w + ix.clamp(0, w - 1)).long()
    n, c = flat.shape[:2]
    picked = flat.gather(2, index.reshape(n, 1, -1).expand(n, c, index[0].numel()))
    return picked.reshape(n, c, *ix.shape[1:]) * inside.unsqueeze(1)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample (N, C, H, W) ``input`` at the normalised (x, y) positions of ``grid`` (N, Ho, Wo, 2)."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if mode == "bicubic" or input.dim() != 4:
        raise NotImplementedError("Ember's grid_sample samples 4-D inputs in bilinear or nearest mode")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    n, c, h, w = input.shape
    x = _source(grid[..., 0], w, padding_mode, align_corners)
    y = _source(grid[..., 1], h, padding_mode, align_corners)
    flat = input.reshape(n, c, h * w)
    if mode == "nearest":
        # round half to even, as PyTorch's nearest mode does
        return _gather(flat, x.detach().round(), y.detach().round(), w, h)
    x0, y0 = x.detach().floor(), y.detach().floor()
    x1, y1 = x0 + 1, y0 + 1
    wx1, wy1 = x - x0, y - y0
    wx0, wy0 = 1 - wx1, 1 - wy1
    out = 0
    for xi, yi, weight in ((x0, y0, wx0 * wy0), (x1, y0, wx1 * wy0), (x0, y1, wx0 * wy1), (x1, y1, wx1 * wy1)):
        out = out + _gather(flat, xi, yi, w, h) * weight.unsqueeze(1)
    return out


"""Spatial sampling in ``ember.nn.functional``: ``affine_grid`` and ``grid_sample`` (bi/trilinear and
nearest, zeros/border/reflection padding, 4-D and 5-D inputs), written as gathers so that gradients reach
both the input and the grid; and the ``*_with_indices`` spellings of max pooling."""
import itertools
import warnings

import numpy as np

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
    """:func:`ember.nn.functional.max_pool1d` that always returns ``(values, indices)``."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=False):
    """:func:`ember.nn.functional.max_pool2d` that always returns ``(values, indices)``."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    """:func:`ember.nn.functional.adaptive_max_pool1d` that always returns ``(values, indices)``."""
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    """:func:`ember.nn.functional.adaptive_max_pool2d` that always returns ``(values, indices)``."""
    return adaptive_max_pool2d(input, output_size, True)


def _base(n, align_corners, like):
    """Normalised coordinates of n pixel centres (align_corners=False) or edges (True) in [-1, 1]."""
    if n == 1:
        return zeros(1, dtype=like.dtype, device=like.device)
    steps = linspace(-1, 1, n, dtype=like.dtype, device=like.device)
    return steps if align_corners else steps * ((n - 1) / n)


def affine_grid(theta, size, align_corners=None):
    """The sampling grid (N, H, W, 2) of 2-D affine maps ``theta`` (N, 2, 3), or (N, D, H, W, 3) of 3-D ones
    (N, 3, 4)."""
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    if len(size) not in (4, 5):
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {size}.")
    dims = len(size) - 2
    if theta.dim() != 3 or tuple(theta.shape[-2:]) != (dims, dims + 1):
        raise ValueError(f"Expected a batch of {dims}D affine matrices of shape Nx{dims}x{dims + 1} for size "
                         f"{size}. Got {tuple(theta.shape)}.")
    n, spatial = size[0], tuple(size[2:])
    if align_corners and min(spatial) == 1:
        warnings.warn("Since version 1.3.0, affine_grid behavior has changed for unit-size grids when "
                      "align_corners=True. This is not an intended use case of affine_grid. See the documentation "
                      "of affine_grid for details.", stacklevel=2)
    # coordinates (x, y[, z], 1): x runs along the last dim, y the one before, z the first
    axes = []
    for d, length in enumerate(reversed(spatial)):
        shape = [1] * dims
        shape[dims - 1 - d] = length
        axes.append(_base(length, align_corners, theta).reshape(*shape).expand(*spatial))
    base = stack(axes + [ones(*spatial, dtype=theta.dtype, device=theta.device)], -1)
    cells = int(np.prod(spatial))
    return (base.reshape(1, cells, dims + 1) @ theta.transpose(1, 2)).reshape(n, *spatial, dims)


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


def _gather(flat, coords, sizes):
    """Values of flat (N, C, prod(sizes)) at integer positions ``coords`` (one (N, *out) tensor per dim,
    first dim first); outside the input they are 0."""
    inside, index = None, 0
    for coord, size in zip(coords, sizes):
        ok = (coord >= 0) & (coord <= size - 1)
        inside = ok if inside is None else inside & ok
        index = index * size + coord.clamp(0, size - 1)
    index = index.long()
    n, c = flat.shape[:2]
    picked = flat.gather(2, index.reshape(n, 1, -1).expand(n, c, index[0].numel()))
    return picked.reshape(n, c, *coords[0].shape[1:]) * inside.to(flat.dtype).unsqueeze(1)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample (N, C, H, W) or (N, C, D, H, W) ``input`` at the normalised (x, y[, z]) positions of ``grid``."""
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', "
                         f"but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError("nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if mode == "bicubic" or input.dim() not in (4, 5):
        raise NotImplementedError("Ember's grid_sample samples 4-D and 5-D inputs in bilinear or nearest mode")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    n, c = input.shape[:2]
    sizes = tuple(input.shape[2:])
    dims = len(sizes)
    # grid's last dim holds (x, y[, z]): x indexes the last input dim
    coords = [_source(grid[..., dims - 1 - d], size, padding_mode, align_corners) for d, size in enumerate(sizes)]
    flat = input.reshape(n, c, -1)
    if mode == "nearest":
        # round half to even, as PyTorch's nearest mode does
        return _gather(flat, [p.detach().round() for p in coords], sizes)
    lows = [p.detach().floor() for p in coords]
    out = 0
    for corner in itertools.product((0, 1), repeat=dims):  # the 4 (8) neighbours, weighted (tri)linearly
        weight = 1
        for p, low, up in zip(coords, lows, corner):
            weight = weight * (p - low if up else 1 - (p - low))
        out = out + _gather(flat, [low + up for low, up in zip(lows, corner)], sizes) * weight.unsqueeze(1)
    return out

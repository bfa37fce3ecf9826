"""``interpolate``: resize the spatial dims by nearest, linear, bilinear or area sampling.

Each mode is a matrix per spatial dim (see ``resample``); area sampling is
adaptive average pooling.
"""
import numpy as np

from .pooling import adaptive_avg_pool1d, adaptive_avg_pool2d
from .resample import Resample, index_matrix, linear_matrix

_MODES = {"nearest": 0, "linear": 1, "bilinear": 2, "area": 0, "nearest-exact": 0}  # the input dims a mode needs
_NAMES = {"nearest": "UpsampleNearest{}DBackward0", "nearest-exact": "UpsampleNearestExact{}DBackward0",
          "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0", "area": None}


def _source(n, out, scale, align_corners, mode):
    """Source positions of the output elements along one dim."""
    dst = np.arange(out, dtype=np.float64)
    if mode in ("linear", "bilinear"):
        if align_corners:
            return dst * ((n - 1) / (out - 1) if out > 1 else 0)
        return np.maximum((dst + 0.5) * scale - 0.5, 0)
    offset = 0.5 if mode == "nearest-exact" else 0
    return np.minimum(np.floor((dst + offset) * scale).astype(np.int64), n - 1)


def _matrix(n, out, scale, align_corners, mode):
    src = _source(n, out, scale, align_corners, mode)
    return linear_matrix(src, n) if mode in ("linear", "bilinear") else index_matrix(src, n)


def _output_sizes(input, size, scale_factor, dims, recompute_scale_factor):
    if size is None and scale_factor is None:
        raise ValueError("either size or scale_factor should be defined")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    spatial = input._data.shape[-dims:] if dims else ()
    if size is not None:
        sizes = (size,) * dims if isinstance(size, int) else tuple(size)
        if len(sizes) != dims:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {list(spatial)} and output size of {size}. Please provide input "
                             "tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
        return sizes, tuple(n / o for n, o in zip(spatial, sizes))
    factors = (scale_factor,) * dims if isinstance(scale_factor, (int, float)) else tuple(scale_factor)
    if len(factors) != dims:
        raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                         f"with spatial dimensions of {list(spatial)} and scale_factor of shape {scale_factor}. "
                         "Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, "
                         "...,sK) format.")
    sizes = tuple(int(np.floor(n * f)) for n, f in zip(spatial, factors))
    if recompute_scale_factor:
        return sizes, tuple(n / o for n, o in zip(spatial, sizes))
    return sizes, tuple(1 / f for f in factors)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None, recompute_scale_factor=None,
                antialias=False):
    """Resize the spatial dims of (N, C, L) or (N, C, H, W) inputs."""
    if mode not in ("linear", "bilinear", "bicubic", "trilinear") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: linear | bilinear | "
                         "bicubic | trilinear")
    dims = input.ndim - 2
    if mode not in _NAMES or dims not in (1, 2):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
                                  "the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | "
                                  f"nearest-exact (got {mode})")
    expected = _MODES[mode]
    if expected and expected != dims:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {expected + 2}D input")
    sizes, scales = _output_sizes(input, size, scale_factor, dims, recompute_scale_factor)
    if mode == "area":
        return (adaptive_avg_pool1d if dims == 1 else adaptive_avg_pool2d)(input, sizes)
    matrices = tuple(_matrix(n, out, scale, bool(align_corners), mode)
                     for n, out, scale in zip(input._data.shape[-dims:], sizes, scales))
    return Resample.apply(input, matrices=matrices, name=_NAMES[mode].format(dims))

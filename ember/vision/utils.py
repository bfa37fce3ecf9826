"""Image grids and saving tensors as image files (torchvision.utils)."""
import math

import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from .transforms.functional import pil_image_module

__all__ = ["make_grid", "save_image"]


def _as_batch(tensor):
    """A list or tensor of images as one (B, C, H, W) array; one channel becomes three."""
    if isinstance(tensor, Tensor):
        array = B.to_numpy(tensor.detach()._data)
    elif isinstance(tensor, list):
        for t in tensor:
            if not isinstance(t, Tensor):
                raise TypeError(f"tensor or list of tensors expected, got a list containing {type(t)}")
        array = np.stack([B.to_numpy(t.detach()._data) for t in tensor])
    else:
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if array.ndim == 2:
        array = array[None]
    if array.ndim == 3:
        array = array[None]
    if array.shape[1] == 1:
        array = np.repeat(array, 3, axis=1)
    return array


def _rescale(images, low, high):
    """Clamp to [low, high] and map that range onto [0, 1], in the images' dtype."""
    t = images.dtype.type
    np.clip(images, t(low), t(high), out=images)
    images -= t(low)
    images /= t(max(high - low, 1e-5))


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None, scale_each=False, pad_value=0.0,
              **kwargs):
    """Tile a batch of images (B x C x H x W, or a list of C x H x W) into one image, ``nrow`` per row,
    ``padding`` pixels of ``pad_value`` around each."""
    array = _as_batch(tensor)
    if normalize:
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. min and max are numbers")
        array = array.copy()
        for images in (array if scale_each else [array]):
            low, high = value_range if value_range is not None else (float(images.min()), float(images.max()))
            _rescale(images, low, high)
    if array.shape[0] == 1:
        return Tensor._wrap(array[0])
    count, channels, h, w = array.shape
    cols = min(nrow, count)
    rows = int(math.ceil(count / cols))
    cell_h, cell_w = h + padding, w + padding
    grid = np.full((channels, rows * cell_h + padding, cols * cell_w + padding), pad_value, dtype=array.dtype)
    for k in range(count):
        top, left = (k // cols) * cell_h + padding, (k % cols) * cell_w + padding
        grid[:, top:top + h, left:left + w] = array[k]
    return Tensor._wrap(grid)


def save_image(tensor, fp, format=None, **kwargs):
    """Save a tensor (or a batch, tiled with ``make_grid(**kwargs)``) of values in [0, 1] as an image file."""
    grid = make_grid(tensor, **kwargs)._data
    pixels = np.clip(grid * grid.dtype.type(255) + grid.dtype.type(0.5), 0, 255).astype(np.uint8)
    pil_image_module().fromarray(np.ascontiguousarray(pixels.transpose(1, 2, 0))).save(fp, format=format)

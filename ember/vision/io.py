"""Reading and writing image files as uint8 C x H x W tensors (torchvision.io), through Pillow."""
import enum

import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from .transforms.functional import pil_image_module, pil_to_tensor

__all__ = ["ImageReadMode", "read_image", "write_png"]


class ImageReadMode(enum.Enum):
    """The channels ``read_image`` converts an image to; UNCHANGED keeps the file's own (a palette or
    other mode becomes RGB, or RGBA where it has transparency)."""

    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4


_PIL_MODES = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
              ImageReadMode.RGB_ALPHA: "RGBA"}


def read_image(path, mode=ImageReadMode.UNCHANGED):
    """An image file as a uint8 tensor of shape (channels, height, width)."""
    if isinstance(mode, str):
        mode = ImageReadMode[mode.upper()]
    with pil_image_module().open(path) as image:
        if mode is not ImageReadMode.UNCHANGED:
            image = image.convert(_PIL_MODES[mode])
        elif image.mode not in ("L", "LA", "RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        return Tensor._wrap(np.ascontiguousarray(pil_to_tensor(image)._data))


def write_png(input, filename, compression_level=6):
    """Save a uint8 tensor of shape (1 or 3, H, W) as a PNG file."""
    if not isinstance(input, Tensor) or input.dtype.np != np.uint8 or input.ndim != 3 or input.shape[0] not in (1, 3):
        raise RuntimeError("write_png expects a uint8 tensor of shape (1, H, W) or (3, H, W)")
    array = B.to_numpy(input._data)
    array = array[0] if array.shape[0] == 1 else np.ascontiguousarray(array.transpose(1, 2, 0))
    pil_image_module().fromarray(array).save(filename, format="PNG", compress_level=compression_level)

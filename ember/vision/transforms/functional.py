"""Image transforms as functions (torchvision.transforms.functional).

Images are PIL images or tensors of shape (..., C, H, W). Pillow is imported
only where an image must be a PIL image; the geometric transforms run in
Pillow, tensors going through it one channel at a time as 32-bit float images.
"""
import enum
import numbers

import numpy as np

from ... import _arraylib as B
from ..._tensor import Tensor

__all__ = ["InterpolationMode", "adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue",
           "adjust_saturation", "adjust_sharpness", "affine", "autocontrast", "center_crop", "convert_image_dtype",
           "crop", "elastic_transform", "equalize", "erase", "five_crop", "gaussian_blur", "get_dimensions",
           "get_image_num_channels", "get_image_size", "hflip", "invert", "normalize", "pad", "perspective",
           "pil_to_tensor", "posterize", "resize", "resized_crop", "rgb_to_grayscale", "rotate", "solarize",
           "ten_crop", "to_grayscale", "to_pil_image", "to_tensor", "vflip"]

class InterpolationMode(enum.Enum):
    """The resampling filters the geometric transforms accept (PIL's integer constants work too)."""
    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


def pil_image_module():
    """PIL.Image, or ImportError saying why it is needed."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("this needs PIL images, which need Pillow: pip install Pillow") from None
    return Image


def _is_pil_image(img):
    return type(img).__module__.startswith("PIL.") and hasattr(img, "getbands")


def _pil_resample(mode):
    if isinstance(mode, int):  # a PIL constant, as older torchvision code passes
        return mode
    name = InterpolationMode(mode).name
    if name == "NEAREST_EXACT":
        name = "NEAREST"
    return getattr(pil_image_module().Resampling, name)


# ------------------------------------------------------------------ conversion


def _float_from_uint8(array):
    """uint8 (..., H, W, C) -> default float dtype (..., C, H, W) in [0, 1]: float(x) / 255 exactly."""
    dt = B.get_default_dtype().np
    if array.shape[-1] == 1:  # one channel: moving it is a reshape
        out = array.reshape(array.shape[:-3] + (1,) + array.shape[-3:-1]).astype(dt)
    else:
        n = array.ndim
        out = array.transpose(*range(n - 3), n - 1, n - 3, n - 2).astype(dt, order="C")
    return np.divide(out, dt.type(255), out=out)


def to_tensor(pic):
    """A PIL image or an HxW(xC) array as a C x H x W tensor; uint8 data becomes floats in [0, 1]."""
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        hwc = pic[:, :, None] if pic.ndim == 2 else pic
    elif _is_pil_image(pic):
        hwc = pil_to_array(pic)
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if hwc.dtype == np.uint8:
        return Tensor._wrap(_float_from_uint8(hwc))
    return Tensor._wrap(np.ascontiguousarray(hwc.transpose(2, 0, 1)))


_PIL_DTYPES = {"I": np.int32, "I;16": np.int16, "F": np.float32}


def pil_to_array(pic):
    """A PIL image's pixels as an H x W x C array (mode '1' as 0/255 uint8)."""
    array = np.array(pic, _PIL_DTYPES.get(pic.mode, np.uint8), copy=True)
    if pic.mode == "1":
        array *= 255
    return array.reshape(pic.size[1], pic.size[0], len(pic.getbands()))


def pil_to_tensor(pic):
    """A PIL image as a C x H x W tensor of its own dtype, without scaling."""
    if not _is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    array = np.array(pic, copy=True)
    return Tensor._wrap(array.reshape(pic.size[1], pic.size[0], len(pic.getbands())).transpose(2, 0, 1))


def to_pil_image(pic, mode=None):
    """A C x H x W tensor or H x W x C array as a PIL image (floats are scaled by 255)."""
    Image = pil_image_module()
    if isinstance(pic, Tensor):
        array = B.to_numpy(pic.detach()._data)
        if array.ndim == 2:
            array = array[None]
        if array.ndim != 3:
            raise ValueError(f"pic should be 2/3 dimensional. Got {array.ndim} dimensions.")
        if array.dtype.kind == "f" and mode != "F":
            array = (array * 255).astype(np.uint8)
        array = array.transpose(1, 2, 0)
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        array = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if array.shape[2] == 1:
        array = array[:, :, 0]
    elif mode is None and array.shape[2] not in (3, 4):
        raise ValueError(f"pic should not have > 4 channels. Got {array.shape[2]} channels.")
    image = Image.fromarray(np.ascontiguousarray(array))
    return image if mode is None or image.mode == mode else image.convert(mode)


def _max_value(np_dtype):
    return np.iinfo(np_dtype).max if np_dtype.kind in "iu" else 1.0


def convert_image_dtype_array(array, np_dtype):
    """Rescale pixel values to another dtype's range: [0, 1] for floats, [0, max] for integers."""
    if array.dtype == np_dtype:
        return array
    if array.dtype.kind == "f":
        if np_dtype.kind == "f":
            return array.astype(np_dtype)
        if (array.dtype == np.float32 and np_dtype in (np.int32, np.int64)) or (
                array.dtype == np.float64 and np_dtype == np.int64):
            raise RuntimeError(f"The cast from {B.from_np(array.dtype)} to {B.from_np(np_dtype)} cannot be "
                               f"performed safely.")
        # Slightly less than max + 1 so that 1.0 maps to max and the bins stay equal.
        return (array * array.dtype.type(_max_value(np_dtype) + 1.0 - 1e-3)).astype(np_dtype)
    in_max, out_max = int(_max_value(array.dtype)), int(_max_value(np_dtype))
    if np_dtype.kind == "f":
        return array.astype(np_dtype) / np_dtype.type(in_max)
    if in_max > out_max:
        return (array // ((in_max + 1) // (out_max + 1))).astype(np_dtype)
    return array.astype(np_dtype) * np_dtype.type((out_max + 1) // (in_max + 1))


def convert_image_dtype(image, dtype=None):
    """``image`` rescaled to ``dtype``'s pixel range: ``[0, 1]`` for floats, ``[0, max]`` for integers."""
    if not isinstance(image, Tensor):
        raise TypeError("Input img should be Tensor Image")
    np_dtype = B.to_dtype(dtype or B.float32).np
    return Tensor._wrap(convert_image_dtype_array(image._data, np_dtype))


# ------------------------------------------------------------------ normalize


def normalize_array(array, mean, std, out=None):
    """(array - mean) / std over the channel dimension (-3), computed in the array's dtype."""
    mean = np.asarray(mean, dtype=array.dtype)
    std = np.asarray(std, dtype=array.dtype)
    if np.count_nonzero(std) < std.size:
        raise ValueError(f"std evaluated to zero after conversion to {B.from_np(array.dtype)}, leading to "
                         f"division by zero.")
    if mean.ndim == 1:
        mean = mean.reshape(-1, 1, 1)
    if std.ndim == 1:
        std = std.reshape(-1, 1, 1)
    out = np.subtract(array, mean, out=out)
    return np.divide(out, std, out=out)


def check_float_image(tensor):
    """Raises unless ``tensor`` is a floating-point tensor image of shape ``(..., C, H, W)``."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError("Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
                         f"{tensor.size()}")


def normalize(tensor, mean, std, inplace=False):
    """Normalize a float tensor image channel-wise: ``(tensor - mean) / std``."""
    check_float_image(tensor)
    if tensor.requires_grad and not inplace:  # keep it differentiable: go through the ops
        m = Tensor._wrap(np.asarray(mean, dtype=tensor._data.dtype).reshape(-1, 1, 1))
        s = Tensor._wrap(np.asarray(std, dtype=tensor._data.dtype).reshape(-1, 1, 1))
        return (tensor - m) / s
    if inplace:
        normalize_array(tensor._data, mean, std, out=tensor._data)
        tensor._version[0] += 1
        return tensor
    return Tensor._wrap(normalize_array(tensor._data, mean, std))


# ------------------------------------------------------------------ geometry


def get_dimensions(img):
    """[channels, height, width]."""
    if isinstance(img, Tensor):
        shape = img.shape
        return [1 if img.ndim == 2 else shape[-3], shape[-2], shape[-1]]
    if _is_pil_image(img):
        return [len(img.getbands()), img.size[1], img.size[0]]
    raise TypeError(f"Unexpected type {type(img)}")


def get_image_size(img):
    """[width, height]."""
    _, h, w = get_dimensions(img)
    return [w, h]


def _through_pil(tensor, fn):
    """Apply ``fn(image, channel)`` to each channel of a tensor as a 32-bit float PIL image."""
    Image = pil_image_module()
    data = B.to_numpy(tensor._data)
    lead = data.shape[:-2]
    channels = 1 if data.ndim == 2 else data.shape[-3]
    planes = [np.asarray(fn(Image.fromarray(np.ascontiguousarray(p, dtype=np.float32)), i % channels))
              for i, p in enumerate(data.reshape((-1,) + data.shape[-2:]))]
    out = np.stack(planes).reshape(lead + planes[0].shape)
    if data.dtype.kind in "iu":
        out = np.round(out).clip(np.iinfo(data.dtype).min, np.iinfo(data.dtype).max)
    return Tensor._wrap(out.astype(data.dtype))


def _apply(img, fn):
    """``fn(image, channel)`` on a PIL image (channel None) or on each channel of a tensor."""
    if _is_pil_image(img):
        return fn(img, None)
    if isinstance(img, Tensor):
        return _through_pil(img, fn)
    raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")


def resized_output_size(height, width, size, max_size=None):
    """The (height, width) a resize to ``size`` gives: an int matches the smaller edge, keeping the aspect."""
    if isinstance(size, (list, tuple)) and len(size) == 2:
        return list(size)
    requested = size if isinstance(size, int) else size[0]
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = requested, int(requested * long / short)
    if max_size is not None:
        if max_size <= requested:
            raise ValueError(f"max_size = {max_size} must be strictly greater than the requested size for the "
                             f"smaller edge size = {size}")
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return [new_long, new_short] if width <= height else [new_short, new_long]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """``img`` resized to ``size`` (an int matches the smaller edge, keeping the aspect ratio; ``max_size`` caps
    the longer one). Except in the nearest modes, tensors go through Pillow's filters, which always antialias
    when shrinking, so ``antialias`` is ignored."""
    _, h, w = get_dimensions(img)
    new_h, new_w = resized_output_size(h, w, size, max_size)
    if (new_h, new_w) == (h, w):
        return img
    if isinstance(img, Tensor) and not isinstance(interpolation, int) and InterpolationMode(interpolation) in (
            InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT):
        return Tensor._wrap(_resize_nearest(img._data, new_h, new_w, InterpolationMode(interpolation)))
    resample = _pil_resample(interpolation)
    return _apply(img, lambda im, _: im.resize((new_w, new_h), resample))


def _nearest_indices(size_in, size_out, exact):
    """PyTorch's nearest sources: floor(i * in / out) (nearest) or floor((i + 0.5) * in / out) (nearest-exact),
    in float32 as its kernels compute them."""
    scale = np.float32(size_in / size_out)
    offset = np.float32(0.5 if exact else 0.0)
    index = np.floor((np.arange(size_out, dtype=np.float32) + offset) * scale).astype(np.int64)
    return np.minimum(index, size_in - 1)


def _resize_nearest(array, new_h, new_w, mode):
    exact = mode is InterpolationMode.NEAREST_EXACT
    rows = _nearest_indices(array.shape[-2], new_h, exact)
    cols = _nearest_indices(array.shape[-1], new_w, exact)
    return array[..., rows[:, None], cols]


def crop(img, top, left, height, width):
    """The region at (top, left) of the given size; parts outside the image are zeros."""
    if _is_pil_image(img):
        return img.crop((left, top, left + width, top + height))
    _, h, w = get_dimensions(img)
    if top < 0 or left < 0 or top + height > h or left + width > w:
        pads = [max(-left, 0), max(-top, 0), max(left + width - w, 0), max(top + height - h, 0)]
        img = pad(img, pads)
        top, left = top + pads[1], left + pads[0]
    return Tensor._wrap(img._data[..., top:top + height, left:left + width])


def center_crop(img, output_size):
    """The centred ``output_size`` region of ``img``, zero-padded where the image is smaller."""
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    crop_h, crop_w = output_size
    _, h, w = get_dimensions(img)
    top = int(round((h - crop_h) / 2.0))
    left = int(round((w - crop_w) / 2.0))
    return crop(img, top, left, crop_h, crop_w)


def _padding_ltrb(padding):
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    padding = list(padding)
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    if len(padding) == 4:
        return padding
    raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple")


_PAD_MODES = ("constant", "edge", "reflect", "symmetric")


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad the borders: ``padding`` is one int, (left/right, top/bottom) or (left, top, right, bottom)."""
    if padding_mode not in _PAD_MODES:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    left, top, right, bottom = _padding_ltrb(padding)
    is_pil = _is_pil_image(img)
    array = np.asarray(img) if is_pil else img._data
    h_axis = 0 if is_pil else array.ndim - 2  # PIL arrays are H x W (x C), tensors (..., H, W)
    widths = [(0, 0)] * array.ndim
    widths[h_axis], widths[h_axis + 1] = (top, bottom), (left, right)
    if padding_mode == "constant":  # filled by hand so that an RGB fill tuple fills per channel
        shape = list(array.shape)
        shape[h_axis] += top + bottom
        shape[h_axis + 1] += left + right
        out = np.empty(shape, array.dtype)
        out[...] = fill
        out[tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, array.shape))] = array
    else:
        out = np.pad(array, widths, mode=padding_mode)
    if not is_pil:
        return Tensor._wrap(out)
    padded = pil_image_module().fromarray(out)
    if img.mode == "P":
        padded.putpalette(img.getpalette())
    return padded


def hflip(img):
    """``img`` mirrored left to right."""
    if _is_pil_image(img):
        return img.transpose(pil_image_module().Transpose.FLIP_LEFT_RIGHT)
    return Tensor._wrap(img._data[..., ::-1].copy())


def vflip(img):
    """``img`` flipped upside down."""
    if _is_pil_image(img):
        return img.transpose(pil_image_module().Transpose.FLIP_TOP_BOTTOM)
    return Tensor._wrap(img._data[..., ::-1, :].copy())


def get_image_num_channels(img):
    """The number of channels of a PIL image or tensor image."""
    return get_dimensions(img)[0]


# The colour and geometry families live in their own modules; torchvision's namespace holds them all.
from .functional_color import (adjust_brightness, adjust_contrast, adjust_gamma, adjust_hue,  # noqa: E402
                               adjust_saturation, adjust_sharpness, autocontrast, equalize, invert, posterize,
                               rgb_to_grayscale, solarize, to_grayscale)
from .functional_geometry import (affine, elastic_transform, erase, five_crop, gaussian_blur,  # noqa: E402
                                  perspective, resized_crop, rotate, ten_crop)

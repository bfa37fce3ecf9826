"""torchvision.transforms.v2.functional for images: v1's functions under v2's names as well (``*_image``
kernels, ``horizontal_flip``, ``elastic``, ...), plus to_image, to_dtype, grayscale_to_rgb,
permute_channels and gaussian_noise."""
import numpy as np

from .... import _arraylib as B
from ...._tensor import Tensor
from ..functional import (InterpolationMode, _is_pil_image, adjust_brightness, adjust_contrast,  # noqa: F401
                          adjust_gamma, adjust_hue, adjust_saturation, adjust_sharpness, affine, autocontrast,
                          center_crop, convert_image_dtype, crop, elastic_transform, equalize, erase, five_crop,
                          gaussian_blur, get_dimensions, get_image_num_channels, get_image_size, hflip, invert,
                          normalize, pad, perspective, pil_to_tensor, posterize, resize, resized_crop, rgb_to_grayscale,
                          rotate, solarize, ten_crop, to_grayscale, to_pil_image, to_tensor, vflip)
from ..functional_color import grayscale_array

horizontal_flip, vertical_flip, elastic = hflip, vflip, elastic_transform


def is_pure_tensor(inpt):
    """Whether ``inpt`` is a tensor (in Ember every image tensor is a plain one)."""
    return isinstance(inpt, Tensor)


def get_size(inpt):
    """[height, width]."""
    _, h, w = get_dimensions(inpt)
    return [h, w]


def get_num_channels(inpt):
    """The number of channels of an image."""
    return get_dimensions(inpt)[0]


def to_image(inpt):
    """A PIL image, an H x W (x C) array or a tensor as a C x H x W tensor of the same dtype."""
    if isinstance(inpt, np.ndarray):
        return Tensor._wrap(np.ascontiguousarray(np.atleast_3d(inpt).transpose(2, 0, 1)))
    if _is_pil_image(inpt):
        return pil_to_tensor(inpt)
    if isinstance(inpt, Tensor):
        return inpt
    raise TypeError(f"Input can either be a pure Tensor, a numpy array, or a PIL image, but got {type(inpt)} "
                    f"instead.")


def to_dtype(inpt, dtype=None, scale=False):
    """Cast to ``dtype``; with ``scale``, map value ranges too ([0, 1] floats, [0, max] integers)."""
    dtype = B.to_dtype(dtype or B.float32)
    a = inpt._data
    target = dtype.np
    if a.dtype == target:
        return inpt
    if not scale:
        return Tensor._wrap(a.astype(target))
    if a.dtype.kind == "f":
        if target.kind == "f":
            return Tensor._wrap(a.astype(target))
        if (a.dtype == np.float32 and target in (np.int32, np.int64)) or (a.dtype == np.float64 and target == np.int64):
            raise RuntimeError(f"The conversion from {inpt.dtype} to {dtype} cannot be performed safely.")
        return Tensor._wrap((a * a.dtype.type(float(np.iinfo(target).max) + 1.0 - 1e-3)).astype(target))
    if target.kind == "f":  # v2 multiplies by the reciprocal where v1 divides
        return Tensor._wrap(a.astype(target) * target.type(1.0 / np.iinfo(a.dtype).max))
    bits_in, bits_out = (np.iinfo(t).bits - (np.iinfo(t).min < 0) for t in (a.dtype, target))
    if bits_in > bits_out:
        return Tensor._wrap((a >> (bits_in - bits_out)).astype(target))
    return Tensor._wrap(a.astype(target) << (bits_out - bits_in))


def grayscale_to_rgb(inpt):
    """A grayscale image as three equal channels; images with three or more channels are returned as they are."""
    if _is_pil_image(inpt):
        return inpt.convert(mode="RGB")
    a = inpt._data
    return inpt if a.shape[-3] >= 3 else Tensor._wrap(grayscale_array(a, 3))


def permute_channels(inpt, permutation):
    """The image with its channels reordered by ``permutation``."""
    if _is_pil_image(inpt):
        return to_pil_image(permute_channels(pil_to_tensor(inpt), permutation))
    a = inpt._data
    if len(permutation) != a.shape[-3]:
        raise ValueError(f"Length of permutation does not match number of channels: {len(permutation)} != "
                         f"{a.shape[-3]}")
    return Tensor._wrap(a[..., list(permutation), :, :].copy())


def gaussian_noise(inpt, mean=0.0, sigma=0.1, clip=True):
    """Add N(mean, sigma) noise (in [0, 1] units; uint8 images in steps of 1/255)."""
    if sigma < 0:
        raise ValueError(f"sigma shouldn't be negative. Got {sigma}")
    a = inpt._data
    noise = B.rng(None).standard_normal(a.shape, dtype=np.float32)
    if a.dtype.kind == "f":
        out = a + (mean + noise.astype(a.dtype) * a.dtype.type(sigma))
        return Tensor._wrap(np.clip(out, 0, 1) if clip else out)
    if a.dtype == np.uint8:
        out = a + (np.float32(mean * 255) + noise * np.float32(sigma * 255)).astype(np.int16)
        return Tensor._wrap((np.clip(out, 0, 255) if clip else out).astype(np.uint8))
    raise ValueError(f"Input tensor is expected to be in uint8 or float dtype, got dtype={inpt.dtype}")


def _kernels():
    """``<op>_image`` for each op: v2's per-type kernels, which for images are the ops themselves."""
    names = ["adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue", "adjust_saturation",
             "adjust_sharpness", "affine", "autocontrast", "center_crop", "crop", "elastic", "equalize", "erase",
             "five_crop", "gaussian_blur", "gaussian_noise", "get_dimensions", "get_num_channels", "get_size",
             "grayscale_to_rgb", "horizontal_flip", "invert", "normalize", "pad", "permute_channels", "perspective",
             "posterize", "resize", "resized_crop", "rgb_to_grayscale", "rotate", "solarize", "ten_crop", "to_dtype",
             "vertical_flip"]
    return {f"{name}_image": globals()[name] for name in names}


globals().update(_kernels())


def jpeg(inpt, quality):
    """Encode as JPEG at ``quality`` and decode again (Pillow's libjpeg; torchvision's tensors use its own
    build of libjpeg, so pixels may differ slightly)."""
    import io

    if not 1 <= quality <= 100:
        raise ValueError(f"quality must be an integer from 1 to 100, got quality ={quality}")
    if _is_pil_image(inpt):
        buffer = io.BytesIO()
        inpt.save(buffer, format="JPEG", quality=quality)
        from ..functional import pil_image_module

        return pil_image_module().open(buffer).convert(inpt.mode)
    a = inpt._data
    if a.dtype != np.uint8:
        raise TypeError(f"Input tensor dtype should be uint8, but got {inpt.dtype}")
    planes = a.reshape((-1,) + a.shape[-3:])
    out = [pil_to_tensor(jpeg(to_pil_image(Tensor._wrap(p)), quality))._data for p in planes]
    return Tensor._wrap(np.stack(out).reshape(a.shape) if out else a.copy())


jpeg_image = jpeg

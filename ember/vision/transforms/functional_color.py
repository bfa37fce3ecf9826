"""Colour transforms as functions: brightness, contrast, saturation, hue, gamma, sharpness, grayscale,
invert, posterize, solarize, autocontrast, equalize.

PIL images go through Pillow's own operations (ImageEnhance, ImageOps), as torchvision does; tensors of
shape (..., C, H, W) are computed with NumPy by torchvision's tensor formulas, integer images through
float32 and truncated back.
"""
import numpy as np

from ..._tensor import Tensor
from .functional import _is_pil_image, convert_image_dtype_array, pil_image_module


def _max_value(dtype):
    return float(np.iinfo(dtype).max) if dtype.kind in "iu" else 1.0


def _work_dtype(dtype):
    """The float dtype a computation on an image of ``dtype`` runs in: its own, or float32 for integers."""
    return dtype if dtype.kind == "f" else np.dtype(np.float32)


def _array(img, name="img"):
    if not isinstance(img, Tensor):
        raise TypeError(f"{name} should be PIL Image or Tensor. Got {type(img)}")
    if img.ndim < 3 and img.ndim != 2:
        raise TypeError(f"Tensor is not a torch image: it has {img.ndim} dimensions")
    return img._data


def _dispatch(img, pil_fn, array_fn):
    """``pil_fn(img)`` on a PIL image, ``array_fn(array)`` wrapped back into a tensor otherwise."""
    if _is_pil_image(img):
        return pil_fn(img)
    return Tensor._wrap(array_fn(_array(img)))


def blend(img1, img2, ratio):
    """ratio * img1 + (1 - ratio) * img2, clamped to the image range, in img1's dtype."""
    wt = _work_dtype(img1.dtype)
    out = img1.astype(wt) * wt.type(ratio) + wt.type(1.0 - ratio) * np.asarray(img2, dtype=wt)
    return np.clip(out, 0, _max_value(img1.dtype)).astype(img1.dtype)


def grayscale_array(array, num_output_channels=1):
    """ITU-R 601-2 luma of (..., 3, H, W) in the image's dtype, (..., 1 or 3, H, W)."""
    if array.shape[-3] == 1:
        gray = array
    else:
        wt = _work_dtype(array.dtype)
        r, g, b = (array[..., i, :, :].astype(wt) for i in range(3))
        gray = (wt.type(0.2989) * r + wt.type(0.587) * g + wt.type(0.114) * b).astype(array.dtype)[..., None, :, :]
    return np.broadcast_to(gray, gray.shape[:-3] + (num_output_channels,) + gray.shape[-2:]).copy()


def _channels(array):
    return array.shape[-3]


def _check_channels(array, allowed):
    if _channels(array) not in allowed:
        raise TypeError(f"Input image tensor permitted channel values are {list(allowed)}, but found "
                        f"{_channels(array)}")


def rgb_to_grayscale(img, num_output_channels=1):
    """``img`` as luma (ITU-R 601-2 weights), with 1 channel or the gray repeated over 3."""
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")

    def pil(image):
        gray = image.convert("L")
        return gray if num_output_channels == 1 else pil_image_module().merge("RGB", (gray, gray, gray))

    def tensor(array):
        _check_channels(array, (1, 3))
        return grayscale_array(array, num_output_channels)

    return _dispatch(img, pil, tensor)


def to_grayscale(img, num_output_channels=1):
    """:func:`rgb_to_grayscale` for PIL images only (``TypeError`` for tensors), as in torchvision."""
    if not _is_pil_image(img):
        raise TypeError(f"Input should be PIL Image. Got {type(img)}")
    return rgb_to_grayscale(img, num_output_channels)


def _check_factor(value, name):
    if value < 0:
        raise ValueError(f"{name} ({value}) is not non-negative.")


def _enhance(kind, factor):
    def pil(image):
        from PIL import ImageEnhance

        return getattr(ImageEnhance, kind)(image).enhance(factor)

    return pil


def adjust_brightness(img, brightness_factor):
    """``img`` blended with black by ``brightness_factor`` (0 black, 1 unchanged, 2 twice as bright)."""
    _check_factor(brightness_factor, "brightness_factor")
    return _dispatch(img, _enhance("Brightness", brightness_factor),
                     lambda a: blend(a, np.zeros((), a.dtype), brightness_factor))


def adjust_contrast(img, contrast_factor):
    """``img`` blended with its mean gray level by ``contrast_factor`` (0 flat gray, 1 unchanged)."""
    _check_factor(contrast_factor, "contrast_factor")

    def tensor(a):
        _check_channels(a, (1, 3))
        wt = _work_dtype(a.dtype)
        source = grayscale_array(a) if _channels(a) == 3 else a
        mean = source.astype(wt).mean(axis=(-3, -2, -1), keepdims=True, dtype=wt)
        return blend(a, mean, contrast_factor)

    return _dispatch(img, _enhance("Contrast", contrast_factor), tensor)


def adjust_saturation(img, saturation_factor):
    """``img`` blended with its grayscale version by ``saturation_factor`` (0 gray, 1 unchanged)."""
    _check_factor(saturation_factor, "saturation_factor")

    def tensor(a):
        _check_channels(a, (1, 3))
        return a.copy() if _channels(a) == 1 else blend(a, grayscale_array(a), saturation_factor)

    return _dispatch(img, _enhance("Color", saturation_factor), tensor)


def adjust_sharpness(img, sharpness_factor):
    """``img`` blended with a smoothed copy by ``sharpness_factor`` (0 smoothed, 1 unchanged, 2 sharper)."""
    _check_factor(sharpness_factor, "sharpness_factor")

    def tensor(a):
        _check_channels(a, (1, 3))
        if a.shape[-1] <= 2 or a.shape[-2] <= 2:
            return a.copy()
        return blend(a, _smoothed(a), sharpness_factor)

    return _dispatch(img, _enhance("Sharpness", sharpness_factor), tensor)


def _smoothed(a):
    """PIL's SMOOTH filter (3 x 3, centre weight 5, sum 13) inside the border; the border unchanged."""
    wt = _work_dtype(a.dtype)
    x = a.astype(wt)
    acc = np.zeros(x.shape[:-2] + (x.shape[-2] - 2, x.shape[-1] - 2), wt)
    for dy in range(3):
        for dx in range(3):
            acc += (wt.type(5 / 13) if dy == dx == 1 else wt.type(1 / 13)) * x[..., dy:dy + acc.shape[-2],
                                                                               dx:dx + acc.shape[-1]]
    if a.dtype.kind in "iu":
        acc = np.round(acc)
    out = a.copy()
    out[..., 1:-1, 1:-1] = acc.astype(a.dtype)
    return out


def _rgb_to_hsv(rgb):
    r, g, b = rgb[..., 0, :, :], rgb[..., 1, :, :], rgb[..., 2, :, :]
    maxc, minc = rgb.max(axis=-3), rgb.min(axis=-3)
    equal = maxc == minc
    span = maxc - minc
    s = span / np.where(equal, 1, maxc)
    span = np.where(equal, 1, span)
    rc, gc, bc = (maxc - r) / span, (maxc - g) / span, (maxc - b) / span
    h = np.where(maxc == r, bc - gc, np.where(maxc == g, 2.0 + rc - bc, 4.0 + gc - rc))
    h = np.fmod(h / 6.0 + 1.0, 1.0).astype(rgb.dtype)
    return h, s, maxc


def _hsv_to_rgb(h, s, v):
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int32) % 6
    p = np.clip(v * (1.0 - s), 0.0, 1.0)
    q = np.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    sectors = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    return np.stack([np.choose(i, [sector[c] for sector in sectors]) for c in range(3)], axis=-3)


def adjust_hue(img, hue_factor):
    """``img`` with its hue rotated by ``hue_factor`` turns, in ``[-0.5, 0.5]``."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")

    def pil(image):
        if image.mode in ("L", "1", "I", "F"):
            return image
        Image = pil_image_module()
        h, s, v = image.convert("HSV").split()
        shifted = (np.asarray(h, dtype=np.uint8) + np.uint8(np.int32(hue_factor * 255) & 0xFF)).astype(np.uint8)
        return Image.merge("HSV", (Image.fromarray(shifted), s, v)).convert(image.mode)

    def tensor(a):
        _check_channels(a, (1, 3))
        if _channels(a) == 1:
            return a.copy()
        rgb = convert_image_dtype_array(a, np.dtype(np.float32)) if a.dtype != np.float32 else a
        h, s, v = _rgb_to_hsv(rgb)
        out = _hsv_to_rgb(np.mod(h + np.float32(hue_factor), np.float32(1.0)), s, v).astype(np.float32)
        return convert_image_dtype_array(out, a.dtype)

    return _dispatch(img, pil, tensor)


def adjust_gamma(img, gamma, gain=1):
    """``gain * img ** gamma`` on pixel values scaled to ``[0, 1]``."""
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")

    def pil(image):
        table = [int((255 + 1 - 1e-3) * gain * pow(v / 255.0, gamma)) for v in range(256)] * 3
        return image.convert("RGB").point(table).convert(image.mode)

    def tensor(a):
        x = a if a.dtype.kind == "f" else convert_image_dtype_array(a, np.dtype(np.float32))
        out = np.clip(x.dtype.type(gain) * np.power(x, x.dtype.type(gamma)), 0, 1)
        return convert_image_dtype_array(out.astype(x.dtype), a.dtype)

    return _dispatch(img, pil, tensor)


def _image_ops(name, *args):
    def pil(image):
        from PIL import ImageOps

        return getattr(ImageOps, name)(image, *args)

    return pil


def _invert_array(a):
    return ~a if a.dtype.kind in "ub" else a.dtype.type(_max_value(a.dtype)) - a


def invert(img):
    """The negative of ``img``: each pixel subtracted from the dtype's maximum."""
    def tensor(a):
        _check_channels(a, (1, 3))
        return _invert_array(a)

    return _dispatch(img, _image_ops("invert"), tensor)


def posterize(img, bits):
    """``img`` (uint8) with each channel kept to its ``bits`` most significant bits."""
    if not 0 <= bits <= 8:
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")

    def tensor(a):
        _check_channels(a, (1, 3))
        if a.dtype != np.uint8:
            raise TypeError(f"Only torch.uint8 image tensors are supported, but found {Tensor._wrap(a[:0]).dtype}")
        return a & np.uint8((0xFF << (8 - bits)) & 0xFF)

    return _dispatch(img, _image_ops("posterize", bits), tensor)


def solarize(img, threshold):
    """``img`` with every pixel at or above ``threshold`` inverted."""
    def tensor(a):
        _check_channels(a, (1, 3))
        if threshold > _max_value(a.dtype):
            raise TypeError("Threshold should be less than bound of img.")
        return np.where(a >= threshold, _invert_array(a), a)

    return _dispatch(img, _image_ops("solarize", threshold), tensor)


def autocontrast(img):
    """``img`` with each channel stretched so its darkest pixel is black and its lightest white."""
    def tensor(a):
        bound = _max_value(a.dtype)
        wt = _work_dtype(a.dtype)
        low = a.min(axis=(-2, -1), keepdims=True).astype(wt)
        high = a.max(axis=(-2, -1), keepdims=True).astype(wt)
        flat = high == low
        scale = np.where(flat, wt.type(1), wt.type(bound) / np.where(flat, 1, high - low))
        low = np.where(flat, 0, low)
        return np.clip((a - low) * scale, 0, bound).astype(a.dtype)

    return _dispatch(img, _image_ops("autocontrast"), tensor)


def _equalize_channel(channel):
    hist = np.bincount(channel.ravel(), minlength=256)
    used = hist[hist != 0]
    step = int(used[:-1].sum()) // 255
    if step == 0:
        return channel
    lut = (np.cumsum(hist) + step // 2) // step
    lut = np.clip(np.concatenate([[0], lut[:-1]]), 0, 255).astype(np.uint8)
    return lut[channel]


def equalize(img):
    """``img`` (uint8) with each channel's histogram equalised."""
    def tensor(a):
        if a.dtype != np.uint8:
            raise TypeError(f"Only torch.uint8 image tensors are supported, but found {Tensor._wrap(a[:0]).dtype}")
        _check_channels(a, (1, 3))
        planes = a.reshape((-1,) + a.shape[-2:])
        return np.stack([_equalize_channel(p) for p in planes]).reshape(a.shape)

    return _dispatch(img, _image_ops("equalize"), tensor)

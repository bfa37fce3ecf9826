"""Colour transforms as objects: ColorJitter, grayscale, and the random point operations."""
import numbers

from ... import _arraylib as B
from . import functional as F
from .transforms import Transform, _rand, _uniform


class ColorJitter(Transform):
    """Random brightness, contrast, saturation and hue changes, applied in a random order."""

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        self.brightness = self._check_input(brightness, "brightness")
        self.contrast = self._check_input(contrast, "contrast")
        self.saturation = self._check_input(saturation, "saturation")
        self.hue = self._check_input(hue, "hue", center=0, bound=(-0.5, 0.5), clip_first_on_zero=False)

    @staticmethod
    def _check_input(value, name, center=1, bound=(0, float("inf")), clip_first_on_zero=True):
        """A number v means [center - v, center + v] (clipped at 0); a pair is kept; None when it is a no-op."""
        if isinstance(value, numbers.Number):
            if value < 0:
                raise ValueError(f"If {name} is a single number, it must be non negative.")
            value = [center - float(value), center + float(value)]
            if clip_first_on_zero:
                value[0] = max(value[0], 0.0)
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            value = [float(value[0]), float(value[1])]
        else:
            raise TypeError(f"{name} should be a single number or a list/tuple with length 2.")
        if not bound[0] <= value[0] <= value[1] <= bound[1]:
            raise ValueError(f"{name} values should be between {bound}, but got {value}.")
        return None if value[0] == value[1] == center else tuple(value)

    @staticmethod
    def get_params(brightness, contrast, saturation, hue):
        """(order of the four adjustments, brightness, contrast, saturation, hue factors or None)."""
        order = B.rng(None).permutation(4).tolist()
        factors = [None if r is None else _uniform(r[0], r[1]) for r in (brightness, contrast, saturation, hue)]
        return (order, *factors)

    def forward(self, img):
        order, *factors = self.get_params(self.brightness, self.contrast, self.saturation, self.hue)
        adjust = (F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue)
        for i in order:
            if factors[i] is not None:
                img = adjust[i](img, factors[i])
        return img

    def __repr__(self):
        return (f"{type(self).__name__}(brightness={self.brightness}, contrast={self.contrast}, "
                f"saturation={self.saturation}, hue={self.hue})")


class Grayscale(Transform):
    """Converts to grayscale with ``num_output_channels`` (1 or 3) channels."""
    def __init__(self, num_output_channels=1):
        self.num_output_channels = num_output_channels

    def forward(self, img):
        return F.rgb_to_grayscale(img, self.num_output_channels)

    def extra_repr(self):
        return f"num_output_channels={self.num_output_channels}"


class _RandomlyApplied(Transform):
    """Applies ``_apply(img)`` with probability ``p``."""

    def __init__(self, p=0.5):
        self.p = p

    def forward(self, img):
        return self._apply(img) if _rand() < self.p else img

    def extra_repr(self):
        return f"p={self.p}"


class RandomGrayscale(_RandomlyApplied):
    """Grayscale with as many channels as the input, with probability ``p``."""

    def __init__(self, p=0.1):
        super().__init__(p)

    def _apply(self, img):
        return F.rgb_to_grayscale(img, F.get_dimensions(img)[0])


class RandomInvert(_RandomlyApplied):
    """Inverts the image's colours with probability ``p``."""
    def _apply(self, img):
        return F.invert(img)


class RandomPosterize(_RandomlyApplied):
    """Keeps ``bits`` bits per channel, with probability ``p``."""
    def __init__(self, bits, p=0.5):
        super().__init__(p)
        self.bits = bits

    def _apply(self, img):
        return F.posterize(img, self.bits)

    def extra_repr(self):
        return f"bits={self.bits},p={self.p}"


class RandomSolarize(_RandomlyApplied):
    """Inverts the pixels at or above ``threshold``, with probability ``p``."""
    def __init__(self, threshold, p=0.5):
        super().__init__(p)
        self.threshold = threshold

    def _apply(self, img):
        return F.solarize(img, self.threshold)

    def extra_repr(self):
        return f"threshold={self.threshold},p={self.p}"


class RandomAdjustSharpness(_RandomlyApplied):
    """Adjusts sharpness by ``sharpness_factor``, with probability ``p``."""
    def __init__(self, sharpness_factor, p=0.5):
        super().__init__(p)
        self.sharpness_factor = sharpness_factor

    def _apply(self, img):
        return F.adjust_sharpness(img, self.sharpness_factor)

    def extra_repr(self):
        return f"sharpness_factor={self.sharpness_factor},p={self.p}"


class RandomAutocontrast(_RandomlyApplied):
    """Stretches each channel to the full range, with probability ``p``."""
    def _apply(self, img):
        return F.autocontrast(img)


class RandomEqualize(_RandomlyApplied):
    """Equalises each channel's histogram, with probability ``p``."""
    def _apply(self, img):
        return F.equalize(img)

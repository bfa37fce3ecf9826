"""Transforms v2 has and v1 lacks, for images: ToImage, ToDtype, ToPureTensor, Identity, RGB, GaussianNoise,
RandomChannelPermutation, RandomResize, RandomShortestSize."""
from .... import _arraylib as B
from .. import functional as F1
from ..functional import InterpolationMode
from ..transforms import _randint
from . import functional as F
from ._base import Transform


class ToImage(Transform):
    """Turns each image of the sample (PIL image, array or tensor) into a C x H x W tensor of its own dtype."""
    def forward_image(self, inpt):
        return F.to_image(inpt)


class ToPureTensor(Transform):
    """Leaves images as plain tensors: Ember has no tensor subclasses (``tv_tensors``) to unwrap."""
    def forward_image(self, inpt):
        return inpt


class Identity(Transform):
    """Returns the sample unchanged."""
    def __call__(self, *inputs):
        return inputs if len(inputs) > 1 else inputs[0]


class ToDtype(Transform):
    """Cast image tensors to ``dtype`` (a dtype, or a dict whose ``"others"`` or Tensor entry is used)."""

    def __init__(self, dtype, scale=False):
        if isinstance(dtype, dict):
            from ...._tensor import Tensor

            dtype = dtype.get(Tensor, dtype.get("others"))
        self.dtype, self.scale = dtype, scale

    def forward_image(self, inpt):
        if self.dtype is None or F._is_pil_image(inpt):
            return inpt
        return F.to_dtype(inpt, self.dtype, self.scale)

    def extra_repr(self):
        return f"dtype={self.dtype}, scale={self.scale}"


class RGB(Transform):
    """Makes grayscale images three-channel; images with three or more channels pass unchanged."""
    def forward_image(self, inpt):
        return F.grayscale_to_rgb(inpt)


class GaussianNoise(Transform):
    """Adds normal noise of ``mean`` and ``sigma`` (in ``[0, 1]`` units) to tensor images, clipped when ``clip``."""
    def __init__(self, mean=0.0, sigma=0.1, clip=True):
        self.mean, self.sigma, self.clip = mean, sigma, clip

    def forward_image(self, inpt):
        if F._is_pil_image(inpt):
            raise TypeError("GaussianNoise does not support PIL images.")
        return F.gaussian_noise(inpt, self.mean, self.sigma, self.clip)


class RandomChannelPermutation(Transform):
    """Shuffles the channels of each image randomly."""
    def forward_image(self, inpt):
        return F.permute_channels(inpt, B.rng(None).permutation(F.get_num_channels(inpt)).tolist())


class RandomResize(Transform):
    """Resize the shorter side to a size drawn uniformly from [min_size, max_size)."""

    def __init__(self, min_size, max_size, interpolation=InterpolationMode.BILINEAR, antialias=True):
        self.min_size, self.max_size = min_size, max_size
        self.interpolation, self.antialias = interpolation, antialias

    def forward_image(self, inpt):
        size = self.min_size + _randint(self.max_size - self.min_size)
        return F1.resize(inpt, size, self.interpolation, antialias=self.antialias)


class RandomShortestSize(Transform):
    """Resize the shorter side to one of ``min_size`` (the longer capped at ``max_size``)."""

    def __init__(self, min_size, max_size=None, interpolation=InterpolationMode.BILINEAR, antialias=True):
        self.min_size = [min_size] if isinstance(min_size, int) else list(min_size)
        self.max_size, self.interpolation, self.antialias = max_size, interpolation, antialias

    def forward_image(self, inpt):
        h, w = F.get_size(inpt)
        target = self.min_size[_randint(len(self.min_size))]
        r = target / min(h, w)
        if self.max_size is not None:
            r = min(r, self.max_size / max(h, w))
        return F1.resize(inpt, [int(h * r), int(w * r)], self.interpolation, antialias=self.antialias)

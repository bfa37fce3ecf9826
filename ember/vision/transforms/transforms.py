"""Image transforms as callable objects (torchvision.transforms).

Some transforms can also run on a whole batch at once (``batch_transform``):
a dataset holding its images as one uint8 array then transforms a batch with a
few array operations instead of one PIL image and one call per sample.
"""
import numbers

from ... import _arraylib as B
from . import functional as F
from .functional import InterpolationMode
from .functional_geometry import _pair as _setup_size


class Compose:
    """Apply transforms one after the other."""

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        return type(self).__name__ + "(" + "".join(f"\n    {t}" for t in self.transforms) + "\n)"


class Transform:
    """Base of the transforms below: call ``forward``; print as ``Name(extra_repr)``."""

    def __call__(self, img):
        return self.forward(img)

    def extra_repr(self):
        return ""

    def __repr__(self):
        return f"{type(self).__name__}({self.extra_repr()})"


class ToTensor(Transform):
    """PIL image or H x W (x C) array -> C x H x W tensor; uint8 becomes floats in [0, 1]."""

    _batch_kind = ("image", "tensor")

    def forward(self, pic):
        return F.to_tensor(pic)

    def _batch(self, images):
        return F._float_from_uint8(images if images.ndim == 4 else images[..., None])


class PILToTensor(Transform):
    """PIL image -> C x H x W tensor of the image's own dtype."""

    _batch_kind = ("image", "tensor")

    def forward(self, pic):
        return F.pil_to_tensor(pic)

    def _batch(self, images):
        return images[:, None] if images.ndim == 3 else images.transpose(0, 3, 1, 2)


class ToPILImage(Transform):
    """Tensor (C x H x W) or array (H x W x C) -> PIL image in ``mode`` (inferred when None)."""
    def __init__(self, mode=None):
        self.mode = mode

    def forward(self, pic):
        return F.to_pil_image(pic, self.mode)

    def extra_repr(self):
        return "" if self.mode is None else f"mode={self.mode}"


class ConvertImageDtype(Transform):
    """Rescale a tensor image's values into the range of another dtype."""

    _batch_kind = ("tensor", "tensor")

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, image):
        return F.convert_image_dtype(image, self.dtype)

    def _batch(self, images):
        return F.convert_image_dtype_array(images, B.to_dtype(self.dtype).np)


class Normalize(Transform):
    """``(image - mean) / std`` per channel, on float tensor images."""

    _batch_kind = ("tensor", "tensor")

    def __init__(self, mean, std, inplace=False):
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def forward(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def _batch(self, images):
        if images.dtype.kind != "f":
            raise TypeError(f"Input tensor should be a float tensor. Got {B.from_np(images.dtype)}.")
        return F.normalize_array(images, self.mean, self.std, out=images)

    def extra_repr(self):
        return f"mean={self.mean}, std={self.std}"


class Lambda(Transform):
    """Applies the callable ``lambd`` to the image."""
    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def forward(self, img):
        return self.lambd(img)


class Resize(Transform):
    """Resizes to ``size`` as :func:`ember.vision.transforms.functional.resize` does."""
    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
        if not isinstance(size, (int, list, tuple)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, (list, tuple)) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size = size
        self.max_size = max_size
        self.interpolation = interpolation if not isinstance(interpolation, str) else InterpolationMode(interpolation)
        self.antialias = antialias

    def forward(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def extra_repr(self):
        return (f"size={self.size}, interpolation={self.interpolation.value}, max_size={self.max_size}, "
                f"antialias={self.antialias}")


class CenterCrop(Transform):
    """Crops the centred ``size`` region (an int gives a square), zero-padding smaller images."""
    def __init__(self, size):
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")

    def forward(self, img):
        return F.center_crop(img, self.size)

    def extra_repr(self):
        return f"size={self.size}"


def _randint(high):
    """A uniform integer in [0, high) from Ember's default generator (seeded per DataLoader worker)."""
    return int(B.rng(None).integers(0, high))


def _rand():
    return float(B.rng(None).random())


def _uniform(low, high):
    return float(B.rng(None).uniform(low, high))


class RandomCrop(Transform):
    """Crops a ``size`` region at a random position, after optional ``padding`` (and padding up to ``size``
    when ``pad_if_needed``)."""
    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    @staticmethod
    def get_params(img, output_size):
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(f"Required crop size {(th, tw)} is larger than input image size {(h, w)}")
        if w == tw and h == th:
            return 0, 0, h, w
        return _randint(h - th + 1), _randint(w - tw + 1), th, tw

    def forward(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = F.get_dimensions(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        return F.crop(img, *self.get_params(img, self.size))

    def extra_repr(self):
        return f"size={self.size}, padding={self.padding}"


class RandomHorizontalFlip(Transform):
    """Mirrors the image left to right with probability ``p``."""
    def __init__(self, p=0.5):
        self.p = p

    def forward(self, img):
        return F.hflip(img) if _rand() < self.p else img

    def extra_repr(self):
        return f"p={self.p}"


class RandomVerticalFlip(RandomHorizontalFlip):
    """Flips the image upside down with probability ``p``."""
    def forward(self, img):
        return F.vflip(img) if _rand() < self.p else img


class RandomRotation(Transform):
    """Rotates by an angle drawn uniformly from ``degrees`` (``(-d, d)`` for a number ``d``)."""
    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=0):
        if isinstance(degrees, numbers.Number):
            if degrees < 0:
                raise ValueError("If degrees is a single number, it must be positive.")
            degrees = [-degrees, degrees]
        elif len(degrees) != 2:
            raise ValueError("If degrees is a sequence, it must be of len 2.")
        self.degrees = [float(d) for d in degrees]
        self.interpolation = interpolation if not isinstance(interpolation, str) else InterpolationMode(interpolation)
        self.expand = expand
        self.center = center
        self.fill = fill

    @staticmethod
    def get_params(degrees):
        return float(B.rng(None).uniform(degrees[0], degrees[1]))

    def forward(self, img):
        return F.rotate(img, self.get_params(self.degrees), self.interpolation, self.expand, self.center, self.fill)

    def extra_repr(self):
        s = f"degrees={self.degrees}, interpolation={self.interpolation.value}, expand={self.expand}"
        if self.center is not None:
            s += f", center={self.center}"
        if self.fill is not None:
            s += f", fill={self.fill}"
        return s


def _flatten(transform):
    if isinstance(transform, Compose):
        return [step for t in transform.transforms for step in _flatten(t)]
    return [transform]


def batch_transform(transform):
    """A function doing ``transform`` on a whole batch of images at once, or None when it cannot.

    The function takes a uint8 array (N, H, W) or (N, H, W, C): the images a
    dataset would hand to ``transform`` one by one as PIL images. It returns the
    array the N per-image results would stack into, with the same values bit for
    bit, and may reuse the memory of the array it is given. Only transforms that
    are deterministic and know how to do this take part (their class defines
    ``_batch``; subclasses are not trusted)."""
    steps = _flatten(transform) if transform is not None else []
    kind = "image"
    for t in steps:
        spec = type(t).__dict__.get("_batch_kind")
        if spec is None or "_batch" not in type(t).__dict__ or spec[0] != kind:
            return None
        kind = spec[1]
    if kind != "tensor":
        return None
    batch_fns = [t._batch for t in steps]

    def run(images):
        for fn in batch_fns:
            images = fn(images)
        return images

    return run

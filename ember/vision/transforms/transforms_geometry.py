"""Geometric and compositional transforms as objects: Pad, RandomResizedCrop, Five/TenCrop, RandomAffine,
RandomPerspective, GaussianBlur, ElasticTransform, RandomErasing, LinearTransformation, and
RandomApply/RandomChoice/RandomOrder."""
import math
import numbers

import numpy as np

from ... import _arraylib as B
from ..._tensor import Tensor
from . import functional as F
from .functional import InterpolationMode
from .transforms import Transform, _rand, _randint, _setup_size, _uniform


def _interpolation(mode):
    return InterpolationMode(mode) if isinstance(mode, str) else mode


def _pair_range(value, name, center=None):
    """A number v as (-v, v) (it must be >= 0), or a pair as given."""
    if isinstance(value, numbers.Number):
        if value < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        return [float(-value), float(value)]
    if len(value) != 2:
        raise ValueError(f"If {name} is a sequence, it must be of len 2.")
    return [float(v) for v in value]


class Pad(Transform):
    """Pads the borders by ``padding`` with ``fill`` or by ``padding_mode`` (edge, reflect, symmetric)."""
    def __init__(self, padding, fill=0, padding_mode="constant"):
        if not isinstance(padding, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate padding arg")
        if isinstance(padding, (tuple, list)) and len(padding) not in (1, 2, 4):
            raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element "
                             f"tuple")
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def forward(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def extra_repr(self):
        return f"padding={self.padding}, fill={self.fill}, padding_mode={self.padding_mode}"


class RandomResizedCrop(Transform):
    """A crop of random area (``scale`` of the image) and aspect ratio (``ratio``), resized to ``size``."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0), interpolation=InterpolationMode.BILINEAR,
                 antialias=True):
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")
        if not isinstance(scale, (tuple, list)):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, (tuple, list)):
            raise TypeError("Ratio should be a sequence")
        self.scale, self.ratio = scale, ratio
        self.interpolation, self.antialias = _interpolation(interpolation), antialias

    @staticmethod
    def get_params(img, scale, ratio):
        """(top, left, height, width): ten tries at a random box inside the image, else a centre crop of the
        nearest allowed aspect ratio."""
        _, height, width = F.get_dimensions(img)
        area = height * width
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        for _ in range(10):
            target_area = area * _uniform(scale[0], scale[1])
            aspect = math.exp(_uniform(*log_ratio))
            w = int(round(math.sqrt(target_area * aspect)))
            h = int(round(math.sqrt(target_area / aspect)))
            if 0 < w <= width and 0 < h <= height:
                return _randint(height - h + 1), _randint(width - w + 1), h, w
        in_ratio = width / height
        if in_ratio < min(ratio):
            w, h = width, int(round(width / min(ratio)))
        elif in_ratio > max(ratio):
            h, w = height, int(round(height * max(ratio)))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def forward(self, img):
        top, left, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, top, left, h, w, self.size, self.interpolation, antialias=self.antialias)

    def extra_repr(self):
        return (f"size={self.size}, scale={tuple(round(s, 4) for s in self.scale)}, "
                f"ratio={tuple(round(r, 4) for r in self.ratio)}, interpolation={self.interpolation.value}, "
                f"antialias={self.antialias}")


class FiveCrop(Transform):
    """The four corner crops and the centre crop of ``size``, as a tuple of five images."""
    def __init__(self, size):
        self.size = _setup_size(size, "Please provide only two dimensions (h, w) for size.")

    def forward(self, img):
        return F.five_crop(img, self.size)

    def extra_repr(self):
        return f"size={self.size}"


class TenCrop(FiveCrop):
    """:class:`FiveCrop` of the image and of its mirror (flipped upside down when ``vertical_flip``): ten images."""
    def __init__(self, size, vertical_flip=False):
        super().__init__(size)
        self.vertical_flip = vertical_flip

    def forward(self, img):
        return F.ten_crop(img, self.size, self.vertical_flip)

    def extra_repr(self):
        return f"size={self.size}, vertical_flip={self.vertical_flip}"


class RandomAffine(Transform):
    """Random rotation (``degrees``), translation (fractions of the size), scale and shear."""

    def __init__(self, degrees, translate=None, scale=None, shear=None, interpolation=InterpolationMode.NEAREST,
                 fill=0, center=None):
        self.degrees = _pair_range(degrees, "degrees")
        if translate is not None and not all(0.0 <= t <= 1.0 for t in translate):
            raise ValueError("translation values should be between 0 and 1")
        if scale is not None and any(s <= 0 for s in scale):
            raise ValueError("scale values should be positive")
        if shear is not None:
            shear = _pair_range(shear, "shear") if isinstance(shear, numbers.Number) or len(shear) == 2 else \
                [float(s) for s in shear]
            if len(shear) not in (2, 4):
                raise ValueError("shear should be a sequence of length 2 or 4.")
        self.translate, self.scale, self.shear = translate, scale, shear
        self.interpolation, self.fill, self.center = _interpolation(interpolation), fill, center

    @staticmethod
    def get_params(degrees, translate, scale_ranges, shears, img_size):
        """(angle, (tx, ty) in pixels, scale, (shear_x, shear_y)); ``img_size`` is [width, height]."""
        angle = _uniform(degrees[0], degrees[1])
        if translate is not None:
            max_dx, max_dy = float(translate[0] * img_size[0]), float(translate[1] * img_size[1])
            translations = (int(round(_uniform(-max_dx, max_dx))), int(round(_uniform(-max_dy, max_dy))))
        else:
            translations = (0, 0)
        scale = _uniform(scale_ranges[0], scale_ranges[1]) if scale_ranges is not None else 1.0
        shear_x = shear_y = 0.0
        if shears is not None:
            shear_x = _uniform(shears[0], shears[1])
            if len(shears) == 4:
                shear_y = _uniform(shears[2], shears[3])
        return angle, translations, scale, (shear_x, shear_y)

    def forward(self, img):
        params = self.get_params(self.degrees, self.translate, self.scale, self.shear, F.get_image_size(img))
        return F.affine(img, *params, interpolation=self.interpolation, fill=self.fill, center=self.center)

    def extra_repr(self):
        return (f"degrees={self.degrees}, translate={self.translate}, scale={self.scale}, shear={self.shear}, "
                f"interpolation={self.interpolation.value}, fill={self.fill}, center={self.center}")


class RandomPerspective(Transform):
    """With probability ``p``, move each corner inwards by up to ``distortion_scale`` of half the size."""

    def __init__(self, distortion_scale=0.5, p=0.5, interpolation=InterpolationMode.BILINEAR, fill=0):
        self.distortion_scale, self.p = distortion_scale, p
        self.interpolation, self.fill = _interpolation(interpolation), fill

    @staticmethod
    def get_params(width, height, distortion_scale):
        """(startpoints, endpoints): the image corners and where they move."""
        dx, dy = int(distortion_scale * (width // 2)), int(distortion_scale * (height // 2))
        low_x, low_y = _randint(dx + 1), _randint(dy + 1)
        top_left = [low_x, low_y]
        top_right = [width - dx - 1 + _randint(dx + 1), _randint(dy + 1)]
        bottom_right = [width - dx - 1 + _randint(dx + 1), height - dy - 1 + _randint(dy + 1)]
        bottom_left = [_randint(dx + 1), height - dy - 1 + _randint(dy + 1)]
        start = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]]
        return start, [top_left, top_right, bottom_right, bottom_left]

    def forward(self, img):
        if _rand() < self.p:
            width, height = F.get_image_size(img)
            start, end = self.get_params(width, height, self.distortion_scale)
            return F.perspective(img, start, end, self.interpolation, self.fill)
        return img

    def extra_repr(self):
        return f"p={self.p}"


class GaussianBlur(Transform):
    """Blur with a Gaussian of ``kernel_size`` and a sigma drawn uniformly from ``sigma``."""

    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        self.kernel_size = _setup_size(kernel_size, "Kernel size should be a tuple/list of two integers")
        if any(k <= 0 or k % 2 == 0 for k in self.kernel_size):
            raise ValueError("Kernel size value should be an odd and positive number.")
        if isinstance(sigma, numbers.Number):
            if sigma <= 0:
                raise ValueError("If sigma is a single number, it must be positive.")
            sigma = (sigma, sigma)
        elif isinstance(sigma, (list, tuple)) and len(sigma) == 2:
            if not 0.0 < sigma[0] <= sigma[1]:
                raise ValueError("sigma values should be positive and of the form (min, max).")
        else:
            raise ValueError("sigma should be a single number or a list/tuple with length 2.")
        self.sigma = sigma

    @staticmethod
    def get_params(sigma_min, sigma_max):
        return _uniform(sigma_min, sigma_max)

    def forward(self, img):
        sigma = self.get_params(self.sigma[0], self.sigma[1])
        return F.gaussian_blur(img, self.kernel_size, [sigma, sigma])

    def __repr__(self):
        return f"{type(self).__name__}(kernel_size={self.kernel_size}, sigma={self.sigma})"


class ElasticTransform(Transform):
    """Displace pixels by a random field: uniform noise blurred by ``sigma`` and scaled by ``alpha``."""

    def __init__(self, alpha=50.0, sigma=5.0, interpolation=InterpolationMode.BILINEAR, fill=0):
        self.alpha = [float(alpha)] * 2 if isinstance(alpha, numbers.Number) else [float(a) for a in alpha]
        self.sigma = [float(sigma)] * 2 if isinstance(sigma, numbers.Number) else [float(s) for s in sigma]
        if len(self.alpha) != 2 or len(self.sigma) != 2:
            raise ValueError("alpha and sigma should be a number or a sequence of length 2")
        self.interpolation, self.fill = _interpolation(interpolation), fill

    @staticmethod
    def get_params(alpha, sigma, size):
        """A 1 x H x W x 2 displacement for an image of ``size`` [H, W]."""
        fields = []
        for a, s, extent in zip(alpha, sigma, size):
            field = Tensor._wrap((B.rng(None).random((1, 1, *size), dtype=np.float32) * 2 - 1))
            if s > 0.0:
                k = int(8 * s + 1)
                k += 1 - k % 2
                field = F.gaussian_blur(field, [k, k], [s, s])
            fields.append(field._data * np.float32(a / extent))
        return Tensor._wrap(np.concatenate(fields, axis=1).transpose(0, 2, 3, 1).copy())

    def forward(self, img):
        _, height, width = F.get_dimensions(img)
        displacement = self.get_params(self.alpha, self.sigma, [height, width])
        return F.elastic_transform(img, displacement, self.interpolation, self.fill)

    def extra_repr(self):
        return f"alpha={self.alpha}, sigma={self.sigma}, interpolation={self.interpolation}, fill={self.fill}"


class RandomErasing(Transform):
    """With probability ``p``, overwrite a random box of a tensor image with ``value`` (or noise: 'random')."""

    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False):
        if not isinstance(value, (numbers.Number, str, tuple, list)):
            raise TypeError("Argument value should be either a number or str or a sequence")
        if isinstance(value, str) and value != "random":
            raise ValueError("If value is str, it should be 'random'")
        if not isinstance(scale, (tuple, list)):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, (tuple, list)):
            raise TypeError("Ratio should be a sequence")
        if scale[0] < 0 or scale[1] > 1:
            raise ValueError("Scale should be between 0 and 1")
        if p < 0 or p > 1:
            raise ValueError("Random erasing probability should be between 0 and 1")
        self.p, self.scale, self.ratio, self.value, self.inplace = p, scale, ratio, value, inplace

    @staticmethod
    def get_params(img, scale, ratio, value=None):
        """(top, left, height, width, values); the whole image (unchanged) when ten tries find no box."""
        channels, img_h, img_w = img.shape[-3], img.shape[-2], img.shape[-1]
        area = img_h * img_w
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        for _ in range(10):
            erase_area = area * _uniform(scale[0], scale[1])
            aspect = math.exp(_uniform(*log_ratio))
            h, w = int(round(math.sqrt(erase_area * aspect))), int(round(math.sqrt(erase_area / aspect)))
            if not (h < img_h and w < img_w):
                continue
            if value is None:
                v = B.rng(None).standard_normal((channels, h, w), dtype=np.float32)
            else:
                v = np.asarray(value, dtype=np.float32)[:, None, None]
            return _randint(img_h - h + 1), _randint(img_w - w + 1), h, w, Tensor._wrap(v)
        return 0, 0, img_h, img_w, img

    def forward(self, img):
        if _rand() >= self.p:
            return img
        value = [float(self.value)] if isinstance(self.value, numbers.Number) else self.value
        value = None if isinstance(value, str) else list(value)
        if value is not None and len(value) not in (1, img.shape[-3]):
            raise ValueError(f"If value is a sequence, it should have either a single value or {img.shape[-3]} "
                             f"(number of input channels)")
        top, left, h, w, v = self.get_params(img, self.scale, self.ratio, value)
        return F.erase(img, top, left, h, w, v, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, scale={self.scale}, ratio={self.ratio}, value={self.value}, inplace={self.inplace}"


class LinearTransformation(Transform):
    """Flatten, subtract ``mean_vector``, multiply by the D x D ``transformation_matrix`` (ZCA whitening)."""

    def __init__(self, transformation_matrix, mean_vector):
        n, m = transformation_matrix.shape
        if n != m:
            raise ValueError(f"transformation_matrix should be square. Got {(n, m)} rectangular matrix.")
        if mean_vector.shape[0] != n:
            raise ValueError(f"mean_vector should have the same length {mean_vector.shape[0]} as any one of the "
                             f"dimensions of the transformation_matrix [{(n, m)}]")
        if transformation_matrix.dtype != mean_vector.dtype:
            raise ValueError(f"Input tensors should have the same dtype. Got {transformation_matrix.dtype} and "
                             f"{mean_vector.dtype}")
        self.transformation_matrix, self.mean_vector = transformation_matrix, mean_vector

    def forward(self, tensor):
        shape = tuple(tensor.shape)
        n = shape[-3] * shape[-2] * shape[-1]
        if n != self.transformation_matrix.shape[0]:
            raise ValueError(f"Input tensor and transformation matrix have incompatible shape.[{shape[-3]} x "
                             f"{shape[-2]} x {shape[-1]}] != {self.transformation_matrix.shape[0]}")
        flat = tensor.reshape(-1, n) - self.mean_vector
        return (flat @ self.transformation_matrix.to(flat.dtype)).reshape(shape)

    def __repr__(self):
        return (f"{type(self).__name__}(transformation_matrix={self.transformation_matrix.tolist()}, "
                f"mean_vector={self.mean_vector.tolist()})")


class _Transforms(Transform):
    def __init__(self, transforms):
        if not isinstance(transforms, (list, tuple)):
            raise TypeError("Argument transforms should be a sequence")
        self.transforms = transforms

    def __repr__(self):
        return type(self).__name__ + "(" + "".join(f"\n    {t}" for t in self.transforms) + "\n)"


class RandomApply(_Transforms):
    """All ``transforms`` in turn with probability ``p``, else none."""

    def __init__(self, transforms, p=0.5):
        self.transforms, self.p = transforms, p

    def forward(self, img):
        if self.p < _rand():
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        return f"{type(self).__name__}(\n    p={self.p}" + "".join(f"\n    {t}" for t in self.transforms) + "\n)"


class RandomChoice(_Transforms):
    """One of ``transforms``, picked with weights ``p`` (uniformly by default)."""

    def __init__(self, transforms, p=None):
        super().__init__(transforms)
        if p is not None and not isinstance(p, (list, tuple)):
            raise TypeError("Argument p should be a sequence")
        self.p = p

    def __call__(self, *args):
        weights = np.ones(len(self.transforms)) if self.p is None else np.asarray(self.p, dtype=np.float64)
        choice = int(B.rng(None).choice(len(self.transforms), p=weights / weights.sum()))
        return self.transforms[choice](*args)

    def __repr__(self):
        return f"{super().__repr__()}(p={self.p})"


class RandomOrder(_Transforms):
    """All ``transforms``, in a random order."""

    def forward(self, img):
        for i in B.rng(None).permutation(len(self.transforms)):
            img = self.transforms[i](img)
        return img

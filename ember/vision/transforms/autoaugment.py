"""Learned and randomised augmentation policies: AutoAugment, RandAugment, TrivialAugmentWide, AugMix.

Each picks operations (shear, translate, rotate, colour, posterize, ...) and magnitudes from a table of
bins, as in the papers and torchvision, and applies them with ``transforms.functional``.
"""
import enum
import math

import numpy as np

from ... import _arraylib as B
from ..._tensor import Tensor
from . import functional as F
from .functional import InterpolationMode
from .transforms import Transform, _randint


def _apply_op(img, op_name, magnitude, interpolation, fill):
    if op_name in ("ShearX", "ShearY"):
        angle = math.degrees(math.atan(magnitude))
        shear = [angle, 0.0] if op_name == "ShearX" else [0.0, angle]
        return F.affine(img, 0.0, [0, 0], 1.0, shear, interpolation, fill, center=[0, 0])
    if op_name in ("TranslateX", "TranslateY"):
        shift = [int(magnitude), 0] if op_name == "TranslateX" else [0, int(magnitude)]
        return F.affine(img, 0.0, shift, 1.0, [0.0, 0.0], interpolation, fill)
    if op_name == "Rotate":
        return F.rotate(img, magnitude, interpolation, fill=fill)
    enhance = {"Brightness": F.adjust_brightness, "Color": F.adjust_saturation, "Contrast": F.adjust_contrast,
               "Sharpness": F.adjust_sharpness}
    if op_name in enhance:
        return enhance[op_name](img, 1.0 + magnitude)
    if op_name == "Posterize":
        return F.posterize(img, int(magnitude))
    if op_name == "Solarize":
        return F.solarize(img, magnitude)
    fixed = {"AutoContrast": F.autocontrast, "Equalize": F.equalize, "Invert": F.invert, "Identity": lambda x: x}
    if op_name in fixed:
        return fixed[op_name](img)
    raise ValueError(f"The provided operator {op_name} is not recognized.")


class AutoAugmentPolicy(enum.Enum):
    """The learned AutoAugment policies: for ImageNet, CIFAR-10 and SVHN."""
    IMAGENET = "imagenet"
    CIFAR10 = "cifar10"
    SVHN = "svhn"


def _parse(table):
    """'Op p m, Op p m; ...' -> [((op, p, m or None), (op, p, m or None)), ...]."""
    def step(text):
        name, p, m = text.split()
        return name, float(p), None if m == "-" else int(m)

    return [tuple(step(s) for s in pair.split(",")) for pair in table.split(";")]


# The sub-policies found by search in Cubuk et al., "AutoAugment" (2019): (operation, probability, magnitude bin).
_POLICIES = {
    AutoAugmentPolicy.IMAGENET: _parse(
        "Posterize .4 8, Rotate .6 9; Solarize .6 5, AutoContrast .6 -; Equalize .8 -, Equalize .6 -;"
        "Posterize .6 7, Posterize .6 6; Equalize .4 -, Solarize .2 4; Equalize .4 -, Rotate .8 8;"
        "Solarize .6 3, Equalize .6 -; Posterize .8 5, Equalize 1 -; Rotate .2 3, Solarize .6 8;"
        "Equalize .6 -, Posterize .4 6; Rotate .8 8, Color .4 0; Rotate .4 9, Equalize .6 -;"
        "Equalize 0 -, Equalize .8 -; Invert .6 -, Equalize 1 -; Color .6 4, Contrast 1 8; Rotate .8 8, Color 1 2;"
        "Color .8 8, Solarize .8 7; Sharpness .4 7, Invert .6 -; ShearX .6 5, Equalize 1 -;"
        "Color .4 0, Equalize .6 -; Equalize .4 -, Solarize .2 4; Solarize .6 5, AutoContrast .6 -;"
        "Invert .6 -, Equalize 1 -; Color .6 4, Contrast 1 8; Equalize .8 -, Equalize .6 -"),
    AutoAugmentPolicy.CIFAR10: _parse(
        "Invert .1 -, Contrast .2 6; Rotate .7 2, TranslateX .3 9; Sharpness .8 1, Sharpness .9 3;"
        "ShearY .5 8, TranslateY .7 9; AutoContrast .5 -, Equalize .9 -; ShearY .2 7, Posterize .3 7;"
        "Color .4 3, Brightness .6 7; Sharpness .3 9, Brightness .7 9; Equalize .6 -, Equalize .5 -;"
        "Contrast .6 7, Sharpness .6 5; Color .7 7, TranslateX .5 8; Equalize .3 -, AutoContrast .4 -;"
        "TranslateY .4 3, Sharpness .2 6; Brightness .9 6, Color .2 8; Solarize .5 2, Invert 0 -;"
        "Equalize .2 -, AutoContrast .6 -; Equalize .2 -, Equalize .6 -; Color .9 9, Equalize .6 -;"
        "AutoContrast .8 -, Solarize .2 8; Brightness .1 3, Color .7 0; Solarize .4 5, AutoContrast .9 -;"
        "TranslateY .9 9, TranslateY .7 9; AutoContrast .9 -, Solarize .8 3; Equalize .8 -, Invert .1 -;"
        "TranslateY .7 9, AutoContrast .9 -"),
    AutoAugmentPolicy.SVHN: _parse(
        "ShearX .9 4, Invert .2 -; ShearY .9 8, Invert .7 -; Equalize .6 -, Solarize .6 6;"
        "Invert .9 -, Equalize .6 -; Equalize .6 -, Rotate .9 3; ShearX .9 4, AutoContrast .8 -;"
        "ShearY .9 8, Invert .4 -; ShearY .9 5, Solarize .2 6; Invert .9 -, AutoContrast .8 -;"
        "Equalize .6 -, Rotate .9 3; ShearX .9 4, Solarize .3 3; ShearY .8 8, Invert .7 -;"
        "Equalize .9 -, TranslateY .6 6; Invert .9 -, Equalize .6 -; Contrast .3 3, Rotate .8 4;"
        "Invert .8 -, TranslateY 0 2; ShearY .7 6, Solarize .4 8; Invert .6 -, Rotate .8 4;"
        "ShearY .3 7, TranslateX .9 3; ShearX .1 6, Invert .6 -; Solarize .7 2, TranslateY .6 7;"
        "ShearY .8 4, Invert .8 -; ShearX .7 9, TranslateY .8 3; ShearY .8 5, AutoContrast .7 -;"
        "ShearX .7 2, Invert .1 -"),
}


def _space(bins, height, width, wide=False, identity=True, invert=False):
    """op -> (magnitudes by bin, or None for operations without one; whether the sign is random)."""
    lin = lambda high: np.linspace(0.0, high, bins, dtype=np.float32)  # noqa: E731
    top = 0.99 if wide else 0.9
    space = {"Identity": (None, False)} if identity else {}
    space.update({
        "ShearX": (lin(0.99 if wide else 0.3), True), "ShearY": (lin(0.99 if wide else 0.3), True),
        "TranslateX": (lin(32.0 if wide else 150.0 / 331.0 * width), True),
        "TranslateY": (lin(32.0 if wide else 150.0 / 331.0 * height), True),
        "Rotate": (lin(135.0 if wide else 30.0), True),
        "Brightness": (lin(top), True), "Color": (lin(top), True), "Contrast": (lin(top), True),
        "Sharpness": (lin(top), True),
        "Posterize": (8 - np.round(np.arange(bins) / ((bins - 1) / (6 if wide else 4))).astype(np.int32), False),
        "Solarize": (np.linspace(255.0, 0.0, bins, dtype=np.float32), False),
        "AutoContrast": (None, False), "Equalize": (None, False)})
    if invert:
        space["Invert"] = (None, False)
    return space


class _Augment(Transform):
    def __init__(self, interpolation, fill):
        self.interpolation = InterpolationMode(interpolation) if isinstance(interpolation, str) else interpolation
        self.fill = fill

    def _fill_for(self, img):
        """A tensor's fill as one float per channel, as torchvision passes it."""
        if not isinstance(img, Tensor) or self.fill is None:
            return self.fill
        if isinstance(self.fill, (int, float)):
            return [float(self.fill)] * F.get_dimensions(img)[0]
        return [float(f) for f in self.fill]

    def _apply(self, img, op_name, magnitudes, signed, index, negate):
        magnitude = 0.0 if magnitudes is None else float(magnitudes[index])
        if signed and negate:
            magnitude = -magnitude
        return _apply_op(img, op_name, magnitude, self.interpolation, self._fill_for(img))


class AutoAugment(_Augment):
    """One of the policy's 25 sub-policies, each of its two steps applied with the step's probability."""

    def __init__(self, policy=AutoAugmentPolicy.IMAGENET, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__(interpolation, fill)
        if policy not in _POLICIES:
            raise ValueError(f"The provided policy {policy} is not recognized.")
        self.policy = policy
        self.policies = _POLICIES[policy]

    @staticmethod
    def get_params(transform_num):
        """(sub-policy index, two probabilities in [0, 1), two signs in {0, 1})."""
        return _randint(transform_num), B.rng(None).random(2), B.rng(None).integers(0, 2, 2)

    def forward(self, img):
        _, height, width = F.get_dimensions(img)
        policy_id, probs, signs = self.get_params(len(self.policies))
        space = _space(10, height, width, identity=False, invert=True)
        for (op_name, p, bin_index), prob, sign in zip(self.policies[policy_id], probs, signs):
            if prob <= p:
                magnitudes, signed = space[op_name]
                img = self._apply(img, op_name, magnitudes, signed, bin_index, sign == 0)
        return img

    def __repr__(self):
        return f"{type(self).__name__}(policy={self.policy}, fill={self.fill})"


class RandAugment(_Augment):
    """``num_ops`` operations drawn uniformly, each at the fixed ``magnitude`` bin of ``num_magnitude_bins``."""

    def __init__(self, num_ops=2, magnitude=9, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST,
                 fill=None):
        super().__init__(interpolation, fill)
        self.num_ops, self.magnitude, self.num_magnitude_bins = num_ops, magnitude, num_magnitude_bins

    def forward(self, img):
        _, height, width = F.get_dimensions(img)
        space = _space(self.num_magnitude_bins, height, width)
        names = list(space)
        for _ in range(self.num_ops):
            op_name = names[_randint(len(names))]
            magnitudes, signed = space[op_name]
            img = self._apply(img, op_name, magnitudes, signed, self.magnitude, signed and _randint(2) == 1)
        return img

    def __repr__(self):
        return (f"{type(self).__name__}(num_ops={self.num_ops}, magnitude={self.magnitude}, "
                f"num_magnitude_bins={self.num_magnitude_bins}, interpolation={self.interpolation}, fill={self.fill})")


class TrivialAugmentWide(_Augment):
    """One operation drawn uniformly at a magnitude bin drawn uniformly, from the wide ranges."""

    def __init__(self, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__(interpolation, fill)
        self.num_magnitude_bins = num_magnitude_bins

    def forward(self, img):
        space = _space(self.num_magnitude_bins, 0, 0, wide=True)
        names = list(space)
        op_name = names[_randint(len(names))]
        magnitudes, signed = space[op_name]
        index = _randint(len(magnitudes)) if magnitudes is not None else 0
        return self._apply(img, op_name, magnitudes, signed, index, signed and _randint(2) == 1)

    def __repr__(self):
        return (f"{type(self).__name__}(num_magnitude_bins={self.num_magnitude_bins}, "
                f"interpolation={self.interpolation}, fill={self.fill})")


class AugMix(_Augment):
    """A Beta-weighted blend of the image with a Dirichlet-weighted mix of ``mixture_width`` chains of
    1 to 3 (or ``chain_depth``) random operations at ``severity`` (Hendrycks et al., 2020)."""

    def __init__(self, severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True,
                 interpolation=InterpolationMode.BILINEAR, fill=None):
        super().__init__(interpolation, fill)
        if not 1 <= severity <= 10:
            raise ValueError(f"The severity must be between [1, 10]. Got {severity} instead.")
        self.severity, self.mixture_width, self.chain_depth = severity, mixture_width, chain_depth
        self.alpha, self.all_ops = alpha, all_ops
        self._PARAMETER_MAX = 10

    def _ops(self, height, width):
        space = _space(self._PARAMETER_MAX, height, width, identity=False)
        space["ShearX"] = space["ShearY"] = (np.linspace(0.0, 0.3, self._PARAMETER_MAX, dtype=np.float32), True)
        if not self.all_ops:
            for name in ("Brightness", "Color", "Contrast", "Sharpness"):
                del space[name]
        return space

    def forward(self, orig):
        is_pil = not isinstance(orig, Tensor)
        img = F.pil_to_tensor(orig) if is_pil else orig
        _, height, width = F.get_dimensions(img)
        space = self._ops(height, width)
        names = list(space)
        data = img._data
        batch = data.reshape((-1,) + data.shape[-3:])
        rng = B.rng(None)
        shape = (len(batch), 1)
        m = rng.beta(self.alpha, self.alpha, shape[0]).reshape(-1, 1)
        weights = rng.dirichlet([self.alpha] * self.mixture_width, shape[0]) * (1 - m)
        mix = m.reshape(-1, 1, 1, 1) * batch.astype(np.float32)
        for i in range(self.mixture_width):
            aug = Tensor._wrap(batch.copy())
            depth = self.chain_depth if self.chain_depth > 0 else 1 + _randint(3)
            for _ in range(depth):
                op_name = names[_randint(len(names))]
                magnitudes, signed = space[op_name]
                index = _randint(self.severity) if magnitudes is not None else 0
                aug = self._apply(aug, op_name, magnitudes, signed, index, signed and _randint(2) == 1)
            mix += weights[:, i].reshape(-1, 1, 1, 1) * aug._data.astype(np.float32)
        if data.dtype.kind in "iu":
            mix = np.clip(mix, np.iinfo(data.dtype).min, np.iinfo(data.dtype).max)
        out = Tensor._wrap(mix.reshape(data.shape).astype(data.dtype))
        return F.to_pil_image(out) if is_pil else out

    def __repr__(self):
        return (f"{type(self).__name__}(severity={self.severity}, mixture_width={self.mixture_width}, "
                f"chain_depth={self.chain_depth}, alpha={self.alpha}, all_ops={self.all_ops}, "
                f"interpolation={self.interpolation}, fill={self.fill})")

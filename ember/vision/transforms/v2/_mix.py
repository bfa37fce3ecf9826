"""v2's batch mixing (MixUp, CutMix) and its other image transforms: JPEG, RandomPhotometricDistort,
RandomZoomOut, ScaleJitter; query_chw and query_size."""
import math

import numpy as np

from .... import _arraylib as B
from ...._tensor import Tensor
from .. import functional as F1
from ..transforms import _rand, _randint, _uniform
from . import functional as F
from ._base import Transform
from ._sample import flatten, image_positions


def query_chw(flat_inputs):
    """(channels, height, width) of the images among ``flat_inputs``; they must agree."""
    sizes = {tuple(F.get_dimensions(flat_inputs[i])) for i in image_positions(list(flat_inputs))}
    if not sizes:
        raise TypeError("No image or video was found in the sample")
    if len(sizes) > 1:
        raise ValueError(f"Found multiple CxHxW dimensions in the sample: {sorted(sizes)}")
    return sizes.pop()


def query_size(flat_inputs):
    """The ``[height, width]`` shared by the images of a flattened sample (an error if they differ)."""
    return query_chw(flat_inputs)[1:]


class JPEG(Transform):
    """Compress and decompress as JPEG at a quality drawn from ``quality`` (through Pillow's encoder)."""

    def __init__(self, quality):
        if isinstance(quality, bool):
            raise TypeError("quality can't be bool")
        quality = [quality, quality] if isinstance(quality, int) else list(quality)
        valid = len(quality) == 2 and all(isinstance(q, int) for q in quality)
        if not (valid and 1 <= quality[0] <= quality[1] <= 100):
            raise ValueError(f"quality must be an integer from 1 to 100, got quality ={quality}")
        self.quality = quality

    def forward_image(self, inpt):
        return F.jpeg(inpt, self.quality[0] + _randint(self.quality[1] - self.quality[0] + 1))


class RandomPhotometricDistort(Transform):
    """SSD's colour distortion: each of brightness, contrast (before or after), saturation, hue and a channel
    permutation with probability ``p``."""

    def __init__(self, brightness=(0.875, 1.125), contrast=(0.5, 1.5), saturation=(0.5, 1.5), hue=(-0.05, 0.05),
                 p=0.5):
        self.brightness, self.contrast, self.saturation, self.hue, self.p = brightness, contrast, saturation, hue, p

    def forward_image(self, inpt):
        factors = [_uniform(*r) if _rand() < self.p else None
                   for r in (self.brightness, self.contrast, self.saturation, self.hue)]
        contrast_before = _rand() < 0.5
        channels = F.get_num_channels(inpt)
        permutation = B.rng(None).permutation(channels).tolist() if _rand() < self.p else None
        brightness, contrast, saturation, hue = factors
        steps = [(F1.adjust_brightness, brightness), (F1.adjust_contrast, contrast if contrast_before else None),
                 (F1.adjust_saturation, saturation), (F1.adjust_hue, hue),
                 (F1.adjust_contrast, None if contrast_before else contrast), (F.permute_channels, permutation)]
        for fn, arg in steps:
            if arg is not None:
                inpt = fn(inpt, arg)
        return inpt


class RandomZoomOut(Transform):
    """With probability ``p``, place the image at a random spot of a canvas ``side_range`` times larger."""

    def __init__(self, fill=0, side_range=(1.0, 4.0), p=0.5):
        if len(side_range) != 2 or side_range[0] < 1.0 or side_range[0] > side_range[1]:
            raise ValueError(f"Invalid side range provided {side_range}.")
        self.fill, self.side_range, self.p = fill, side_range, p

    def forward_image(self, inpt):
        if _rand() >= self.p:
            return inpt
        h, w = F.get_size(inpt)
        r = _uniform(*self.side_range)
        canvas_w, canvas_h = int(w * r), int(h * r)
        left, top = int((canvas_w - w) * _rand()), int((canvas_h - h) * _rand())
        return F1.pad(inpt, [left, top, canvas_w - left - w, canvas_h - top - h], fill=self.fill)


class ScaleJitter(Transform):
    """Resize to fit ``target_size`` (width, height) times a scale drawn from ``scale_range``."""

    def __init__(self, target_size, scale_range=(0.1, 2.0), interpolation="bilinear", antialias=True):
        self.target_size, self.scale_range = target_size, scale_range
        self.interpolation, self.antialias = interpolation, antialias

    def forward_image(self, inpt):
        h, w = F.get_size(inpt)
        r = min(self.target_size[1] / h, self.target_size[0] / w) * _uniform(*self.scale_range)
        return F1.resize(inpt, [int(h * r), int(w * r)], self.interpolation, antialias=self.antialias)


def _default_labels(sample):
    """The labels of a sample: its second element, or the value of a key named like 'label(s)'."""
    if isinstance(sample, (tuple, list)) and len(sample) > 1:
        return sample[1]
    if isinstance(sample, dict):
        keys = [k for k in sample if isinstance(k, str) and k.lower() in ("labels", "label")]
        if keys:
            return sample[keys[0]]
    raise ValueError("Could not infer where the labels are in the sample: pass labels_getter")


class _Mix(Transform):
    """Mix each image of a batch with the previous one (the batch rolled by one) and their labels alike."""

    def __init__(self, *, alpha=1.0, num_classes=None, labels_getter="default"):
        self.alpha, self.num_classes = float(alpha), num_classes
        self._labels = _default_labels if labels_getter == "default" else labels_getter

    def __call__(self, *inputs):
        sample = inputs if len(inputs) > 1 else inputs[0]
        leaves, rebuild = flatten(sample)
        if any(F._is_pil_image(leaf) for leaf in leaves):
            raise ValueError(f"{type(self).__name__}() does not support PIL images, bounding boxes, keypoints and "
                             f"masks.")
        labels = self._labels(sample)
        if not isinstance(labels, Tensor):
            raise ValueError(f"The labels must be a tensor, but got {type(labels)} instead.")
        if labels.ndim not in (1, 2):
            raise ValueError(f"labels should be index based with shape (batch_size,) or probability based with "
                             f"shape (batch_size, num_classes), but got a tensor of shape {labels.shape} instead.")
        if labels.ndim == 1 and self.num_classes is None:
            raise ValueError("num_classes must be passed if the labels are index-based (1D)")
        others = [i for i, leaf in enumerate(leaves) if leaf is not labels]
        image_index = others[image_positions([leaves[i] for i in others])[0]]
        label_index = next(i for i, leaf in enumerate(leaves) if leaf is labels)
        batch = leaves[image_index]
        if batch.ndim != 4:
            raise ValueError(f"Expected a batched input with 4 dims, but got {batch.ndim} dimensions instead.")
        if batch.shape[0] != labels.shape[0]:
            raise ValueError(f"The batch size of the image or video does not match the batch size of the labels: "
                             f"{batch.shape[0]} != {labels.shape[0]}.")
        lam = float(B.rng(None).beta(self.alpha, self.alpha))
        leaves[image_index], lam = self._mix(batch._data, lam)
        leaves[label_index] = self._mix_labels(labels, lam)
        return rebuild(leaves)

    def _mix_labels(self, labels, lam):
        y = labels._data
        if y.ndim == 1:
            y = np.eye(self.num_classes, dtype=np.int64)[y]
        y = y.astype(np.float32) if y.dtype.kind != "f" else y
        return Tensor._wrap(np.roll(y, 1, axis=0) * y.dtype.type(1.0 - lam) + y * y.dtype.type(lam))


class MixUp(_Mix):
    """MixUp on a batch: each image blended with the previous one by a Beta(``alpha``, ``alpha``) weight, and the
    one-hot labels (``num_classes``) alike."""
    def _mix(self, x, lam):
        out = np.roll(x, 1, axis=0) * x.dtype.type(1.0 - lam) + x * x.dtype.type(lam)
        return Tensor._wrap(out.astype(x.dtype)), lam


class CutMix(_Mix):
    """CutMix on a batch: a random box of each image replaced by the previous image's, the labels mixed by area."""
    def _mix(self, x, lam):
        h, w = x.shape[-2:]
        cx, cy = _randint(w), _randint(h)
        r = 0.5 * math.sqrt(1.0 - lam)
        half_w, half_h = int(r * w), int(r * h)
        x1, y1, x2, y2 = max(cx - half_w, 0), max(cy - half_h, 0), min(cx + half_w, w), min(cy + half_h, h)
        out = x.copy()
        out[..., y1:y2, x1:x2] = np.roll(x, 1, axis=0)[..., y1:y2, x1:x2]
        return Tensor._wrap(out), 1.0 - (x2 - x1) * (y2 - y1) / (w * h)

"""torchvision.transforms.v2 for images: v1's transforms, called with any sample (an image, or tuples,
lists and dicts holding images beside labels and other values), plus v2's own (ToImage, ToDtype, ...)."""
from .. import autoaugment as _aa
from .. import transforms as _t
from .. import transforms_color as _c
from .. import transforms_geometry as _g
from . import functional
from ..functional import InterpolationMode
from ..autoaugment import AutoAugmentPolicy
from ._base import Compose, RandomApply, RandomChoice, RandomOrder, Transform, v2_of
from ._mix import JPEG, CutMix, MixUp, RandomPhotometricDistort, RandomZoomOut, ScaleJitter, query_chw, query_size
from ._extra import (RGB, GaussianNoise, Identity, RandomChannelPermutation, RandomResize, RandomShortestSize,
                     ToDtype, ToImage, ToPureTensor)

_V1_NAMES = {
    _t: ["CenterCrop", "ConvertImageDtype", "Lambda", "Normalize", "PILToTensor", "RandomCrop", "RandomHorizontalFlip",
         "RandomRotation", "RandomVerticalFlip", "Resize", "ToPILImage", "ToTensor"],
    _c: ["ColorJitter", "Grayscale", "RandomAdjustSharpness", "RandomAutocontrast", "RandomEqualize", "RandomGrayscale",
         "RandomInvert", "RandomPosterize", "RandomSolarize"],
    _g: ["ElasticTransform", "FiveCrop", "GaussianBlur", "LinearTransformation", "Pad", "RandomAffine",
         "RandomErasing", "RandomPerspective", "RandomResizedCrop", "TenCrop"],
    _aa: ["AugMix", "AutoAugment", "RandAugment", "TrivialAugmentWide"],
}
globals().update({name: v2_of(getattr(module, name), __name__)
                  for module, names in _V1_NAMES.items() for name in names})

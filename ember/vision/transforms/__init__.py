"""Image transforms (torchvision.transforms)."""
from . import functional
from .autoaugment import AugMix, AutoAugment, AutoAugmentPolicy, RandAugment, TrivialAugmentWide
from .functional import InterpolationMode
from .transforms import (CenterCrop, Compose, ConvertImageDtype, Lambda, Normalize, PILToTensor, RandomCrop,
                         RandomHorizontalFlip, RandomRotation, RandomVerticalFlip, Resize, ToPILImage, ToTensor,
                         batch_transform)
from .transforms_color import (ColorJitter, Grayscale, RandomAdjustSharpness, RandomAutocontrast, RandomEqualize,
                               RandomGrayscale, RandomInvert, RandomPosterize, RandomSolarize)
from .transforms_geometry import (ElasticTransform, FiveCrop, GaussianBlur, LinearTransformation, Pad, RandomAffine,
                                  RandomApply, RandomChoice, RandomErasing, RandomOrder, RandomPerspective,
                                  RandomResizedCrop, TenCrop)

"""Image transforms (torchvision.transforms)."""
from . import functional
from .functional import InterpolationMode
from .transforms import (CenterCrop, Compose, ConvertImageDtype, Lambda, Normalize, PILToTensor, RandomCrop,
                         RandomHorizontalFlip, RandomRotation, RandomVerticalFlip, Resize, ToPILImage, ToTensor,
                         batch_transform)

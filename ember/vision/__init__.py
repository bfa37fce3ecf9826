"""Datasets, transforms and image utilities (torchvision)."""
from . import datasets, transforms, utils

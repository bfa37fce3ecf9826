"""Datasets, transforms and image utilities (torchvision)."""
from . import datasets, io, transforms, utils

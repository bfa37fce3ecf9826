"""Datasets, transforms and image utilities (torchvision)."""
from . import datasets, io, transforms, utils

# The torchvision release whose API ember.vision follows (and is tested against); "+ember" marks that
# this is Ember's implementation, as "+cpu" or "+cu130" mark PyTorch's builds. Ember's own version is
# ember.__version__.
__version__ = "0.29.1+ember"

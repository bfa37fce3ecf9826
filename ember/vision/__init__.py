"""Datasets, transforms and image utilities (torchvision)."""
from . import datasets, io, transforms, utils

# The torchvision release whose API ember.vision follows (and is tested against); "+ember" marks that
# this is Ember's implementation, as "+cpu" or "+cu130" mark PyTorch's builds. Ember's own version is
# ember.__version__.
__version__ = "0.29.1+ember"


def __getattr__(name):  # ``models`` loads on first use: it needs ember.nn, which datasets and transforms do not
    if name == "models":
        import importlib

        return importlib.import_module(f"{__name__}.models")
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")

"""Datasets, transforms and image utilities (torchvision)."""
from . import datasets, io, transforms, utils


def __getattr__(name):  # ``models`` loads on first use: it needs ember.nn, which datasets and transforms do not
    if name == "models":
        import importlib

        return importlib.import_module(f"{__name__}.models")
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")

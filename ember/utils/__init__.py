"""Utilities (torch.utils)."""
import importlib as _importlib

from . import data


def __getattr__(name):
    if name == "checkpoint":  # loaded on first use, as ``torch.utils.checkpoint``
        return _importlib.import_module(f"{__name__}.checkpoint")
    raise AttributeError(f"module '{__name__}' has no attribute '{name}'")

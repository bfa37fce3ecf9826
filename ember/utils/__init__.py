"""Utilities (torch.utils)."""
from . import data

"""``ember.backends``: the switches PyTorch scripts set on their compute backends.

Ember computes through NumPy (and CuPy on a GPU), so none of these select a
kernel; they exist so that scripts which query or set them run unchanged.
"""
from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]

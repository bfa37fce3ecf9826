"""``ember.backends``: the switches PyTorch scripts set on their compute backends.

Ember computes through NumPy (and CuPy on a GPU), so none of these select a
kernel; they exist so that scripts which query or set them run unchanged.
``ember.backends.cpu`` also shows the one process setting Ember makes on import
(glibc's malloc thresholds: ``ember.backends.cpu.malloc_tuned()``).
"""
from . import cpu, cuda, cudnn, mps

__all__ = ["cpu", "cuda", "cudnn", "mps"]

"""Conjugation for backward formulas of products, which PyTorch's convention for complex tensors
makes conjugate-linear: the gradient of a * b for a is g * conj(b). Real operands pass unchanged,
so real graphs pay one dtype check per backward."""
import numpy as np


def is_complex(x):
    """Whether an array or Tensor (create_graph) holds complex numbers; False for Python numbers."""
    d = getattr(x, "dtype", None)
    if d is None:
        return type(x) is complex
    return d.kind == "c" if isinstance(d, np.dtype) else d.is_complex


def conj(x):
    return x.conj() if hasattr(x, "conj") else x.conjugate()

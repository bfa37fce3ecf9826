"""``ember.backends.cuda``: whether Ember can use CUDA, and the TF32 matmul switch."""
from .. import _arraylib as B


def is_built():
    """True where CuPy with a usable CUDA device is installed (Ember's CUDA support is CuPy)."""
    return B.cuda_module() is not None


class _MatmulFlags:
    """``torch.backends.cuda.matmul``: TF32 and reduced-precision switches; CuPy's matmul ignores them."""

    def __init__(self):
        self.allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True


matmul = _MatmulFlags()

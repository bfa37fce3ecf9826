"""PyTorch-style printing of tensors."""
import numpy as np

from . import _backend as B


def tensor_repr(t):
    body = np.array2string(B.to_numpy(t._data), precision=4, separator=", ", prefix="tensor(")
    extra = []
    if t.dtype is not B.get_default_dtype() and t.dtype not in (B.int64, B.bool):
        extra.append(f"dtype={t.dtype}")
    if t.grad_fn is not None:
        extra.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        extra.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + e for e in extra) + ")"

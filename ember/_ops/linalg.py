"""Matrix products."""
import numpy as np

from .._tensor import Tensor
from .elementwise import promote
from .op import Op


class MatMul(Op):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a @ b

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ga = gb = None
        if a.ndim == 1 and b.ndim == 1:  # dot product
            return (g * b if ctx.needs_input_grad[0] else None), (g * a if ctx.needs_input_grad[1] else None)
        a2 = a.reshape((1,) + a.shape) if a.ndim == 1 else a
        b2 = b.reshape(b.shape + (1,)) if b.ndim == 1 else b
        g2 = g
        if a.ndim == 1:
            g2 = np.expand_dims(g2, -2)
        if b.ndim == 1:
            g2 = np.expand_dims(g2, -1)
        if ctx.needs_input_grad[0]:
            ga = g2 @ np.swapaxes(b2, -1, -2)
            ga = ga.reshape(ga.shape[:-2] + ga.shape[-1:]) if a.ndim == 1 else ga
        if ctx.needs_input_grad[1]:
            gb = np.swapaxes(a2, -1, -2) @ g2
            gb = gb.reshape(gb.shape[:-1]) if b.ndim == 1 else gb
        return ga, gb

    def name(self):
        # PyTorch names the node after the kernel it dispatched to
        shapes = [m[0] for m in self._meta]
        if all(len(s) == 2 for s in shapes):
            return "MmBackward0"
        if all(len(s) == 1 for s in shapes):
            return "DotBackward0"
        if len(shapes[0]) == 2 and len(shapes[1]) == 1:
            return "MvBackward0"
        return "UnsafeViewBackward0" if len(shapes[0]) > 2 and len(shapes[1]) <= 2 else "BmmBackward0" if all(
            len(s) == 3 for s in shapes) else "ExpandBackward0"


def _check(a, b, name):
    if a._data.ndim == 0 or b._data.ndim == 0:
        raise RuntimeError(f"both arguments to {name} need to be at least 1D, but they are {a._data.ndim}D and "
                           f"{b._data.ndim}D")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {a.dtype_short(True)} != "
                           f"{b.dtype_short(True)}")


def matmul(input, other, *, out=None):
    _check(input, other, "matmul")
    try:
        r = MatMul.apply(input, other)
    except ValueError:
        sa, sb = tuple(input.shape), tuple(other.shape)
        if len(sa) <= 2 and len(sb) <= 2:
            a2 = sa if len(sa) == 2 else (1,) + sa
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a2[0]}x{a2[1]} and "
                               f"{'x'.join(map(str, sb if len(sb) == 2 else sb + (1,)))})") from None
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: {list(sa)} but got: "
                           f"{list(sb)}.") from None
    if out is not None:
        from .op import write_out

        return write_out(r, out)
    return r


def _rmatmul(self, other):
    return matmul(promote(other, self)[0] if isinstance(other, Tensor) else Tensor._wrap(np.asarray(other)), self)


TENSOR_METHODS = dict(matmul=matmul, __matmul__=matmul, __rmatmul__=_rmatmul)
FUNCTIONS = dict(matmul=matmul)

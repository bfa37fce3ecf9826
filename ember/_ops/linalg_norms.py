"""Norms: vector_norm (one op with its own gradient), matrix_norm and norm built on it and on the
singular values, and the condition number."""
import math

from .._tensor import Tensor
from .linalg_common import floating, matrices
from .linalg_decomp import svdvals
from .linalg_solve import inv_ex
from .op import Op
from .op_helpers import accepts_out, xp_of
from .order import amax, amin

_wrap = Tensor._wrap
_inf = math.inf


class VectorNorm(Op):
    def forward(ctx, x, ord, axes, keepdim):
        xp = xp_of(x)
        a = xp.abs(x)
        if ord == _inf:
            n = a.max(axis=axes, keepdims=True)
        elif ord == -_inf:
            n = a.min(axis=axes, keepdims=True)
        elif ord == 0:
            n = (a != 0).sum(axis=axes, keepdims=True).astype(a.dtype)
        elif ord == 1:
            n = a.sum(axis=axes, keepdims=True)
        elif ord == 2:
            n = xp.sqrt((a * a).sum(axis=axes, keepdims=True))
        else:
            n = (a ** ord).sum(axis=axes, keepdims=True) ** (1.0 / ord)
        ctx.ord, ctx.axes = ord, axes
        ctx.save_for_backward(x, n)
        return n if keepdim else n.reshape([s for i, s in enumerate(n.shape) if i not in axes])

    def backward(ctx, g):
        """d|x|_p / dx = sgn(x) |x|^(p-1) / |x|_p^(p-1); for +-inf the gradient is shared among the entries
        that reach the norm; zero where the norm is zero."""
        x, n = ctx.saved_tensors
        xp = xp_of(x)
        g = g.reshape(n.shape)
        a = xp.abs(x)
        sgn = xp.sign(x) if x.dtype.kind != "c" else x / xp.where(a == 0, 1, a)
        p = ctx.ord
        if p == 0:
            return xp.zeros_like(x)
        if p in (_inf, -_inf):
            hit = (a == n)
            return sgn * hit * (g / hit.sum(axis=ctx.axes, keepdims=True))
        if p == 1:
            return sgn * g
        safe = xp.where(n == 0, 1, n)
        scale = (a / safe) ** (p - 1) if p != 2 else a / safe
        return xp.where(n == 0, 0, sgn * scale * g)


@accepts_out
def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The ``ord``-norm of the elements over ``dim`` (all of them when None), treating them as one
    vector; ``ord`` may be infinite or 0."""
    floating("linalg.vector_norm", x, half=True)
    if dtype is not None:
        x = x.to(dtype)
    nd = x._data.ndim
    dims = tuple(range(nd)) if dim is None else ((dim,) if isinstance(dim, int) else tuple(dim))
    axes = tuple(sorted(d % max(nd, 1) for d in dims)) if nd else ()
    if len(set(axes)) != len(axes):
        raise RuntimeError(f"dim {axes[[a == b for a, b in zip(axes, axes[1:])].index(True)]} appears multiple "
                           "times in the list of dims")
    if abs(ord) == _inf:
        _no_identity(x, ord, dim, axes)
    if not nd:
        return VectorNorm.apply(x.reshape(1), ord=float(ord), axes=(0,), keepdim=False)
    return VectorNorm.apply(x, ord=float(ord), axes=axes, keepdim=keepdim)


def _no_identity(x, ord, dim, axes):
    """PyTorch's error for a max or min over an empty dimension."""
    shape = x._data.shape
    if dim is None and x._data.size == 0:
        raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
                           "operation does not have an identity")
    for a in axes if dim is not None else ():
        if shape[a] == 0:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on the dimension {a}because this "
                               "dimension is empty and the operation does not have an identity")


@accepts_out
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """The matrix norm ``ord`` (``"fro"``, ``"nuc"``, 1, -1, 2, -2, inf or -inf) of the matrices in the
    dimensions ``dim``."""
    matrices("linalg.matrix_norm", A, square=False, half=ord not in ("nuc", 2, -2))
    if dtype is not None:
        A = A.to(dtype)
    nd = A._data.ndim
    d0, d1 = (d % nd for d in dim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):
        s = svdvals(A.movedim((d0, d1), (-2, -1)))
        r = s.sum(-1) if ord == "nuc" else amax(s, -1) if ord == 2 else amin(s, -1)
        if keepdim:
            for d in sorted((d0, d1)):
                r = r.unsqueeze(d)
        return r
    if ord in (1, -1, _inf, -_inf):
        summed, extreme = (d0, d1) if abs(ord) == 1 else (d1, d0)
        sums = vector_norm(A, 1, summed, keepdim=True)
        r = (amax if ord > 0 else amin)(sums, extreme, keepdim=True)
        return r if keepdim else r.squeeze(max(d0, d1)).squeeze(min(d0, d1))
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


@accepts_out
def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """A vector norm over one dimension ``dim``, a matrix norm over two (or for a string ``ord``). Without
    ``dim``: the 2-norm of all elements when ``ord`` is None, else ``ord``'s norm of a 1-D or 2-D input."""
    if isinstance(dim, int) or (dim is not None and len(dim) == 1):
        return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
    if dim is not None or isinstance(ord, str):
        return matrix_norm(A, "fro" if ord is None else ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    nd = A._data.ndim
    if nd == 1:
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    if nd == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {nd}D.")


@accepts_out
def cond(A, p=None):
    """The condition number in norm ``p``, as PyTorch computes it: a ratio of singular values for p in
    (None, 2, -2) and for 'nuc' (nan for a zero matrix), else norm(A) * norm(A^-1), inf where A is singular."""
    matrices("linalg.cond", A, square=p not in (None, 2, -2))
    if p in (None, 2, -2, "nuc"):
        s = svdvals(A)
        if p == "nuc":
            return s.sum(-1) * (1 / s).sum(-1)
        big, small = amax(s, -1), amin(s, -1)
        return big / small if p != -2 else small / big
    inverse, info = inv_ex(A)
    c = matrix_norm(A, p) * matrix_norm(inverse, p)
    singular = info._data > 0
    return c if not singular.any() else c.masked_fill(_wrap(singular), math.inf)

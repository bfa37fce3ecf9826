"""Solving linear systems: inv, solve and solve_triangular (and their _ex forms), with PyTorch's
errors for singular inputs. Substitution with triangular factors lives here too: the factorisations
(linalg_factor) and the backward formulas use it."""
import numpy as np

from .._tensor import Tensor
from . import linalg_results as R
from .linalg_common import (LinAlgError, batch_index, first_singular, lu_factor_arrays, mH, matrices,
                            pivots_to_permutation, same_dtype, unpack_lu)
from .op import Op
from .op_helpers import accepts_out, xp_of

_wrap = Tensor._wrap


def _singular_error(name, A, info, message):
    """Raise PyTorch's LinAlgError for the first failed matrix of a batch (``info``: LAPACK's per matrix)."""
    bad = first_singular(info)
    if bad is not None:
        k, element = bad
        raise LinAlgError(f"{name}: {batch_index(A.shape)(k)}{message.format(element)}")


# ----------------------------------------------------------------- inverse


class Inv(Op):
    def forward(ctx, a):
        x = xp_of(a).linalg.inv(a)
        ctx.save_for_backward(x)
        return x

    def backward(ctx, g):
        x, = ctx.saved_tensors
        xh = mH(x)
        return -(xh @ g @ xh)


_INV_SINGULAR = ("The diagonal element {} is zero, the inversion could not be completed because the input matrix "
                 "is singular.")


def _inverse(A):
    """Inv of A, or (None, info) when some matrix of the batch is exactly singular."""
    try:
        return Inv.apply(A), None
    except np.linalg.LinAlgError:
        return None, lu_factor_arrays(A._data)[2]


@accepts_out
def inv(A):
    """The inverse of a square matrix or of each in a batch; raises for a singular one."""
    matrices("linalg.inv", A)
    x, info = _inverse(A)
    if x is None:
        _singular_error("linalg.inv", A, info, _INV_SINGULAR)
    return x


@accepts_out
def inv_ex(A, *, check_errors=False):
    """Inverse and LAPACK's info per matrix; singular matrices give non-finite entries instead of an error."""
    matrices("linalg.inv_ex", A)
    x, info = _inverse(A)
    if x is None:
        if check_errors:
            _singular_error("linalg.inv_ex", A, info, _INV_SINGULAR)
        x = solve_triangular_arrays(*_lu_parts(A._data), _eye_batch(A._data))
        x = _wrap(x)
    else:
        info = xp_of(A._data).zeros(A._data.shape[:-2], np.int32)
    return R.linalg_inv_ex(x, _wrap(info))


def _eye_batch(a):
    xp = xp_of(a)
    return xp.broadcast_to(xp.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()


def _lu_parts(a):
    lu, piv, _ = lu_factor_arrays(a)
    return lu, piv


def solve_triangular_arrays(lu, piv, b):
    """Solve (P L U) X = B from a packed LU, by substitution: exact zero pivots give inf/nan, as LAPACK's."""
    L, U = unpack_lu(lu)
    P = pivots_to_permutation(piv, lu.shape[-1], lu.dtype)
    y = _substitute(L, mH(P) @ b, lower=True)
    return _substitute(U, y, lower=False)


def _substitute(T, b, lower):
    """Forward or back substitution with triangular ``T`` (batched), one row at a time."""
    xp = xp_of(T)
    x = xp.zeros(np.broadcast_shapes(T.shape[:-2], b.shape[:-2]) + b.shape[-2:], xp.result_type(T, b))
    n = T.shape[-1]
    for i in (range(n) if lower else range(n - 1, -1, -1)):
        acc = b[..., i, :] - (T[..., i, None, :] @ x)[..., 0, :]
        x[..., i, :] = acc / T[..., i, i, None]  # a zero on the diagonal gives inf/nan, as LAPACK's trsm
    return x


# ----------------------------------------------------------------- solve


def _vector_rhs(A, B_):
    """PyTorch reads B as a (batch of) vector(s) when it is 1-D or has exactly A's batch shape plus n."""
    b, a = B_._data.shape, A._data.shape
    return len(b) == 1 or (len(b) == len(a) - 1 and b == a[:-1])


class Solve(Op):
    """X = A^-1 B for a batch of matrices B (vectors are made columns first)."""

    def forward(ctx, a, b):
        x = xp_of(a).linalg.solve(a, b)
        ctx.save_for_backward(a, x)
        return x

    def backward(ctx, g):
        a, x = ctx.saved_tensors
        gb = xp_of(a).linalg.solve(mH(a), g)
        return (-(gb @ mH(x)) if ctx.needs_input_grad[0] else None), gb


@accepts_out
def solve(A, B, *, left=True):
    """The solution ``X`` of ``A X = B`` (``X A = B`` with ``left=False``), ``B`` a matrix or a vector per
    matrix; raises for a singular ``A``."""
    return _solve("linalg.solve", A, B, left, check_errors=True)[0]


@accepts_out
def solve_ex(A, B, *, left=True, check_errors=False):
    """Like :func:`ember.linalg.solve`, returning ``(result, info)`` where ``info`` marks singular
    matrices instead of raising (unless ``check_errors``)."""
    x, info = _solve("linalg.solve_ex", A, B, left, check_errors)
    return R.linalg_solve_ex(x, _wrap(info))


def _solve(name, A, B, left, check_errors):
    matrices(name.replace("_ex", ""), A)
    same_dtype(name.replace("_ex", ""), A, B)
    vector = _vector_rhs(A, B)
    b = B.unsqueeze(-1) if vector else B
    if not left:  # X A = B  <=>  A^T X^T = B^T
        A, b = A.mT, b.mT
    n, bs = A._data.shape[-1], b._data.shape
    if bs[-2] != n:
        shown = (B._data.shape[-1], 1) if vector else B._data.shape[-2:]
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {shown[0]}x{shown[1]})")
    try:
        x = Solve.apply(A, b)
        info = xp_of(A._data).zeros(A._data.shape[:-2], np.int32)
    except np.linalg.LinAlgError:
        info = lu_factor_arrays(A._data)[2]
        if check_errors:
            _singular_error("torch.linalg.solve", A, info, "The solver failed because the input matrix is singular.")
        x = _wrap(solve_triangular_arrays(*_lu_parts(A._data), xp_of(b._data).broadcast_to(b._data, np.broadcast_shapes(
            A._data.shape[:-2], bs[:-2]) + bs[-2:])))
    if not left:
        x = x.mT
    return (x.squeeze(-1) if vector else x), info


# ----------------------------------------------------------------- triangular systems


class SolveTriangular(Op):
    """X = T^-1 B with T the upper or lower triangle of A (its diagonal taken as ones where unitriangular)."""

    def forward(ctx, a, b, upper, unitriangular):
        xp = xp_of(a)
        t = xp.triu(a) if upper else xp.tril(a)
        if unitriangular:
            t = t.copy()
            idx = xp_of(t).arange(t.shape[-1])
            t[..., idx, idx] = 1
        x = _substitute(t, b, lower=not upper)
        ctx.upper, ctx.unit = upper, unitriangular
        ctx.save_for_backward(t, x)
        return x

    def backward(ctx, g):
        t, x = ctx.saved_tensors
        gb = _substitute(mH(t), g, lower=ctx.upper)
        if not ctx.needs_input_grad[0]:
            return None, gb
        ga = -(gb @ mH(x))
        xp = xp_of(t)
        ga = xp.triu(ga, 1 if ctx.unit else 0) if ctx.upper else xp.tril(ga, -1 if ctx.unit else 0)
        return ga, gb


@accepts_out
def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """The solution ``X`` of ``A X = B`` (``X A = B`` with ``left=False``) for a triangular ``A``,
    upper or lower as ``upper`` says; ``unitriangular`` takes its diagonal as ones."""
    matrices("linalg.solve_triangular", A)
    same_dtype("linalg.solve_triangular", A, B)
    if B._data.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 dimensions.")
    if left:
        x = SolveTriangular.apply(A, B, upper=upper, unitriangular=unitriangular)
    else:  # X A = B  <=>  A^T X^T = B^T, where A^T's triangle is the other one
        x = SolveTriangular.apply(A.mT, B.mT, upper=not upper, unitriangular=unitriangular).mT
    return x

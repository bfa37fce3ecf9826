"""Solving linear systems: inv, solve, solve_triangular, det/slogdet, cholesky and the LU family,
each with PyTorch's errors for singular or non positive-definite inputs."""
import numpy as np

from .._tensor import Tensor
from . import linalg_results as R
from .linalg_common import (LinAlgError, accepts_out, batch_index, first_singular, floating, lu_factor_arrays, mH,
                            matrices, pivots_to_permutation, same_dtype, unpack_lu, xp_of)
from .op import Op
from .triangular import tril, triu

_wrap = Tensor._wrap


def _full_precision(name, A):
    if A._data.dtype == np.float16:
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got Half")


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
    matrices("linalg.inv", A)
    _full_precision("linalg.inv", A)
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
        info = np.zeros(A._data.shape[:-2], np.int32)
    return R.linalg_inv_ex(x, _wrap(np.asarray(info)))


def _eye_batch(a):
    return np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()


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
    return _solve("linalg.solve", A, B, left, check_errors=True)[0]


@accepts_out
def solve_ex(A, B, *, left=True, check_errors=False):
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
        info = np.zeros(A._data.shape[:-2], np.int32)
    except np.linalg.LinAlgError:
        info = lu_factor_arrays(A._data)[2]
        if check_errors:
            _singular_error("torch.linalg.solve", A, info, "The solver failed because the input matrix is singular.")
        x = _wrap(solve_triangular_arrays(*_lu_parts(A._data), np.broadcast_to(b._data, np.broadcast_shapes(
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
            idx = np.arange(t.shape[-1])
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
    matrices("linalg.solve_triangular", A)
    same_dtype("linalg.solve_triangular", A, B)
    if B._data.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 dimensions.")
    if left:
        x = SolveTriangular.apply(A, B, upper=upper, unitriangular=unitriangular)
    else:  # X A = B  <=>  A^T X^T = B^T, where A^T's triangle is the other one
        x = SolveTriangular.apply(A.mT, B.mT, upper=not upper, unitriangular=unitriangular).mT
    return x


# ----------------------------------------------------------------- determinants


def _adjugate_t(a):
    """The transposed adjugate (cofactor matrix) of a batch of square matrices, from the SVD, which
    stays finite for singular matrices: adj(A) = det(U) det(Vh) Vh^H diag(prod of the other s) U^H."""
    xp = xp_of(a)
    u, s, vh = xp.linalg.svd(a)
    ones = xp.ones(s.shape[:-1] + (1,), s.dtype)
    before = xp.cumprod(xp.concatenate([ones, s[..., :-1]], -1), -1)
    after = xp.flip(xp.cumprod(xp.concatenate([ones, xp.flip(s[..., 1:], -1)], -1), -1), -1)
    phase = xp.linalg.det(u) * xp.linalg.det(vh)
    adj = phase[..., None, None] * (mH(vh) * (before * after)[..., None, :]) @ mH(u)
    return adj.swapaxes(-1, -2)


class Det(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return xp_of(a).linalg.det(a)

    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g[..., None, None] * _adjugate_t(a).conj()


class Slogdet(Op):
    def forward(ctx, a):
        sign, logabs = xp_of(a).linalg.slogdet(a)
        ctx.save_for_backward(a)
        return sign, logabs

    def backward(ctx, g_sign, g_logabs):
        a, = ctx.saved_tensors
        return g_logabs[..., None, None] * mH(xp_of(a).linalg.inv(a))


@accepts_out
def det(A):
    matrices("linalg.det", A)
    return Det.apply(A)


@accepts_out
def slogdet(A):
    matrices("linalg.slogdet", A)
    return R.linalg_slogdet(*Slogdet.apply(A))


def logdet(input):
    """log det A: nan for a negative determinant, -inf for a zero one."""
    matrices("logdet", input)
    sign, logabs = slogdet(input)
    with np.errstate(divide="ignore", invalid="ignore"):
        return logabs + _wrap(np.log(sign._data))


# ----------------------------------------------------------------- Cholesky


class Cholesky(Op):
    def forward(ctx, a):
        L = xp_of(a).linalg.cholesky(a)
        ctx.save_for_backward(L)
        return L

    def backward(ctx, g):
        """gA = L^-H Phi(L^H gL) L^-1, symmetrised; Phi keeps the lower triangle with half its diagonal."""
        L, = ctx.saved_tensors
        xp = xp_of(L)
        phi = xp.tril(mH(L) @ xp.tril(g))
        idx = np.arange(L.shape[-1])
        phi[..., idx, idx] *= 0.5
        s = _substitute(mH(L), mH(_substitute(mH(L), mH(phi), lower=False)), lower=False)
        return 0.5 * (s + mH(s))


def _not_pd_info(a):
    """Per matrix, the order of the first leading minor that is not positive-definite (0 where none is)."""
    flat = a.reshape((-1,) + a.shape[-2:])
    info = np.zeros(flat.shape[0], np.int32)
    for k, m in enumerate(flat):
        for order in range(1, m.shape[-1] + 1):
            try:
                np.linalg.cholesky(m[:order, :order])
            except np.linalg.LinAlgError:
                info[k] = order
                break
    return info.reshape(a.shape[:-2])


_NOT_PD = ("The factorization could not be completed because the input is not positive-definite (the leading minor "
           "of order {} is not positive-definite).")


def _cholesky(name, A, upper, check_errors):
    matrices(name.replace("_ex", ""), A)
    a = A.mT if upper else A  # the upper triangle of A is the lower one of A^T
    try:
        L = Cholesky.apply(a)
        info = np.zeros(A._data.shape[:-2], np.int32)
    except np.linalg.LinAlgError:
        info = _not_pd_info(a._data)
        if check_errors:
            _singular_error(name.replace("_ex", ""), A, info, _NOT_PD)
        L = _wrap(np.full(A._data.shape, np.nan, A._data.dtype))
    return (L.mT if upper else L), info


@accepts_out
def cholesky(A, *, upper=False):
    return _cholesky("linalg.cholesky", A, upper, True)[0]


@accepts_out
def cholesky_ex(A, *, upper=False, check_errors=False):
    L, info = _cholesky("linalg.cholesky_ex", A, upper, check_errors)
    return R.linalg_cholesky_ex(L, _wrap(info))


@accepts_out
def cholesky_solve(B, L, upper=False):
    """X with (L L^H) X = B, from the Cholesky factor."""
    if upper:
        L = L.mT
    y = solve_triangular(L, B, upper=False)
    return solve_triangular(L.mT, y, upper=True)


@accepts_out
def cholesky_inverse(L, upper=False):
    eye = _wrap(np.broadcast_to(np.eye(L._data.shape[-1], dtype=L._data.dtype), L._data.shape).copy())
    return cholesky_solve(eye, L, upper)


# ----------------------------------------------------------------- LU


class LuFactor(Op):
    """The packed LU of square matrices; the pivots (int32) carry no gradient."""

    def forward(ctx, a):
        lu, piv, info = lu_factor_arrays(a)
        ctx.save_for_backward(lu, piv)
        return lu, piv, info

    def backward(ctx, g, g_piv, g_info):
        """A = P L U: gA = P L^-H (tril(L^H gL, -1) + triu(gU U^H)) U^-H."""
        lu, piv = ctx.saved_tensors
        m, n = lu.shape[-2:]
        if m != n:
            raise RuntimeError("Ember differentiates lu_factor of square matrices only")
        xp = xp_of(lu)
        L, U = unpack_lu(lu)
        inner = xp.tril(mH(L) @ xp.tril(g, -1), -1) + xp.triu(xp.triu(g) @ mH(U))
        left = _substitute(mH(L), inner, lower=False)  # L^-H inner
        x = mH(_substitute(U, mH(left), lower=False))  # (L^-H inner) U^-H
        return pivots_to_permutation(piv, m, lu.dtype) @ x


@accepts_out
def lu_factor_ex(A, *, pivot=True, check_errors=False):
    matrices("linalg.lu_factor_ex", A, square=False)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    lu, piv, info = LuFactor.apply(A)
    if check_errors:
        _singular_error("linalg.lu_factor_ex", A, info._data, "The factorization could not be completed because "
                        "the input is singular (U[{0},{0}] is zero).")
    return R.linalg_lu_factor_ex(lu, piv, info)


@accepts_out
def lu_factor(A, *, pivot=True):
    lu, piv, info = lu_factor_ex(A, pivot=pivot)
    bad = first_singular(info._data)
    if bad is not None:
        i = bad[1]
        raise RuntimeError(f"torch.linalg.lu_factor: {batch_index(A.shape)(bad[0])}U[{i},{i}] is zero and using it "
                           "on lu_solve would result in a division by zero. If you still want to perform the "
                           "factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return R.linalg_lu_factor(lu, piv)


@accepts_out
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    m, n = LU_data._data.shape[-2:]
    k = min(m, n)
    eye = _wrap(np.eye(m, k, dtype=LU_data._data.dtype))
    L = tril(LU_data[..., :, :k], -1) + eye if unpack_data else _wrap(np.empty(0, LU_data._data.dtype))
    U = triu(LU_data[..., :k, :]) if unpack_data else _wrap(np.empty(0, LU_data._data.dtype))
    P = (_wrap(pivots_to_permutation(LU_pivots._data, m, LU_data._data.dtype)) if unpack_pivots
         else _wrap(np.empty(0, LU_data._data.dtype)))
    return R.lu_unpack(P, L, U)


@accepts_out
def lu(A, *, pivot=True):
    lu_, piv, _ = lu_factor_ex(A, pivot=pivot)
    return R.linalg_lu(*lu_unpack(lu_, piv))


@accepts_out
def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    P, L, U = lu_unpack(LU, pivots)
    if not left:  # X A = B  <=>  A^H X^H = B^H
        return lu_solve(LU, pivots, B.mT, adjoint=not adjoint).mT
    if adjoint:  # A^H X = B with A = P L U: U^H L^H P^H X = B
        y = solve_triangular(L.mT, solve_triangular(U.mT, B, upper=False), upper=True, unitriangular=True)
        return P @ y
    y = solve_triangular(L, P.mT @ B, upper=False, unitriangular=True)
    return solve_triangular(U, y, upper=True)

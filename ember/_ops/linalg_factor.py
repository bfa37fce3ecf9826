"""Factorisations: det/slogdet/logdet, Cholesky (with cholesky_solve/cholesky_inverse) and the LU
family, with PyTorch's gradients and its errors for singular or not positive-definite inputs."""
import math

import numpy as np

from .._tensor import Tensor
from . import linalg_results as R
from .linalg_common import (batch_index, eye_like, first_singular, lu_factor_arrays, mH, matrices,
                            pivots_to_permutation, unpack_lu)
from .linalg_solve import _singular_error, _substitute, solve_triangular
from .comparison import where
from .op import Op
from .op_helpers import accepts_out, xp_of
from .triangular import tril, triu

_wrap = Tensor._wrap


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
    """The determinant of a square matrix or of each in a batch."""
    matrices("linalg.det", A)
    return Det.apply(A)


@accepts_out
def slogdet(A):
    """The sign (a unit complex number for complex input) and the log of the absolute value of the
    determinant, as ``(sign, logabsdet)``."""
    matrices("linalg.slogdet", A)
    return R.linalg_slogdet(*Slogdet.apply(A))


def logdet(input):
    """log det A: nan (with a zero gradient, as PyTorch) for a negative determinant, -inf for a zero one."""
    matrices("logdet", input)
    sign, logabs = slogdet(input)
    return where(sign.detach() < 0, math.nan, logabs)


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
        idx = xp.arange(L.shape[-1])
        phi[..., idx, idx] *= 0.5
        s = _substitute(mH(L), mH(_substitute(mH(L), mH(phi), lower=False)), lower=False)
        return 0.5 * (s + mH(s))


def _not_pd_info(a):
    """Per matrix, the order of the first leading minor that is not positive-definite (0 where none is)."""
    flat, xp = a.reshape((-1,) + a.shape[-2:]), xp_of(a)
    info = xp_of(flat).zeros(flat.shape[0], np.int32)
    for k, m in enumerate(flat):
        for order in range(1, m.shape[-1] + 1):
            try:
                xp.linalg.cholesky(m[:order, :order])
            except xp.linalg.LinAlgError:
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
        info = xp_of(A._data).zeros(A._data.shape[:-2], np.int32)
    except np.linalg.LinAlgError:
        info = _not_pd_info(a._data)
        if check_errors:
            _singular_error(name.replace("_ex", ""), A, info, _NOT_PD)
        L = _wrap(xp_of(A._data).full(A._data.shape, np.nan, A._data.dtype))
    return (L.mT if upper else L), info


@accepts_out
def cholesky(A, *, upper=False):
    """The lower Cholesky factor ``L`` of a Hermitian positive-definite matrix (``A = L L^H``), or the upper
    one with ``upper=True``; raises when ``A`` is not positive-definite."""
    return _cholesky("linalg.cholesky", A, upper, True)[0]


@accepts_out
def cholesky_ex(A, *, upper=False, check_errors=False):
    """Like :func:`ember.linalg.cholesky`, returning ``(L, info)`` instead of raising: ``info`` is the
    order of the first leading minor that is not positive-definite, 0 where none is."""
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
    """The inverse of ``A`` from its Cholesky factor (lower, or upper with ``upper=True``)."""
    eye = _wrap(xp_of(L._data).broadcast_to(eye_like(L._data), L._data.shape).copy())
    return cholesky_solve(eye, L, upper)


# ----------------------------------------------------------------- LU


def _lu_square_grad(L, U, gL, gU):
    """P^T A = L U (square): gA' = L^-H (tril(L^H gL, -1) + triu(gU U^H)) U^-H."""
    xp = xp_of(L)
    inner = xp.tril(mH(L) @ gL, -1) + xp.triu(gU @ mH(U))
    left = _substitute(mH(L), inner, lower=False)  # L^-H inner
    return mH(_substitute(U, mH(left), lower=False))  # (L^-H inner) U^-H


class LuFactor(Op):
    """The packed LU (L's unit diagonal left out) of m x n matrices; the pivots (int32) carry no gradient."""

    def forward(ctx, a):
        lu, piv, info = lu_factor_arrays(a)
        ctx.save_for_backward(lu, piv)
        return lu, piv, info

    def backward(ctx, g, g_piv, g_info):
        """The square case on the leading k x k block; for a tall A the rows below it are L2 = A2 U^-1, for a
        wide one the columns right of it are U2 = L^-1 A2, and their gradients reach that block's factors."""
        lu, piv = ctx.saved_tensors
        xp = xp_of(lu)
        m, n = lu.shape[-2:]
        k = min(m, n)
        L, U = unpack_lu(lu)
        gL, gU = xp.tril(g[..., :, :k], -1), xp.triu(g[..., :k, :])
        if m > n:  # dL2 = (dA2 - L2 dU) U^-1
            L2, gL2 = L[..., k:, :], gL[..., k:, :]
            gA2 = mH(_substitute(U, mH(gL2), lower=False))  # gL2 U^-H
            top = _lu_square_grad(L[..., :k, :], U, gL[..., :k, :], gU - mH(L2) @ gA2)
            x = xp.concatenate([top, gA2], -2)
        elif m < n:  # dU2 = L^-1 (dA2 - dL U2)
            U2, gU2 = U[..., :, k:], gU[..., :, k:]
            gA2 = _substitute(mH(L), gU2, lower=False)  # L^-H gU2
            left = _lu_square_grad(L, U[..., :, :k], gL - gA2 @ mH(U2), gU[..., :, :k])
            x = xp.concatenate([left, gA2], -1)
        else:
            x = _lu_square_grad(L, U, gL, gU)
        return pivots_to_permutation(piv, m, lu.dtype) @ x


@accepts_out
def lu_factor_ex(A, *, pivot=True, check_errors=False):
    """The packed LU factorisation with partial pivoting and ``info`` (nonzero where ``U`` has a zero
    on its diagonal), as ``(LU, pivots, info)``. Ember supports only ``pivot=True``."""
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
    """The packed LU factorisation with partial pivoting, as ``(LU, pivots)``; raises for a singular
    matrix. Ember supports only ``pivot=True``."""
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
    """The permutation, lower and upper factors ``(P, L, U)`` from a packed LU and its pivots."""
    m, n = LU_data._data.shape[-2:]
    k = min(m, n)
    eye = _wrap(xp_of(LU_data._data).eye(m, k, dtype=LU_data._data.dtype))
    L = tril(LU_data[..., :, :k], -1) + eye if unpack_data else _wrap(np.empty(0, LU_data._data.dtype))
    U = triu(LU_data[..., :k, :]) if unpack_data else _wrap(np.empty(0, LU_data._data.dtype))
    P = (_wrap(pivots_to_permutation(LU_pivots._data, m, LU_data._data.dtype)) if unpack_pivots
         else _wrap(np.empty(0, LU_data._data.dtype)))
    return R.lu_unpack(P, L, U)


@accepts_out
def lu(A, *, pivot=True):
    """The LU factorisation with partial pivoting ``A = P L U``, as ``(P, L, U)``."""
    lu_, piv, _ = lu_factor_ex(A, pivot=pivot)
    return R.linalg_lu(*lu_unpack(lu_, piv))


@accepts_out
def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """The solution ``X`` of ``A X = B`` (``X A = B`` with ``left=False``, ``A^H`` for ``A`` with
    ``adjoint``) from ``A``'s packed LU and pivots."""
    P, L, U = lu_unpack(LU, pivots)
    if not left:  # X A = B  <=>  A^H X^H = B^H
        return lu_solve(LU, pivots, B.mT, adjoint=not adjoint).mT
    if adjoint:  # A^H X = B with A = P L U: U^H L^H P^H X = B
        y = solve_triangular(L.mT, solve_triangular(U.mT, B, upper=False), upper=True, unitriangular=True)
        return P @ y
    y = solve_triangular(L, P.mT @ B, upper=False, unitriangular=True)
    return solve_triangular(U, y, upper=True)

"""The top-level names and Tensor methods PyTorch keeps for linear algebra (``torch.inverse``,
``torch.det``, ``torch.svd`` with V rather than Vh, ``torch.lu``...): forwards to ``ember.linalg``'s ops."""
import warnings

import numpy as np

from .._tensor import Tensor
from . import linalg_results as R
from .linalg_common import matrices
from .linalg_decomp import qr_legacy, svd_legacy
from .linalg_misc import cross as linalg_cross
from .linalg_misc import householder_product, matrix_exp, matrix_power, multi_dot, pinverse, vecdot
from .linalg_norms import matrix_norm, vector_norm
from .op_helpers import accepts_out, xp_of
from .linalg_factor import (cholesky as _cholesky, cholesky_inverse, cholesky_solve, det, logdet, lu_factor_ex,
                            lu_solve as _lu_solve, lu_unpack, slogdet as _slogdet)
from .linalg_solve import inv, solve_triangular

_wrap = Tensor._wrap


@accepts_out
def inverse(input):
    """The inverse of a square matrix or of each in a batch (:func:`ember.linalg.inv`)."""
    return inv(input)


@accepts_out
def slogdet(input):
    """The sign and the log of the absolute value of the determinant, as ``(sign, logabsdet)``
    (:func:`ember.linalg.slogdet`)."""
    return R.slogdet(*_slogdet(input))


@accepts_out
def cholesky(input, upper=False):
    """The lower (or, with ``upper``, upper) Cholesky factor; deprecated in PyTorch, which warns, for
    :func:`ember.linalg.cholesky`."""
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                  "PyTorch release.", UserWarning, stacklevel=2)
    return _cholesky(input, upper=upper)


@accepts_out
def lu(A, pivot=True, get_infos=False):
    """``torch.lu``: the packed LU and pivots (and info per matrix with ``get_infos``)."""
    LU, piv, info = lu_factor_ex(A, pivot=pivot, check_errors=not get_infos)
    return (LU, piv, info) if get_infos else (LU, piv)


@accepts_out
def lu_solve(b, LU_data, LU_pivots):
    """The solution ``x`` of ``A x = b`` from ``A``'s packed LU factorisation and pivots, as
    :func:`ember.linalg.lu_factor` returns them."""
    return _lu_solve(LU_data, LU_pivots, b)


def geqrf(input):
    """LAPACK's packed QR: R on and above the diagonal, the Householder vectors below it, and tau.
    Like PyTorch's, it has no gradient."""
    matrices("geqrf", input, square=False)
    a = input._data
    h, tau = xp_of(a).linalg.qr(a, mode="raw")  # NumPy hands back the Fortran-ordered (transposed) factor
    return R.geqrf(_wrap(h.swapaxes(-1, -2).copy()), _wrap(tau))


def ormqr(input, tau, other, left=True, transpose=False):
    """Q @ other (other @ Q with ``left=False``; Q^H with ``transpose``) for the Q of a packed QR."""
    side = -2 if left else -1
    if other.shape[side] != input.shape[-2]:
        raise RuntimeError(f"torch.ormqr: other.shape[{side}] must be equal to input.shape[-2]")
    if tau.shape[-1] != min(other.shape[side], input.shape[-1]):
        raise RuntimeError(f"torch.ormqr: tau.shape[-1] must be equal to min(other.shape[{side}], input.shape[-1])")
    q = householder_product(input, tau, complete=True)
    if transpose:
        q = q.mT.conj() if q.is_complex() else q.mT
    return q @ other if left else other @ q


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False):
    """The solution of a triangular system with ``A`` (upper by default) and a copy of ``A``, as
    ``(solution, cloned_coefficient)``; deprecated for :func:`ember.linalg.solve_triangular`."""
    warnings.warn("torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangular and will be "
                  "removed in a future PyTorch release.", UserWarning, stacklevel=2)
    if transpose:
        A, upper = A.mT, not upper
    x = solve_triangular(A, b, upper=upper, unitriangular=unitriangular)
    return R.triangular_solve(x, A.mT.clone() if transpose else A.clone())


def chain_matmul(*matrices):
    """The product of the matrices in order; deprecated for :func:`ember.linalg.multi_dot`."""
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                  "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple "
                  "parameters.", UserWarning, stacklevel=2)
    return matrices[0] if len(matrices) == 1 else multi_dot(matrices)


def cross(input, other, dim=None):
    """``torch.cross``: without ``dim``, the first dim of size 3 (deprecated, as PyTorch warns)."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated. Please either pass the dim "
                      "explicitly or simply use torch.linalg.cross.", UserWarning, stacklevel=2)
        shape = np.broadcast_shapes(input.shape, other.shape)
        dim = next((d for d, n in enumerate(shape) if n == 3), -1)
    return linalg_cross(input, other, dim=dim)


def frobenius_norm(input, dim=(-2, -1), keepdim=False):
    """The 2-norm over the matrix dimensions ``dim``."""
    return vector_norm(input, 2, dim, keepdim)


def nuclear_norm(input, dim=(-2, -1), keepdim=False):
    """The sum of singular values of each matrix over ``dim``."""
    return matrix_norm(input, "nuc", dim, keepdim)


def vdot(input, other):
    """sum(conj(input) * other) of two 1-D tensors."""
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and {other._data.ndim}D tensors")
    return vecdot(input, other)


def _removed(name, replacement):
    def removed(*args, **kwargs):
        raise RuntimeError(f"This function was deprecated since version 1.9 and is now removed. Use "
                           f"{replacement} instead.")
    removed.__name__ = name
    removed.__doc__ = f"Removed from PyTorch in 1.9, kept as a name that raises: use {replacement}."
    return removed


FUNCTIONS = dict(inverse=inverse, det=det, logdet=logdet, slogdet=slogdet, svd=svd_legacy, qr=qr_legacy,
                 cholesky=cholesky, cholesky_solve=cholesky_solve, cholesky_inverse=cholesky_inverse, lu=lu,
                 lu_solve=lu_solve, lu_unpack=lu_unpack, pinverse=pinverse, matrix_power=matrix_power,
                 matrix_exp=matrix_exp, geqrf=accepts_out(geqrf), orgqr=householder_product, ormqr=accepts_out(ormqr),
                 triangular_solve=accepts_out(triangular_solve), chain_matmul=accepts_out(chain_matmul),
                 cross=accepts_out(cross), frobenius_norm=accepts_out(frobenius_norm),
                 nuclear_norm=accepts_out(nuclear_norm), vdot=accepts_out(vdot),
                 symeig=_removed("symeig", "torch.linalg.eigh or torch.linalg.eigvalsh"),
                 eig=_removed("eig", "torch.linalg.eig or torch.linalg.eigvals"),
                 lstsq=_removed("lstsq", "torch.linalg.lstsq (with its arguments reversed)"),
                 matrix_rank=_removed("matrix_rank", "torch.linalg.matrix_rank"))
TENSOR_METHODS = {name: FUNCTIONS[name] for name in (
    "inverse", "det", "logdet", "slogdet", "svd", "qr", "cholesky", "cholesky_solve", "cholesky_inverse", "lu",
    "lu_solve", "pinverse", "matrix_power", "matrix_exp", "geqrf", "orgqr", "ormqr", "triangular_solve", "cross",
    "vdot")}

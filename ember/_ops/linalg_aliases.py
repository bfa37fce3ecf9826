"""The top-level names and Tensor methods PyTorch keeps for linear algebra (``torch.inverse``,
``torch.det``, ``torch.svd`` with V rather than Vh, ``torch.lu``...): forwards to ``ember.linalg``'s ops."""
import warnings

from . import linalg_results as R
from .op_helpers import accepts_out
from .linalg_decomp import qr_legacy, svd_legacy
from .linalg_misc import matrix_exp, matrix_power, pinverse
from .linalg_solve import (cholesky as _cholesky, cholesky_inverse, cholesky_solve, det, inv, logdet, lu_factor_ex,
                           lu_solve as _lu_solve, lu_unpack, slogdet as _slogdet)


@accepts_out
def inverse(input):
    return inv(input)


@accepts_out
def slogdet(input):
    return R.slogdet(*_slogdet(input))


@accepts_out
def cholesky(input, upper=False):
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
    return _lu_solve(LU_data, LU_pivots, b)


FUNCTIONS = dict(inverse=inverse, det=det, logdet=logdet, slogdet=slogdet, svd=svd_legacy, qr=qr_legacy,
                 cholesky=cholesky, cholesky_solve=cholesky_solve, cholesky_inverse=cholesky_inverse, lu=lu,
                 lu_solve=lu_solve, lu_unpack=lu_unpack, pinverse=pinverse, matrix_power=matrix_power,
                 matrix_exp=matrix_exp)
TENSOR_METHODS = dict(FUNCTIONS)
del TENSOR_METHODS["lu_unpack"]

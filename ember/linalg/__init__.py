"""``ember.linalg``: PyTorch's torch.linalg on NumPy's LAPACK, batched, with gradients.

Singular or not positive-definite inputs raise ``LinAlgError`` (a RuntimeError) with PyTorch's
message; the ``_ex`` variants report LAPACK's info per matrix instead.
"""
from .._ops.linalg import matmul
from .._ops.linalg_common import LinAlgError
from .._ops.linalg_decomp import eig, eigh, eigvals, eigvalsh, qr, svd, svdvals
from .._ops.linalg_factor import cholesky, cholesky_ex, det, lu, lu_factor, lu_factor_ex, lu_solve, slogdet
from .._ops.linalg_ldl import ldl_factor, ldl_factor_ex, ldl_solve
from .._ops.linalg_misc import (cross, diagonal, householder_product, lstsq, matrix_exp, matrix_power, matrix_rank,
                                multi_dot, pinv, tensorinv, tensorsolve, vander, vecdot)
from .._ops.linalg_norms import cond, matrix_norm, norm, vector_norm
from .._ops.linalg_solve import inv, inv_ex, solve, solve_ex, solve_triangular

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals",
           "eigvalsh", "householder_product", "inv", "inv_ex", "ldl_factor", "ldl_factor_ex", "ldl_solve", "lstsq",
           "lu", "lu_factor", "lu_factor_ex", "lu_solve", "matmul", "matrix_exp", "matrix_norm", "matrix_power",
           "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "solve_ex", "solve_triangular",
           "svd", "svdvals", "tensorinv", "tensorsolve", "vander", "vecdot", "vector_norm"]

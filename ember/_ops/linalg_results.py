"""The named tuples that linear-algebra functions return (``torch.return_types.linalg_slogdet`` and kin):
tuples that unpack like ``(sign, logabsdet)`` and also name their fields."""
from collections import namedtuple


def _result(name, fields):
    cls = namedtuple(name, fields)
    cls.__module__ = __name__  # pickles by reference to this module
    cls.__repr__ = lambda self: (f"torch.return_types.{name}(\n"
                                 + ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self)) + ")")
    return cls


linalg_inv_ex = _result("linalg_inv_ex", ("inverse", "info"))
linalg_solve_ex = _result("linalg_solve_ex", ("result", "info"))
linalg_cholesky_ex = _result("linalg_cholesky_ex", ("L", "info"))
linalg_slogdet = _result("linalg_slogdet", ("sign", "logabsdet"))
slogdet = _result("slogdet", ("sign", "logabsdet"))
linalg_eigh = _result("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_eig = _result("linalg_eig", ("eigenvalues", "eigenvectors"))
linalg_svd = _result("linalg_svd", ("U", "S", "Vh"))
svd = _result("svd", ("U", "S", "V"))
linalg_qr = _result("linalg_qr", ("Q", "R"))
qr = _result("qr", ("Q", "R"))
linalg_lu_factor = _result("linalg_lu_factor", ("LU", "pivots"))
linalg_lu_factor_ex = _result("linalg_lu_factor_ex", ("LU", "pivots", "info"))
linalg_ldl_factor = _result("linalg_ldl_factor", ("LD", "pivots"))
linalg_ldl_factor_ex = _result("linalg_ldl_factor_ex", ("LD", "pivots", "info"))
linalg_lu = _result("linalg_lu", ("P", "L", "U"))
lu_unpack = _result("lu_unpack", ("P", "L", "U"))
geqrf = _result("geqrf", ("a", "tau"))
triangular_solve = _result("triangular_solve", ("solution", "cloned_coefficient"))
linalg_lstsq = _result("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))

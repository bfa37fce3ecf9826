"""LDL^T (Bunch-Kaufman) factorisation and solve of symmetric or Hermitian matrices: ldl_factor(_ex) and
ldl_solve. NumPy exposes no such routine, so these run LAPACK's sytrf/hetrf and sytrs/hetrs through
SciPy, an optional extra (``pip install ember[linalg]``). As in PyTorch, they have no gradient."""
import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from . import linalg_results as R
from .linalg_common import LinAlgError, batch_index, first_singular, matrices
from .op import Op
from .op_helpers import accepts_out

_wrap = Tensor._wrap
_PREFIX = {np.dtype(np.float32): "s", np.dtype(np.float64): "d", np.dtype(np.complex64): "c",
           np.dtype(np.complex128): "z"}


def _lapack(dtype, routine, hermitian):
    try:
        from scipy.linalg import lapack
    except ImportError:
        raise ImportError(f"torch.linalg.{'ldl_solve' if routine == 'trs' else 'ldl_factor'} needs SciPy in Ember "
                          "(NumPy has no LDL^T factorisation): pip install ember[linalg]") from None
    kind = "he" if hermitian and dtype.kind == "c" else "sy"
    return getattr(lapack, _PREFIX[dtype] + kind + routine)


def _each(*arrays):
    """The matrices of a batch, one tuple of them per batch element (batch dims broadcast)."""
    batch = np.broadcast_shapes(*(a.shape[:-2] for a in arrays))
    flat = [np.broadcast_to(a, batch + a.shape[-2:]).reshape((-1,) + a.shape[-2:]) for a in arrays]
    return batch, zip(*flat)


class LdlFactor(Op):
    def forward(ctx, a, hermitian):
        a = B.to_numpy(a)
        sytrf = _lapack(a.dtype, "trf", hermitian)
        batch, items = _each(a)
        factors = [sytrf(m, lower=1) for (m,) in items]
        n = a.shape[-1]
        ld = np.tril(np.array([f[0] for f in factors], a.dtype).reshape(batch + (n, n)))
        piv = np.array([f[1] for f in factors], np.int32).reshape(batch + (n,))
        info = np.array([f[-1] for f in factors], np.int32).reshape(batch)
        return ld, piv, info


class LdlSolve(Op):
    def forward(ctx, ld, piv, b, hermitian):
        ld, piv, b = (B.to_numpy(x) for x in (ld, piv, b))
        sytrs = _lapack(ld.dtype, "trs", hermitian)
        batch, items = _each(ld, piv[..., None], b)
        xs = [sytrs(m, p[:, 0], rhs, lower=1)[0] for m, p, rhs in items]
        return np.array(xs, b.dtype).reshape(batch + b.shape[-2:])


@accepts_out
def ldl_factor_ex(A, *, hermitian=False, check_errors=False):
    """The compact LDL factorisation of a symmetric (or, with ``hermitian``, Hermitian) matrix with
    Bunch-Kaufman pivoting and LAPACK's ``info``, as ``(LD, pivots, info)``. Needs SciPy in Ember."""
    matrices("torch.linalg.ldl_factor_ex", A)
    ld, piv, info = LdlFactor.apply(A, hermitian=hermitian)
    if check_errors:
        _raise_singular(A, info)
    return R.linalg_ldl_factor_ex(ld, piv, info)


@accepts_out
def ldl_factor(A, *, hermitian=False):
    """The compact LDL factorisation with pivoting, as ``(LD, pivots)``; raises for a singular matrix.
    Needs SciPy in Ember."""
    ld, piv, info = ldl_factor_ex(A, hermitian=hermitian)
    _raise_singular(A, info)
    return R.linalg_ldl_factor(ld, piv)


def _raise_singular(A, info):
    bad = first_singular(info._data)
    if bad is not None:
        raise LinAlgError(f"torch.linalg.ldl_factor: {batch_index(A.shape)(bad[0])}The factorization could not be "
                          f"completed because the input is singular (D[{bad[1]},{bad[1]}] is zero).")


@accepts_out
def ldl_solve(LD, pivots, B_, *, hermitian=False):
    """The solution ``X`` of ``A X = B`` from the ``LD`` and ``pivots`` of
    :func:`ember.linalg.ldl_factor`. Needs SciPy in Ember."""
    matrices("torch.linalg.ldl_solve", LD)
    if B_._data.ndim < 2:
        raise RuntimeError("torch.linalg.ldl_solve: Expected B to have at least 2 dimensions, but it has "
                           f"{B_._data.ndim} dimensions instead")
    if LD._data.dtype != B_._data.dtype:
        raise RuntimeError(f"torch.linalg.ldl_solve: Expected LD and B to have the same dtype, but found LD of type "
                           f"{LD.dtype_short()} and B of type {B_.dtype_short()} instead")
    return LdlSolve.apply(LD, pivots, B_, hermitian=hermitian)

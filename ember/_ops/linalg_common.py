"""What the linear-algebra ops share: ``LinAlgError``, PyTorch's input checks, the array module
of an input, and the matrix helpers that backward formulas are written with.

Backward formulas here work on the arrays of the inputs through their array module (``xp``),
so the same formula runs on NumPy and on CuPy arrays.
"""
import numpy as np

from .. import _arraylib as B
from .conjugate import is_complex
from .op_helpers import xp_of


class LinAlgError(RuntimeError):
    """A factorisation or solve failed on the values of its input (a singular or not
    positive-definite matrix); ``ember.linalg.LinAlgError``, a RuntimeError as in PyTorch."""


LinAlgError.__module__ = "ember.linalg"


def mT(a):
    """The transpose of the last two dimensions of an array."""
    return a.swapaxes(-1, -2)


def mH(a):
    """The conjugate transpose of the last two dims (the transpose for real arrays)."""
    return a.swapaxes(-1, -2).conj() if is_complex(a) else a.swapaxes(-1, -2)


def eye_like(a, n=None):
    """An identity matrix of ``a``'s dtype and array module (n by n, n = a's last dim by default)."""
    return xp_of(a).eye(a.shape[-1] if n is None else n, dtype=a.dtype)


def diag_embed(v):
    """Batches of diagonal matrices with ``v``'s last dim on the diagonal."""
    n = v.shape[-1]
    xp = xp_of(v)
    out = xp.zeros(v.shape + (n,), v.dtype)
    idx = xp.arange(n)
    out[..., idx, idx] = v
    return out


def batch_index(shape):
    """' (Batch element i)' prefixes are PyTorch's for batched inputs; the index of flat position k."""
    return lambda k: f"(Batch element {k}): " if len(shape) > 2 else ""


# ----------------------------------------------------------------- checks


# The LAPACK kernel PyTorch names when it refuses a float16 input (NumPy's LAPACK has no half precision either)
_HALF_KERNELS = {"linalg.det": "lu_cpu", "linalg.lu_factor_ex": "lu_cpu", "linalg.cholesky": "cholesky_cpu",
                 "linalg.eigh": "linalg_eigh_cpu", "linalg.eigvalsh": "linalg_eigh_cpu",
                 "linalg.eig": "linalg_eig_out_cpu", "linalg.eigvals": "linalg_eig_out_cpu",
                 "linalg.svd": "linalg_svd_cpu", "linalg.svdvals": "linalg_svd_cpu", "linalg.cond": "linalg_svd_cpu",
                 "linalg.qr": "geqrf_cpu", "geqrf": "geqrf_cpu", "svd": "linalg_svd_cpu", "linalg.solve": "lu_cpu",
                 "linalg.solve_triangular": "triangular_solve_cpu", "torch.linalg.ldl_factor_ex": "ldl_factor_kernel_cpu"}
_FLOAT_DOUBLE_ONLY = ("linalg.lstsq", "linalg.matrix_rank")


def floating(name, A, what="input", half=False):
    """PyTorch's errors for integer or bool inputs to linear-algebra functions, and for float16 ones
    unless the function takes them (``half``)."""
    if A._data.dtype.kind not in "fc":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as {what}. Got {A.dtype_short()}")
    if A._data.dtype == np.float16 and not half:
        if name in _HALF_KERNELS:
            raise NotImplementedError(f'"{_HALF_KERNELS[name]}" not implemented for \'Half\'')
        if name in _FLOAT_DOUBLE_ONLY:
            raise RuntimeError("This function doesn't handle types other than float and double")
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got Half")


def matrices(name, A, square=True, what="A", half=False):
    """At least 2 dims (and square last two dims where ``square``), floating dtype."""
    shape = A._data.shape
    if len(shape) < 2:
        raise RuntimeError(f"{name}: The input tensor {what} must have at least 2 dimensions.")
    if square and shape[-1] != shape[-2]:
        raise RuntimeError(f"{name}: {what} must be batches of square matrices, but they are {shape[-2]} by "
                           f"{shape[-1]} matrices")
    floating(name, A, half=half)


def same_dtype(name, A, B_):
    """Raise PyTorch's error when ``A`` and ``B_`` differ in dtype."""
    if A._data.dtype != B_._data.dtype:
        raise RuntimeError(f"{name}: Expected A and B to have the same dtype, but found A of type "
                           f"{A.dtype_short()} and B of type {B_.dtype_short()} instead")


# ----------------------------------------------------------------- LU with partial pivoting


def lu_factor_arrays(a):
    """LU factorisation with partial pivoting of a batch of m x n matrices, as LAPACK's getrf computes it
    (NumPy exposes no LU): returns the packed LU, 1-based pivots (int32) and info, the 1-based index of
    the first zero pivot per matrix (0 when none). The batch is eliminated together, one column at a time."""
    xp = xp_of(a)
    lu = a.astype(a.dtype, copy=True)
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    flat = lu.reshape((-1, m, n))
    rows = xp.arange(flat.shape[0])
    piv = xp.zeros((flat.shape[0], k), np.int32)
    info = xp.zeros(flat.shape[0], np.int32)
    for j in range(k):
        p = j + xp.abs(flat[:, j:, j]).argmax(axis=1)
        piv[:, j] = p + 1
        swap = flat[rows, p].copy()
        flat[rows, p] = flat[:, j]
        flat[:, j] = swap
        pivot = flat[:, j, j]
        zero = pivot == 0
        info = xp.where((info == 0) & zero, j + 1, info)
        # a zero pivot is the column's largest entry, so the column below it is zero too: dividing by 1 keeps it
        flat[:, j + 1:, j] /= xp.where(zero, 1, pivot)[:, None]
        flat[:, j + 1:, j + 1:] -= flat[:, j + 1:, j, None] * flat[:, j, None, j + 1:]
    return flat.reshape(lu.shape), piv.reshape(batch + (k,)), info.reshape(batch)


def pivots_to_permutation(piv, m, dtype):
    """The permutation matrices P (A = P L U) of 1-based LAPACK pivots (row swaps applied in order)."""
    xp = xp_of(piv)
    batch, k = piv.shape[:-1], piv.shape[-1]
    flat = piv.reshape((-1, k)) - 1
    perm = xp.broadcast_to(xp.arange(m), (flat.shape[0], m)).copy()
    rows = xp.arange(flat.shape[0])
    for j in range(k):
        p = flat[:, j]
        swap = perm[rows, p].copy()
        perm[rows, p] = perm[:, j]
        perm[:, j] = swap
    # row i of P A is row perm[i] of A, so P (with A = P L U) has P[perm[i], i] = 1
    P = xp.zeros((flat.shape[0], m, m), dtype)
    P[rows[:, None], perm, xp.arange(m)[None, :]] = 1
    return P.reshape(batch + (m, m))


def unpack_lu(lu):
    """L (unit lower, m x k) and U (upper, k x n) of a packed LU."""
    xp = xp_of(lu)
    m, n = lu.shape[-2:]
    k = min(m, n)
    L = xp.tril(lu[..., :, :k], -1) + xp.eye(m, k, dtype=lu.dtype)
    U = xp.triu(lu[..., :k, :])
    return L, U


def first_singular(info):
    """(flat batch index, 1-based element) of the first nonzero LAPACK info, or None."""
    flat = B.to_numpy(info).reshape(-1)
    bad = np.flatnonzero(flat)
    return None if bad.size == 0 else (int(bad[0]), int(flat[bad[0]]))

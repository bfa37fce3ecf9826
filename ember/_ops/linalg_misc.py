"""The rest of torch.linalg: pinv, lstsq, matrix_power/rank/exp, cross, multi_dot, tensorsolve/tensorinv,
vander, vecdot, diagonal and householder_product. Most are compositions of other ops, which gives
them their gradients; pinv, matrix_exp, cross and diagonal are ops with formulas of their own."""
import math

import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from . import linalg_results as R
from .comparison import where
from .creation import ones
from .join import cat
from .linalg import matmul
from .linalg_common import eye_like, floating, mH, matrices
from .linalg_decomp import eigvalsh, svdvals
from .linalg_solve import inv, solve
from .op import Op
from .op_helpers import accepts_out, xp_of
from .triangular import tril

_wrap = Tensor._wrap


def _tolerance(s, shape, atol, rtol):
    """PyTorch's cut-off for singular values: max(atol, rtol * largest); rtol defaults to eps * max(m, n)
    when atol is not given (or zero), and to zero otherwise."""
    xp = xp_of(s)
    atol_given = atol is not None and not (not isinstance(atol, Tensor) and atol == 0)
    if rtol is None:
        rtol = 0.0 if atol_given else np.finfo(s.dtype).eps * max(shape[-2:])
    atol = 0.0 if atol is None else atol
    atol, rtol = (t._data if isinstance(t, Tensor) else t for t in (atol, rtol))
    largest = s.max(axis=-1, initial=0) if s.shape[-1] else xp.zeros(s.shape[:-1], s.dtype)
    return xp.maximum(atol, rtol * largest)


def _constant_like(value, A):
    """``value`` (broadcast to A's shape) as a function of A with a zero gradient, as PyTorch's results that
    do not depend on their input (A^0, an empty Householder product) still carry a graph."""
    return where(_wrap(xp_of(A._data).asarray(True)), value, A)


# ----------------------------------------------------------------- pseudo-inverse and least squares


class Pinv(Op):
    def forward(ctx, a, atol, rtol, hermitian):
        xp = xp_of(a)
        if hermitian:
            w, v = xp.linalg.eigh(a)
            tol = _tolerance(xp.abs(w), a.shape, atol, rtol)
            keep = xp.abs(w) > tol[..., None]
            x = (v * xp.where(keep, 1 / xp.where(keep, w, 1), 0)[..., None, :]) @ mH(v)
        else:
            u, s, vh = xp.linalg.svd(a, full_matrices=False)
            tol = _tolerance(s, a.shape, atol, rtol)
            keep = s > tol[..., None]
            x = (mH(vh) * xp.where(keep, 1 / xp.where(keep, s, 1), 0)[..., None, :]) @ mH(u)
        ctx.save_for_backward(a, x)
        return x

    def backward(ctx, g):
        """gA = -X^H g X^H + (I - A X) g^H X X^H + X^H X g^H (I - X A), X = pinv(A) (constant rank)."""
        a, x = ctx.saved_tensors
        xh, gh = mH(x), mH(g)
        return (-(xh @ g @ xh) + (eye_like(a, a.shape[-2]) - a @ x) @ gh @ (x @ xh)
                + (xh @ x) @ gh @ (eye_like(a) - x @ a))


@accepts_out
def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """The Moore-Penrose pseudo-inverse, with singular values below ``max(atol, rtol * largest)`` treated as
    zero; ``hermitian`` uses an eigendecomposition."""
    matrices("linalg.pinv", A, square=hermitian)
    return Pinv.apply(A, atol=atol, rtol=rtol, hermitian=hermitian)


def pinverse(input, rcond=1e-15):
    """The pseudo-inverse, singular values below ``rcond`` times the largest treated as zero."""
    return pinv(input, rtol=rcond)


def lstsq(A, B, rcond=None, *, driver=None):
    """The minimum-norm least-squares solution pinv(A) B (LAPACK's gelsy gives the same for full-rank A),
    with the rank, residuals and singular values that each driver reports in PyTorch."""
    matrices("linalg.lstsq", A, square=False, what="input")
    driver = driver or "gelsy"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    vector = B._data.ndim == A._data.ndim - 1
    b = B.unsqueeze(-1) if vector else B
    if A._data.shape[-2] != b._data.shape[-2]:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    m, n = A._data.shape[-2:]
    rtol = rcond if rcond is not None and rcond > 0 else np.finfo(A._data.dtype).eps * max(m, n)
    x = pinv(A, rtol=rtol) @ b
    dt = A._data.dtype
    xp = xp_of(A._data)
    empty = _wrap(xp.zeros(0, dt))
    rank = matrix_rank(A, rtol=rtol) if driver != "gels" else _wrap(xp.zeros(0, np.int64))
    sv = svdvals(A).detach() if driver in ("gelsd", "gelss") else empty
    residuals = empty
    full_rank = driver == "gels" or bool((rank._data == n).all())  # gels assumes it and reports no rank
    if driver != "gelsy" and m > n and full_rank:
        residuals = ((A @ x - b).abs() ** 2).sum(-2)
    if vector:
        x = x.squeeze(-1)
    return R.linalg_lstsq(x, residuals, rank, sv)


# ----------------------------------------------------------------- powers, rank, exponential


@accepts_out
def matrix_power(A, n):
    """``A ** n`` by repeated squaring (powers of the inverse for negative n); ``n = 0`` is the identity."""
    if A._data.ndim < 2 or A._data.shape[-1] != A._data.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are "
                           f"{A._data.shape[-2] if A._data.ndim > 1 else A._data.shape[-1]} by "
                           f"{A._data.shape[-1]} matrices")
    if n == 0:
        return _constant_like(_wrap(eye_like(A._data)), A)
    if n < 0:
        A, n = inv(A), -n
    result = None
    while n:
        if n & 1:
            result = A if result is None else matmul(result, A)
        n >>= 1
        if n:
            A = matmul(A, A)
    return result


@accepts_out
def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None):
    """The number of singular values (absolute eigenvalues with ``hermitian``) above
    ``max(atol, rtol * largest)``; ``tol`` is the older form of ``atol``."""
    matrices("linalg.matrix_rank", A, square=hermitian)
    if tol is not None:
        atol, rtol = tol, 0.0
    s = (eigvalsh(A).abs() if hermitian else svdvals(A)).detach()._data
    cut = _tolerance(s, A._data.shape, atol, rtol)
    return _wrap(xp_of(s).asarray((s > cut[..., None]).sum(-1), np.int64))


def _expm(a):
    """exp(A) by scaling and squaring with a degree-18 Taylor sum (NumPy has no expm)."""
    xp = xp_of(a)
    norm = xp.abs(a).sum(-2).max(-1) if a.size else xp.zeros(a.shape[:-2])
    squarings = int(max(0, math.ceil(math.log2(float(norm.max()) + 1e-300)) + 1)) if norm.size else 0
    a = a / (2.0 ** squarings)
    term = result = xp.broadcast_to(eye_like(a), a.shape).copy()
    for k in range(1, 19):
        term = term @ a / k
        result = result + term
    for _ in range(squarings):
        result = result @ result
    return result


class MatrixExp(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return _expm(a)

    def backward(ctx, g):
        """The derivative of exp at A in direction g^H is the top-right block of exp([[A^H, g], [0, A^H]])."""
        a, = ctx.saved_tensors
        xp = xp_of(a)
        n = a.shape[-1]
        ah = xp.broadcast_to(mH(a), np.broadcast_shapes(a.shape, g.shape))
        top = xp.concatenate([ah, xp.broadcast_to(g, ah.shape)], -1)
        bottom = xp.concatenate([xp.zeros_like(ah), ah], -1)
        return _expm(xp.concatenate([top, bottom], -2))[..., :n, n:]


def matrix_exp(A):
    """The matrix exponential of a square matrix or of each in a batch."""
    matrices("linalg.matrix_exp", A, half=True)
    return MatrixExp.apply(A)


# ----------------------------------------------------------------- products


class Cross(Op):
    def forward(ctx, a, b, axis):
        ctx.axis = axis
        ctx.save_for_backward(a, b)
        return xp_of(a).cross(a, b, axis=axis)

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        xp = xp_of(a)
        return xp.cross(b, g, axis=ctx.axis), xp.cross(g, a, axis=ctx.axis)


@accepts_out
def cross(input, other, *, dim=-1):
    """The cross product of 3-vectors along ``dim``, broadcasting the other dimensions."""
    if input._data.ndim != other._data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    sa, sb = input._data.shape, other._data.shape
    if sa[dim] != 3 or sb[dim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {sa[dim]} and {sb[dim]}")
    shape = np.broadcast_shapes(sa, sb)
    input, other = input.expand(*shape), other.expand(*shape)
    dt = B.promote_types(input.dtype, other.dtype)
    return Cross.apply(input.to(dt), other.to(dt), axis=dim % len(shape))


@accepts_out
def multi_dot(tensors):
    """A chain of matrix products; a 1-D first (last) operand is a row (column) vector and its dim is dropped."""
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    first, last = tensors[0]._data.ndim == 1, tensors[-1]._data.ndim == 1
    for i, t in enumerate(tensors):
        allowed = (1, 2) if i in (0, len(tensors) - 1) else (2,)
        if t._data.ndim not in allowed:
            where = "first" if i == 0 else "last" if i == len(tensors) - 1 else None
            raise RuntimeError(f"multi_dot(): the {where} tensor must be 1D or 2D but got {t._data.ndim}D" if where
                               else f"multi_dot(): tensor {i} must be 2D but got {t._data.ndim}D")
    ts = list(tensors)
    if first:
        ts[0] = ts[0].unsqueeze(0)
    if last:
        ts[-1] = ts[-1].unsqueeze(-1)
    result = ts[0]
    for t in ts[1:]:
        result = matmul(result, t)
    if first:
        result = result.squeeze(0)
    if last:
        result = result.squeeze(-1)
    return result


@accepts_out
def vecdot(x, y, *, dim=-1):
    """sum(conj(x) * y) along ``dim``, broadcasting."""
    if x._data.dtype != y._data.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x of type "
                           f"{x.dtype_short()} and y of type {y.dtype_short()} instead")
    return (x.conj() * y).sum(dim) if x._data.dtype.kind == "c" else (x * y).sum(dim)


def vander(x, *, N=None):
    """Columns x^0, x^1, ..., x^(N-1) (increasing powers), by cumulative products."""
    if x._data.ndim < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension")
    n = x._data.shape[-1] if N is None else N
    if n < 1:
        raise RuntimeError("N must be greater than 1.")
    x = x if x._data.dtype != np.bool_ else x.long()
    powers = x.unsqueeze(-1).expand(*x.shape, n - 1)
    return cat([ones(*x.shape, 1, dtype=x.dtype), powers], -1).cumprod(-1)


# ----------------------------------------------------------------- tensor equations


@accepts_out
def tensorinv(A, ind=2):
    """The inverse of ``A`` seen as a linear map from its last dimensions (from ``ind`` on) to its first,
    in the shape ``A.shape[ind:] + A.shape[:ind]``."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    out_shape, in_shape = A.shape[:ind], A.shape[ind:]
    rows, cols = math.prod(out_shape), math.prod(in_shape)
    if rows != cols:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {cols} != {rows}")
    return inv(A.reshape(rows, cols)).reshape(*in_shape, *out_shape)


@accepts_out
def tensorsolve(A, B, dims=None):
    """The ``X`` with ``tensordot(A, X, X.ndim) == B``; ``dims`` moves those dimensions of ``A`` to
    the end first."""
    if dims is not None:
        nd = A._data.ndim
        dims = [d % nd for d in dims]
        A = A.movedim(dims, list(range(nd - len(dims), nd)))
    x_shape = A.shape[B._data.ndim:]
    n = math.prod(x_shape)
    if math.prod(B.shape) != n:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {n} != {math.prod(B.shape)}")
    return solve(A.reshape(n, n), B.reshape(n)).reshape(*x_shape)


# ----------------------------------------------------------------- diagonals and Householder products


class Diagonal(Op):
    def forward(ctx, a, offset, dim1, dim2):
        ctx.params = offset, dim1, dim2
        ctx.shape = a.shape
        return xp_of(a).diagonal(a, offset, dim1, dim2).copy()

    def backward(ctx, g):
        offset, dim1, dim2 = ctx.params
        xp = xp_of(g)
        z = xp.zeros(ctx.shape, g.dtype)
        moved = xp.moveaxis(z, (dim1, dim2), (-2, -1))  # a view: writing into it writes into z
        n = g.shape[-1]
        idx = xp.arange(n)
        moved[..., idx + max(-offset, 0), idx + max(offset, 0)] = g
        return z


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonal at ``offset`` between ``dim1`` and ``dim2`` (the last two by default). Ember returns a
    copy where PyTorch returns a view."""
    nd = A._data.ndim
    d1, d2 = dim1 % nd, dim2 % nd
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(A, offset=offset, dim1=d1, dim2=d2)


@accepts_out
def householder_product(A, tau, *, complete=False):
    """Q = H_1 ... H_k, H_i = I - tau_i v_i v_i^H with v_i the i-th column of A below the diagonal and a
    unit diagonal entry: the first n columns of the product, as LAPACK's orgqr forms them (all m
    columns with ``complete``, which ormqr multiplies by)."""
    if A._data.ndim < 2:
        raise RuntimeError("torch.linalg.householder_product: input must have at least 2 dimensions.")
    m, n = A._data.shape[-2:]
    k = tau._data.shape[-1]
    if m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if k > n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    floating("torch.linalg.householder_product", A)
    xp = xp_of(A._data)
    v = tril(A, -1) + _wrap(xp.eye(m, n, dtype=A._data.dtype))
    q = _wrap(xp.broadcast_to(xp.eye(m, dtype=A._data.dtype), A._data.shape[:-2] + (m, m)).copy())
    for i in range(k):
        vi = v[..., :, i:i + 1]
        q = q - matmul(q @ vi, vi.mT.conj() if vi.is_complex() else vi.mT) * tau[..., i, None, None]
    if complete:
        return q
    return q[..., :, :n] if k else _constant_like(q[..., :, :n], A)

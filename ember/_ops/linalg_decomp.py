"""Matrix decompositions: eigh/eigvalsh, svd/svdvals and qr, with PyTorch's backward formulas.

Eigenvectors and singular vectors are defined up to a sign (a phase for complex inputs), so
their gradients are meaningful for losses that do not depend on that choice, as in PyTorch.
"""
import numpy as np

from .._tensor import Tensor
from . import linalg_results as R
from .linalg_common import diag_embed, mH, matrices
from .op import Op
from .op_helpers import accepts_out, xp_of

_wrap = Tensor._wrap


def _off_diagonal_quotient(num, den):
    """num / den with the diagonal of den taken as 1 (the diagonal of the result is then replaced)."""
    den = den.copy()
    idx = xp_of(den).arange(den.shape[-1])
    den[..., idx, idx] = 1
    return num / den


# ----------------------------------------------------------------- symmetric eigenproblem


class Eigh(Op):
    def forward(ctx, a, uplo):
        w, v = xp_of(a).linalg.eigh(a, UPLO=uplo)
        ctx.save_for_backward(w, v)
        return w, v

    def backward(ctx, gw, gv):
        """gA = V (diag(gw) + skew(V^H gV) / (w_j - w_i)) V^H, skew(X) = (X - X^H) / 2."""
        w, v = ctx.saved_tensors
        vhgv = mH(v) @ gv
        inner = _off_diagonal_quotient(0.5 * (vhgv - mH(vhgv)), w[..., None, :] - w[..., :, None])
        idx = xp_of(w).arange(w.shape[-1])
        inner[..., idx, idx] = gw
        return v @ inner @ mH(v)


@accepts_out
def eigh(A, UPLO="L"):
    """The eigenvalues (ascending) and eigenvectors of a Hermitian or real symmetric matrix, read from its lower
    (``UPLO="L"``) or upper triangle, as ``(eigenvalues, eigenvectors)``."""
    matrices("linalg.eigh", A)
    _uplo(UPLO)
    return R.linalg_eigh(*Eigh.apply(A, uplo=UPLO))


@accepts_out
def eigvalsh(A, UPLO="L"):
    """The eigenvalues, ascending, of a Hermitian or real symmetric matrix read from the triangle ``UPLO``
    names."""
    matrices("linalg.eigvalsh", A)
    _uplo(UPLO)
    return Eigh.apply(A, uplo=UPLO)[0]


def _uplo(uplo):
    if uplo not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {uplo}")


# ----------------------------------------------------------------- general eigenproblem


class Eig(Op):
    """Eigenvalues and unit-norm eigenvectors of a general matrix, always complex (as PyTorch)."""

    def forward(ctx, a):
        xp = xp_of(a)
        w, v = xp.linalg.eig(a)
        dt = np.result_type(a.dtype, np.complex64)
        w, v = w.astype(dt, copy=False), v.astype(dt, copy=False)
        ctx.save_for_backward(w, v)
        return w, v

    def backward(ctx, gw, gv):
        """gA = V^-H (diag(gw) + (V^H gV - V^H V diag(Re(diag(V^H gV)))) / conj(w_j - w_i)) V^H."""
        w, v = ctx.saved_tensors
        xp = xp_of(w)
        vh = mH(v)
        vhgv = vh @ gv
        idx = xp.arange(w.shape[-1])
        vhgv = vhgv - vh @ (v * vhgv[..., idx, idx].real[..., None, :])
        inner = _off_diagonal_quotient(vhgv, (w[..., None, :] - w[..., :, None]).conj())
        inner[..., idx, idx] = gw
        return xp.linalg.solve(vh, inner @ vh)


@accepts_out
def eig(A):
    """The eigenvalues and eigenvectors of a square matrix, complex in general, as ``(eigenvalues, eigenvectors)``."""
    matrices("linalg.eig", A)
    return R.linalg_eig(*Eig.apply(A))


@accepts_out
def eigvals(A):
    """The eigenvalues of a square matrix, complex in general."""
    matrices("linalg.eigvals", A)
    return Eig.apply(A)[0]


# ----------------------------------------------------------------- singular value decomposition


class Svd(Op):
    def forward(ctx, a, full_matrices):
        u, s, vh = xp_of(a).linalg.svd(a, full_matrices=full_matrices)
        ctx.save_for_backward(u, s, vh)
        return u, s, vh

    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.saved_tensors
        k = s.shape[-1]
        u, vh, gu, gvh = u[..., :k], vh[..., :k, :], gu[..., :k], gvh[..., :k, :]
        return svd_grad(u, s, vh, gu, gs, gvh)


def svd_grad(u, s, vh, gu, gs, gvh):
    """The gradient of A = U diag(S) Vh (reduced) for gradients of U, S and Vh."""
    m, n = u.shape[-2], vh.shape[-1]
    v, gv = mH(vh), mH(gvh)
    uhgu = mH(u) @ gu
    uhgu = uhgu - mH(uhgu)
    vhgv = mH(v) @ gv
    vhgv = vhgv - mH(vhgv)
    s2 = s * s
    inner = _off_diagonal_quotient(uhgu * s[..., None, :] + s[..., :, None] * vhgv, s2[..., None, :] - s2[..., :, None])
    idx = xp_of(s).arange(s.shape[-1])
    inner[..., idx, idx] = gs
    if u.dtype.kind == "c":  # the phase of each singular pair: only Im(diag(U^H gU)) / s is left
        inner = inner + diag_embed(uhgu[..., idx, idx] / (2 * s))
    if m > n:  # the part of gU outside U's span
        gus = gu / s[..., None, :]
        return (u @ inner + gus - u @ (mH(u) @ gus)) @ vh
    if m < n:  # the part of gV outside V's span
        gvs = gv / s[..., None, :]
        return u @ (inner @ vh + mH(gvs) - (mH(gvs) @ v) @ vh)
    return u @ inner @ vh


@accepts_out
def svd(A, full_matrices=True, *, driver=None):
    """The singular value decomposition ``A = U diag(S) Vh``, as ``(U, S, Vh)``; ``full_matrices=False`` gives
    the reduced one. ``driver`` is accepted and not used."""
    matrices("linalg.svd", A, square=False)
    return R.linalg_svd(*Svd.apply(A, full_matrices=full_matrices))


@accepts_out
def svdvals(A, *, driver=None):
    """The singular values, in descending order. ``driver`` is accepted and not used."""
    matrices("linalg.svdvals", A, square=False)
    return Svd.apply(A, full_matrices=False)[1]


@accepts_out
def svd_legacy(input, some=True, compute_uv=True):
    """``torch.svd``: V rather than Vh; zero U and V of full size when ``compute_uv`` is False."""
    matrices("svd", input, square=False)
    if not compute_uv:
        m, n = input._data.shape[-2:]
        batch, dt = input._data.shape[:-2], input._data.dtype
        s = Svd.apply(input, full_matrices=False)[1]
        xp = xp_of(input._data)
        return R.svd(_wrap(xp.zeros(batch + (m, m), dt)), s, _wrap(xp.zeros(batch + (n, n), dt)))
    u, s, vh = Svd.apply(input, full_matrices=not some)
    return R.svd(u, s, vh.mT)


# ----------------------------------------------------------------- QR


class Qr(Op):
    def forward(ctx, a, mode):
        q, r = xp_of(a).linalg.qr(a, mode="complete" if mode == "complete" else "reduced")
        ctx.mode = mode
        ctx.save_for_backward(a, q, r)
        return q, r

    def backward(ctx, gq, gr):
        a, q, r = ctx.saved_tensors
        m, n = a.shape[-2:]
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        if m >= n:
            return _qr_grad_tall(q, r, gq, gr)
        # A = [X | Y] with X square: X = Q U, Y = Q V; Y's dependence on Q enters X's gradient
        y, gu, gv = a[..., m:], gr[..., :m], gr[..., m:]
        gx = _qr_grad_tall(q, r[..., :m], gq + y @ mH(gv), gu)
        return xp_of(a).concatenate([gx, q @ gv], -1)


def _qr_grad_tall(q, r, gq, gr):
    """A = Q R with m >= n: gA = (gQ + Q copyltu(M)) R^-H, M = R gR^H - gQ^H Q,
    copyltu(M) the Hermitian matrix with M's lower triangle."""
    xp = xp_of(q)
    M = r @ mH(gr) - mH(gq) @ q
    low = xp.tril(M, -1)
    sym = low + mH(low) + diag_embed(xp.diagonal(M, 0, -2, -1).real.astype(M.dtype))
    b = gq + q @ sym
    # b R^-H: solve R X^H = b^H
    return mH(xp.linalg.solve(r, mH(b)))


@accepts_out
def qr(A, mode="reduced"):
    """The QR decomposition ``A = Q R`` (``mode`` ``"reduced"``, ``"complete"``, or ``"r"`` for R alone with an
    empty Q), as ``(Q, R)``."""
    matrices("linalg.qr", A, square=False)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
                           "'r', or 'complete'")
    q, r = Qr.apply(A, mode=mode)
    if mode == "r":
        q = _wrap(xp_of(A._data).zeros(0, A._data.dtype))
    return R.linalg_qr(q, r)


@accepts_out
def qr_legacy(input, some=True):
    """The QR decomposition as ``(Q, R)``, reduced unless ``some=False``: the older form of
    :func:`ember.linalg.qr`."""
    q, r = qr(input, "reduced" if some else "complete")
    return R.qr(q, r)

"""Complex inputs and results: eig/eigvals (complex even for real matrices), and the decompositions
and solvers on complex64/complex128 matrices, compared with PyTorch through real views so that the
shared helper checks values, dtypes and the gradients of the real inputs."""
import pytest
from diff import check, gradcheck64

torch = pytest.importorskip("torch")


def vr(m, z):
    return m.view_as_real(z.resolve_conj()) if z.is_complex() else z


def cm(m, a):
    """A well-conditioned complex matrix (batch) from real pairs."""
    z = m.view_as_complex(a)
    return z + z.shape[-1] * m.eye(z.shape[-1], dtype=z.dtype)


def herm(m, a):
    z = m.view_as_complex(a)
    return z @ z.mH + z.shape[-1] * m.eye(z.shape[-1], dtype=z.dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_eig_of_real_matrices(dtype):
    # a symmetric-plus-shift matrix has real, well-separated eigenvalues; LAPACKs may list them in any order
    check(lambda m, a: m.sort(m.linalg.eigvals(a @ a.mT + m.diag(m.arange(4, dtype=a.dtype) * 3)).real).values,
          [(4, 4)], dtype=dtype, atol=1e-4, rtol=1e-4)
    check(lambda m, a: m.linalg.eig(a).eigenvectors.abs(), [(2, 4, 4)], dtype=dtype, atol=1e-4, grad=False)
    check(lambda m, a: vr(m, _rebuild(m, *m.linalg.eig(a))), [(3, 3)], dtype=dtype, atol=1e-4, grad_atol=1e-3)


def _rebuild(m, w, v):
    """V diag(w^2) V^-1 = A^2: independent of the eigenvectors' scaling and order."""
    return m.linalg.solve(v.mT, (v * (w * w).unsqueeze(-2)).mT).mT


def test_eig_gradcheck():
    gradcheck64(lambda m, a: m.view_as_real(_rebuild(m, *m.linalg.eig(a))), [(3, 3)])
    gradcheck64(lambda m, a: m.linalg.eigvals(a).abs(), [(3, 3)])


@pytest.mark.parametrize("fn", [
    lambda m, a: vr(m, m.linalg.inv(cm(m, a))),
    lambda m, a: vr(m, m.linalg.det(cm(m, a))),
    lambda m, a: m.linalg.slogdet(cm(m, a)).logabsdet,
    lambda m, a: vr(m, m.linalg.solve(cm(m, a), m.view_as_complex(a)[..., 0])),
    lambda m, a: vr(m, m.linalg.cholesky(herm(m, a))),
    lambda m, a: m.linalg.eigvalsh(herm(m, a)),
    lambda m, a: m.linalg.svdvals(m.view_as_complex(a)),
    lambda m, a: m.linalg.matrix_norm(m.view_as_complex(a), "nuc"),
    lambda m, a: m.linalg.vector_norm(m.view_as_complex(a), 3),
    lambda m, a: vr(m, m.linalg.pinv(m.view_as_complex(a))),
    lambda m, a: vr(m, m.linalg.matrix_exp(m.view_as_complex(a))),
    lambda m, a: vr(m, _eigh_rebuild(m, herm(m, a))),
    lambda m, a: vr(m, _svd_rebuild(m, m.view_as_complex(a))),
])
def test_complex_matrices(fn):
    check(fn, [(2, 3, 3, 2)], atol=1e-4, rtol=1e-4, grad_atol=1e-3, grad_rtol=1e-3)
    gradcheck64(fn, [(2, 3, 3, 2)])


def _eigh_rebuild(m, h):
    w, v = m.linalg.eigh(h)
    return (v * w.unsqueeze(-2) ** 2) @ v.mH


def _svd_rebuild(m, z):
    u, s, vh = m.linalg.svd(z, full_matrices=False)
    return (u * s.unsqueeze(-2) ** 2) @ u.mH + vh.mH @ vh


def test_complex_qr():
    check(lambda m, a: m.linalg.qr(m.view_as_complex(a)).R.abs(), [(4, 3, 2)], atol=1e-4, grad=False)

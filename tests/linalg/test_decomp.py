"""eigh/eigvalsh, svd/svdvals and qr against PyTorch. Eigen- and singular vectors are fixed only up to
sign, so the comparisons use quantities that do not depend on it (as PyTorch's docs recommend for
gradients): reconstructions, projectors, absolute values, and losses built from them."""
import pytest
from diff import check, gradcheck64

import ember

torch = pytest.importorskip("torch")


def sym(m, a):
    return a + a.mT


@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3), (0, 3, 3)])
def test_eigh_values_and_invariant_gradients(shape):
    check(lambda m, a: m.linalg.eigvalsh(sym(m, a)), [shape], atol=1e-5)
    check(lambda m, a: m.linalg.eigh(sym(m, a)).eigenvalues, [shape], atol=1e-5)
    # |V| and V diag(f(w)) V^T do not depend on the signs of the eigenvectors
    check(lambda m, a: m.linalg.eigh(sym(m, a)).eigenvectors.abs(), [shape], atol=1e-4, grad=False)
    check(lambda m, a: _rebuild(m, *m.linalg.eigh(sym(m, a))), [shape], atol=1e-4, grad_atol=1e-3)


def _rebuild(m, w, v):
    return (v * m.exp(w).unsqueeze(-2)) @ v.mT


def test_eigh_upper_triangle():
    check(lambda m, a: m.linalg.eigvalsh(a, UPLO="U"), [(3, 3)], atol=1e-5)
    check(lambda m, a: m.linalg.eigvalsh(a, UPLO="X"), [(3, 3)], grad=False)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3), (0, 2, 2)])
@pytest.mark.parametrize("full", [True, False])
def test_svd(shape, full):
    check(lambda m, a: m.linalg.svdvals(a), [shape], atol=1e-5, grad_atol=1e-4)
    check(lambda m, a: m.linalg.svd(a, full_matrices=full).S, [shape], atol=1e-5, grad_atol=1e-4)
    check(lambda m, a: _leading_abs(*m.linalg.svd(a, full_matrices=full)), [shape], atol=1e-4, grad=False)
    # U diag(s^2) U^H and the projector Vh^H Vh: gauge-invariant functions of both vector sets
    check(lambda m, a: _svd_invariants(m, a), [shape], atol=1e-4, grad_atol=1e-3)


def _leading_abs(u, s, vh):
    """|U| and |Vh| on the singular pairs (the completion of a full U or Vh is any orthonormal basis)."""
    k = s.shape[-1]
    return u[..., :k].abs(), s, vh[..., :k, :].abs(), u.shape, vh.shape


def _svd_invariants(m, a):
    u, s, vh = m.linalg.svd(a, full_matrices=False)
    return (u * (s * s).unsqueeze(-2)) @ u.mT, (vh.mT * s.unsqueeze(-2)) @ vh


def test_legacy_svd():
    check(lambda m, a: [x.abs() for x in m.svd(a)], [(2, 5, 3)], atol=1e-4, grad=False)
    check(lambda m, a: [x.abs() for x in m.svd(a, some=False)], [(5, 3)], atol=1e-4, grad=False)
    check(lambda m, a: m.svd(a, compute_uv=False), [(3, 5)], atol=1e-4)
    check(lambda m, a: (lambda u, s, v: (u * s.unsqueeze(-2)) @ v.mT)(*m.svd(a)), [(5, 3)], atol=1e-4)


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3), (2, 3, 4)])
@pytest.mark.parametrize("mode", ["reduced", "complete", "r"])
def test_qr(shape, mode):
    grad = not (mode == "r" or (mode == "complete" and shape[-2] > shape[-1]))
    check(lambda m, a: m.linalg.qr(a, mode=mode), [shape], atol=1e-4, grad=grad)


def test_qr_legacy_and_errors():
    check(lambda m, a: m.qr(a), [(4, 3)], atol=1e-4)
    check(lambda m, a: m.qr(a, some=False), [(4, 3)], atol=1e-4, grad=False)
    check(lambda m, a: m.linalg.qr(a, mode="full"), [(4, 3)], grad=False)
    for mode in ("r", "complete"):  # both refuse to differentiate, as PyTorch
        a = ember.randn(4, 3, requires_grad=True)
        with pytest.raises(RuntimeError):
            ember.linalg.qr(a, mode=mode).R.sum().backward()


@pytest.mark.parametrize("fn", [
    lambda m, a: m.linalg.eigvalsh(sym(m, a)),
    lambda m, a: _rebuild(m, *m.linalg.eigh(sym(m, a))),
    lambda m, a: m.linalg.svdvals(a),
    lambda m, a: _svd_invariants(m, a),
    lambda m, a: m.linalg.qr(a),
    lambda m, a: m.linalg.qr(a.mT),
])
def test_gradcheck(fn):
    gradcheck64(fn, [(2, 4, 3)]) if fn.__code__.co_names.count("sym") == 0 else gradcheck64(fn, [(2, 3, 3)])


@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_full_svd_gradient_uses_the_singular_pairs(shape):
    # squares of the vectors' entries do not depend on their signs; columns past k are any completion
    check(lambda m, a: (lambda u, s, vh: ((u[..., :3] ** 2) * s[..., None, :], vh[..., :3, :] ** 2))(
        *m.linalg.svd(a, full_matrices=True)), [shape], atol=1e-4, grad_atol=1e-3, grad_rtol=2e-3)

"""inv, solve, solve_triangular, det/slogdet/logdet, cholesky and the LU family against PyTorch:
values, dtypes, gradients (and finite differences in float64), batches, broadcasting, singular inputs."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand

import ember

torch = pytest.importorskip("torch")


def well(m, a):
    """A well-conditioned square matrix (batch) from a random one: a + n I."""
    return a + a.shape[-1] * m.eye(a.shape[-1], dtype=a.dtype)


def spd(m, a):
    """A symmetric positive-definite matrix (batch) from a random one: a a^T + n I."""
    return a @ a.mT + a.shape[-1] * m.eye(a.shape[-1], dtype=a.dtype)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4), (2, 1, 3, 3), (0, 3, 3), (0, 0)])
def test_inv_det_slogdet(shape):
    check(lambda m, a: m.linalg.inv(well(m, a)), [shape], atol=1e-5)
    check(lambda m, a: m.linalg.det(well(m, a)), [shape], rtol=1e-4)
    check(lambda m, a: m.linalg.slogdet(well(m, a)), [shape], rtol=1e-4)
    check(lambda m, a: m.logdet(spd(m, a)), [shape], rtol=1e-4)


def test_aliases_and_methods():
    check(lambda m, a: (m.inverse(well(m, a)), well(m, a).inverse(), well(m, a).det(), m.det(well(m, a)),
                        m.slogdet(well(m, a)), well(m, a).logdet()), [(2, 3, 3)], rtol=1e-4, atol=1e-5)


def test_logdet_of_negative_determinants():
    a = rand((2, 3, 3)) * 0.1 + np.eye(3, dtype=np.float32)
    a[0] = -a[0]  # det(-B) = -det(B) < 0 for 3 x 3: nan there, with a zero gradient
    assert np.linalg.det(a[0]) < 0 < np.linalg.det(a[1])
    check(lambda m, a: m.logdet(a), [a], rtol=1e-4)


def test_det_of_singular_matrix_has_the_adjugate_gradient():
    """det is 0 at a rank-3 matrix and its derivative there is the (nonzero) cofactor matrix, which
    Ember returns; PyTorch 2.13 returns zeros here, so finite differences are the reference."""
    a = rand((4, 4), "float64")
    a[:, 0] = a[:, 1]
    check(lambda m, a: m.linalg.det(a), [a], grad=False, atol=1e-8)
    t = ember.tensor(a, requires_grad=True)
    assert ember.autograd.gradcheck(ember.linalg.det, [t], eps=1e-6, atol=1e-6)
    assert np.abs(ember.autograd.grad(ember.linalg.det(t), t)[0].numpy()).max() > 0.1


@pytest.mark.parametrize("a_shape,b_shape", [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3)),
                                             ((2, 3, 3), (3, 4)), ((4, 1, 3, 3), (2, 3, 1)), ((3, 3), (5, 3, 2))])
def test_solve_shapes_and_broadcasting(a_shape, b_shape):
    check(lambda m, a, b: m.linalg.solve(well(m, a), b), [a_shape, b_shape], atol=1e-5)


def test_solve_left_false_and_ex():
    check(lambda m, a, b: m.linalg.solve(well(m, a), b, left=False), [(2, 3, 3), (2, 4, 3)], atol=1e-5)
    check(lambda m, a, b: m.linalg.solve_ex(well(m, a), b), [(3, 3), (3, 2)], atol=1e-5)


@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("unit", [True, False])
def test_solve_triangular(upper, left, unit):
    b_shape = (2, 3, 4) if left else (2, 4, 3)
    check(lambda m, a, b: m.linalg.solve_triangular(well(m, a), b, upper=upper, left=left, unitriangular=unit),
          [(2, 3, 3), b_shape], atol=1e-5)


def test_cholesky_family():
    check(lambda m, a: m.linalg.cholesky(spd(m, a)), [(2, 4, 4)], atol=1e-5)
    check(lambda m, a: m.linalg.cholesky(spd(m, a), upper=True), [(4, 4)], atol=1e-5)
    check(lambda m, a: m.linalg.cholesky_ex(spd(m, a)), [(3, 3)], atol=1e-5)
    check(lambda m, a, b: m.cholesky_solve(b, m.linalg.cholesky(spd(m, a))), [(2, 3, 3), (2, 3, 2)], atol=1e-5)
    check(lambda m, a, b: m.cholesky_solve(b, m.linalg.cholesky(spd(m, a), upper=True), upper=True),
          [(3, 3), (3, 2)], atol=1e-5)
    check(lambda m, a: m.cholesky_inverse(m.linalg.cholesky(spd(m, a))), [(3, 3)], atol=1e-5)


def test_lu_family():
    check(lambda m, a: m.linalg.lu_factor(well(m, a)), [(2, 4, 4)], atol=1e-5)
    check(lambda m, a: m.linalg.lu(well(m, a)), [(2, 4, 4)], atol=1e-5)
    check(lambda m, a: m.linalg.lu(a), [(3, 5)], grad=False, atol=1e-5)
    check(lambda m, a: m.linalg.lu(a), [(5, 3)], grad=False, atol=1e-5)
    check(lambda m, a: m.linalg.lu_factor_ex(well(m, a)), [(3, 3)], atol=1e-5)
    check(lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(well(m, a)), b), [(2, 3, 3), (2, 3, 2)], atol=1e-5)
    check(lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(well(m, a)), b, adjoint=True), [(3, 3), (3, 2)],
          atol=1e-5)
    check(lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(well(m, a)), b, left=False), [(3, 3), (2, 3)],
          atol=1e-5)
    check(lambda m, a, b: m.lu_solve(b, *m.linalg.lu_factor(well(m, a))), [(3, 3), (3, 2)], atol=1e-5)
    check(lambda m, a: m.lu_unpack(*m.linalg.lu_factor(a)), [(4, 4)], grad=False, atol=1e-5)


@pytest.mark.parametrize("fn", [
    lambda m, a: m.linalg.inv(well(m, a)),
    lambda m, a: m.linalg.det(a),
    lambda m, a: m.linalg.slogdet(well(m, a))[1],
    lambda m, a: m.linalg.cholesky(spd(m, a)),
    lambda m, a: m.linalg.cholesky(spd(m, a), upper=True),
    lambda m, a: m.linalg.lu_factor(well(m, a))[0],
    lambda m, a: m.linalg.solve_triangular(well(m, a), a, upper=True),
    lambda m, a: m.linalg.solve_triangular(well(m, a), a, upper=False, unitriangular=True, left=False),
    lambda m, a: m.linalg.solve(well(m, a), a.sum(-1)),
])
def test_gradcheck(fn):
    gradcheck64(fn, [(2, 3, 3)])


def test_singular_inputs_raise_linalg_error():
    z = np.zeros((2, 3, 3), np.float32)
    z[1] = np.eye(3)
    for fn in (lambda m, a: m.linalg.inv(a), lambda m, a: m.linalg.solve(a, a), lambda m, a: m.linalg.cholesky(a),
               lambda m, a: m.linalg.inv(a[0]), lambda m, a: m.linalg.cholesky(-a[1])):
        with pytest.raises(torch.linalg.LinAlgError) as t_err:
            fn(torch, torch.tensor(z))
        with pytest.raises(ember.linalg.LinAlgError) as e_err:
            fn(ember, ember.tensor(z))
        assert str(e_err.value) == str(t_err.value)
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)


def test_ex_variants_report_info():
    z = np.zeros((2, 3, 3), np.float32)
    z[1] = np.eye(3)
    for name in ("inv_ex", "cholesky_ex", "lu_factor_ex"):
        e, t = getattr(ember.linalg, name)(ember.tensor(z)), getattr(torch.linalg, name)(torch.tensor(z))
        np.testing.assert_array_equal(e[-1].numpy(), t[-1].numpy())
        assert str(e[-1].dtype) == str(t[-1].dtype)
    e = ember.linalg.solve_triangular(ember.tensor(z[0]), ember.ones(3, 1), upper=True)
    t = torch.linalg.solve_triangular(torch.tensor(z[0]), torch.ones(3, 1), upper=True)
    np.testing.assert_array_equal(e.numpy(), t.numpy())  # a zero diagonal gives inf/nan, no error


@pytest.mark.parametrize("fn", [
    lambda m, a: m.linalg.inv(a[0]),  # not square
    lambda m, a: m.linalg.inv(a[0, 0]),  # 1-D
    lambda m, a: m.linalg.det(a.long()),
    lambda m, a: m.linalg.inv(a.half()),
    lambda m, a: m.linalg.solve(a[:, :2, :2], a),
    lambda m, a: m.linalg.solve(a[:, :2, :2], a[:, :2, :2].double()),
    lambda m, a: m.linalg.solve(a[:, :2, :2], a[:, :2, :2], left=False)[:, :1] @ a[:, :2, :1],
    lambda m, a: m.linalg.cholesky(a),
])
def test_bad_input_errors(fn):
    check(fn, [(2, 2, 3)], grad=False)


def test_second_derivatives():
    a = ember.tensor(rand((3, 3), "float64") + 3 * np.eye(3), requires_grad=True)
    assert ember.autograd.gradgradcheck(ember.linalg.inv, [a])
    with pytest.raises(RuntimeError, match="create_graph=True"):  # formulas on arrays say so plainly
        ember.autograd.gradgradcheck(ember.linalg.det, [a])


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 2)])
def test_lu_of_rectangular_matrices_has_gradients(shape):
    check(lambda m, a: m.linalg.lu_factor(a).LU, [shape], atol=1e-5, grad_atol=1e-4)
    check(lambda m, a: m.linalg.lu(a)[1:], [shape], atol=1e-5, grad_atol=1e-4)
    gradcheck64(lambda m, a: m.linalg.lu_factor(a).LU, [shape])

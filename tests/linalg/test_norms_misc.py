"""Norms, pinv/lstsq, matrix_power/rank/exp, cross, multi_dot, tensor equations, vander, vecdot,
diagonal and householder_product against PyTorch, with gradients and finite differences."""
import math

import numpy as np
import pytest
from diff import check, gradcheck64, rand

import ember

torch = pytest.importorskip("torch")
inf = math.inf


@pytest.mark.parametrize("ord", [2, 1, 3, 0.5, inf, -inf, 0])
@pytest.mark.parametrize("dim,keepdim", [(None, False), (1, True), ((0, 2), False), (-1, False)])
def test_vector_norm(ord, dim, keepdim):
    check(lambda m, a: m.linalg.vector_norm(a, ord, dim, keepdim), [(2, 3, 4)], atol=1e-5)


def test_vector_norm_edge_cases():
    check(lambda m, a: m.linalg.vector_norm(a * 0), [(3, 4)])  # zero gradient at the zero vector
    check(lambda m, a: m.linalg.vector_norm(a, dtype=m.float64), [(3,)])
    check(lambda m, a: m.linalg.vector_norm(a), [(0, 3)])
    check(lambda m, a: m.linalg.vector_norm(a, inf), [(0, 3)], grad=False)
    check(lambda m, a: m.linalg.vector_norm(a, -inf, dim=0), [(0, 3)], grad=False)
    check(lambda m, a: m.linalg.vector_norm(a.long()), [(3,)], grad=False)
    check(lambda m, a: m.linalg.vector_norm(a), [()])
    ties = np.array([[1.0, -3.0, 3.0], [2.0, 2.0, -1.0]], np.float32)  # the max-norm gradient is shared by ties
    check(lambda m, a: m.linalg.vector_norm(a, inf, 1), [ties])


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, -1, inf, -inf])
@pytest.mark.parametrize("shape,dim", [((3, 4), (-2, -1)), ((2, 3, 4), (0, 2)), ((2, 4, 3), (-1, -2))])
def test_matrix_norm(ord, shape, dim):
    check(lambda m, a: m.linalg.matrix_norm(a, ord, dim), [shape], atol=1e-5, grad_atol=1e-4)
    check(lambda m, a: m.linalg.matrix_norm(a, ord, dim, keepdim=True), [shape], atol=1e-5, grad_atol=1e-4)


@pytest.mark.parametrize("args", [dict(), dict(ord=2), dict(ord="fro"), dict(dim=1), dict(dim=(0, 1)),
                                  dict(ord=inf, dim=(0, 1), keepdim=True), dict(ord=1)])
def test_norm(args):
    check(lambda m, a: m.linalg.norm(a, **args), [(3, 4)], atol=1e-5)
    check(lambda m, a: m.linalg.norm(a[0], **{k: v for k, v in args.items() if k == "ord"}), [(3, 4)], atol=1e-5)


def test_norm_and_cond_errors():
    check(lambda m, a: m.linalg.norm(a, ord=2), [(2, 3, 4)], grad=False)
    check(lambda m, a: m.linalg.matrix_norm(a, ord=3), [(3, 4)], grad=False)
    check(lambda m, a: m.linalg.matrix_norm(a, dim=(1, 1)), [(3, 4)], grad=False)
    check(lambda m, a: m.linalg.vector_norm(a, dim=(0, 0)), [(3, 4)], grad=False)


@pytest.mark.parametrize("p", [None, 2, -2, "fro", "nuc", 1, inf, -1])
def test_cond(p):
    # PyTorch 2.13's own backward fails for the norms computed through inv_ex: finite differences check Ember's
    grad = p in (None, 2, -2, "nuc")
    check(lambda m, a: m.linalg.cond(a + 4 * m.eye(4), p), [(2, 4, 4)], rtol=1e-4, atol=1e-5, grad_atol=1e-4,
          grad=grad)
    gradcheck64(lambda m, a: m.linalg.cond(a + 4 * m.eye(4), p), [(2, 4, 4)])
    singular = rand((3, 3))
    singular[:, 0] = 0
    check(lambda m, a: m.linalg.cond(a * 0, p), [(2, 3, 3)], grad=False)
    check(lambda m, a: m.linalg.cond(a, p), [singular], grad=False)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 4, 4), (2, 5, 3)])
def test_pinv(shape):
    # float32 gradients of a pseudo-inverse carry its condition number: compared to 0.2%
    check(lambda m, a: m.linalg.pinv(a), [shape], atol=1e-4, grad_atol=1e-3, grad_rtol=2e-3)
    check(lambda m, a: m.pinverse(a), [shape], atol=1e-4, grad_atol=1e-3, grad_rtol=2e-3)


def test_pinv_tolerances_and_hermitian():
    a = rand((4, 4), "float64")
    a[:, 0] = 0  # rank 3: the cut-off drops one singular value
    check(lambda m, a: m.linalg.pinv(a), [a], grad=False, atol=1e-8)
    check(lambda m, a: m.linalg.pinv(a, atol=0.5), [a], grad=False, atol=1e-8)
    check(lambda m, a: m.linalg.pinv(a, rtol=0.3), [a], grad=False, atol=1e-8)
    check(lambda m, a: m.linalg.pinv(a + a.mT, hermitian=True), [(2, 4, 4)], atol=1e-4, grad_atol=1e-3,
          grad_rtol=2e-3)
    check(lambda m, a: m.linalg.matrix_rank(a), [a], grad=False)
    check(lambda m, a: m.linalg.matrix_rank(a, hermitian=True), [a @ a.T], grad=False)
    check(lambda m, a: m.linalg.matrix_rank(a, atol=1.0, rtol=0.1), [(3, 4, 4)], grad=False)
    check(lambda m, a: m.linalg.matrix_rank(a), [(3, 5, 2)], grad=False)


@pytest.mark.parametrize("driver", [None, "gels", "gelsy", "gelsd", "gelss"])
@pytest.mark.parametrize("shapes", [[(5, 3), (5, 2)], [(2, 5, 3), (2, 5, 1)],
                                    [rand((3, 3)) + 3 * np.eye(3, dtype=np.float32), (3, 2)]])
def test_lstsq(driver, shapes):
    check(lambda m, a, b: m.linalg.lstsq(a, b, driver=driver), shapes, atol=1e-3, rtol=1e-3, grad_atol=1e-3,
          grad_rtol=1e-3)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 6, -1, -3])
def test_matrix_power(n):
    check(lambda m, a: m.linalg.matrix_power(a + 3 * m.eye(3), n), [(2, 3, 3)], rtol=1e-4, atol=1e-4)
    check(lambda m, a: (a + 3 * m.eye(3)).matrix_power(n), [(3, 3)], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shape,scale", [((3, 3), 1.0), ((2, 4, 4), 3.0), ((1, 1), 1.0), ((0, 2, 2), 1.0)])
def test_matrix_exp(shape, scale):
    atol = 1e-4 * scale ** 4  # float32 entries next to ones in the thousands (scale 3) keep fewer digits
    check(lambda m, a: m.linalg.matrix_exp(a * scale), [shape], rtol=1e-4, atol=atol, grad_rtol=1e-3)
    check(lambda m, a: m.matrix_exp(a * scale), [shape], rtol=1e-4, atol=atol, grad_rtol=1e-3)


def test_cross_multi_dot_vecdot_vander():
    check(lambda m, a, b: m.linalg.cross(a, b), [(4, 3), (4, 3)])
    check(lambda m, a, b: m.linalg.cross(a, b, dim=0), [(3, 2), (3, 1)])
    check(lambda m, a, b: m.linalg.cross(a, b), [(4, 2), (4, 2)], grad=False)
    check(lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), [(3,), (3, 4), (4, 2)], atol=1e-5)
    check(lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), [(2, 3), (3, 4), (4,)], atol=1e-5)
    check(lambda m, a, b: m.linalg.multi_dot([a, b]), [(2, 3), (3, 4)], atol=1e-5)
    check(lambda m, a, b: m.linalg.multi_dot([a, b]), [(2, 3, 3), (3, 4)], grad=False)
    check(lambda m, a, b: m.linalg.vecdot(a, b), [(2, 3, 4), (3, 4)])
    check(lambda m, a, b: m.linalg.vecdot(a, b, dim=0), [(3, 4), (3, 1)])
    check(lambda m, a: m.linalg.vander(a), [(2, 4)])
    check(lambda m, a: m.linalg.vander(a, N=6), [(5,)])
    check(lambda m, a: m.linalg.vander(a.long(), N=3), [(4,)], grad=False)


def test_tensorinv_tensorsolve():
    check(lambda m, a: m.linalg.tensorinv((a.reshape(6, 6) + 6 * m.eye(6)).reshape(2, 3, 6), ind=2), [(6, 6)],
          atol=1e-5)
    check(lambda m, a: m.linalg.tensorinv(a, ind=1), [(4, 2, 2)], grad=False, atol=1e-5)
    check(lambda m, a, b: m.linalg.tensorsolve((a.reshape(6, 6) + 6 * m.eye(6)).reshape(2, 3, 6), b), [(6, 6), (2, 3)],
          atol=1e-5)
    check(lambda m, a, b: m.linalg.tensorsolve((a.reshape(6, 6) + 6 * m.eye(6)).reshape(6, 2, 3), b, dims=(0,)),
          [(6, 6), (2, 3)], atol=1e-5)
    check(lambda m, a: m.linalg.tensorinv(a, ind=1), [(4, 3)], grad=False)


@pytest.mark.parametrize("offset,dim1,dim2", [(0, -2, -1), (1, 0, 2), (-1, 2, 0), (5, 0, 1)])
def test_diagonal(offset, dim1, dim2):
    check(lambda m, a: m.linalg.diagonal(a, offset=offset, dim1=dim1, dim2=dim2), [(3, 2, 4)])


@pytest.mark.parametrize("shape,k", [((4, 4), 4), ((5, 3), 3), ((2, 5, 3), 2), ((4, 2), 0)])
def test_householder_product(shape, k):
    check(lambda m, a, t: m.linalg.householder_product(a, t), [shape, shape[:-2] + (k,)], atol=1e-5)
    check(lambda m, a: m.linalg.householder_product(*m.geqrf(a)), [(5, 3)], atol=1e-5, grad=False) \
        if hasattr(ember, "geqrf") else None


@pytest.mark.parametrize("fn,shapes", [
    (lambda m, a: m.linalg.vector_norm(a, 3, dim=1), [(3, 4)]),
    (lambda m, a: m.linalg.matrix_norm(a, "nuc"), [(3, 4)]),
    (lambda m, a: m.linalg.pinv(a), [(4, 3)]),
    (lambda m, a: m.linalg.matrix_exp(a), [(3, 3)]),
    (lambda m, a, b: m.linalg.cross(a, b), [(2, 3), (2, 3)]),
    (lambda m, a, t: m.linalg.householder_product(a, t), [(4, 3), (2,)]),
    (lambda m, a: m.linalg.diagonal(a, offset=1), [(3, 4)]),
    (lambda m, a, b: m.linalg.lstsq(a, b).solution, [(5, 3), (5, 2)]),
])
def test_gradcheck(fn, shapes):
    gradcheck64(fn, shapes)


def test_out_arguments():
    def inv_out(m, a):
        out = m.empty(0)
        r = m.linalg.inv(a + 3 * m.eye(3), out=out)
        return r is out, out

    def eigh_out(m, a):
        w, v = m.empty(0), m.empty(0)
        r = m.linalg.eigh(a + a.mT, out=(w, v))
        return r[0] is w, w

    def norm_out(m, a):
        out = m.empty(0)
        return m.linalg.vector_norm(a, out=out) is out, out

    for fn in (inv_out, eigh_out, norm_out):
        check(fn, [(3, 3)], grad=False, atol=1e-5)
    check(lambda m, a: m.linalg.inv(a, out=m.empty(0)), [(3, 3)])  # out= refuses inputs that require grad

"""ldl_factor(_ex) and ldl_solve (LAPACK's sytrf/sytrs through SciPy, Ember's optional extra) against PyTorch."""
import numpy as np
import pytest
from diff import check, rand

import ember

pytest.importorskip("scipy", reason="Ember's LDL^T runs on SciPy's LAPACK: pip install ember[linalg]")
torch = pytest.importorskip("torch")


def sym(m, a):
    return a + a.mT


@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3), (0, 2, 2)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_ldl_factor_and_solve(shape, dtype):
    check(lambda m, a: m.linalg.ldl_factor(sym(m, a)), [shape], dtype=dtype, grad=False, atol=1e-5)
    check(lambda m, a: m.linalg.ldl_factor_ex(sym(m, a)), [shape], dtype=dtype, grad=False, atol=1e-5)
    check(lambda m, a, b: m.linalg.ldl_solve(*m.linalg.ldl_factor(sym(m, a)), b), [shape, shape[:-1] + (2,)],
          dtype=dtype, grad=False, atol=1e-4, rtol=1e-4)


def test_hermitian_complex():
    a = rand((3, 3, 2), "float64")
    check(lambda m, a: m.view_as_real(m.linalg.ldl_factor(_herm(m, a), hermitian=True).LD), [a], grad=False)
    check(lambda m, a: m.view_as_real(m.linalg.ldl_solve(*m.linalg.ldl_factor(_herm(m, a), hermitian=True),
                                                         _herm(m, a)[:, :2], hermitian=True)), [a], grad=False)


def _herm(m, a):
    z = m.view_as_complex(a)
    return z + z.mH


def test_singular_and_bad_inputs():
    check(lambda m, a: m.linalg.ldl_factor_ex(a * 0), [(3, 3)], grad=False)
    check(lambda m, a: m.linalg.ldl_factor(a * 0), [(2, 3, 3)], grad=False)
    check(lambda m, a: m.linalg.ldl_factor(a), [(3, 4)], grad=False)
    check(lambda m, a: m.linalg.ldl_solve(*m.linalg.ldl_factor(sym(m, a)), a.double()), [(3, 3)], grad=False)


def test_no_gradient_as_in_pytorch():
    a = ember.tensor(rand((3, 3)) + 3 * np.eye(3, dtype=np.float32), requires_grad=True)
    with pytest.raises(RuntimeError):
        ember.linalg.ldl_factor(a + a.mT).LD.sum().backward()

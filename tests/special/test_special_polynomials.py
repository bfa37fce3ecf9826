"""torch.special's orthogonal polynomials and spherical_bessel_j0 against PyTorch."""
import numpy as np
import pytest

import ember
from tests.diff import check

torch = pytest.importorskip("torch")
NAMES = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
         "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
         "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
         "legendre_polynomial_p"]


@pytest.mark.parametrize("name", NAMES)
def test_polynomials(name):
    x = np.random.default_rng(0).uniform(-1.2, 1.2, (3, 4))
    n = np.array([0, 1, 2, 5, -1, 6.7, 4, 3])[:4]
    check(lambda m, a, k: (getattr(m.special, name)(a, k), getattr(m.special, name)(a, 3),
                           getattr(m.special, name)(a[0], 0)), [x, n], dtype="float64", rtol=1e-9, grad=False)
    check(lambda m, a: getattr(m.special, name)(a, 4), [x.astype("float32")], rtol=1e-5, atol=1e-5)


def test_spherical_bessel_j0():
    check(lambda m, a: m.special.spherical_bessel_j0(a), [np.array([0.0, 1.0, -3.0, 40.0, 1e-9])], dtype="float64")
    check(lambda m, a: m.special.spherical_bessel_j0(a), [np.array([0, 2])])
    assert not ember.special.chebyshev_polynomial_t(ember.ones(2, requires_grad=True), 2).requires_grad

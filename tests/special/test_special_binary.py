"""torch.special's functions of two operands or a parameter against PyTorch: xlogy, xlog1py,
zeta, gammainc/gammaincc, polygamma, multigammaln."""
import numpy as np
import pytest

import ember
from tests.diff import check

torch = pytest.importorskip("torch")
rng = np.random.default_rng(11)


def _close64(fn, arrays, rtol):
    e = fn(ember, *[ember.tensor(a) for a in arrays]).numpy()
    t = fn(torch, *[torch.tensor(a) for a in arrays]).numpy()
    np.testing.assert_array_equal(np.isnan(e), np.isnan(t))
    finite = np.isfinite(t)
    np.testing.assert_array_equal(e[~finite & ~np.isnan(t)], t[~finite & ~np.isnan(t)])
    np.testing.assert_array_less(np.abs(e[finite] - t[finite]), rtol * np.abs(t[finite]) + 1e-14)


def test_zeta_over_a_wide_range_and_at_poles():
    s = np.concatenate([rng.uniform(1, 40, 600), [1.0, 0.5, 2.0, 2.0, 2.5, 3.0]])
    q = np.concatenate([np.exp(rng.uniform(-5, 8, 600)), [1.0, 1.0, 0.0, -1.0, -1.5, -1.5]])
    _close64(lambda m, a, b: m.special.zeta(a, b), [s, q], 1e-12)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 6])
def test_polygamma_values(n):
    # PyTorch's own trigamma is good to about 5e-10 relative; the higher orders to rounding
    x = np.concatenate([rng.uniform(-8, 8, 300), np.exp(rng.uniform(-6, 8, 300))])
    x = x[(x > 0) | (n == 0)]
    _close64(lambda m, a: m.special.polygamma(n, a), [x], 1e-9 if n == 1 else 1e-11)


@pytest.mark.parametrize("upper", [False, True])
def test_incomplete_gamma_values_and_edges(upper):
    a = np.concatenate([np.exp(rng.uniform(-5, 7, 800)), [0.0, 1.0, -1.0, 2.0, 1.0]])
    x = np.concatenate([np.exp(rng.uniform(-5, 7, 800)), [1.0, 0.0, 1.0, np.inf, np.nan]])
    name = "gammaincc" if upper else "gammainc"
    # PyTorch's own values are good to about 2e-9 relative for large a (its uniform asymptotic
    # expansion); near 1 both sides agree only in absolute terms
    e = getattr(ember.special, name)(ember.tensor(a), ember.tensor(x)).numpy()
    t = getattr(torch.special, name)(torch.tensor(a), torch.tensor(x)).numpy()
    np.testing.assert_allclose(e, t, rtol=5e-9, atol=1e-12, equal_nan=True)


def test_xlogy_xlog1py_values_zero_rule_and_gradients():
    a = np.array([0.0, 0.0, 0.0, 1.5, -2.0, 3.0])
    b = np.array([0.0, np.nan, 2.0, 0.5, 3.0, -0.5])
    for name in ("xlogy", "xlog1py"):
        check(lambda m, x, y: getattr(m.special, name)(x, y), [a, b], dtype="float64")
        check(lambda m, x, y: getattr(m.special, name)(x, y), [(3, 1), (4,)], positive=True)
    check(lambda m, x: (m.xlogy(x, 2.0), m.xlogy(2, x), x.xlogy(x)), [(2, 3)], positive=True)
    check(lambda m, x, y: m.special.xlogy(x, y), [np.array([1, 2]), np.array([3, 4])])


def test_xlogy_in_place():
    check(lambda m, x, y: (x * 1).xlogy_(y), [(2, 3), (3,)], positive=True)


def test_igamma_gradient_in_x_only():
    check(lambda m, a, x: (m.special.gammainc(a.detach(), x), m.special.gammaincc(a.detach(), x),
                           m.igamma(a.detach(), x)),
          [(4,), (4,)], positive=True)
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="igamma: input"):
        ember.special.gammainc(a, ember.tensor([1.0, 1.0])).sum().backward()


def test_zeta_gradient_in_q_only():
    check(lambda m, q: m.special.zeta(2.5, q), [(5,)], positive=True, rtol=1e-5)
    s = ember.tensor([2.0], requires_grad=True)
    with pytest.raises(NotImplementedError):
        ember.special.zeta(s, ember.tensor([1.5])).backward()


@pytest.mark.parametrize("n", [0, 1, 3])
def test_polygamma_gradients_methods_and_errors(n):
    check(lambda m, a: (m.special.polygamma(n, a), m.polygamma(n, a), a.polygamma(n), (a * 1).polygamma_(n)),
          [(2, 3)], positive=True, rtol=1e-5)
    x = ember.tensor(rng.uniform(0.5, 3, 4), requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: ember.special.polygamma(n, t), (x,), eps=1e-6, atol=1e-6, rtol=1e-5)
    check(lambda m, a: m.special.polygamma(-1, a), [(2,)])


@pytest.mark.parametrize("p", [1, 2, 4])
def test_multigammaln(p):
    check(lambda m, a: (m.special.multigammaln(a, p), m.mvlgamma(a, p=p), a.mvlgamma(p)),
          [rng.uniform(2, 6, (3, 2))], dtype="float64", rtol=1e-10)
    x = ember.tensor(rng.uniform(2, 6, 3), requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: ember.special.multigammaln(t, p), (x,), eps=1e-6, atol=1e-6)


def test_lgamma_digamma_gradients_create_graph():
    x = ember.tensor(rng.uniform(0.5, 4, 5), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda t: ember.special.polygamma(2, t) + ember.lgamma(t), (x,),
                                        eps=1e-6, atol=1e-5, rtol=1e-4)

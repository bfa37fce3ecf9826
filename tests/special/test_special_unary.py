"""torch.special's one-tensor functions against PyTorch: values over wide ranges in float64
(including the tails and special points), float32 results and dtypes, gradients, and
finite differences."""
import numpy as np
import pytest

import ember
from tests.diff import check

torch = pytest.importorskip("torch")
rng = np.random.default_rng(7)


def _wide(low, high, n=400):
    """Values spread on a linear and on a log scale, with both signs where the range has them."""
    lin = rng.uniform(low, high, n)
    mag = np.exp(rng.uniform(-20, np.log(max(abs(low), abs(high))), n))
    return np.concatenate([lin, mag if high > 0 else -mag, -mag if low < 0 else mag])


DOMAINS = {  # name: (sample values in float64, relative tolerance against torch)
    "erf": (_wide(-8, 8), 1e-14), "erfc": (_wide(-8, 27), 1e-13), "erfcx": (_wide(-25, 1e6), 1e-13),
    "erfinv": (np.concatenate([rng.uniform(-1, 1, 600), 1 - np.exp(rng.uniform(-36, -1, 200)),
                               np.exp(rng.uniform(-300, -1, 200))]), 1e-13),
    "ndtr": (_wide(-37, 37), 1e-13), "log_ndtr": (_wide(-1e3, 8), 1e-12),
    "ndtri": (np.concatenate([rng.uniform(0, 1, 600), np.exp(rng.uniform(-700, -1, 200))]), 1e-13),
    "gammaln": (np.concatenate([_wide(-30, 30), rng.uniform(1e3, 1e6, 100)]), 1e-11),
    "digamma": (_wide(-30, 1e4), 1e-10),
    "i0": (_wide(-700, 700), 1e-14), "i0e": (_wide(-1e4, 1e4), 1e-14), "i1": (_wide(-700, 700), 1e-14),
    "i1e": (_wide(-1e4, 1e4), 1e-14), "sinc": (_wide(-50, 50), 1e-12), "entr": (_wide(-3, 50), 1e-14),
    "expit": (_wide(-40, 40), 1e-14), "logit": (rng.uniform(-0.5, 1.5, 500), 1e-14),
}


def _near(e, t, rtol):
    """Agreement to ``rtol`` relative, or to rtol times the function's scale where it crosses zero."""
    e, t = e.numpy(), t.numpy()
    assert np.array_equal(np.isnan(e), np.isnan(t))
    finite = np.isfinite(t)
    assert np.array_equal(e[~finite & ~np.isnan(t)], t[~finite & ~np.isnan(t)])
    # absolute slack where the function crosses zero (lgamma at 1 and 2, sinc at the integers, ...)
    np.testing.assert_array_less(np.abs(e[finite] - t[finite]), rtol * np.abs(t[finite]) + 1e-14)


@pytest.mark.parametrize("name", sorted(DOMAINS))
def test_values_in_float64_over_wide_ranges(name):
    x, rtol = DOMAINS[name]
    _near(getattr(ember.special, name)(ember.tensor(x)), getattr(torch.special, name)(torch.tensor(x)), rtol)


SPECIAL_POINTS = [0.0, -0.0, 1.0, -1.0, 2.0, -2.5, 0.5, np.inf, -np.inf, np.nan, 1e-310, -1e-310]


@pytest.mark.parametrize("name", sorted(DOMAINS))
def test_special_points(name):
    x = np.array(SPECIAL_POINTS)
    _near(getattr(ember.special, name)(ember.tensor(x)), getattr(torch.special, name)(torch.tensor(x)), 1e-12)


POSITIVE = {"erfinv": (-0.9, 0.9), "ndtri": (0.05, 0.95), "logit": (0.05, 0.95), "entr": (0.1, 3),
            "gammaln": (0.2, 6), "digamma": (0.2, 6)}


def _inputs(name, shape, dtype):
    low, high = POSITIVE.get(name, (-3, 3))
    return rng.uniform(low, high, shape).astype(dtype)


@pytest.mark.parametrize("name", sorted(DOMAINS))
def test_float32_values_and_gradients(name):
    check(lambda m, a: getattr(m.special, name)(a), [_inputs(name, (3, 4), "float32")], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(set(DOMAINS) - {"erf", "expit"}))
def test_finite_differences(name):
    low, high = POSITIVE.get(name, (-3, 3))
    x = ember.tensor(rng.uniform(low, high, (5,)), requires_grad=True)
    assert ember.autograd.gradcheck(getattr(ember.special, name), (x,), eps=1e-6, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("name", ["i0", "i1", "i0e", "i1e", "sinc", "gammaln", "digamma", "erfinv"])
def test_second_derivatives(name):
    low, high = POSITIVE.get(name, (-3, 3))
    x = ember.tensor(rng.uniform(low, high, (4,)), requires_grad=True)
    assert ember.autograd.gradgradcheck(getattr(ember.special, name), (x,), eps=1e-6, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("name", ["i1", "i1e", "sinc"])
def test_gradient_at_zero(name):
    check(lambda m, a: getattr(m.special, name)(a), [np.array([0.0, 1.0])], dtype="float64")


@pytest.mark.parametrize("name", ["erfc", "erfinv", "lgamma", "digamma", "i0", "sinc", "logit", "erf"])
def test_top_level_names_methods_and_in_place_forms(name):
    check(lambda m, a: (getattr(m, name)(a), getattr(a * 1, name)(), getattr(a * 1, name + "_")()),
          [_inputs({"lgamma": "gammaln"}.get(name, name), (2, 3), "float64")], rtol=1e-12)


@pytest.mark.parametrize("name", ["erfinv", "i0", "gammaln", "ndtri", "sinc"])
def test_integer_inputs_give_the_default_float(name):
    check(lambda m, a: getattr(m.special, name)(a), [np.array([0, 1, 2, 3])])


def test_integer_tensor_cannot_take_an_in_place_result():
    check(lambda m, a: a.erfinv_(), [np.array([0, 1])])


def test_logit_eps_clamps_and_zeroes_the_gradient_outside():
    x = np.array([0.01, 0.2, 0.5, 0.97, 0.999])
    check(lambda m, a: m.special.logit(a, eps=0.05), [x], dtype="float64")
    check(lambda m, a: m.logit(a, 0.05), [x.astype("float32")])


def test_round_decimals_softmax_log_softmax_logsumexp():
    x = rng.normal(size=(3, 5)) * 10
    check(lambda m, a: m.special.round(a, decimals=1), [x])
    check(lambda m, a: (m.special.softmax(a, 1), m.special.log_softmax(a, 0, dtype=m.float64),
                        m.special.logsumexp(a, 1, keepdim=True)), [x.astype("float32")])


def test_namespace_names():
    assert ember.special.psi is ember.special.digamma and ember.special.gammaln is ember.lgamma
    assert ember.special.expit is ember.sigmoid
    check(lambda m, a: (m.special.modified_bessel_i0(a), m.special.modified_bessel_i1(a)), [(4,)], dtype="float64",
          rtol=1e-12)  # the same values as i0 and i1, without gradients (as in PyTorch)

"""Samples: moments within statistical bounds (fixed seed), reparameterised gradients by
finite differences at a fixed seed, and the implicit gamma gradient against PyTorch's."""
import math

import numpy as np
import pytest

import ember
from tests.distributions import cases
from tests.distributions.cases import CASES
from tests.distributions.test_against_torch import build

torch = pytest.importorskip("torch")
D = ember.distributions
N = 20000
# the sample variance of these converges too slowly (or not at all) for a meaningful bound
HEAVY_TAILED = {"StudentT", "LogNormal", "InverseGamma", "Pareto", "GeneralizedPareto"}
# no mean in closed form, in PyTorch either (Cauchy has none at all)
NO_MEAN = {"Cauchy", "HalfCauchy", "RelaxedBernoulli", "RelaxedOneHotCategorical", "TransformedAffineTanh",
           "TransformedSigmoidExp", "LogisticNormal"}


@pytest.mark.parametrize("name", sorted(set(CASES) - NO_MEAN))
def test_sample_mean_and_variance(name):
    ed, _, _, _ = build(name)
    ember.manual_seed(0)
    s = ed.sample((N,)).double()
    if isinstance(ed, D.VonMises):  # circular: E[cos(x - loc)] = 1 - variance and E[sin(x - loc)] = 0
        centred = s - ed.loc.detach()
        bound = 6 / N ** 0.5
        assert bool(((centred.cos().mean(0) - (1 - ed.variance.detach())).abs() < bound).all())
        assert bool((centred.sin().mean(0).abs() < bound).all())
        assert bool(((s >= -np.pi) & (s < np.pi)).all())
        return
    if isinstance(ed, D.Categorical):  # class indices: compare the frequency of each class
        s = ember.nn.functional.one_hot(s.long(), 4).double()
        ed = D.OneHotCategorical(probs=ed.probs)
    mean, var = ed.mean.detach(), ed.variance.detach()
    # the sample mean is within 6 standard errors of the mean
    bound = 6 * (var / N).sqrt() + 1e-12
    assert bool(((s.mean(0) - mean).abs() <= bound).all()), (s.mean(0), mean)
    if name not in HEAVY_TAILED:  # within 10%, or within 6 standard errors for rare events
        bound = 0.1 * var + 6 * (var / N).sqrt()
        assert bool(((s.var(0) - var).abs() <= bound).all()), (s.var(0), var)


def test_same_seed_same_samples_and_generators_advance():
    d = D.Gamma(ember.tensor([0.5, 2.0]), ember.tensor([1.0, 3.0]))
    ember.manual_seed(5)
    a = d.sample((3,))
    ember.manual_seed(5)
    b = d.sample((3,))
    assert ember.equal(a, b) and not ember.equal(a, d.sample((3,)))


REPARAMETERISED = ["Normal", "Laplace", "Cauchy", "LogNormal", "Uniform", "Exponential", "MultivariateNormalTril",
                   "MultivariateNormal", "LowRankMultivariateNormal", "Independent", "RelaxedBernoulli",
                   "RelaxedOneHotCategorical", "TransformedAffineTanh", "HalfNormal", "HalfCauchy", "Gumbel",
                   "Weibull", "Pareto", "LogisticNormal"]


@pytest.mark.parametrize("name", REPARAMETERISED)
def test_rsample_gradients_by_finite_differences(name):
    """With the seed fixed a reparameterised draw is a smooth function of the parameters: its
    gradient must match central differences of redrawn samples."""
    make, construct = CASES[name]
    cases.rng = np.random.default_rng(4)
    raw = make()
    w = np.random.default_rng(2).normal(size=(3,) + tuple(construct(D, {k: ember.tensor(v) for k, v in raw.items()})
                                                          .sample().shape))

    def objective(params, seed=7):
        ember.manual_seed(seed)
        x = construct(D, params).rsample((3,))
        return (x * ember.tensor(w)).sum()

    params = {k: ember.tensor(v, requires_grad=True) for k, v in raw.items()}
    grads = ember.autograd.grad(objective(params), list(params.values()))
    h = 1e-6
    for (key, value), g in zip(raw.items(), grads):
        for direction in _directions(key, value):
            up = {**raw, key: value + h * direction}
            down = {**raw, key: value - h * direction}
            fd = (objective({k: ember.tensor(v) for k, v in up.items()}).item()
                  - objective({k: ember.tensor(v) for k, v in down.items()}).item()) / (2 * h)
            assert (g.numpy() * direction).sum() == pytest.approx(fd, rel=1e-4, abs=1e-6), key


def _directions(key, value):
    """Unit perturbations of one parameter that keep it valid: covariance matrices move
    symmetrically, Cholesky factors within the lower triangle."""
    for index in np.ndindex(value.shape):
        d = np.zeros(value.shape)
        d[index] = 1.0
        if key == "cov":
            if index[-1] > index[-2]:
                continue
            d[index[:-2] + (index[-1], index[-2])] = 1.0
        elif key == "tril" and index[-1] > index[-2]:
            continue
        yield d


def _gamma_draws_and_gradients():
    alpha = np.exp(np.random.default_rng(0).uniform(-3, 4, 200))
    a = ember.tensor(alpha, requires_grad=True)
    ember.manual_seed(0)
    x = ember._standard_gamma(a)
    (g,) = ember.autograd.grad(x.sum(), [a])
    return alpha, x.detach().numpy(), g.numpy()


def test_standard_gamma_gradient_keeps_the_cdf_fixed():
    """The implicit gradient moves a draw so that its CDF stays put: checked with PyTorch's
    incomplete gamma function, an implementation independent of Ember's."""
    alpha, x, g = _gamma_draws_and_gradients()
    h = 1e-6 * alpha
    up = torch.special.gammainc(torch.tensor(alpha + h), torch.tensor(x + h * g))
    down = torch.special.gammainc(torch.tensor(alpha - h), torch.tensor(x - h * g))
    density = torch.exp(torch.distributions.Gamma(torch.tensor(alpha), 1.0).log_prob(torch.tensor(x)))
    # the CDF's change along the move, relative to what a unit change of x would do
    np.testing.assert_allclose((up - down).numpy() / (2 * h * density.numpy()), 0, atol=1e-5)


def test_standard_gamma_gradient_agrees_with_pytorchs_approximation():
    alpha, x, g = _gamma_draws_and_gradients()
    expected = torch._standard_gamma_grad(torch.tensor(alpha), torch.tensor(x))
    np.testing.assert_allclose(g, expected.numpy(), rtol=2e-3)  # PyTorch's is a fitted approximation


@pytest.mark.parametrize("family", ["Beta", "Dirichlet", "Gamma", "Chi2", "StudentT"])
def test_implicit_reparameterisation_gives_the_gradient_of_expectations(family):
    """The average of rsample gradients estimates the gradient of the mean."""
    ed, _, ep, _ = build(family)
    ember.manual_seed(1)
    draws = ed.rsample((N,))
    weights = ember.tensor(np.random.default_rng(3).normal(size=tuple(ed.mean.shape)))
    estimate = ember.autograd.grad((draws.mean(0) * weights).sum(), list(ep.values()), retain_graph=True)
    exact = ember.autograd.grad((ed.mean * weights).sum(), list(ep.values()), allow_unused=True)
    for e, x in zip(estimate, exact):
        if x is None:  # StudentT's mean is its loc: the draw's gradient in df averages to zero
            assert abs(e.sum().item()) < 0.1
            continue
        np.testing.assert_allclose(e.numpy(), x.numpy(), rtol=0.1, atol=0.02)


def test_has_rsample_and_sample_without_gradient():
    loc = ember.zeros(2, requires_grad=True)
    d = D.Normal(loc, 1.0)
    assert d.rsample().requires_grad and not d.sample().requires_grad
    with pytest.raises(NotImplementedError):
        D.Bernoulli(probs=ember.tensor([0.3])).rsample()


def test_poisson_and_binomial_functions():
    ember.manual_seed(0)
    rates = ember.full((N,), 3.5)
    assert ember.poisson(rates).mean().item() == pytest.approx(3.5, abs=6 * math.sqrt(3.5 / N))
    counts = ember.binomial(ember.full((N,), 10.0), ember.full((N,), 0.25))
    assert counts.dtype == ember.float32 and counts.mean().item() == pytest.approx(2.5, abs=0.1)
    with pytest.raises(TypeError):
        ember.binomial(10, ember.full((2,), 0.5))

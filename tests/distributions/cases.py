"""Distributions built alike on Ember and PyTorch from the same random parameters.

Each case is ``name: (build, support_sampler)``: ``build(m, p)`` makes the distribution from
module ``m`` (ember or torch) and a dict of parameter tensors ``p`` made by ``params(m)``."""
import numpy as np

rng = np.random.default_rng(3)
B = (3, 2)  # batch shape of the parameters


def _pos(shape=B, low=0.5, high=3.0):
    return rng.uniform(low, high, shape)


def _real(shape=B):
    return rng.normal(size=shape)


def _probs(shape=B):
    return rng.uniform(0.1, 0.9, shape)


def _simplex(shape=B + (4,)):
    x = rng.uniform(0.1, 1.0, shape)
    return x / x.sum(-1, keepdims=True)


def _spd(n=3, batch=(2,)):
    a = rng.normal(size=batch + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


# name: (parameters as NumPy arrays, constructor taking the module and the parameter tensors)
CASES = {
    "Normal": (lambda: dict(loc=_real(), scale=_pos()), lambda D, p: D.Normal(p["loc"], p["scale"])),
    "Laplace": (lambda: dict(loc=_real(), scale=_pos()), lambda D, p: D.Laplace(p["loc"], p["scale"])),
    "Cauchy": (lambda: dict(loc=_real(), scale=_pos()), lambda D, p: D.Cauchy(p["loc"], p["scale"])),
    "LogNormal": (lambda: dict(loc=_real() * 0.3, scale=_pos(high=1.0)),
                  lambda D, p: D.LogNormal(p["loc"], p["scale"])),
    "Uniform": (lambda: dict(low=_real(), width=_pos()), lambda D, p: D.Uniform(p["low"], p["low"] + p["width"])),
    "Exponential": (lambda: dict(rate=_pos()), lambda D, p: D.Exponential(p["rate"])),
    "StudentT": (lambda: dict(df=_pos(low=2.5, high=8), loc=_real(), scale=_pos()),
                 lambda D, p: D.StudentT(p["df"], p["loc"], p["scale"])),
    "Gamma": (lambda: dict(concentration=_pos(), rate=_pos()), lambda D, p: D.Gamma(p["concentration"], p["rate"])),
    "Chi2": (lambda: dict(df=_pos(low=1, high=6)), lambda D, p: D.Chi2(p["df"])),
    "Beta": (lambda: dict(a=_pos(), b=_pos()), lambda D, p: D.Beta(p["a"], p["b"])),
    "Dirichlet": (lambda: dict(concentration=_pos(B + (4,))), lambda D, p: D.Dirichlet(p["concentration"])),
    "Bernoulli": (lambda: dict(probs=_probs()), lambda D, p: D.Bernoulli(probs=p["probs"])),
    "BernoulliLogits": (lambda: dict(logits=_real()), lambda D, p: D.Bernoulli(logits=p["logits"])),
    "Geometric": (lambda: dict(probs=_probs()), lambda D, p: D.Geometric(probs=p["probs"])),
    "Binomial": (lambda: dict(probs=_probs()), lambda D, p: D.Binomial(7, probs=p["probs"])),
    "BinomialLogits": (lambda: dict(logits=_real()), lambda D, p: D.Binomial(5, logits=p["logits"])),
    "Poisson": (lambda: dict(rate=_pos(high=8)), lambda D, p: D.Poisson(p["rate"])),
    "Categorical": (lambda: dict(probs=_simplex()), lambda D, p: D.Categorical(probs=p["probs"])),
    "CategoricalLogits": (lambda: dict(logits=_real(B + (4,))), lambda D, p: D.Categorical(logits=p["logits"])),
    "OneHotCategorical": (lambda: dict(logits=_real(B + (4,))),
                          lambda D, p: D.OneHotCategorical(logits=p["logits"])),
    "Multinomial": (lambda: dict(probs=_simplex()), lambda D, p: D.Multinomial(6, probs=p["probs"])),
    "MultivariateNormal": (lambda: dict(loc=_real((2, 3)), cov=_spd()),
                           lambda D, p: D.MultivariateNormal(p["loc"], covariance_matrix=p["cov"])),
    "MultivariateNormalTril": (lambda: dict(loc=_real((2, 3)), tril=np.linalg.cholesky(_spd())),
                               lambda D, p: D.MultivariateNormal(p["loc"], scale_tril=p["tril"])),
    "MultivariateNormalPrecision": (lambda: dict(loc=_real((2, 3)), prec=_spd()),
                                    lambda D, p: D.MultivariateNormal(p["loc"], precision_matrix=p["prec"])),
    "LowRankMultivariateNormal": (lambda: dict(loc=_real((2, 3)), w=_real((2, 3, 2)), d=_pos((2, 3))),
                                  lambda D, p: D.LowRankMultivariateNormal(p["loc"], p["w"], p["d"])),
    "Independent": (lambda: dict(loc=_real(), scale=_pos()),
                    lambda D, p: D.Independent(D.Normal(p["loc"], p["scale"]), 1)),
    "MixtureSameFamily": (lambda: dict(logits=_real((3, 4)), loc=_real((3, 4)), scale=_pos((3, 4))),
                          lambda D, p: D.MixtureSameFamily(D.Categorical(logits=p["logits"]),
                                                           D.Normal(p["loc"], p["scale"]))),
    "RelaxedBernoulli": (lambda: dict(t=_pos((), 0.5, 1.5), probs=_probs()),
                         lambda D, p: D.RelaxedBernoulli(p["t"], probs=p["probs"])),
    "RelaxedOneHotCategorical": (lambda: dict(t=_pos((), 0.5, 1.5), logits=_real(B + (4,))),
                                 lambda D, p: D.RelaxedOneHotCategorical(p["t"], logits=p["logits"])),
    "TransformedAffineTanh": (lambda: dict(loc=_real(), scale=_pos(high=1.0), a=_real(), b=_pos()),
                              lambda D, p: D.TransformedDistribution(
                                  D.Normal(p["loc"], p["scale"]),
                                  [D.AffineTransform(p["a"], p["b"]), D.TanhTransform()])),
    "TransformedSigmoidExp": (lambda: dict(loc=_real(), scale=_pos(high=1.0)),
                              lambda D, p: D.TransformedDistribution(
                                  D.Normal(p["loc"], p["scale"]),
                                  D.ComposeTransform([D.SigmoidTransform(), D.ExpTransform()]))),
    "HalfNormal": (lambda: dict(scale=_pos()), lambda D, p: D.HalfNormal(p["scale"])),
    "HalfCauchy": (lambda: dict(scale=_pos()), lambda D, p: D.HalfCauchy(p["scale"])),
    "Gumbel": (lambda: dict(loc=_real(), scale=_pos()), lambda D, p: D.Gumbel(p["loc"], p["scale"])),
    "Weibull": (lambda: dict(scale=_pos(), c=_pos(low=1.0)), lambda D, p: D.Weibull(p["scale"], p["c"])),
    "Pareto": (lambda: dict(scale=_pos(), alpha=_pos(low=2.5, high=5)), lambda D, p: D.Pareto(p["scale"], p["alpha"])),
    "InverseGamma": (lambda: dict(c=_pos(low=2.5, high=6), rate=_pos()),
                     lambda D, p: D.InverseGamma(p["c"], p["rate"])),
    "LogisticNormal": (lambda: dict(loc=_real((2, 3)), scale=_pos((2, 3), high=1.0)),
                       lambda D, p: D.LogisticNormal(p["loc"], p["scale"])),
    "NegativeBinomial": (lambda: dict(n=_pos(high=6), probs=_probs()),
                         lambda D, p: D.NegativeBinomial(p["n"], probs=p["probs"])),
    "NegativeBinomialLogits": (lambda: dict(n=_pos(high=6), logits=_real() * 0.5),
                               lambda D, p: D.NegativeBinomial(p["n"], logits=p["logits"])),
    "OneHotCategoricalStraightThrough": (lambda: dict(logits=_real(B + (4,))),
                                         lambda D, p: D.OneHotCategoricalStraightThrough(logits=p["logits"])),
    "FisherSnedecor": (lambda: dict(d1=_pos(low=2.5, high=8), d2=_pos(low=4.5, high=9)),
                       lambda D, p: D.FisherSnedecor(p["d1"], p["d2"])),
    "Kumaraswamy": (lambda: dict(a=_pos(low=1.2), b=_pos(low=1.2)), lambda D, p: D.Kumaraswamy(p["a"], p["b"])),
    "VonMises": (lambda: dict(loc=_real(), k=_pos(low=0.3, high=6)), lambda D, p: D.VonMises(p["loc"], p["k"])),
    "ContinuousBernoulli": (lambda: dict(probs=_probs()), lambda D, p: D.ContinuousBernoulli(probs=p["probs"])),
    "ContinuousBernoulliLogits": (lambda: dict(logits=_real() * 2),
                                  lambda D, p: D.ContinuousBernoulli(logits=p["logits"])),
    "ContinuousBernoulliHalf": (lambda: dict(probs=0.5 + (_probs() - 0.5) / 1000),
                                lambda D, p: D.ContinuousBernoulli(probs=p["probs"])),
    "GeneralizedPareto": (lambda: dict(loc=_real(), scale=_pos(), xi=np.array([[-0.3, 0.0], [0.2, 0.4],
                                                                                [0.1, -0.1]])),
                          lambda D, p: D.GeneralizedPareto(p["loc"], p["scale"], p["xi"])),
}

# pairs for kl_divergence: (case of p, case of q)
KL_PAIRS = [("Normal", "Normal"), ("Laplace", "Laplace"), ("Cauchy", "Cauchy"), ("Exponential", "Exponential"),
            ("Gamma", "Gamma"), ("Beta", "Beta"), ("Dirichlet", "Dirichlet"), ("Bernoulli", "Bernoulli"),
            ("Geometric", "Geometric"), ("Poisson", "Poisson"), ("Categorical", "Categorical"),
            ("OneHotCategorical", "OneHotCategorical"), ("Binomial", "Binomial"), ("Uniform", "Uniform"),
            ("MultivariateNormal", "MultivariateNormalTril"), ("LowRankMultivariateNormal", "MultivariateNormal"),
            ("Independent", "Independent"), ("LogNormal", "LogNormal"), ("Exponential", "Gamma"),
            ("Chi2", "Gamma")]

"""``ember.distributions``: PyTorch's ``torch.distributions``.

Parameters and samples are Ember tensors, so log-densities, entropies and KL divergences
carry gradients to the parameters, and ``rsample`` is reparameterised where PyTorch's is
(Gamma, Beta, Dirichlet, Chi2 and StudentT through implicit gradients of gamma draws).
Ember draws its own random numbers: a seed gives the same samples on every run, not
PyTorch's samples.
"""
from . import constraints, transforms, utils
from .categorical import Categorical, Multinomial, OneHotCategorical
from .constraint_registry import biject_to, transform_to
from .continuous_bernoulli import ContinuousBernoulli
from .continuous import Cauchy, Exponential, Laplace, Normal, StudentT, Uniform
from .discrete import Bernoulli, Binomial, Geometric, Poisson
from .derived import (Gumbel, HalfCauchy, HalfNormal, InverseGamma, LogisticNormal, NegativeBinomial,
                      OneHotCategoricalStraightThrough, Pareto, Weibull)
from .distribution import Distribution, ExponentialFamily
from .generalized_pareto import GeneralizedPareto
from .gamma_family import Beta, Chi2, Dirichlet, Gamma
from .independent import Independent, MixtureSameFamily
from .kl import kl_divergence, register_kl
from .ratio_family import FisherSnedecor, Kumaraswamy
from .multivariate_normal import LowRankMultivariateNormal, MultivariateNormal
from .transformed import (ExpRelaxedCategorical, LogitRelaxedBernoulli, LogNormal, RelaxedBernoulli,
                          RelaxedOneHotCategorical, TransformedDistribution)
from .transforms import (AbsTransform, AffineTransform, ComposeTransform, ExpTransform, IndependentTransform,
                         LowerCholeskyTransform, PowerTransform, SigmoidTransform, SoftmaxTransform,
                         SoftplusTransform, TanhTransform, Transform, identity_transform)
from .von_mises import VonMises
from .transforms_extra import (CatTransform, CumulativeDistributionTransform, PositiveDefiniteTransform,
                               ReshapeTransform, StackTransform, StickBreakingTransform)

__all__ = sorted(n for n in globals() if not n.startswith("_") and n not in ("utils",))

# PyTorch keeps one module per distribution (torch.distributions.normal, .gamma, ...); Ember groups
# them by family. These names make ``from torch.distributions.normal import Normal`` find the family.
_MODULE_OF = {
    "continuous": ("normal", "laplace", "cauchy", "uniform", "exponential", "studentT"),
    "gamma_family": ("gamma", "chi2", "beta", "dirichlet"),
    "discrete": ("bernoulli", "geometric", "binomial", "poisson"),
    "categorical": ("one_hot_categorical", "multinomial"),
    "multivariate_normal": ("lowrank_multivariate_normal",),
    "independent": ("mixture_same_family",),
    "transformed": ("transformed_distribution", "log_normal", "relaxed_bernoulli", "relaxed_categorical"),
    "derived": ("half_normal", "half_cauchy", "gumbel", "weibull", "pareto", "inverse_gamma", "logistic_normal",
                "negative_binomial"),
    "ratio_family": ("fishersnedecor", "kumaraswamy"),
    "distribution": ("exp_family",),
}


def _alias_modules():
    import importlib
    import sys

    for family, names in _MODULE_OF.items():
        module = importlib.import_module(f"{__name__}.{family}")
        for name in names:
            sys.modules[f"{__name__}.{name}"] = module
            globals()[name] = module


_alias_modules()

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
from .continuous import Cauchy, Exponential, Laplace, Normal, StudentT, Uniform
from .discrete import Bernoulli, Binomial, Geometric, Poisson
from .derived import (Gumbel, HalfCauchy, HalfNormal, InverseGamma, LogisticNormal, NegativeBinomial,
                      OneHotCategoricalStraightThrough, Pareto, Weibull)
from .distribution import Distribution, ExponentialFamily
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
from .transforms_extra import (CumulativeDistributionTransform, PositiveDefiniteTransform, ReshapeTransform,
                               StickBreakingTransform)

__all__ = sorted(n for n in globals() if not n.startswith("_") and n not in ("utils",))

"""GeneralizedPareto: the limit law of exceedances over a high threshold. Its shape
``concentration`` (xi) may be negative (a bounded support), zero (exponential tails) or positive
(power tails); the formulas take the xi = 0 limit where xi is 0."""
import math

import ember

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all


class GeneralizedPareto(Distribution):
    """The generalised Pareto distribution with location ``loc``, scale ``scale`` and shape ``concentration``."""
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive, "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args=None):
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        super().__init__(self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(GeneralizedPareto, batch_shape, _instance, ("loc", "scale", "concentration"))

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        negative, xi = self.concentration < 0, self.concentration
        bound = self.loc - self.scale / ember.where(negative, xi, -ember.ones_like(xi))  # the end for xi < 0
        return constraints.interval(self.loc, ember.where(negative, bound, ember.full_like(self.loc, math.inf)))

    def _xi_safe(self):
        """xi where it is not 0 and 1 where it is (for the closed forms the xi = 0 case replaces)."""
        xi = self.concentration
        return xi == 0, ember.where(xi == 0, ember.ones_like(xi), xi)

    def log_survival_function(self, value):
        """log P(X > value)."""
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        zero, xi = self._xi_safe()
        return ember.where(zero, -z, -ember.log1p(z * xi) / xi)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        zero, xi = self._xi_safe()
        return -self.scale.log() - ember.where(zero, z, (1 / xi + 1) * ember.log1p(z * xi))

    def log_cdf(self, value):
        return ember.log1p(-ember.exp(self.log_survival_function(value)))

    def cdf(self, value):
        return ember.exp(self.log_cdf(value))

    def icdf(self, value):
        zero, xi = self._xi_safe()
        tail = ember.log1p(-value)  # log of the survival probability
        return self.loc + self.scale * ember.where(zero, -tail, ember.expm1(-xi * tail) / xi)

    def rsample(self, sample_shape=ember.Size()):
        u = ember.rand(self._extended_shape(sample_shape), dtype=self.loc.dtype)
        return self.icdf(u)

    @property
    def mean(self):
        xi = self.concentration
        return ember.where(xi < 1, self.loc + self.scale / (1 - xi), ember.full_like(xi, math.nan))

    @property
    def variance(self):
        xi = self.concentration
        value = self.scale.pow(2) / ((1 - xi).pow(2) * (1 - 2 * xi))
        return ember.where(xi < 0.5, value, ember.full_like(xi, math.nan))

    @property
    def mode(self):
        return self.loc

    def entropy(self):
        return self.scale.log() + self.concentration + 1

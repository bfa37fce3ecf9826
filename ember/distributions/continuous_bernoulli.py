"""ContinuousBernoulli: the density C(p) p^x (1 - p)^(1 - x) on [0, 1]. Near p = 1/2 its closed
forms divide 0 by 0, so there they are replaced by Taylor expansions in p - 1/2."""
import math

import ember

from . import constraints
from .discrete import BinaryParam, _softplus
from .distribution import ExponentialFamily
from .utils import clamp_probs

_LOWER, _UPPER = 0.499, 0.501  # where the Taylor expansions take over


class ContinuousBernoulli(BinaryParam, ExponentialFamily):
    """A distribution on ``[0, 1]`` with density proportional to ``p ** x * (1 - p) ** (1 - x)``; near
    ``p = 0.5`` (within ``lims``) its normaliser uses a Taylor expansion for stability."""
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.unit_interval
    has_rsample = True

    def __init__(self, probs=None, logits=None, lims=(_LOWER, _UPPER), validate_args=None):
        self._set_param(probs, logits)
        if probs is not None:
            self.probs = self._param = clamp_probs(self.probs)
        self._lims = lims
        super().__init__(self._param.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._expand_binary(ContinuousBernoulli, batch_shape, _instance)
        new._lims = self._lims
        return new

    def _split(self):
        """Whether each p is away from 1/2, p moved away from 1/2 where it is not (for the closed
        forms, whose values there are then discarded), and x = p - 1/2 (for the expansions)."""
        p = self.probs
        away = (p <= self._lims[0]) | (p >= self._lims[1])
        safe = ember.where(away, p, ember.full_like(p, self._lims[0]))
        return away, safe, p - 0.5

    def _log_normalizer(self):
        away, safe, x = self._split()
        closed = (2 * ember.atanh(1 - 2 * safe)).abs().log() - (1 - 2 * safe).abs().log()
        x2 = x * x
        taylor = math.log(2.0) + (4 / 3 + 104 / 45 * x2) * x2
        return ember.where(away, closed, taylor)

    @property
    def mean(self):
        away, safe, x = self._split()
        closed = safe / (2 * safe - 1) + 1 / (2 * ember.atanh(1 - 2 * safe))
        taylor = 0.5 + (1 / 3 + 16 / 45 * x * x) * x
        return ember.where(away, closed, taylor)

    @property
    def variance(self):
        away, safe, x = self._split()
        closed = safe * (safe - 1) / (1 - 2 * safe).pow(2) + 1 / (2 * ember.atanh(1 - 2 * safe)).pow(2)
        x2 = x * x
        taylor = 1 / 12 - (1 / 15 + 128 / 945 * x2) * x2
        return ember.where(away, closed, taylor)

    @property
    def stddev(self):
        return self.variance.sqrt()

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return value * self.logits - _softplus(self.logits) + self._log_normalizer()

    def cdf(self, value):
        if self._validate_args:
            self._validate_sample(value)
        away, safe, _ = self._split()
        closed = (safe.pow(value) * (1 - safe).pow(1 - value) + safe - 1) / (2 * safe - 1)
        inside = ember.where(away, closed, value)
        return ember.where(value <= 0, ember.zeros_like(inside), ember.where(value >= 1, ember.ones_like(inside),
                                                                             inside))

    def icdf(self, value):
        away, safe, _ = self._split()
        closed = (ember.log1p(-safe + value * (2 * safe - 1)) - ember.log1p(-safe)) / (safe.log() - ember.log1p(-safe))
        return ember.where(away, closed, value)

    def rsample(self, sample_shape=ember.Size()):
        u = ember.rand(self._extended_shape(sample_shape), dtype=self.probs.dtype)
        return self.icdf(u)

    def entropy(self):
        log_p0, log_p1 = ember.log1p(-self.probs), self.probs.log()
        return self.mean * (log_p0 - log_p1) - self._log_normalizer() - log_p0

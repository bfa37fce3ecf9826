"""VonMises: the circular normal distribution on [-pi, pi), sampled by Best and Fisher's
rejection method."""
import math

import ember

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all


def _log_i(order, x):
    """log I_order(x), through the exponentially scaled Bessel function (no overflow)."""
    scaled = ember.special.i0e(x) if order == 0 else ember.special.i1e(x)
    return scaled.log() + x


class VonMises(Distribution):
    """The circular distribution on ``[-pi, pi)`` with mean direction ``loc`` and ``concentration``."""
    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(VonMises, batch_shape, _instance, ("loc", "concentration"))

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return 1 - (_log_i(1, self.concentration) - _log_i(0, self.concentration)).exp()

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        return (self.concentration * ember.cos(value - self.loc) - math.log(2 * math.pi)
                - _log_i(0, self.concentration))

    def sample(self, sample_shape=ember.Size()):
        """Best & Fisher (1979): wrapped-Cauchy proposals accepted against the density; each round
        redraws only the elements still rejected."""
        shape = self._extended_shape(sample_shape)
        with ember.no_grad():
            k = self.concentration.double().expand(shape)
            tau = 1 + (1 + 4 * k * k).sqrt()
            rho = (tau - (2 * tau).sqrt()) / (2 * k)
            r = ember.where(k < 1e-5, 1 / k + k, (1 + rho * rho) / (2 * rho))  # a small concentration: the limit
            theta = ember.zeros(shape, dtype=ember.float64)
            done = ember.zeros(shape, dtype=ember.bool)
            while not bool(done.all()):
                u1, u2, u3 = (ember.rand(shape, dtype=ember.float64) for _ in range(3))
                z = ember.cos(math.pi * u1)
                f = (1 + r * z) / (r + z)
                c = k * (r - f)
                accept = ((c * (2 - c) - u2) > 0) | ((c / u2).log() + 1 - c >= 0)
                new = (u3 - 0.5).sign() * f.clamp(-1, 1).acos()
                take = accept & ~done
                theta = ember.where(take, new, theta)
                done = done | accept
            return ((theta + self.loc.double() + math.pi) % (2 * math.pi) - math.pi).to(self.loc.dtype)

"""Transforms that change shapes or go through a distribution: StickBreakingTransform (onto the
simplex), ReshapeTransform, CumulativeDistributionTransform, PositiveDefiniteTransform."""
import ember

from . import constraints
from .._ops.distribution_linalg import cholesky
from .transforms import LowerCholeskyTransform, ParameterFree, Transform


class StickBreakingTransform(ParameterFree):
    """R^K onto the (K+1)-simplex by breaking off a sigmoid-sized piece of what is left, K times."""
    domain, codomain, bijective = constraints.real_vector, constraints.simplex, True

    @staticmethod
    def _offset(x):
        return (x.shape[-1] + 1 - ember.ones(x.shape[-1], dtype=x.dtype).cumsum(-1)).log()

    def _call(self, x):
        z = ember.sigmoid(x - self._offset(x))
        left = (1 - z).cumprod(-1)
        ones = ember.ones(x.shape[:-1] + (1,), dtype=x.dtype)
        return ember.cat([z, ones], -1) * ember.cat([ones, left], -1)

    def _inverse(self, y):
        y_crop = y[..., :-1]
        remaining = (1 - y_crop.cumsum(-1)).clamp(min=ember.finfo(y.dtype).tiny)
        return y_crop.log() - remaining.log() + self._offset(y_crop)

    def log_abs_det_jacobian(self, x, y):
        x = x - self._offset(x)
        return (-x + ember.nn.functional.logsigmoid(x) + y[..., :-1].log()).sum(-1)

    def forward_shape(self, shape):
        return shape[:-1] + (shape[-1] + 1,)

    def inverse_shape(self, shape):
        return shape[:-1] + (shape[-1] - 1,)


class ReshapeTransform(Transform):
    bijective = True

    def __init__(self, in_shape, out_shape, cache_size=0):
        self.in_shape, self.out_shape = ember.Size(in_shape), ember.Size(out_shape)
        if self.in_shape.numel() != self.out_shape.numel():
            raise ValueError("in_shape, out_shape have different numbers of elements")
        super().__init__(cache_size=cache_size)

    @property
    def domain(self):
        return constraints.independent(constraints.real, len(self.in_shape))

    @property
    def codomain(self):
        return constraints.independent(constraints.real, len(self.out_shape))

    def _call(self, x):
        return x.reshape(x.shape[:x.ndim - len(self.in_shape)] + self.out_shape)

    def _inverse(self, y):
        return y.reshape(y.shape[:y.ndim - len(self.out_shape)] + self.in_shape)

    def log_abs_det_jacobian(self, x, y):
        return ember.zeros(x.shape[:x.ndim - len(self.in_shape)], dtype=x.dtype)

    def forward_shape(self, shape):
        return ember.Size(shape[:len(shape) - len(self.in_shape)]) + self.out_shape

    def inverse_shape(self, shape):
        return ember.Size(shape[:len(shape) - len(self.out_shape)]) + self.in_shape


class CumulativeDistributionTransform(Transform):
    """x -> the CDF of ``distribution`` at x, onto the unit interval."""
    bijective, codomain, sign = True, constraints.unit_interval, +1

    def __init__(self, distribution, cache_size=0):
        super().__init__(cache_size=cache_size)
        self.distribution = distribution

    @property
    def domain(self):
        return self.distribution.support

    def _call(self, x):
        return self.distribution.cdf(x)

    def _inverse(self, y):
        return self.distribution.icdf(y)

    def log_abs_det_jacobian(self, x, y):
        return self.distribution.log_prob(x)


class PositiveDefiniteTransform(ParameterFree):
    """An unconstrained square matrix to a positive-definite one, L L^T with L from LowerCholeskyTransform."""
    domain = constraints.independent(constraints.real, 2)
    codomain = constraints.positive_definite

    def _call(self, x):
        lower = LowerCholeskyTransform()(x)
        return lower @ lower.transpose(-1, -2)

    def _inverse(self, y):
        return LowerCholeskyTransform().inv(cholesky(y))

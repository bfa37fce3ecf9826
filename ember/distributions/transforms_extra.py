"""Transforms that change shapes, go through a distribution or combine others along a dimension:
StickBreakingTransform (onto the simplex), ReshapeTransform, CumulativeDistributionTransform,
PositiveDefiniteTransform, CatTransform, StackTransform."""
import ember

from . import constraints
from .._ops.distribution_linalg import cholesky
from .transforms import LowerCholeskyTransform, ParameterFree, Transform
from .utils import _sum_rightmost


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
    """Reshapes the rightmost dimensions from ``in_shape`` to ``out_shape`` (same number of elements)."""
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


class CatTransform(Transform):
    """Transforms applied to consecutive slices of ``dim`` (of ``lengths``, 1 each by default)."""

    def __init__(self, tseq, dim=0, lengths=None, cache_size=0):
        super().__init__(cache_size=cache_size)
        self.transforms = [t.with_cache(cache_size) for t in tseq]
        self.lengths = list(lengths) if lengths is not None else [1] * len(self.transforms)
        if len(self.lengths) != len(self.transforms):
            raise ValueError("lengths must have the same number of elements as transforms")
        self.dim = dim

    @property
    def event_dim(self):
        return max(t.event_dim for t in self.transforms)

    @property
    def length(self):
        return sum(self.lengths)

    @property
    def bijective(self):
        return all(t.bijective for t in self.transforms)

    @property
    def domain(self):
        return constraints.cat([t.domain for t in self.transforms], self.dim, self.lengths)

    @property
    def codomain(self):
        return constraints.cat([t.codomain for t in self.transforms], self.dim, self.lengths)

    def _pieces(self, value):
        start = 0
        for t, length in zip(self.transforms, self.lengths):
            yield t, value.narrow(self.dim, start, length)
            start += length

    def _call(self, x):
        return ember.cat([t(piece) for t, piece in self._pieces(x)], self.dim)

    def _inverse(self, y):
        return ember.cat([t.inv(piece) for t, piece in self._pieces(y)], self.dim)

    def log_abs_det_jacobian(self, x, y):
        terms = []
        for (t, xs), (_, ys) in zip(self._pieces(x), self._pieces(y)):
            term = t.log_abs_det_jacobian(xs, ys)
            terms.append(_sum_rightmost(term, self.event_dim - t.event_dim))
        dim = (self.dim - x.ndim if self.dim >= 0 else self.dim) + self.event_dim
        return ember.cat(terms, dim) if dim < 0 else sum(terms[1:], terms[0])


class StackTransform(Transform):
    """Transform i applied to index i of ``dim``."""

    def __init__(self, tseq, dim=0, cache_size=0):
        super().__init__(cache_size=cache_size)
        self.transforms = [t.with_cache(cache_size) for t in tseq]
        self.dim = dim

    @property
    def bijective(self):
        return all(t.bijective for t in self.transforms)

    @property
    def domain(self):
        return constraints.stack([t.domain for t in self.transforms], self.dim)

    @property
    def codomain(self):
        return constraints.stack([t.codomain for t in self.transforms], self.dim)

    def _map(self, value, fn):
        return ember.stack([fn(t, value.select(self.dim, i)) for i, t in enumerate(self.transforms)], self.dim)

    def _call(self, x):
        return self._map(x, lambda t, v: t(v))

    def _inverse(self, y):
        return self._map(y, lambda t, v: t.inv(v))

    def log_abs_det_jacobian(self, x, y):
        return ember.stack([t.log_abs_det_jacobian(x.select(self.dim, i), y.select(self.dim, i))
                            for i, t in enumerate(self.transforms)], self.dim)

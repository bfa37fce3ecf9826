"""Multivariate normal distributions: MultivariateNormal (given a covariance, a precision or a
lower Cholesky factor) and LowRankMultivariateNormal (covariance W W^T + diag(D)). Both work
from the lower Cholesky factor L of the covariance: log-densities solve with L, sampling
multiplies by it."""
import math

import ember
from .._ops.distribution_linalg import cholesky, solve_lower

from . import constraints
from .distribution import Distribution
from .utils import lazy_property


def _batch_mahalanobis(lower, x):
    """x^T (L L^T)^-1 x over the batch: the squared norm of L^-1 x."""
    return solve_lower(lower, x.unsqueeze(-1)).squeeze(-1).pow(2).sum(-1)


def _half_log_det(lower):
    return lower.diagonal(dim1=-2, dim2=-1).log().sum(-1)


def _inverse_from_lower(lower):
    """(L L^T)^-1 = L^-T L^-1."""
    eye = ember.eye(lower.shape[-1], dtype=lower.dtype).expand(lower.shape)
    inv = solve_lower(lower, eye)
    return inv.transpose(-1, -2) @ inv


class _GaussianFromTril(Distribution):
    """What both multivariate normals derive from ``_unbroadcasted_scale_tril`` and ``loc``."""
    support = constraints.real_vector
    has_rsample = True

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    def rsample(self, sample_shape=ember.Size()):
        shape = self._extended_shape(sample_shape)
        eps = ember.randn(shape, dtype=self.loc.dtype)
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        m = _batch_mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        n = self._event_shape[0]
        return -0.5 * (n * math.log(2 * math.pi) + m) - _half_log_det(self._unbroadcasted_scale_tril)

    def entropy(self):
        n = self._event_shape[0]
        h = 0.5 * n * (1.0 + math.log(2 * math.pi)) + _half_log_det(self._unbroadcasted_scale_tril)
        return h.expand(self._batch_shape) if len(self._batch_shape) else h


class MultivariateNormal(_GaussianFromTril):
    """The Gaussian on vectors with mean ``loc`` and a covariance given by exactly one of
    ``covariance_matrix``, ``precision_matrix`` or ``scale_tril`` (its lower Cholesky factor)."""
    arg_constraints = {"loc": constraints.real_vector, "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite, "scale_tril": constraints.lower_cholesky}

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None, validate_args=None):
        if loc.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        given = [m for m in (covariance_matrix, precision_matrix, scale_tril) if m is not None]
        if len(given) != 1:
            raise ValueError("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        matrix = given[0]
        if matrix.ndim < 2:
            raise ValueError("scale_tril matrix must be at least two-dimensional, with optional leading batch "
                             "dimensions" if scale_tril is not None else
                             "covariance_matrix or precision_matrix must be at least two-dimensional, with "
                             "optional leading batch dimensions")
        batch_shape = ember.broadcast_shapes(matrix.shape[:-2], loc.shape[:-1])
        event = loc.shape[-1:]
        name = "scale_tril" if scale_tril is not None else ("covariance_matrix" if covariance_matrix is not None
                                                             else "precision_matrix")
        setattr(self, name, matrix.expand(batch_shape + (-1, -1)))
        self.loc = loc.expand(batch_shape + (-1,))
        super().__init__(batch_shape, event, validate_args=validate_args)  # checks the matrix first
        if scale_tril is not None:
            self._unbroadcasted_scale_tril = scale_tril
        elif covariance_matrix is not None:
            self._unbroadcasted_scale_tril = cholesky(covariance_matrix)
        else:
            self._unbroadcasted_scale_tril = cholesky(_inverse_from_lower(cholesky(precision_matrix)))

    def expand(self, batch_shape, _instance=None):
        new = self._expanded(MultivariateNormal, batch_shape, _instance,
                             ("loc", "covariance_matrix", "precision_matrix", "scale_tril"),
                             _unbroadcasted_scale_tril=self._unbroadcasted_scale_tril)
        return new

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(self._batch_shape + self._event_shape + self._event_shape)

    @lazy_property
    def covariance_matrix(self):
        lower = self._unbroadcasted_scale_tril
        return (lower @ lower.transpose(-1, -2)).expand(self._batch_shape + self._event_shape + self._event_shape)

    @lazy_property
    def precision_matrix(self):
        return _inverse_from_lower(self._unbroadcasted_scale_tril).expand(
            self._batch_shape + self._event_shape + self._event_shape)

    @property
    def variance(self):
        return self._unbroadcasted_scale_tril.pow(2).sum(-1).expand(self._batch_shape + self._event_shape)


class LowRankMultivariateNormal(_GaussianFromTril):
    """Covariance ``cov_factor @ cov_factor.T + diag(cov_diag)``. Densities go through the
    Cholesky factor of the full covariance (O(n^3) where PyTorch's capacitance form is O(n r^2))."""
    arg_constraints = {"loc": constraints.real_vector, "cov_factor": constraints.independent(constraints.real, 2),
                       "cov_diag": constraints.independent(constraints.positive, 1)}

    def __init__(self, loc, cov_factor, cov_diag, validate_args=None):
        if loc.ndim < 1:
            raise ValueError("loc must be at least one-dimensional.")
        event = loc.shape[-1:]
        if cov_factor.ndim < 2:
            raise ValueError("cov_factor must be at least two-dimensional, with optional leading batch dimensions")
        if cov_factor.shape[-2:-1] != event:
            raise ValueError(f"cov_factor must be a batch of matrices with shape {event[0]} x m")
        if cov_diag.shape[-1:] != event:
            raise ValueError(f"cov_diag must be a batch of vectors with shape {tuple(event)}")
        batch_shape = ember.broadcast_shapes(loc.shape[:-1], cov_factor.shape[:-2], cov_diag.shape[:-1])
        self.loc = loc.expand(batch_shape + (-1,))
        self.cov_factor = cov_factor.expand(batch_shape + (-1, -1))
        self.cov_diag = cov_diag.expand(batch_shape + (-1,))
        covariance = cov_factor @ cov_factor.transpose(-1, -2) + ember.diag_embed(cov_diag)
        self._unbroadcasted_scale_tril = cholesky(covariance)
        super().__init__(batch_shape, event, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded(LowRankMultivariateNormal, batch_shape, _instance, ("loc", "cov_factor", "cov_diag"),
                              _unbroadcasted_scale_tril=self._unbroadcasted_scale_tril)

    scale_tril = MultivariateNormal.scale_tril
    covariance_matrix = MultivariateNormal.covariance_matrix
    precision_matrix = MultivariateNormal.precision_matrix

    @property
    def variance(self):
        return (self.cov_factor.pow(2).sum(-1) + self.cov_diag).expand(self._batch_shape + self._event_shape)

    def rsample(self, sample_shape=ember.Size()):
        shape = self._extended_shape(sample_shape)
        eps_w = ember.randn(shape[:-1] + (self.cov_factor.shape[-1],), dtype=self.loc.dtype)
        eps_d = ember.randn(shape, dtype=self.loc.dtype)
        return (self.loc + (self.cov_factor @ eps_w.unsqueeze(-1)).squeeze(-1)
                + self.cov_diag.sqrt() * eps_d)

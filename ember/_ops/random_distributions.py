"""Draws from the gamma, Poisson and binomial distributions (``torch._standard_gamma``,
``torch.poisson``, ``torch.binomial``), the samplers under ``ember.distributions``.

Gamma draws are reparameterised implicitly: a draw x of Gamma(alpha, 1) moves with alpha
so that its CDF P(alpha, x) stays fixed, so dx/dalpha = -(dP/dalpha) / (dP/dx). dP/dx is
the density; dP/dalpha has no closed form and is taken by a central difference of the
incomplete gamma function, which Ember computes to rounding (step 1e-5 alpha: the
difference is good to about 1e-9 relative).
"""
import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from . import gamma_kernels
from .op import Op

_TINY = {np.dtype(np.float32): np.finfo(np.float32).tiny, np.dtype(np.float64): np.finfo(np.float64).tiny}


class StandardGamma(Op):
    backward_name = "StandardGammaBackward0"

    def forward(ctx, alpha, generator=None):
        x = B.rng(generator).standard_gamma(alpha.astype(np.float64))
        x = np.maximum(x, _TINY.get(alpha.dtype, 0)).astype(alpha.dtype)  # no exact zeros, as in PyTorch
        ctx.save_for_backward(alpha, x)
        return x

    def backward(ctx, g):
        alpha, x = ctx.saved_tensors
        a, v = alpha.astype(np.float64), x.astype(np.float64)
        h = 1e-5 * a
        with np.errstate(all="ignore"):
            dp_dalpha = (gamma_kernels.gammainc(a + h, v) - gamma_kernels.gammainc(a - h, v)) / (2 * h)
            log_density = (a - 1) * np.log(v) - v - gamma_kernels.lgamma(a)
            dx_dalpha = -dp_dalpha * np.exp(-log_density)
        return g * np.nan_to_num(dx_dalpha).astype(alpha.dtype)


class _Discrete(Op):
    differentiable = False


class Poisson(_Discrete):
    def forward(ctx, rates, generator=None):
        return B.rng(generator).poisson(rates).astype(rates.dtype)


class Binomial(_Discrete):
    def forward(ctx, count, prob, generator=None):
        return B.rng(generator).binomial(count.astype(np.int64), prob).astype(prob.dtype)


def _standard_gamma(input, generator=None):
    return StandardGamma.apply(input, generator=generator)


def _sample_dirichlet(input, generator=None):
    draws = StandardGamma.apply(input.detach(), generator=generator)
    return draws / draws.sum(-1, keepdim=True)


def poisson(input, generator=None):
    """Draws from Poisson distributions with the rates in ``input``, in its dtype (no gradient)."""
    return Poisson.apply(input, generator=generator)


def binomial(count, prob, generator=None):
    """Draws from binomial distributions of ``count`` trials with success probabilities ``prob`` (no gradient)."""
    if not isinstance(count, Tensor) or not isinstance(prob, Tensor):
        raise TypeError("binomial(): argument 'count' and 'prob' must be Tensor")
    return Binomial.apply(count, prob, generator=generator)


FUNCTIONS = dict(_standard_gamma=_standard_gamma, _sample_dirichlet=_sample_dirichlet, poisson=poisson,
                 binomial=binomial)
TENSOR_METHODS = {}

"""Array kernels of the error-function family: erf, erfc, erfcx, erfinv and the normal
distribution's ndtr, ndtri and log_ndtr (float64 in, float64 out).

erf and erfc come from ``math``, exact to rounding; the rest are built on them so that
the tails keep full relative accuracy where a naive formula would underflow or cancel.
"""
import math

import numpy as np

_SQRT2 = math.sqrt(2.0)
_SQRT_2PI = math.sqrt(2 * math.pi)
_INV_SQRT_PI = 1 / math.sqrt(math.pi)
_math_erf = np.frompyfunc(math.erf, 1, 1)
_math_erfc = np.frompyfunc(math.erfc, 1, 1)


def erf(x):
    return np.asarray(_math_erf(np.asarray(x, np.float64)), np.float64)


def erfc(x):
    return np.asarray(_math_erfc(np.asarray(x, np.float64)), np.float64)


def erfcx(x):
    """exp(x^2) erfc(x). Directly below 5; above, the continued fraction
    erfcx(x) = 1 / (sqrt(pi) (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...))))), summed from the
    tail, which needs no exp and so never overflows."""
    x = np.asarray(x, np.float64)
    out = np.empty_like(x)
    direct = x < 5
    xd = x[direct]
    with np.errstate(over="ignore", invalid="ignore"):
        out[direct] = np.exp(xd * xd) * erfc(xd)
    xf = x[~direct]
    tail = xf.copy()
    for k in range(60, 0, -1):
        tail = xf + (k / 2) / tail
    with np.errstate(over="ignore", invalid="ignore"):
        out[~direct] = np.where(np.isinf(xf), 0.0, _INV_SQRT_PI / tail)
    out[np.isnan(x)] = np.nan
    return out


# Acklam's rational approximation of the normal quantile (relative error < 1.2e-9), refined below
_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
      -3.066479806614716e+01, 2.506628277459239e+00)
_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
      -1.328068155288572e+01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549671875366564e+00,
      4.374664141464968e+00, 2.938163982698783e+00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)


def _poly(coefs, x):
    out = np.full_like(x, coefs[0])
    for c in coefs[1:]:
        out = out * x + c
    return out


def ndtri(p):
    """The standard normal quantile: Acklam's approximation, then two Halley steps on
    ndtr(x) = p, whose residual ``ndtr`` keeps in full relative precision in the tails."""
    p = np.asarray(p, np.float64)
    with np.errstate(all="ignore"):
        lower = np.minimum(p, 1 - p)  # the tail probability; the quantile is odd about p = 1/2
        central = lower > 0.02425
        q = p - 0.5
        r = q * q
        mid = q * _poly(_A, r) / (_poly(_B, r) * r + 1)
        t = np.sqrt(-2 * np.log(lower))
        tail = _poly(_C, t) / (_poly(_D, t) * t + 1)  # the left tail's (negative) quantile
        x = np.where(central, mid, np.where(p < 0.5, tail, -tail))
        for _ in range(2):
            # the residual ndtr(x) - p, written so that it keeps relative accuracy: against p - 1/2
            # (exact) near the centre, against the tail probability on x's side in the tails
            e = np.where(central, 0.5 * erf(x / _SQRT2) - q, np.where(x < 0, ndtr(x) - p, (1 - p) - ndtr(-x)))
            u = e * _SQRT_2PI * np.exp(0.5 * x * x)
            x = np.where(np.isfinite(u), x - u / (1 + 0.5 * x * u), x)
    x = np.where(p == 0, -np.inf, np.where(p == 1, np.inf, x))
    return np.where((p < 0) | (p > 1) | np.isnan(p), np.nan, x)


def ndtr(x):
    """The standard normal CDF, 0.5 erfc(-x / sqrt 2): no cancellation in the left tail."""
    return 0.5 * erfc(-np.asarray(x, np.float64) / _SQRT2)


def log_ndtr(x):
    """log of the standard normal CDF: through erfcx in the left tail, where the CDF underflows,
    and log1p of the upper tail on the right."""
    x = np.asarray(x, np.float64)
    with np.errstate(divide="ignore"):
        left = np.log(0.5 * erfcx(-x / _SQRT2)) - 0.5 * x * x
        right = np.log1p(-0.5 * erfc(x / _SQRT2))
    return np.where(x < -1, left, right)


def erfinv(y):
    """The inverse of erf. Near 0 Newton steps on erf from a first guess that is exact to first
    order; elsewhere through the normal quantile of the tail 1 - |y|, which is exact there."""
    y = np.asarray(y, np.float64)
    with np.errstate(all="ignore"):
        x = -ndtri((1 - np.abs(y)) / 2) / _SQRT2 * np.sign(y)
        near = np.abs(y) < 0.5
        yn = y[near]
        xn = ndtri((yn + 1) / 2) / _SQRT2  # within 1e-16 absolute: Newton restores relative accuracy
        for _ in range(2):
            xn = xn - (erf(xn) - yn) / (2 * _INV_SQRT_PI * np.exp(-xn * xn))
        x[near] = xn
    return np.where(np.abs(y) > 1, np.nan, x)

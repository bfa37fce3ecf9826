"""Array kernels of the modified Bessel functions of the first kind, I0 and I1, and their
exponentially scaled forms (float64 in, float64 out).

Below |x| = 30 the power series: its terms are all positive, so it sums without
cancellation. Above, the asymptotic expansion of e^-x I_nu(x), whose terms shrink until
the order passes about 2x, so twenty of them are exact to rounding.
"""
import math

import numpy as np

_SWITCH = 30.0
_EULER = 0.57721566490153286061


def _series(x, nu):
    """I_nu(x) for nu in (0, 1): sum over k of (x/2)^(2k + nu) / (k! (k + nu)!)."""
    quarter = x * x / 4
    term = (x / 2) ** nu / math.factorial(nu)
    total = term.copy()
    for k in range(1, 90):
        term = term * quarter / (k * (k + nu))
        total += term
    return total


def _asymptotic_scaled(x, nu):
    """e^-x I_nu(x) for large positive x: (2 pi x)^-1/2 times the sum over k of
    (-1)^k prod_{j <= k} (4 nu^2 - (2j - 1)^2) / (k! (8x)^k)."""
    mu = 4 * nu * nu
    term = np.ones_like(x)
    total = term.copy()
    for k in range(1, 20):
        term = -term * (mu - (2 * k - 1) ** 2) / (k * 8 * x)
        total += term
    return total / np.sqrt(2 * np.pi * x)


def _scaled(x, nu):
    """e^-|x| I_nu(|x|) for nu in (0, 1)."""
    ax = np.abs(np.asarray(x, np.float64))
    out = np.empty_like(ax)
    small = ax < _SWITCH
    out[small] = np.exp(-ax[small]) * _series(ax[small], nu)
    out[~small] = _asymptotic_scaled(ax[~small], nu)
    return out


def i0e(x):
    return _scaled(x, 0)


def i1e(x):
    return np.sign(x) * _scaled(x, 1)  # I1 is odd


def i0(x):
    with np.errstate(over="ignore"):
        return np.exp(np.abs(x)) * _scaled(x, 0)


def i1(x):
    with np.errstate(over="ignore", invalid="ignore"):
        return np.sign(x) * np.exp(np.abs(x)) * _scaled(x, 1)


# ----------------------------------------------------------------- K0, K1 and J0, J1
# Both from integral representations whose integrands are smooth and decay (K) or are
# periodic (J): the trapezoid rule converges exponentially on them, so a fixed grid is
# exact to rounding.

_K_STEP = 0.05
_K_U = np.arange(0.0, 40.0, _K_STEP)
_K_WEIGHTS = np.full(_K_U.shape, _K_STEP)
_K_WEIGHTS[0] = _K_STEP / 2


def _scaled_k(x, nu):
    """e^x K_nu(x) = integral over t >= 0 of exp(-x (cosh t - 1)) cosh(nu t), for x > 0. The grid
    is t = u / sqrt(x) for x > 1, where the integrand is a bump of width 1/sqrt(x); with u up to
    40 the integrand has fallen below 1e-300 in both regimes."""
    x = np.asarray(x, np.float64)
    out = np.full(x.shape, np.nan)
    finite = (x > 0) & np.isfinite(x)
    xs = x[finite].reshape(-1, 1)
    scale = 1 / np.sqrt(np.maximum(xs, 1.0))
    t = scale * _K_U
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        terms = np.exp(-xs * 2 * np.sinh(t / 2) ** 2) * (np.cosh(nu * t) if nu else 1.0)  # cosh t - 1, exactly
    out[finite] = (terms @ _K_WEIGHTS) * scale[:, 0]
    tiny = finite & (x < 1e-9)  # where the grid ends too soon: the leading terms of the series at 0
    xt = x[tiny]
    log_half = np.log(xt / 2) + _EULER
    out[tiny] = np.exp(xt) * (-log_half if nu == 0 else 1 / xt + xt / 2 * (log_half - 0.5))
    out[x == 0] = np.inf
    out[x == np.inf] = 0.0
    return out


def k0e(x):
    return _scaled_k(x, 0)


def k1e(x):
    return _scaled_k(x, 1)


def k0(x):
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(np.asarray(x) == np.inf, 0.0, np.exp(-np.asarray(x, np.float64)) * _scaled_k(x, 0))


def k1(x):
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(np.asarray(x) == np.inf, 0.0, np.exp(-np.asarray(x, np.float64)) * _scaled_k(x, 1))


_J_POINTS = 96
_J_TAU = np.linspace(0.0, np.pi, _J_POINTS + 1)
_J_WEIGHTS = np.full(_J_POINTS + 1, 1.0 / _J_POINTS)
_J_WEIGHTS[[0, -1]] /= 2
_J_SWITCH = 40.0


def _bessel_j(x, n):
    """J_n(x) = (1/pi) integral over [0, pi] of cos(n tau - x sin tau) for |x| <= 40; Hankel's
    asymptotic expansion beyond."""
    x = np.asarray(x, np.float64)
    out = np.empty_like(x)
    small = np.abs(x) <= _J_SWITCH
    xs = x[small].reshape(-1, 1)
    out[small] = np.cos(n * _J_TAU - xs * np.sin(_J_TAU)) @ _J_WEIGHTS
    xl = x[~small]
    ax = np.abs(xl)
    mu = 4.0 * n * n
    p, q = np.ones_like(ax), np.zeros_like(ax)
    term = np.ones_like(ax)
    for k in range(1, 24):  # the terms of P and Q alternate: odd k feed Q, even k feed P
        term = term * (mu - (2 * k - 1) ** 2) / (k * 8 * ax)
        if k % 2:
            q += term * (-1) ** (k // 2)
        else:
            p += term * (-1) ** (k // 2)
    chi = ax - (n / 2 + 0.25) * np.pi
    with np.errstate(invalid="ignore"):
        value = np.sqrt(2 / (np.pi * ax)) * (p * np.cos(chi) - q * np.sin(chi))
    out[~small] = value * (np.sign(xl) if n % 2 else 1)  # J1 is odd, J0 even
    return out


def j0(x):
    return _bessel_j(x, 0)


def j1(x):
    return _bessel_j(x, 1)

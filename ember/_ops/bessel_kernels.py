"""Array kernels of the modified Bessel functions of the first kind, I0 and I1, and their
exponentially scaled forms (float64 in, float64 out).

Below |x| = 30 the power series: its terms are all positive, so it sums without
cancellation. Above, the asymptotic expansion of e^-x I_nu(x), whose terms shrink until
the order passes about 2x, so twenty of them are exact to rounding.
"""
import math

import numpy as np

_SWITCH = 30.0


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

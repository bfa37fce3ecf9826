"""Array kernels of the gamma family: lgamma, digamma, Hurwitz zeta (and through it polygamma),
and the regularised incomplete gamma functions.

NumPy has none of them. Each kernel takes and returns float64 arrays and is accurate to a
few units in the last place over the domain PyTorch covers; special points (poles, the
negative axis) follow PyTorch's values.
"""
import math

import numpy as np

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)
# Lanczos approximation, g = 7, nine terms: relative error below 2e-16 for x >= 0.5
_LANCZOS_G = 7.0
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7)
# Bernoulli numbers B2, B4, ..., B24 (exact fractions), for the Euler-Maclaurin and Stirling tails
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
              -174611 / 330, 854513 / 138, -236364091 / 2730)


def _lanczos_lgamma(x):
    """log Gamma(x) for x >= 0.5."""
    z = x - 1
    s = np.full_like(z, _LANCZOS[0])
    for k in range(1, 9):
        s += _LANCZOS[k] / (z + k)
    t = z + _LANCZOS_G + 0.5
    return _LOG_SQRT_2PI + (z + 0.5) * np.log(t) - t + np.log(s)


def lgamma(x):
    """log|Gamma(x)|; +inf at the poles (0 and the negative integers)."""
    x = np.asarray(x, np.float64)
    right = x >= 0.5
    out = np.empty_like(x)
    out[right] = _lanczos_lgamma(x[right])
    left = x[~right]  # reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x)
    sin = np.abs(np.sin(np.pi * _reduce_half_period(left)))
    with np.errstate(all="ignore"):
        out[~right] = math.log(math.pi) - np.log(sin) - _lanczos_lgamma(1 - left)
    out[(~right & (x == np.floor(x))) | np.isinf(x)] = np.inf
    out[(x == 1) | (x == 2)] = 0.0  # the exact zeros, which the approximation misses by an ulp
    return out


def _reduce_half_period(x):
    """x minus the nearest even integer: sin(pi x) from it keeps full accuracy far from 0."""
    return x - 2 * np.round(x / 2)


def digamma(x):
    """psi(x) = d/dx log Gamma(x): reflection below 0, upward recurrence to x >= 10, then the
    asymptotic series. -inf at +0, +inf at -0, nan at the negative integers (PyTorch's values)."""
    x = np.asarray(x, np.float64)
    out = np.zeros_like(x)
    neg = x < 0
    xr = np.where(neg, 1 - x, x)
    with np.errstate(all="ignore"):
        out[neg] = -np.pi / np.tan(np.pi * _reduce_half_period(x[neg]))
        for _ in range(10):
            small = xr < 10
            if not small.any():
                break
            out -= np.where(small, 1 / xr, 0)
            xr = np.where(small, xr + 1, xr)
        inv2 = 1 / (xr * xr)
        series = np.zeros_like(xr)
        for k in range(7, 0, -1):  # Horner in 1/x^2: the sum of B_2k / (2k x^2k), k = 1..7
            series = (series + _BERNOULLI[k - 1] / (2 * k)) * inv2
        out += np.log(xr) - 0.5 / xr - series
    out[x == 0] = np.where(np.signbit(x[x == 0]), np.inf, -np.inf)
    out[neg & (x == np.floor(x))] = np.nan
    return out


def zeta(s, q):
    """Hurwitz zeta(s, q) = sum over k >= 0 of (q + k)^-s, by Euler-Maclaurin summation:
    twelve terms summed directly, then the integral and twelve Bernoulli corrections."""
    s, q = np.broadcast_arrays(np.asarray(s, np.float64), np.asarray(q, np.float64))
    n = 12
    with np.errstate(all="ignore"):
        total = np.zeros(s.shape)
        for k in range(n):
            total += (q + k) ** -s
        a = q + n
        total += a ** (1 - s) / (s - 1) + 0.5 * a ** -s
        rising = s.copy()  # s (s+1) ... (s+2j-2)
        power = a ** (-s - 1)
        factorial = 2.0
        for j in range(1, 13):
            total += _BERNOULLI[j - 1] / factorial * rising * power
            rising = rising * (s + 2 * j - 1) * (s + 2 * j)
            power = power / (a * a)
            factorial *= (2 * j + 1) * (2 * j + 2)
    total = np.where(s < 1, np.nan, total)
    total = np.where(s == 1, np.inf, total)
    total = np.where((q <= 0) & (q == np.floor(q)) & (s > 1), np.inf, total)
    return np.where((q < 0) & (q != np.floor(q)) & (s != np.floor(s)), np.nan, total)


def polygamma(n, x):
    """The n-th derivative of digamma: (-1)^(n+1) n! zeta(n + 1, x) for n >= 1."""
    if n == 0:
        return digamma(x)
    return (-1) ** (n + 1) * math.factorial(n) * zeta(float(n + 1), x)


def _log_prefactor(a, x):
    """log(x^a e^-x / Gamma(a)), the factor both incomplete-gamma expansions share."""
    return a * np.log(x) - x - lgamma(a)


def _lower_series(a, x):
    """P(a, x) by its power series; converges fast for x < a + 1."""
    term = 1 / a
    total = term.copy()
    for k in range(1, 1000):
        term = term * x / (a + k)
        total += term
        if np.all(np.abs(term) <= np.abs(total) * 1e-17):
            break
    return np.exp(_log_prefactor(a, x)) * total


def _upper_fraction(a, x):
    """Q(a, x) by its continued fraction (modified Lentz); converges fast for x >= a + 1."""
    tiny = 1e-300
    b = x + 1 - a
    c = np.full_like(b, 1 / tiny)
    d = 1 / b
    h = d.copy()
    for k in range(1, 1000):
        an = -k * (k - a)
        b = b + 2
        d = an * d + b
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = b + an / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1 / d
        delta = d * c
        h = h * delta
        if np.all(np.abs(delta - 1) <= 1e-16):
            break
    return np.exp(_log_prefactor(a, x)) * h


def gammainc(a, x, upper=False):
    """The regularised lower (P) or, with ``upper``, upper (Q = 1 - P) incomplete gamma function."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    out = np.full(a.shape, np.nan)
    ok = (a > 0) & (x > 0) & np.isfinite(a) & np.isfinite(x)
    use_series = ok & (x < a + 1)
    use_fraction = ok & ~use_series
    with np.errstate(all="ignore"):
        p = _lower_series(a[use_series], x[use_series])
        q = _upper_fraction(a[use_fraction], x[use_fraction])
    out[use_series] = 1 - p if upper else p
    out[use_fraction] = q if upper else 1 - q
    # the edges, as PyTorch gives them: P(a, 0) = 0, P(0, x > 0) = 1, P(a, inf) = 1, P(inf, x) = 0
    lower_edge = np.where((x == 0) | (a == np.inf), 0.0, np.where((a == 0) | (x == np.inf), 1.0, np.nan))
    edge = ~ok & (a >= 0) & (x >= 0) & ~((a == 0) & (x == 0)) & ~((a == np.inf) & (x == np.inf))
    out[edge] = (1 - lower_edge[edge]) if upper else lower_edge[edge]
    return out

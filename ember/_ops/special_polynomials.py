"""The functions of torch.special that, in PyTorch too, carry no gradient: the classical
orthogonal polynomials (Chebyshev of four kinds and their shifted forms, Hermite, Laguerre,
Legendre), evaluated by their three-term recurrences elementwise in x and the degree n
(truncated to an integer; negative degrees give 0); spherical_bessel_j0; the Bessel functions
J0, J1 and K0, K1 (plain and scaled) and the plain forms of I0, I1."""
import numpy as np

from .._tensor import Tensor
from . import bessel_kernels
from .comparison import Discrete
from .promotion import promote


def _recurrence(first, step):
    """Evaluate P_n(x) from P_0 = 1, P_1 = first(x) and P_{k+1} = step(k, x, P_k, P_{k-1})."""
    def kernel(x, n):
        x, n = np.broadcast_arrays(x, np.trunc(n).astype(np.int64))
        out = np.where(n == 0, 1.0, 0.0).astype(x.dtype)
        if (n >= 1).any():
            prev, cur = np.ones_like(x), first(x)
            out = np.where(n == 1, cur, out)
            for k in range(1, int(n.max())):
                prev, cur = cur, step(k, x, cur, prev)
                out = np.where(n == k + 1, cur, out)
        return out
    return kernel


def _chebyshev(first):
    return _recurrence(first, lambda k, x, p, q: 2 * x * p - q)


def _shifted(kernel):
    return lambda x, n: kernel(2 * x - 1, n)


_KERNELS = {  # name: (the polynomial, its kernel)
    "chebyshev_polynomial_t": ("Chebyshev polynomial of the first kind", _chebyshev(lambda x: x)),
    "chebyshev_polynomial_u": ("Chebyshev polynomial of the second kind", _chebyshev(lambda x: 2 * x)),
    "chebyshev_polynomial_v": ("Chebyshev polynomial of the third kind", _chebyshev(lambda x: 2 * x - 1)),
    "chebyshev_polynomial_w": ("Chebyshev polynomial of the fourth kind", _chebyshev(lambda x: 2 * x + 1)),
    "hermite_polynomial_h": ("Physicists' Hermite polynomial",
                             _recurrence(lambda x: 2 * x, lambda k, x, p, q: 2 * x * p - 2 * k * q)),
    "hermite_polynomial_he": ("Probabilists' Hermite polynomial",
                              _recurrence(lambda x: x, lambda k, x, p, q: x * p - k * q)),
    "laguerre_polynomial_l": ("Laguerre polynomial", _recurrence(
        lambda x: 1 - x, lambda k, x, p, q: ((2 * k + 1 - x) * p - k * q) / (k + 1))),
    "legendre_polynomial_p": ("Legendre polynomial", _recurrence(
        lambda x: x, lambda k, x, p, q: ((2 * k + 1) * x * p - k * q) / (k + 1))),
}
for _kind in "tuvw":
    _title, _kernel = _KERNELS[f"chebyshev_polynomial_{_kind}"]
    _KERNELS[f"shifted_chebyshev_polynomial_{_kind}"] = (f"Shifted {_title}", _shifted(_kernel))


def _polynomial(name, title, kernel):
    def function(input, n, *, out=None):
        x, degree = promote(input, n)
        if (x if isinstance(x, Tensor) else degree)._data.dtype.kind != "f":  # integers: the default float
            x, degree = (v.float() if isinstance(v, Tensor) else float(v) for v in (x, degree))
        dtype = (x if isinstance(x, Tensor) else degree)._data.dtype
        return Discrete.apply(x, degree, fn=lambda a, b: kernel(np.asarray(a, dtype), np.asarray(b)).astype(dtype))

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"{title} of degree ``n`` at ``input``, elementwise (``n`` truncated to an integer; no " \
                       "gradient)."
    return function


def _spherical_j0(a):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(a == 0, 1.0, np.sin(a) / np.where(a == 0, 1, a)).astype(a.dtype)


def spherical_bessel_j0(input, *, out=None):
    """Spherical Bessel function of the first kind of order zero, ``sin(input) / input``, elementwise (no gradient)."""
    x = input if input._data.dtype.kind == "f" else input.float()
    return Discrete.apply(x, fn=_spherical_j0)


def _no_gradient(name, kernel, what):
    def function(input, *, out=None):
        x = input if input._data.dtype.kind == "f" else input.float()
        return Discrete.apply(x, fn=lambda a: kernel(a).astype(a.dtype))

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"{what}, elementwise (no gradient)."
    return function


SPECIAL = {name: _polynomial(name, title, kernel) for name, (title, kernel) in _KERNELS.items()}
SPECIAL["spherical_bessel_j0"] = spherical_bessel_j0
SPECIAL.update({name: _no_gradient(name, getattr(bessel_kernels, kernel), what) for name, kernel, what in [
    ("bessel_j0", "j0", "Bessel function of the first kind of order zero"),
    ("bessel_j1", "j1", "Bessel function of the first kind of order one"),
    ("modified_bessel_k0", "k0", "Modified Bessel function of the second kind of order zero"),
    ("modified_bessel_k1", "k1", "Modified Bessel function of the second kind of order one"),
    ("scaled_modified_bessel_k0", "k0e", "Exponentially scaled ``exp(input) * modified_bessel_k0(input)``"),
    ("scaled_modified_bessel_k1", "k1e", "Exponentially scaled ``exp(input) * modified_bessel_k1(input)``"),
    ("modified_bessel_i0", "i0", "Modified Bessel function of the first kind of order zero"),
    ("modified_bessel_i1", "i1", "Modified Bessel function of the first kind of order one")]})
FUNCTIONS = {}
TENSOR_METHODS = {}

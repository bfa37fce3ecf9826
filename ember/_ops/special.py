"""Special functions of one tensor: the error-function family, log-gamma and digamma, the
modified Bessel functions, entr and sinc (torch.special and their top-level aliases).

The kernels compute in float64 and the result takes the input's dtype. A derivative that is
itself a special function goes through ``_of``, which evaluates the kernel on arrays and the
recorded op on Tensors, so that ``create_graph=True`` gives higher derivatives too.
"""
import math

import numpy as np

from .._tensor import Tensor
from . import bessel_kernels, erf_kernels, gamma_kernels
from .op import Op
from .promotion import finish, floating, floating_function, floating_inplace

_SQRT_PI_2 = math.sqrt(math.pi) / 2
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


def _like(kernel):
    """A float64 kernel as one that returns the dtype of its input (IEEE events silent, as in PyTorch)."""
    def run(a):
        with np.errstate(all="ignore"):
            return kernel(a).astype(a.dtype, copy=False)
    return run


def _of(op):
    """``op`` on an array (its kernel) or on a Tensor (recorded, for create_graph)."""
    return lambda x: op.apply(x) if isinstance(x, Tensor) else op.kernel(x)


class Unary(Op):
    """An op whose forward is ``kernel`` and whose derivative ``derivative(a, out)`` is a
    formula in the input and the output."""
    kernel = None
    keep = (True, True)  # whether backward needs the input, the output

    def forward(ctx, a):
        out = ctx.kernel(a)
        ctx.save_for_backward(a if ctx.keep[0] else None, out if ctx.keep[1] else None)
        return out

    def backward(ctx, g):
        a, out = ctx.saved_tensors
        return g * ctx.derivative(a, out)


def _unary(name, doc, kernel, derivative, keep=(True, True), grad_name=None):
    """The op class ``name``; ``doc``, what it computes, becomes its function's docstring."""
    cls = type(name, (Unary,), dict(__doc__=doc, kernel=staticmethod(_like(kernel)), keep=keep,
                                    derivative=staticmethod(derivative)))
    if grad_name:
        cls.backward_name = grad_name
    return cls


def _sinc(a):
    with np.errstate(invalid="ignore", divide="ignore"):
        x = np.pi * a
        return np.where(a == 0, 1.0, np.sin(x) / x)


def _sinc_derivative(a, out):
    safe = np.where(a == 0, 1, a)
    return np.where(a == 0, 0, (np.cos(np.pi * a) - out) / safe)


def _entr(a):
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(a > 0, -a * np.log(np.where(a > 0, a, 1)), np.where(a == 0, 0.0, -np.inf))
    return np.where(np.isnan(a), a, out)


def _i1_derivative(a, out):  # I1' = I0 - I1 / x, 1/2 at 0
    safe = np.where(a == 0, 1, a)
    return np.where(a == 0, 0.5, _of(I0)(a) - out / safe)


def _i1e_derivative(a, out):  # (e^-|x| I1)' = e^-|x| I0 - (sign x + 1/x) e^-|x| I1
    safe = np.where(a == 0, 1, a)
    return np.where(a == 0, 0.5, _of(I0e)(a) - out * (np.sign(a) + 1 / safe))


Erfc = _unary("Erfc", "Complementary error function ``1 - erf(input)`` of each element.",
              erf_kernels.erfc, lambda a, out: -_TWO_OVER_SQRT_PI * np.exp(-a * a), (True, False))
Erfinv = _unary("Erfinv", "Inverse error function of each element (NaN outside [-1, 1]).",
                erf_kernels.erfinv, lambda a, out: _SQRT_PI_2 * np.exp(out * out), (False, True))
Erfcx = _unary("Erfcx", "Scaled complementary error function ``exp(input ** 2) * erfc(input)``.",
               erf_kernels.erfcx, lambda a, out: 2 * a * out - _TWO_OVER_SQRT_PI, grad_name="SpecialErfcxBackward0")
Ndtri = _unary("Ndtri", "Quantile function of the standard normal distribution (inverse of its CDF).",
               erf_kernels.ndtri, lambda a, out: np.exp(out * out / 2) / _INV_SQRT_2PI, (False, True),
               grad_name="SpecialNdtriBackward0")
LogNdtr = _unary("LogNdtr", "Logarithm of the standard normal CDF, accurate far into the lower tail.",
                 erf_kernels.log_ndtr, lambda a, out: np.exp(-a * a / 2 - out) * _INV_SQRT_2PI,
                 grad_name="SpecialLogNdtrBackward0")
Digamma = _unary("Digamma", "Digamma function, the derivative of :func:`ember.lgamma`, of each element.",
                 gamma_kernels.digamma, lambda a, out: _polygamma(1, a), (True, False))
Lgamma = _unary("Lgamma", "Logarithm of the absolute value of the gamma function of each element.",
                gamma_kernels.lgamma, lambda a, out: _of(Digamma)(a), (True, False))
I1 = _unary("I1", "Modified Bessel function of the first kind of order one, elementwise.",
            bessel_kernels.i1, _i1_derivative, grad_name="SpecialI1Backward0")
I1e = _unary("I1e", "Exponentially scaled ``exp(-abs(input)) * i1(input)``, elementwise.",
             bessel_kernels.i1e, _i1e_derivative, grad_name="SpecialI1EBackward0")
I0 = _unary("I0", "Modified Bessel function of the first kind of order zero, elementwise.",
            bessel_kernels.i0, lambda a, out: _of(I1)(a), (True, False))
I0e = _unary("I0e", "Exponentially scaled ``exp(-abs(input)) * i0(input)``, elementwise.",
             bessel_kernels.i0e, lambda a, out: _of(I1e)(a) - np.sign(a) * out, grad_name="SpecialI0EBackward0")
Sinc = _unary("Sinc", "Normalised sinc ``sin(pi * input) / (pi * input)`` of each element, 1 at 0.",
              _sinc, _sinc_derivative)
Entr = _unary("Entr", "Entropy term ``-input * log(input)`` of each element: 0 at 0, -inf below 0.",
              _entr, lambda a, out: -(np.log(a) + 1), (True, False), grad_name="SpecialEntrBackward0")


class Polygamma(Op):
    def forward(ctx, a, n):
        ctx.n = n
        ctx.save_for_backward(a)
        return gamma_kernels.polygamma(n, a).astype(a.dtype, copy=False)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * _polygamma(ctx.n + 1, a)


def _polygamma(n, x):
    if isinstance(x, Tensor):
        return Polygamma.apply(x, n=n)
    return gamma_kernels.polygamma(n, x).astype(x.dtype, copy=False)


# ----------------------------------------------------------------- functions


erfc, erfc_ = floating_function(Erfc, "erfc")
erfinv, erfinv_ = floating_function(Erfinv, "erfinv")
erfcx, _ = floating_function(Erfcx, "erfcx")
ndtri, _ = floating_function(Ndtri, "ndtri")
log_ndtr, _ = floating_function(LogNdtr, "log_ndtr")
lgamma, lgamma_ = floating_function(Lgamma, "lgamma")
digamma, digamma_ = floating_function(Digamma, "digamma")
i0, i0_ = floating_function(I0, "i0")
i0e, _ = floating_function(I0e, "i0e")
i1, _ = floating_function(I1, "i1")
i1e, _ = floating_function(I1e, "i1e")
sinc, sinc_ = floating_function(Sinc, "sinc")
entr, _ = floating_function(Entr, "entr")


def ndtr(input, *, out=None):
    """The standard normal CDF; PyTorch records it as a product, so its gradient flows through erfc."""
    x = floating(input)
    return finish(erfc(x * (-1 / math.sqrt(2))) * 0.5, out)


def _check_order(n):
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")


def polygamma(n, input, *, out=None):
    """The ``n``-th derivative of the digamma function at each element of ``input``."""
    _check_order(n)
    return finish(Polygamma.apply(floating(input), n=n), out)


def polygamma_(self, n):
    """In-place ``self.polygamma(n)``: writes the ``n``-th derivative of digamma at ``self`` into ``self``."""
    _check_order(n)
    return floating_inplace(Polygamma, self, n=n)


def _polygamma_method(self, n):
    """``self.polygamma(n)`` is ``ember.polygamma(n, self)``."""
    return polygamma(n, self)


FUNCTIONS = dict(erfc=erfc, erfc_=erfc_, erfinv=erfinv, lgamma=lgamma, digamma=digamma, i0=i0, i0_=i0_,
                 sinc=sinc, sinc_=sinc_, polygamma=polygamma)
TENSOR_METHODS = dict(erfc=erfc, erfc_=erfc_, erfinv=erfinv, erfinv_=erfinv_, lgamma=lgamma, lgamma_=lgamma_,
                      digamma=digamma, digamma_=digamma_, i0=i0, i0_=i0_, sinc=sinc, sinc_=sinc_,
                      polygamma=_polygamma_method, polygamma_=polygamma_)
# torch.special's own names beyond the top-level ones
SPECIAL = dict(erfcx=erfcx, ndtri=ndtri, ndtr=ndtr, log_ndtr=log_ndtr, i0e=i0e, i1=i1, i1e=i1e, entr=entr,
               gammaln=lgamma, psi=digamma)

"""Special functions with a second operand or a parameter: xlogy, xlog1py, Hurwitz zeta, the
regularised incomplete gamma functions and the multivariate log-gamma."""
import math

import numpy as np

from .._tensor import Tensor
from . import gamma_kernels
from .op import Op
from .promotion import binary, finish, floating, floating_inplace, promote
from .special import _of, Digamma, Lgamma


def _float_operands(input, other):
    """Promote the two operands (numbers allowed on either side) and make them floating."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError("expected at least one Tensor operand")
    a, b = promote(input, other)
    if isinstance(a, Tensor):
        a = floating(a)
        if not isinstance(b, Tensor):
            b = Tensor._wrap(np.asarray(b, a._data.dtype))
    else:
        b = floating(b)
        a = Tensor._wrap(np.asarray(a, b._data.dtype))
    return a, b


class Xlogy(Op):
    """``input * log(other)`` elementwise, 0 where ``input`` is 0 (unless ``other`` is NaN)."""

    log = staticmethod(np.log)

    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where((a == 0) & ~np.isnan(b), 0, a * ctx.log(b)).astype(a.dtype, copy=False)

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        with np.errstate(all="ignore"):
            return ctx._gradients(g, a, b)

    def _gradients(ctx, g, a, b):
        # where x = 0 and log(y) is -inf or nan, the gradient for x is 0 rather than nan
        da = np.where((a == 0) & (b <= ctx.pole), 0, g * ctx.log(b))
        return da, g * a / (b - ctx.pole)

    pole = 0


class Xlog1py(Xlogy):
    """``input * log1p(other)`` elementwise, 0 where ``input`` is 0 (unless ``other`` is NaN)."""

    log = staticmethod(np.log1p)
    pole = -1
    backward_name = "SpecialXlog1PyBackward0"


class Zeta(Op):
    """Hurwitz zeta function of ``input`` (the exponent) and ``other`` (the shift), elementwise; differentiable in
    ``other`` only, as in PyTorch."""

    backward_name = "SpecialZetaBackward0"

    def forward(ctx, s, q):
        if ctx is not None:
            ctx.save_for_backward(s, q)
        return gamma_kernels.zeta(s, q).astype(s.dtype, copy=False)

    def backward(ctx, g):  # differentiable in q only: d/dq zeta(s, q) = -s zeta(s + 1, q)
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        s, q = ctx.saved_tensors
        return None, -g * s * (Zeta.apply(s + 1, q) if isinstance(q, Tensor) else Zeta.forward(None, s + 1, q))


class Igamma(Op):
    """Regularised lower incomplete gamma function of ``input`` (the order) and ``other``, elementwise;
    differentiable in ``other`` only, as in PyTorch."""

    upper = False

    def forward(ctx, a, x):
        ctx.save_for_backward(a, x)
        return gamma_kernels.gammainc(a, x, ctx.upper).astype(a.dtype, copy=False)

    def backward(ctx, g):
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'igamma: input' is not implemented.")
        a, x = ctx.saved_tensors
        density = np.exp((a - 1) * np.log(x) - x - _of(Lgamma)(a))
        return None, -g * density if ctx.upper else g * density


class Igammac(Igamma):
    """Regularised upper incomplete gamma function, one minus :func:`ember.igamma`; differentiable in ``other``
    only, as in PyTorch."""

    upper = True


class Mvlgamma(Op):
    """log of the multivariate gamma function of dimension p."""

    def forward(ctx, a, p):
        ctx.p = p
        ctx.save_for_backward(a)
        terms = sum(gamma_kernels.lgamma(a - j / 2) for j in range(p))
        return (terms + p * (p - 1) / 4 * math.log(math.pi)).astype(a.dtype, copy=False)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * sum(_of(Digamma)(a - j / 2) for j in range(ctx.p))


def _binary_function(op, name):
    def function(input, other, *, out=None):
        return finish(binary(op, *_float_operands(input, other)), out)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = op.__doc__
    return function


xlogy = _binary_function(Xlogy, "xlogy")
xlog1py = _binary_function(Xlog1py, "xlog1py")
zeta = _binary_function(Zeta, "zeta")
gammainc = _binary_function(Igamma, "gammainc")
gammaincc = _binary_function(Igammac, "gammaincc")


def xlogy_(self, other):
    return floating_inplace(Xlogy, self, _float_operands(self, other)[1])


def igamma_(self, other):
    return floating_inplace(Igamma, self, _float_operands(self, other)[1])


def igammac_(self, other):
    return floating_inplace(Igammac, self, _float_operands(self, other)[1])


def multigammaln(input, p, *, out=None):
    """Logarithm of the multivariate gamma function of dimension ``p``, elementwise."""
    return finish(Mvlgamma.apply(floating(input), p=p), out)


def mvlgamma_(self, p):
    return floating_inplace(Mvlgamma, self, p=p)


FUNCTIONS = dict(xlogy=xlogy, xlogy_=xlogy_, igamma=gammainc, igammac=gammaincc,
                 mvlgamma=multigammaln)
TENSOR_METHODS = dict(FUNCTIONS, igamma_=igamma_, igammac_=igammac_, mvlgamma_=mvlgamma_)
SPECIAL = dict(xlog1py=xlog1py, zeta=zeta, gammainc=gammainc, gammaincc=gammaincc, multigammaln=multigammaln)

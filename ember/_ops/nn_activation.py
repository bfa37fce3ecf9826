"""Activation functions: relu, leaky_relu, elu/selu/celu, gelu, silu, softplus, hardtanh, logsigmoid.

Backward formulas use only the op's inputs and output (and ufuncs NumPy
forwards to Ember), so they also record a graph under ``create_graph=True``.
"""
import math

import numpy as np

from .._parallel import large, map_blocks
from .._tensor import Tensor
from . import math_functions
from .math_functions import logistic
from .op import Op, inplace as run_inplace
from .registry import derive_docstrings

_SQRT1_2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_SQRT_2_PI = math.sqrt(2 / math.pi)
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def erf(a):
    """The error function on arrays, fast for GELU: float64 takes the exact ``erf`` op's kernel (one
    element at a time); smaller floats use Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7,
    under float32's resolution near 1)."""
    if isinstance(a, Tensor):
        return a.erf()
    if a.dtype == np.float64:
        return math_functions.Erf().forward(a)
    z = np.atleast_1d(a)  # in-place passes need an array, not the scalar a 0-d one decays into
    return _erf_into(z, np.empty_like(z)).reshape(np.shape(a))


_ERF_COEFFS = (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)  # A&S 7.1.26, Horner order


def _erf_into(z, out):
    """A&S 7.1.26 of ``z`` (float32 or float16) written into ``out``, every pass in place: on a block of
    ``_parallel.BLOCK`` elements the dozen passes run in cache, about twice as fast as with temporaries."""
    kind = z.dtype.type
    x = np.abs(z)
    t = np.multiply(x, kind(0.3275911))
    t += 1
    np.reciprocal(t, out=t)
    np.multiply(t, kind(_ERF_COEFFS[0]), out=out)
    for c in _ERF_COEFFS[1:]:
        out += kind(c)
        out *= t
    np.square(x, out=x)
    np.negative(x, out=x)
    np.exp(x, out=x)
    out *= x
    np.subtract(1, out, out=out)
    return np.copysign(out, z, out=out)


def _floating(input, kernel):
    if input._data.dtype.kind != "f":
        raise NotImplementedError(f'"{kernel}" not implemented for \'{input.dtype_short()}\'')
    return input


# ----------------------------------------------------------------- the ops


class LeakyRelu(Op):
    def forward(ctx, a, slope):
        ctx.slope = slope
        ctx.save_for_backward(a)
        return np.where(a > 0, a, a * slope)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return np.where(a > 0, g, g * ctx.slope)


class LeakyReluInplace(LeakyRelu):
    backward_name = "LeakyReluBackward1"


class Elu(Op):
    """``scale * (a if a > 0 else alpha * (exp(a * input_scale) - 1))``: elu, selu and celu."""

    def forward(ctx, a, alpha, scale=1.0, input_scale=1.0):
        ctx.alpha, ctx.scale, ctx.input_scale = alpha, scale, input_scale
        negative = (alpha * scale) * np.expm1(np.minimum(a, 0) * input_scale)  # min: no overflow warnings
        out = np.where(a > 0, a * scale if scale != 1 else a, negative)
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, g):
        a, out = ctx.saved_tensors
        # below zero, d out/da = input_scale * alpha * scale * exp(a * input_scale)
        #                      = input_scale * (out + alpha * scale)
        return np.where(a > 0, g * ctx.scale, g * ctx.input_scale * (out + ctx.alpha * ctx.scale))


class EluInplace(Elu):
    backward_name = "EluBackward1"


class Celu(Elu):
    pass


class Gelu(Op):
    def forward(ctx, a, approximate):
        ctx.approximate = approximate
        ctx.save_for_backward(a)
        if approximate == "tanh":
            return 0.5 * a * (1 + np.tanh(_SQRT_2_PI * (a + 0.044715 * a * a * a)))
        if large(a):  # row ranges over the intra-op threads, each pass staying in cache
            ctx.cdf = np.empty_like(a)
            return map_blocks(_gelu_into, np.empty_like(a), a, ctx.cdf)
        ctx.cdf = 0.5 * (1 + erf(a * _SQRT1_2))
        return a * ctx.cdf

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            t = np.tanh(_SQRT_2_PI * (a + 0.044715 * a * a * a))
            return g * (0.5 * (1 + t) + 0.5 * a * (1 - t * t) * _SQRT_2_PI * (1 + 3 * 0.044715 * a * a))
        if large(g) and g.shape == a.shape:
            return map_blocks(_gelu_grad_into, np.empty_like(g), g, a, ctx.cdf)
        # a Tensor here (create_graph) gets a cdf that is itself differentiable
        cdf = ctx.cdf if type(a) is type(ctx.cdf) else 0.5 * (1 + erf(a * _SQRT1_2))
        return g * (cdf + a * _INV_SQRT_2PI * np.exp(-0.5 * a * a))


def _gelu_into(out, x, cdf):
    """``cdf = Phi(x)``, ``out = x * cdf``, written into the given parts."""
    z = np.multiply(x, x.dtype.type(_SQRT1_2))
    if x.dtype == np.float64:
        cdf[...] = erf(z)
    else:
        _erf_into(z, cdf)
    cdf += 1
    cdf *= 0.5
    return np.multiply(x, cdf, out=out)


def _gelu_grad_into(grad, g, x, cdf):
    """``grad = g * (Phi(x) + x * phi(x))``, in place."""
    np.multiply(x, x, out=grad)
    grad *= -0.5
    np.exp(grad, out=grad)
    grad *= x
    grad *= _INV_SQRT_2PI
    grad += cdf
    return np.multiply(grad, g, out=grad)


class Silu(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * logistic(a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        s = logistic(a)
        return g * (s * (1 + a * (1 - s)))


class Softplus(Op):
    def forward(ctx, a, beta, threshold):
        ctx.beta = beta
        ba = a * beta if beta != 1 else a
        out = np.logaddexp(0, ba)
        if beta != 1:
            out /= beta
        out = np.where(ba > threshold, a, out)
        ctx.save_for_backward(a, out)
        return out

    def backward(ctx, g):
        a, out = ctx.saved_tensors
        # sigmoid(beta a) = exp(beta a - log(1 + exp(beta a))) = exp(beta (a - out)); exactly 1 past the threshold
        return g * np.exp(ctx.beta * (a - out))


class Hardtanh(Op):
    def forward(ctx, a, lo, hi):
        ctx.lo, ctx.hi = lo, hi
        ctx.save_for_backward(a)
        return np.clip(a, lo, hi).astype(a.dtype, copy=False)  # integer inputs stay integers

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * ((a > ctx.lo) * (a < ctx.hi))


class LogSigmoid(Op):
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return -np.logaddexp(0, -a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * logistic(-a)


# ----------------------------------------------------------------- functions


def _run(op, input, inplace, **params):
    return run_inplace(op, input, **params) if inplace else op.apply(input, **params)


def relu(input, inplace=False):
    """``F.relu``: ``torch.relu`` (a pointwise op) with PyTorch's ``inplace`` flag."""
    return math_functions.relu_(input) if inplace else math_functions.relu(input)


relu_ = math_functions.relu_


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """Leaky ReLU: negative elements scaled by ``negative_slope``, the others kept."""
    _floating(input, "leaky_relu_cpu")
    return _run(LeakyReluInplace if inplace else LeakyRelu, input, inplace, slope=negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, True)


def elu(input, alpha=1.0, inplace=False):
    """ELU: ``alpha * (exp(input) - 1)`` for negative elements, the others kept."""
    _floating(input, "elu_cpu")
    return _run(EluInplace if inplace else Elu, input, inplace, alpha=alpha)


def elu_(input, alpha=1.0):
    return elu(input, alpha, True)


def selu(input, inplace=False):
    """SELU: :func:`ember.nn.functional.elu` with PyTorch's fixed alpha, scaled by its fixed factor."""
    _floating(input, "elu_cpu")
    return _run(EluInplace if inplace else Elu, input, inplace, alpha=_SELU_ALPHA, scale=_SELU_SCALE)


def selu_(input):
    return selu(input, True)


def celu(input, alpha=1.0, inplace=False):
    """CELU: ``alpha * (exp(input / alpha) - 1)`` for negative elements, the others kept."""
    _floating(input, "elu_cpu")
    return _run(Celu, input, inplace, alpha=alpha, input_scale=1 / alpha)


def celu_(input, alpha=1.0):
    return celu(input, alpha, True)


def gelu(input, approximate="none"):
    """GELU ``input * Phi(input)``, Phi the standard normal CDF; ``approximate="tanh"`` uses its tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return Gelu.apply(_floating(input, "GeluKernelImpl"), approximate=approximate)


def silu(input, inplace=False):
    """SiLU (swish) ``input * sigmoid(input)`` of each element."""
    return _run(Silu, _floating(input, "silu_cpu"), inplace)


def softplus(input, beta=1.0, threshold=20.0):
    """Softplus ``log(1 + exp(beta * input)) / beta``, the identity where ``beta * input`` exceeds ``threshold``."""
    return Softplus.apply(_floating(input, "softplus_cpu"), beta=beta, threshold=threshold)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """Each element clamped to [``min_val``, ``max_val``]."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _run(Hardtanh, input, inplace, lo=min_val, hi=max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, True)


def relu6(input, inplace=False):
    """``min(max(input, 0), 6)`` of each element."""
    return hardtanh(input, 0.0, 6.0, inplace)


def logsigmoid(input):
    """``log(sigmoid(input))`` of each element, computed without overflow."""
    return LogSigmoid.apply(_floating(input, "log_sigmoid_cpu"))


TENSOR_METHODS = {}
FUNCTIONS = dict(selu=selu, selu_=selu_, celu=celu, celu_=celu_)
# in-place forms of nn.functional's own (no ``ember.elu_``): docstrings derived as for ember's
derive_docstrings(dict(elu=elu, elu_=elu_, leaky_relu=leaky_relu, leaky_relu_=leaky_relu_, hardtanh=hardtanh,
                       hardtanh_=hardtanh_), {}, "ember.nn.functional")

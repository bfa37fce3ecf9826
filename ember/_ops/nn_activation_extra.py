"""More activations as fused ops: hardswish, hardsigmoid, mish, hardshrink, softshrink, threshold, prelu,
rrelu. Backward formulas use only the inputs, so they also record a graph under ``create_graph=True``."""
import numpy as np

from .. import _arraylib as B
from .math_functions import logistic
from .nn_activation import _floating, _run
from .op import Op


class Hardswish(Op):
    """``x * relu6(x + 3) / 6``."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * np.clip(a + 3, 0, 6).astype(a.dtype, copy=False) / a.dtype.type(6)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return np.where(a < -3, 0 * g, np.where(a <= 3, g * (a / 3 + 0.5), g))


class Hardsigmoid(Op):
    """``relu6(x + 3) / 6``."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.clip(a + 3, 0, 6).astype(a.dtype, copy=False) / a.dtype.type(6)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * ((a > -3) * (a < 3)) / 6


def _softplus(a):
    """log(1 + exp(a)) without overflow, in ufuncs that Tensors answer too (max(a, 0) is (a + |a|) / 2)."""
    magnitude = np.abs(a)
    return (a + magnitude) / 2 + np.log1p(np.exp(-magnitude))


class Mish(Op):
    """``x * tanh(softplus(x))``."""

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * np.tanh(_softplus(a))

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        t = np.tanh(_softplus(a))
        return g * (t + a * logistic(a) * (1 - t * t))


class Hardshrink(Op):
    """Zero inside [-lambd, lambd], the identity outside."""

    soft = False

    def forward(ctx, a, lambd):
        ctx.lambd = lambd
        ctx.save_for_backward(a)
        outside = (a > lambd) | (a < -lambd)
        kept = a - np.sign(a) * a.dtype.type(lambd) if ctx.soft else a
        return np.where(outside, kept, 0).astype(a.dtype, copy=False)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * ((a > ctx.lambd) | (a < -ctx.lambd))


class Softshrink(Hardshrink):
    """Hardshrink that also moves what it keeps toward 0 by lambd."""

    soft = True


class Threshold(Op):
    def forward(ctx, a, threshold, value):
        ctx.threshold = threshold
        ctx.save_for_backward(a)
        return np.where(a > threshold, a, a.dtype.type(value))

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        return g * (a > ctx.threshold)


class Prelu(Op):
    """``max(0, x) + weight * min(0, x)``, the weight broadcast along the channel dim (dim 1)."""

    def forward(ctx, a, w):
        ctx.channels = a.ndim >= 2 and w.size > 1
        ctx.save_for_backward(a, w)
        return np.where(a > 0, a, a * _channel_view(w, a.ndim, ctx.channels))

    def backward(ctx, g):
        a, w = ctx.saved_tensors
        ga = np.where(a > 0, g, g * _channel_view(w, a.ndim, ctx.channels))
        gw = g * ((a - np.abs(a)) / 2)  # min(a, 0), in ufuncs that Tensors answer too
        if ctx.channels:  # sum over every dim but the channels
            gw = np.sum(gw, axis=(0,) + tuple(range(2, a.ndim)))
        else:
            gw = np.reshape(np.sum(gw), (1,))
        return ga, gw


def _channel_view(w, ndim, channels):
    return np.reshape(w, (1, -1) + (1,) * (ndim - 2)) if channels else np.reshape(w, ())


class RreluTrain(Op):
    """Leaky ReLU with a slope drawn from U(lower, upper) for each negative element."""

    backward_name = "RreluWithNoiseBackward0"

    def forward(ctx, a, lower, upper):
        slopes = B.rng().uniform(lower, upper, a.shape).astype(a.dtype)
        if type(a) is not np.ndarray:
            slopes = B.to_device(slopes, B.device_of(a))
        ctx.noise = np.where(a >= 0, a.dtype.type(1), slopes)
        return a * ctx.noise

    def backward(ctx, g):
        return g * ctx.noise


def hardswish(input, inplace=False):
    """Hard swish ``input * relu6(input + 3) / 6`` of each element."""
    return _run(Hardswish, _floating(input, "hardswish_cpu"), inplace)


def hardsigmoid(input, inplace=False):
    """Hard sigmoid ``relu6(input + 3) / 6`` of each element."""
    return _run(Hardsigmoid, _floating(input, "hardsigmoid_cpu"), inplace)


def mish(input, inplace=False):
    """Mish ``input * tanh(softplus(input))`` of each element."""
    return _run(Mish, _floating(input, "mish_cpu"), inplace)


def hardshrink(input, lambd=0.5):
    """Elements with magnitude at most ``lambd`` set to 0, the others kept."""
    return Hardshrink.apply(input, lambd=lambd)


def softshrink(input, lambd=0.5):
    """Elements with magnitude at most ``lambd`` set to 0, the others moved toward 0 by ``lambd``."""
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return Softshrink.apply(input, lambd=lambd)


def threshold(input, threshold, value, inplace=False):
    """Elements not greater than ``threshold`` replaced by ``value``, the others kept."""
    return _run(Threshold, input, inplace, threshold=threshold, value=value)


def threshold_(input, threshold, value):
    return _run(Threshold, input, True, threshold=threshold, value=value)


def prelu(input, weight):
    """Leaky ReLU with learned slopes: ``weight`` (one value, or one per channel of dim 1) multiplies the negative
    elements."""
    if weight.dim() > 1 or (weight.numel() != 1 and (input.dim() < 2 or weight.numel() != input.shape[1])):
        channels = input.shape[1] if input.dim() >= 2 else 1
        raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                           f"{weight.numel()} and channel size = {channels}.")
    return Prelu.apply(input, weight)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Randomized leaky ReLU: negative elements scaled by slopes drawn from U(``lower``, ``upper``) when training, by
    their mean otherwise."""
    if not training:  # the mean slope, as a plain leaky ReLU
        from .nn_activation import leaky_relu
        return leaky_relu(input, (lower + upper) / 2, inplace)
    return _run(RreluTrain, _floating(input, "rrelu_with_noise_cpu"), inplace, lower=lower, upper=upper)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, True)


TENSOR_METHODS = dict(hardshrink=hardshrink, prelu=prelu)
FUNCTIONS = dict(hardshrink=hardshrink, threshold=threshold, threshold_=threshold_, prelu=prelu, rrelu=rrelu,
                 rrelu_=rrelu_)

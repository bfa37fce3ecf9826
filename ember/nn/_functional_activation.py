"""Activations of ``ember.nn.functional`` beyond the basic ones: the fused ops of
``ember._ops.nn_activation_extra`` and a few compositions (softsign, tanhshrink, glu, gumbel_softmax)."""
from .._ops.creation import empty_like, zeros_like
from .._ops.nn_activation_extra import (hardshrink, hardsigmoid, hardswish, mish, prelu, rrelu, rrelu_, softshrink,
                                        threshold, threshold_)
from .._ops.nn_ops import softmax

__all__ = ["hardswish", "hardsigmoid", "mish", "hardshrink", "softshrink", "threshold", "threshold_", "prelu",
           "rrelu", "rrelu_", "softsign", "tanhshrink", "glu", "gumbel_softmax", "alpha_dropout",
           "feature_alpha_dropout"]


def softsign(input):
    """``input / (1 + abs(input))``, elementwise."""
    return input / (input.abs() + 1)


def tanhshrink(input):
    """``input - tanh(input)``, elementwise."""
    return input - input.tanh()


def glu(input, dim=-1):
    """The first half of ``dim`` gated by the sigmoid of the second half."""
    if input.dim() == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = input._dim(dim)
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {input.shape[d]}")
    a, b = input.chunk(2, d)
    return a * b.sigmoid()


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """A sample of the Gumbel-softmax distribution; with ``hard``, one-hot in value and soft in gradient."""
    gumbels = -empty_like(logits).exponential_().log()
    soft = softmax((logits + gumbels) / tau, dim)
    if not hard:
        return soft
    index = soft.max(dim, keepdim=True)[1]
    one_hot = zeros_like(logits).scatter_(dim, index, 1.0)
    return one_hot - soft.detach() + soft


_SELU_NEGATIVE = -1.7580993408473766  # -scale * alpha of SELU: where SELU saturates


def _alpha_dropout(input, p, training, inplace, feature):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0
    shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2) if feature else tuple(input.shape)
    keep = (empty_like(input, dtype=input.dtype).new_empty(shape).uniform_() >= p).to(input.dtype)
    a = ((1 - p) * (1 + p * _SELU_NEGATIVE ** 2)) ** -0.5
    b = -a * _SELU_NEGATIVE * p
    out = (input * keep + _SELU_NEGATIVE * (1 - keep)) * a + b
    if inplace:
        input.data = out.data
        return input
    return out


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: dropped values go to SELU's saturation and an affine map keeps the mean and
    variance."""
    return _alpha_dropout(input, p, training, inplace, feature=False)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels (dims 0 and 1 pick a channel): a dropped channel goes to SELU's
    saturation value, and an affine map keeps the mean and variance."""
    return _alpha_dropout(input, p, training, inplace, feature=True)

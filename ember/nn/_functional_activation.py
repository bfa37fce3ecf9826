"""Activations of ``ember.nn.functional`` beyond the basic ones: the fused ops of
``ember._ops.nn_activation_extra`` and a few compositions (softsign, tanhshrink, glu, gumbel_softmax)."""
from .._ops.creation import empty_like, zeros_like
from .._ops.nn_activation_extra import (hardshrink, hardsigmoid, hardswish, mish, prelu, rrelu, rrelu_, softshrink,
                                        threshold, threshold_)
from .._ops.nn_ops import softmax

__all__ = ["hardswish", "hardsigmoid", "mish", "hardshrink", "softshrink", "threshold", "threshold_", "prelu",
           "rrelu", "rrelu_", "softsign", "tanhshrink", "glu", "gumbel_softmax"]


def softsign(input):
    return input / (input.abs() + 1)


def tanhshrink(input):
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

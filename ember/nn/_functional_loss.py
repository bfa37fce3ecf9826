"""The losses of ``ember.nn.functional`` beyond the classic ones, mostly as compositions of ops
(their gradients come from the ops'); CTC is one fused op (``ember._ops.ctc``)."""
import math

import numpy as np

from .._ops.ctc import CtcLoss
from .._ops.nn_activation import logsigmoid
from .._ops.nn_loss import check_reduction, cross_entropy, legacy_reduction
from .._ops.nn_ops import linear
from .._tensor import Tensor
from ._functional_layers import pairwise_distance

__all__ = ["margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss", "multilabel_soft_margin_loss",
           "cosine_embedding_loss", "multi_margin_loss", "multilabel_margin_loss", "triplet_margin_loss",
           "triplet_margin_with_distance_loss", "poisson_nll_loss", "gaussian_nll_loss", "ctc_loss",
           "linear_cross_entropy"]


def _reduce(loss, reduction, size_average=None, reduce=None):
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    check_reduction(reduction)
    if reduction == "none":
        return loss
    return loss.mean() if reduction == "mean" else loss.sum()


def _no_grad_for(function, argument, tensor):
    """PyTorch's kernels of some losses have no derivative for an argument: they refuse one that needs it."""
    if tensor is not None and tensor.requires_grad:
        raise RuntimeError(f"The function '{function}' is not differentiable with respect to argument "
                           f"'{argument}'. This input cannot have requires_grad True.")


def _where(cond, a, b):
    from .._ops.comparison import where
    return where(cond, a, b)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """``max(0, -target * (input1 - input2) + margin)``."""
    if not (input1.dim() == input2.dim() == target.dim()):
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {tuple(input1.shape)}, input2: {tuple(input2.shape)}, target: "
                           f"{tuple(target.shape)} ")
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction, size_average, reduce)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """``input`` where target is 1, ``max(0, margin - input)`` where it is -1."""
    zeros = input.new_zeros(())
    below = _where(target != 1, (margin - input).clamp_min(0), zeros)
    return _reduce(below + _where(target != -1, input, zeros), reduction, size_average, reduce)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``log(1 + exp(-target * input))``."""
    _no_grad_for("soft_margin_loss", "target", target)
    return _reduce(-logsigmoid(target * input), reduction, size_average, reduce)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary cross-entropy of each class's logit, averaged over the classes (the last dim)."""
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(dim=input.dim() - 1) / input.shape[-1]
    return _reduce(loss, reduction, size_average, reduce)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """``1 - cos`` where target is 1, ``max(0, cos - margin)`` where it is -1."""
    dim = input1.dim() - 1
    eps = 1e-12
    cos = (input1 * input2).sum(dim) / ((input1 * input1).sum(dim) + eps).mul((input2 * input2).sum(dim) + eps).sqrt()
    zeros = cos.new_zeros(())
    loss = _where(target == 1, 1 - cos, zeros) + _where(target == -1, (cos - margin).clamp_min(0), zeros)
    return _reduce(loss, reduction, size_average, reduce)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """Multi-class hinge loss: ``sum_{i != y} max(0, margin - x[y] + x[i])^p / C`` per sample."""
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    _no_grad_for("multi_margin_loss", "weight", weight)
    if input.dim() > 2:
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, but got: "
                           f"{list(input.shape)}")
    x = input if input.dim() == 2 else input.reshape(1, -1)
    y = target.reshape(-1, 1)
    chosen = x.gather(1, y)
    hinge = (margin - chosen + x).clamp_min(0)
    if p == 2:
        hinge = hinge * hinge
    if weight is not None:
        hinge = hinge * weight[y.reshape(-1)].reshape(-1, 1)
    others = hinge.scatter(1, y, 0.0)  # the true class does not count against itself
    loss = others.sum(1) / x.shape[1]
    return _reduce(loss if input.dim() == 2 else loss.reshape(()), reduction, size_average, reduce)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Hinge loss between every target class (the indices before the first -1) and every other class."""
    x = input if input.dim() == 2 else input.reshape(1, -1)
    t = target._data.reshape(x.shape)
    C = x.shape[1]
    listed = np.cumprod(t >= 0, axis=1).astype(bool)  # the targets run until the first -1
    is_target = np.zeros(x.shape, bool)
    rows = np.nonzero(listed)[0]
    is_target[rows, t[listed]] = True
    safe = np.where(listed, t, 0)
    chosen = x.gather(1, Tensor._wrap(safe))  # (N, C): x at each listed target
    margins = (1 - chosen.unsqueeze(2) + x.unsqueeze(1)).clamp_min(0)  # (N, target slot, class)
    pairs = Tensor._wrap((listed[:, :, None] & ~is_target[:, None, :]).astype(x._data.dtype))
    loss = (margins * pairs).sum((1, 2)) / C
    return _reduce(loss if input.dim() == 2 else loss.reshape(()), reduction, size_average, reduce)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """``max(0, d(a, p) - d(a, n) + margin)`` with the p-norm distance."""
    dims = (anchor.dim(), positive.dim(), negative.dim())
    if len(set(dims)) != 1:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and negative {dims[2]}D "
                           "inputs")
    return triplet_margin_with_distance_loss(
        anchor, positive, negative, distance_function=lambda a, b: pairwise_distance(a, b, p, eps), margin=margin,
        swap=swap, reduction=legacy_reduction(size_average, reduce) if size_average is not None or
        reduce is not None else reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """Triplet loss ``max(d(anchor, positive) - d(anchor, negative) + margin, 0)`` with a distance of your
    choice (``distance_function``, by default :func:`ember.nn.functional.pairwise_distance`); ``swap`` as in
    :func:`ember.nn.functional.triplet_margin_loss`."""
    if margin <= 0:
        raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, got {margin} "
                         "instead")
    distance = distance_function if distance_function is not None else pairwise_distance
    d_pos, d_neg = distance(anchor, positive), distance(anchor, negative)
    if swap:
        d_neg = d_neg.minimum(distance(positive, negative))
    return _reduce((margin + d_pos - d_neg).clamp_min(0), reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """``exp(input) - target * input`` (or ``input - target * log(input + eps)``), plus Stirling's term."""
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction, size_average, reduce)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """``0.5 * (log(var) + (input - target)^2 / var)``, var clamped below by eps (without cutting its gradient)."""
    if isinstance(var, (int, float)):
        var = input.new_full((), float(var))
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)  # one variance per sample, shared by the last dim
        elif not (tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.shape[-1] == 1) and var.dim() > 0:
            raise ValueError("var is of incorrect size")
    check_reduction(reduction)
    if bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    var = var + (var.clamp(min=eps) - var).detach()
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def _lengths(x, n):
    arr = np.asarray(x._data if isinstance(x, Tensor) else x, dtype=np.int64).reshape(-1)
    return np.broadcast_to(arr, (n,)) if arr.size == 1 and n != 1 else arr


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """CTC loss of (T, N, C) (or unbatched (T, C)) log-probabilities; targets padded (N, S) or concatenated."""
    batched = log_probs.dim() == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    N = lp.shape[1]
    il, tl = _lengths(input_lengths, N), _lengths(target_lengths, N)
    t = targets._data.astype(np.int64)
    if not batched:
        t = t.reshape(1, -1)
    if t.ndim == 1:  # concatenated targets: split them by length into padded rows
        padded = np.full((N, max(int(tl.max()) if N else 0, 1)), blank, np.int64)
        starts = np.concatenate([[0], np.cumsum(tl)[:-1]])
        for n in range(N):
            padded[n, :tl[n]] = t[starts[n]:starts[n] + tl[n]]
        t = padded
    if il.size and int(il.max()) > lp.shape[0]:
        raise RuntimeError(f"Expected input_lengths to have value at most {lp.shape[0]}, but got value "
                           f"{int(il.max())}")
    nll = CtcLoss.apply(lp, t, il, tl, blank=blank, zero_infinity=zero_infinity)
    if reduction == "mean":
        return (nll / Tensor._wrap(np.maximum(tl, 1).astype(nll._data.dtype))).mean()
    out = _reduce(nll, reduction)
    return out if batched or reduction != "none" else out.reshape(())


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    """``cross_entropy(linear(input, linear_weight, linear_bias), target)`` for 1-D or 2-D input."""
    if input.dim() not in (1, 2):
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    check_reduction(reduction)
    return cross_entropy(linear(input, linear_weight, linear_bias), target, weight, reduction=reduction,
                         ignore_index=-100 if ignore_index is None else ignore_index,
                         label_smoothing=label_smoothing)

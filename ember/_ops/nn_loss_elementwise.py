"""Losses computed element by element, then reduced: mse, l1, smooth L1 / Huber, binary
cross-entropy (on probabilities and on logits), KL divergence."""
import warnings

import numpy as np

from .. import _arraylib as B
from .math_functions import logistic
from .nn_loss import check_reduction, legacy_reduction
from .op import Op
from .promotion import binary


def softplus(a):
    """log(1 + exp(a)) without overflow, written with ufuncs that also run on Tensors."""
    return np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))


class ElementwiseLoss(Op):
    """A loss ``elementwise(x, t)`` reduced by 'none', 'mean' or 'sum'. Subclasses give the
    per-element loss and its partial derivatives in x and t."""

    def forward(ctx, x, t, reduction="mean", **params):
        ctx.reduction = reduction
        ctx.__dict__.update(params)
        ctx.save_for_backward(x, t)
        loss = ctx.elementwise(x, t)
        ctx.size = loss.size
        if reduction == "none":
            return loss
        return loss.mean() if reduction == "mean" else loss.sum()

    def backward(ctx, g):
        x, t = ctx.saved_tensors
        if ctx.reduction == "mean":
            g = g / ctx.size
        dx, dt = ctx.partials(x, t, *ctx.needs_input_grad[:2])
        return (None if dx is None else g * dx), (None if dt is None else g * dt)


class MseLoss(ElementwiseLoss):
    def elementwise(ctx, x, t):
        d = x - t
        return d * d

    def partials(ctx, x, t, need_x, need_t):
        d2 = 2 * (x - t)
        return d2, (-d2 if need_t else None)


class SmoothL1Loss(ElementwiseLoss):
    """Quadratic below ``beta``, linear above; ``scale`` turns it into the Huber loss."""

    def elementwise(ctx, x, t):
        d = x - t
        ad = np.abs(d)
        loss = np.where(ad < ctx.beta, (0.5 / ctx.beta) * d * d, ad - 0.5 * ctx.beta)
        return loss * ctx.scale if ctx.scale != 1 else loss

    def partials(ctx, x, t, need_x, need_t):
        d = x - t
        dx = np.where(np.abs(d) < ctx.beta, d / ctx.beta, np.sign(d))
        if ctx.scale != 1:
            dx = dx * ctx.scale
        return dx, (-dx if need_t else None)


class HuberLoss(SmoothL1Loss):
    pass


class BinaryCrossEntropy(ElementwiseLoss):
    def elementwise(ctx, x, t):
        if ((x < 0) | (x > 1)).any():
            raise RuntimeError("all elements of input should be between 0 and 1")
        with np.errstate(divide="ignore"):  # log(0) is clamped to -100, as in PyTorch
            loss = -(t * np.maximum(np.log(x), -100) + (1 - t) * np.maximum(np.log(1 - x), -100))
        return loss if ctx.weight is None else loss * ctx.weight

    def partials(ctx, x, t, need_x, need_t):
        w = 1 if ctx.weight is None else ctx.weight
        dx = w * (x - t) / np.maximum((1 - x) * x, 1e-12) if need_x else None
        dt = None
        if need_t:
            with np.errstate(divide="ignore"):
                dt = w * (np.maximum(np.log(1 - x), -100) - np.maximum(np.log(x), -100))
        return dx, dt


class BinaryCrossEntropyWithLogits(ElementwiseLoss):
    """``-w [pw t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))]``,
    computed as ``w [(1 - t) x + (1 + (pw - 1) t) softplus(-x)]``."""

    def elementwise(ctx, x, t):
        sp = np.logaddexp(0, -x)
        if ctx.pos_weight is None:
            loss = (1 - t) * x + sp
        else:
            loss = (1 - t) * x + (1 + (ctx.pos_weight - 1) * t) * sp
        return loss if ctx.weight is None else loss * ctx.weight

    def partials(ctx, x, t, need_x, need_t):
        pw, w = ctx.pos_weight, (1 if ctx.weight is None else ctx.weight)
        dx = dt = None
        if need_x:
            s = logistic(x)
            dx = w * (s - t if pw is None else (1 + (pw - 1) * t) * s - pw * t)
        if need_t:
            dt = w * (-x if pw is None else (pw - 1) * softplus(-x) - x)
        return dx, dt


class KlDiv(ElementwiseLoss):
    def name(self):
        return "MulBackward0" if self.log_target else "SubBackward0"  # PyTorch's outermost op of the formula

    def elementwise(ctx, x, t):
        if ctx.log_target:
            return np.exp(t) * (t - x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(t > 0, t * np.log(t), 0) - t * x  # 0 log 0 = 0

    def partials(ctx, x, t, need_x, need_t):
        if ctx.log_target:
            et = np.exp(t)
            return -et, (et * (t - x + 1) if need_t else None)
        with np.errstate(divide="ignore"):
            return -t, (np.log(t) + 1 - x if need_t else None)


# ----------------------------------------------------------------- functions


def _warn_size(input, target):
    if input._data.shape != target._data.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                      "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                      "same size.", stacklevel=3)


def _regression(op, kernel, input, target, size_average, reduce, reduction, weight=None, **params):
    """Shared by mse, smooth L1 and Huber: legacy flags, size warning, promotion, optional weights."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    check_reduction(reduction)
    _warn_size(input, target)
    if weight is not None:
        if weight.shape != input.shape:
            raise ValueError("Weights and input must have the same size.")
        return _weighted(binary(op, input, target, reduction="none", **params) * weight, weight, reduction,
                         divide_by_weights=op is MseLoss)
    if input._data.dtype.kind != "f" and target._data.dtype.kind != "f":
        wider = input if B.result_type(input, target) is input.dtype else target
        raise NotImplementedError(f'"{kernel}" not implemented for \'{wider.dtype_short()}\'')
    return binary(op, input, target, reduction=reduction, **params)


def _reduce(loss, reduction):
    return loss if reduction == "none" else loss.mean() if reduction == "mean" else loss.sum()


def _weighted(loss, weight, reduction, divide_by_weights):
    """PyTorch's weighted regression losses: mse and l1 divide by the weights' sum, Huber by the count."""
    if reduction == "mean" and divide_by_weights:
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error between ``input`` and ``target``, reduced as ``reduction`` says."""
    return _regression(MseLoss, "mse_cpu", input, target, size_average, reduce, reduction, weight)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error between ``input`` and ``target``, reduced as ``reduction`` says."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    check_reduction(reduction)
    _warn_size(input, target)
    loss = (input - target).abs()
    if weight is not None:
        if weight.shape != input.shape:
            raise ValueError("Weights and input must have the same size.")
        return _weighted(loss * weight, weight, reduction, divide_by_weights=True)
    return _reduce(loss, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Smooth L1 loss: ``0.5 * (input - target) ** 2 / beta`` where ``abs(input - target) < beta``, else
    ``abs(input - target) - beta / 2``."""
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0:
        return l1_loss(input, target, size_average, reduce, reduction)
    return _regression(SmoothL1Loss, "smooth_l1_cpu", input, target, size_average, reduce, reduction, beta=beta,
                       scale=1)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Huber loss: half the squared error where ``abs(input - target) <= delta``, else
    ``delta * (abs(input - target) - delta / 2)``."""
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return _regression(HuberLoss, "huber_cpu", input, target, None, None, reduction, weight, beta=delta,
                       scale=delta)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary cross-entropy between probabilities ``input`` and targets of the same shape, each log term
    clamped at -100."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    check_reduction(reduction)
    if target._data.shape != input._data.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) "
                         "is deprecated. Please ensure they have the same size.")
    if target._data.dtype != input._data.dtype:
        raise RuntimeError(f"Found dtype {target.dtype_short()} but expected {input.dtype_short()}")
    return BinaryCrossEntropy.apply(input, target, reduction=reduction,
                                    weight=None if weight is None else weight._data)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """Binary cross-entropy of ``sigmoid(input)`` against ``target``, computed stably from the logits; ``pos_weight``
    weighs positive targets."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    check_reduction(reduction)
    if target._data.shape != input._data.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    if target._data.dtype.kind != "f":
        raise RuntimeError(f"result type {input.dtype_short()} can't be cast to the desired output type "
                           f"{target.dtype_short()}")
    return BinaryCrossEntropyWithLogits.apply(input, target, reduction=reduction,
                                              weight=None if weight is None else weight._data,
                                              pos_weight=None if pos_weight is None else pos_weight._data)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence of ``target`` from the log-probabilities ``input`` (``target`` as
    log-probabilities with ``log_target``)."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      stacklevel=2)
    elif reduction != "batchmean":
        check_reduction(reduction)
    loss = binary(KlDiv, input, target, reduction="none", log_target=log_target)
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction)

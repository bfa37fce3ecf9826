"""Adadelta: step sizes from the ratio of running RMS of past updates to that of gradients."""
import numpy as np

from .._parallel import map_flat
from ._per_parameter import PerParameterOptimizer
from .optimizer import check, check_lr, zeros_state

__all__ = ["Adadelta"]


class Adadelta(PerParameterOptimizer):
    """``torch.optim.Adadelta``: ``delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g``,
    ``p -= lr * delta``, both averages decaying by ``rho``."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        check_lr(lr)
        check(0.0 <= rho <= 1.0, "rho value", rho)
        check(0.0 <= eps, "epsilon value", eps)
        check(0.0 <= weight_decay, "weight_decay value", weight_decay)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def hyper(self, group):
        return float(group["lr"]), group["rho"], group["eps"]

    def init_state(self, p, group):
        return {"square_avg": zeros_state(p), "acc_delta": zeros_state(p)}

    def update(self, d, g, state, step, h):
        lr, rho, eps = h
        map_flat(lambda d, g, sq, acc: _update(d, g, sq, acc, lr, rho, eps), d, g, state["square_avg"]._data,
                 state["acc_delta"]._data)


def _update(d, g, sq, acc, lr, rho, eps):
    """One Adadelta update of parameter values ``d``, in place with their running averages."""
    sq *= rho
    tmp = np.multiply(g, g, out=np.empty_like(sq))  # out= keeps 0-dim results arrays
    tmp *= 1 - rho
    sq += tmp
    np.add(sq, eps, out=tmp)
    np.sqrt(tmp, out=tmp)
    delta = np.add(acc, eps, out=np.empty_like(acc))
    np.sqrt(delta, out=delta)
    delta /= tmp
    delta *= g
    acc *= rho
    np.multiply(delta, delta, out=tmp)
    tmp *= 1 - rho
    acc += tmp
    delta *= lr
    d -= delta

"""RMSprop: the gradient divided by a running root-mean-square of recent gradients."""
import numpy as np

from ._per_parameter import PerParameterOptimizer
from .optimizer import check, check_lr, zeros_state

__all__ = ["RMSprop"]


class RMSprop(PerParameterOptimizer):
    """``torch.optim.RMSprop``; ``centered`` subtracts the squared running mean of the
    gradient from its running mean square (an estimate of its variance)."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_lr(lr)
        check(0.0 <= eps, "epsilon value", eps)
        check(0.0 <= momentum, "momentum value", momentum)
        check(0.0 <= weight_decay, "weight_decay value", weight_decay)
        check(0.0 <= alpha, "alpha value", alpha)
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def hyper(self, group):
        return float(group["lr"]), group["alpha"], group["eps"], group["momentum"], group["centered"]

    def init_state(self, p, group):
        state = {"square_avg": zeros_state(p)}
        if group["momentum"] > 0:
            state["momentum_buffer"] = zeros_state(p)
        if group["centered"]:
            state["grad_avg"] = zeros_state(p)
        return state

    def update(self, d, g, state, step, h):
        lr, alpha, eps, momentum, centered = h
        sq = state["square_avg"]._data
        sq *= alpha
        tmp = np.multiply(g, g, out=np.empty_like(sq))  # out= keeps 0-dim results arrays
        tmp *= 1 - alpha
        sq += tmp
        if centered:
            mean = state["grad_avg"]._data
            np.subtract(g, mean, out=tmp)  # the mean moves toward g by (1 - alpha)
            tmp *= 1 - alpha
            mean += tmp
            np.multiply(mean, mean, out=tmp)
            np.subtract(sq, tmp, out=tmp)
            np.sqrt(tmp, out=tmp)
        else:
            np.sqrt(sq, out=tmp)
        tmp += eps
        np.divide(g, tmp, out=tmp)
        if momentum > 0:
            buf = state["momentum_buffer"]._data
            buf *= momentum
            buf += tmp
            np.multiply(buf, lr, out=tmp)
        else:
            tmp *= lr
        d -= tmp

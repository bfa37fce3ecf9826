"""Adamax: Adam with the infinity norm of past gradients in place of their root mean square."""
import numpy as np

from ._per_parameter import PerParameterOptimizer
from .optimizer import check_adam_args, zeros_state

__all__ = ["Adamax"]


class Adamax(PerParameterOptimizer):
    """``torch.optim.Adamax``: ``u = max(beta2 * u, |g| + eps)``, ``p -= lr / (1 - beta1^t) * m / u``."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        check_adam_args(lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def hyper(self, group):
        beta1, beta2 = (float(b) for b in group["betas"])
        return float(group["lr"]), beta1, beta2, group["eps"]

    def init_state(self, p, group):
        return {"exp_avg": zeros_state(p), "exp_inf": zeros_state(p)}

    def update(self, d, g, state, step, h):
        lr, beta1, beta2, eps = h
        m, u = state["exp_avg"]._data, state["exp_inf"]._data
        tmp = np.subtract(g, m, out=np.empty_like(m))
        tmp *= 1 - beta1
        m += tmp
        u *= beta2
        np.abs(g, out=tmp)
        tmp += eps
        np.maximum(u, tmp, out=u)
        np.divide(m, u, out=tmp)
        tmp *= lr / (1 - beta1 ** step)
        d -= tmp

"""RAdam: Adam whose adaptive step is rectified while the variance estimate is still unreliable."""
import numpy as np

from ._per_parameter import PerParameterOptimizer
from .optimizer import check_adam_args, zeros_state

__all__ = ["RAdam"]


class RAdam(PerParameterOptimizer):
    """``torch.optim.RAdam``: plain momentum SGD until the approximated SMA length ``rho_t``
    exceeds 5, then Adam's step scaled by the variance rectification term."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_adam_args(lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def hyper(self, group):
        beta1, beta2 = (float(b) for b in group["betas"])
        decay = group["weight_decay"] if group["decoupled_weight_decay"] else 0
        return float(group["lr"]), beta1, beta2, group["eps"], decay

    def grad_weight_decay(self, group):
        return 0 if group["decoupled_weight_decay"] else group["weight_decay"]

    def init_state(self, p, group):
        return {"exp_avg": zeros_state(p), "exp_avg_sq": zeros_state(p)}

    def update(self, d, g, state, step, h):
        lr, beta1, beta2, eps, decoupled_decay = h
        if decoupled_decay:
            d *= 1 - lr * decoupled_decay
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        tmp = np.subtract(g, m, out=np.empty_like(m))
        tmp *= 1 - beta1
        m += tmp
        v *= beta2
        np.multiply(g, g, out=tmp)
        tmp *= 1 - beta2
        v += tmp
        correction1, correction2 = 1 - beta1 ** step, 1 - beta2 ** step
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * beta2 ** step / correction2
        np.divide(m, correction1, out=tmp)
        tmp *= lr
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            root = np.sqrt(v)
            root += eps
            tmp *= correction2 ** 0.5 / root
            tmp *= rect
        d -= tmp

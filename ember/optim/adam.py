"""Adam: per-parameter step sizes from running averages of the gradient and its square."""
import numpy as np

from ._per_parameter import PerParameterOptimizer
from .optimizer import check_adam_args, zeros_state

__all__ = ["Adam"]


class Adam(PerParameterOptimizer):
    """``torch.optim.Adam``. With ``decoupled_weight_decay=True`` it is AdamW: the weights
    shrink by ``lr * weight_decay`` directly instead of the decay joining the gradient."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        check_adam_args(lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable, fused=fused,
                                      decoupled_weight_decay=decoupled_weight_decay))

    def hyper(self, group):
        beta1, beta2 = (float(b) for b in group["betas"])
        decay = group["weight_decay"] if group["decoupled_weight_decay"] else 0
        return float(group["lr"]), beta1, beta2, group["eps"], group["amsgrad"], decay

    def grad_weight_decay(self, group):
        return 0 if group["decoupled_weight_decay"] else group["weight_decay"]

    def init_state(self, p, group):
        state = {"exp_avg": zeros_state(p), "exp_avg_sq": zeros_state(p)}
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = zeros_state(p)
        return state

    def update(self, d, g, state, step, h):
        lr, beta1, beta2, eps, amsgrad, decoupled_decay = h
        if decoupled_decay:
            d *= 1 - lr * decoupled_decay
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        # m moves toward g by (1 - beta1); v = beta2 * v + (1 - beta2) * g * g.
        tmp = np.subtract(g, m, out=np.empty_like(m))  # out= keeps 0-dim results arrays
        tmp *= 1 - beta1
        m += tmp
        v *= beta2
        np.multiply(g, g, out=tmp)
        tmp *= 1 - beta2
        v += tmp
        if amsgrad:
            v_max = state["max_exp_avg_sq"]._data
            v = np.maximum(v_max, v, out=v_max)
        step_size = lr / (1 - beta1 ** step)
        # denominator: sqrt(v / bias_correction2) + eps, as sqrt(v) / sqrt(bias_correction2) + eps
        np.sqrt(v, out=tmp)
        tmp /= (1 - beta2 ** step) ** 0.5
        tmp += eps
        np.divide(m, tmp, out=tmp)
        tmp *= -step_size
        d += tmp

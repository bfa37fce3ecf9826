"""Adam: per-parameter step sizes from running averages of the gradient and its square."""
import numpy as np

from ._per_parameter import AdamFamily
from .optimizer import check_adam_args, zeros_state

__all__ = ["Adam"]


class Adam(AdamFamily):
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
        return super().hyper(group) + (group["amsgrad"],)

    def init_state(self, p, group):
        state = super().init_state(p, group)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = zeros_state(p)
        return state

    def update(self, d, g, state, step, h):
        lr, beta1, beta2, eps, decoupled_decay, amsgrad = h
        m, v, tmp = self.moments(d, g, state, lr, beta1, beta2, decoupled_decay)
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

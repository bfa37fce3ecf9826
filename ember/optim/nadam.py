"""NAdam: Adam with Nesterov momentum, its momentum warmed up by ``momentum_decay``."""
import numpy as np

from ._per_parameter import AdamFamily
from .optimizer import check_adam_args, zeros_state

__all__ = ["NAdam"]


class NAdam(AdamFamily):
    """``torch.optim.NAdam``: the step looks ahead along the next momentum ``mu_{t+1}``;
    ``mu_product`` keeps the running product of the momentum schedule (float32, as in PyTorch)."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        check_adam_args(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f"Invalid momentum_decay value: {momentum_decay}")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def hyper(self, group):
        return super().hyper(group) + (group["momentum_decay"],)

    def init_state(self, p, group):
        return {"mu_product": zeros_state(p, 1, scalar=True), **super().init_state(p, group)}

    def update(self, d, g, state, step, h):
        lr, beta1, beta2, eps, decoupled_decay, momentum_decay = h
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
        product = state["mu_product"]._data
        product *= mu
        product_now = float(product)
        m, v, tmp = self.moments(d, g, state, lr, beta1, beta2, decoupled_decay)
        denom = np.divide(v, 1 - beta2 ** step, out=tmp)
        np.sqrt(denom, out=denom)
        denom += eps
        d += np.divide(g, denom) * (-lr * (1.0 - mu) / (1.0 - product_now))
        d += np.divide(m, denom) * (-lr * mu_next / (1.0 - product_now * mu_next))

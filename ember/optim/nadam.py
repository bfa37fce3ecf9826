"""NAdam: Adam with Nesterov momentum, its momentum warmed up by ``momentum_decay``."""
import numpy as np

from ._per_parameter import PerParameterOptimizer
from .optimizer import check_adam_args, zeros_state

__all__ = ["NAdam"]


class NAdam(PerParameterOptimizer):
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
        beta1, beta2 = (float(b) for b in group["betas"])
        decay = group["weight_decay"] if group["decoupled_weight_decay"] else 0
        return float(group["lr"]), beta1, beta2, group["eps"], group["momentum_decay"], decay

    def grad_weight_decay(self, group):
        return 0 if group["decoupled_weight_decay"] else group["weight_decay"]

    def init_state(self, p, group):
        return {"mu_product": zeros_state(p, 1, scalar=True), "exp_avg": zeros_state(p),
                "exp_avg_sq": zeros_state(p)}

    def update(self, d, g, state, step, h):
        lr, beta1, beta2, eps, momentum_decay, decoupled_decay = h
        if decoupled_decay:
            d *= 1 - lr * decoupled_decay
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
        product = state["mu_product"]._data
        product *= mu
        product_now = float(product)
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        tmp = np.subtract(g, m, out=np.empty_like(m))
        tmp *= 1 - beta1
        m += tmp
        v *= beta2
        np.multiply(g, g, out=tmp)
        tmp *= 1 - beta2
        v += tmp
        denom = np.divide(v, 1 - beta2 ** step, out=tmp)
        np.sqrt(denom, out=denom)
        denom += eps
        d += np.divide(g, denom) * (-lr * (1.0 - mu) / (1.0 - product_now))
        d += np.divide(m, denom) * (-lr * mu_next / (1.0 - product_now * mu_next))

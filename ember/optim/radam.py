"""RAdam: Adam whose adaptive step is rectified while the variance estimate is still unreliable."""
import numpy as np

from ._per_parameter import AdamFamily
from .optimizer import check_adam_args

__all__ = ["RAdam"]


class RAdam(AdamFamily):
    """``torch.optim.RAdam``: plain momentum SGD until the approximated SMA length ``rho_t``
    exceeds 5, then Adam's step scaled by the variance rectification term."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        check_adam_args(lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      foreach=foreach, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def update(self, d, g, state, step, h):
        lr, beta1, beta2, eps, decoupled_decay = h
        m, v, tmp = self.moments(d, g, state, lr, beta1, beta2, decoupled_decay)
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

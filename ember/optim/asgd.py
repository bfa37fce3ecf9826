"""ASGD: SGD with a decaying step size that also keeps a running average of the iterates."""
import numpy as np

from ._per_parameter import PerParameterOptimizer
from .optimizer import check_lr, zeros_state

__all__ = ["ASGD"]


class ASGD(PerParameterOptimizer):
    """``torch.optim.ASGD``: ``p = p * (1 - lambd * eta) - eta * g``; ``ax`` averages the iterates
    from step ``t0`` on; ``eta`` and ``mu`` are float32 scalars in the state, as in PyTorch."""

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, differentiable=differentiable,
                                      capturable=capturable))

    def hyper(self, group):
        return float(group["lr"]), group["lambd"], group["alpha"], group["t0"]

    def init_state(self, p, group):
        return {"eta": zeros_state(p, float(group["lr"]), scalar=True), "mu": zeros_state(p, 1, scalar=True),
                "ax": zeros_state(p)}

    def update(self, d, g, state, step, h):
        lr, lambd, alpha, t0 = h
        eta, mu, ax = state["eta"]._data, state["mu"]._data, state["ax"]._data
        eta_now = float(eta)
        d *= 1 - lambd * eta_now
        d -= np.multiply(g, eta_now)
        if float(mu) != 1:
            ax += (d - ax) * mu
        else:
            ax[...] = d
        eta[...] = lr / (1 + lambd * lr * step) ** alpha
        mu[...] = 1 / max(1, step - t0)

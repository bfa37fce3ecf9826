"""Adagrad: step sizes shrink with the sum of all squared gradients seen so far."""
import numpy as np

from ._per_parameter import PerParameterOptimizer
from .optimizer import check, check_lr, zeros_state

__all__ = ["Adagrad"]


class Adagrad(PerParameterOptimizer):
    """``torch.optim.Adagrad``: ``p -= clr * g / (sqrt(sum) + eps)`` with
    ``clr = lr / (1 + (step - 1) * lr_decay)``."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        check(0.0 <= lr_decay, "lr_decay value", lr_decay)
        check(0.0 <= weight_decay, "weight_decay value", weight_decay)
        check(0.0 <= initial_accumulator_value, "initial_accumulator_value value", initial_accumulator_value)
        check(0.0 <= eps, "epsilon value", eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        # Unlike the other optimizers, Adagrad's state exists from the start, as in PyTorch.
        for group in self.param_groups:
            for p in group["params"]:
                self._state_for(p, group)

    def init_state(self, p, group):
        return {"sum": zeros_state(p, group["initial_accumulator_value"])}

    def hyper(self, group):
        return float(group["lr"]), group["lr_decay"], group["eps"]

    def update(self, d, g, state, step, h):
        lr, lr_decay, eps = h
        clr = lr / (1 + (step - 1) * lr_decay)
        total = state["sum"]._data
        tmp = np.multiply(g, g, out=np.empty_like(total))  # out= keeps 0-dim results arrays
        total += tmp
        np.sqrt(total, out=tmp)
        tmp += eps
        np.divide(g, tmp, out=tmp)
        tmp *= clr
        d -= tmp

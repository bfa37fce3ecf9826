"""Adafactor: Adam-like steps whose second moment of a matrix is kept as its row and column means."""
import numpy as np

from ._per_parameter import PerParameterOptimizer
from .._tensor import Tensor
from .optimizer import check_lr

__all__ = ["Adafactor"]


class Adafactor(PerParameterOptimizer):
    """``torch.optim.Adafactor``: the variance estimate of an (..., R, C) gradient is the outer product of
    running row and column means of its square; the step is scaled by the parameter's RMS and clipped
    to an RMS of ``d``. Weight decay is decoupled."""

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0, *,
                 foreach=None, maximize=False):
        check_lr(lr)
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize))

    def hyper(self, group):
        return float(group["lr"]), group["beta2_decay"], tuple(group["eps"]), group["d"], group["weight_decay"]

    def grad_weight_decay(self, group):
        return 0

    def init_state(self, p, group):
        d = p._data
        if d.ndim > 1:
            return {"row_var": Tensor._wrap(np.zeros_like(d, shape=d.shape[:-1] + (1,))),
                    "col_var": Tensor._wrap(np.zeros_like(d, shape=d.shape[:-2] + (1,) + d.shape[-1:]))}
        return {"variance": Tensor._wrap(np.zeros_like(d))}

    def update(self, d, g, state, step, h):
        lr, beta2_decay, (eps1, eps2), clip, weight_decay = h
        if eps1 is None:
            eps1 = float(np.finfo(d.dtype).eps)
        weight = step ** beta2_decay  # how far the averages move toward the new squares
        rho = min(lr, 1 / step ** 0.5)
        alpha = max(eps2, float(np.sqrt(np.sum(d * d))) / d.size ** 0.5) * rho
        if weight_decay:
            d *= 1 - lr * weight_decay
        if g.ndim > 1:
            rows, cols = state["row_var"]._data, state["col_var"]._data
            rows += ((g * g).mean(-1, keepdims=True) - rows) * weight
            cols += ((g * g).mean(-2, keepdims=True) - cols) * weight
            estimate = (rows @ cols) / np.maximum(rows.mean(-2, keepdims=True), eps1)
        else:
            variance = state["variance"]._data
            variance += (g * g - variance) * weight
            estimate = variance.copy()
        step_dir = g / np.sqrt(np.maximum(estimate, eps1 * eps1))
        denom = max(1.0, float(np.sqrt(np.sum(step_dir * step_dir))) / (step_dir.size ** 0.5 * clip))
        d -= step_dir * (alpha / denom)

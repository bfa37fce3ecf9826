"""Rprop: per-element step sizes that grow while the gradient keeps its sign and shrink when it flips."""
import numpy as np

from ._per_parameter import PerParameterOptimizer
from .optimizer import check_lr, zeros_state

__all__ = ["Rprop"]


class Rprop(PerParameterOptimizer):
    """``torch.optim.Rprop``: only the gradient's sign is used; after a sign flip the element
    does not move and its gradient is forgotten."""

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    def hyper(self, group):
        return tuple(group["etas"]), tuple(group["step_sizes"])

    def init_state(self, p, group):
        return {"prev": zeros_state(p), "step_size": zeros_state(p, float(group["lr"]))}

    def update(self, d, g, state, step, h):
        (eta_minus, eta_plus), (size_min, size_max) = h
        prev, size = state["prev"]._data, state["step_size"]._data
        agreement = np.sign(g * prev)
        factor = np.where(agreement > 0, eta_plus, np.where(agreement < 0, eta_minus, 1)).astype(size.dtype)
        size *= factor
        np.clip(size, size_min, size_max, out=size)
        g = np.where(agreement < 0, 0, g).astype(g.dtype, copy=False)
        d -= np.sign(g) * size
        prev[...] = g

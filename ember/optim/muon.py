"""Muon: momentum SGD for matrices whose update is orthogonalised by a Newton-Schulz iteration."""
import math

import numpy as np

from .._tensor import Tensor
from .optimizer import Optimizer, check_lr

__all__ = ["Muon"]

EPS = 1e-7
DEFAULT_A, DEFAULT_B, DEFAULT_C = 3.4445, -4.7750, 2.0315
DEFAULT_NS_STEPS = 5


def _bfloat16(a):
    """``a`` rounded to bfloat16 (to nearest, ties to even) and kept as float32: PyTorch runs the iteration
    in bfloat16, which NumPy lacks, and rounding each result the same way gives PyTorch's numbers."""
    bits = np.asarray(a, np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.astype(np.uint32).view(np.float32)


def _zeropower_via_newtonschulz(grad, ns_coefficients, ns_steps, eps):
    """An approximately orthogonal matrix with ``grad``'s singular vectors (a quintic Newton-Schulz
    iteration whose coefficients favour speed over exact convergence)."""
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = ns_coefficients
    x = _bfloat16(grad)
    tall = grad.shape[0] > grad.shape[1]
    if tall:
        x = x.T
    norm = _bfloat16(np.sqrt(np.sum(x * x)))
    x = _bfloat16(x / _bfloat16(max(norm, eps)))
    for _ in range(ns_steps):
        gram = _bfloat16(x @ x.T)
        update = _bfloat16(b * gram + c * (gram @ gram))
        x = _bfloat16(a * x + update @ x)
    return x.T if tall else x


def _adjust_lr(lr, adjust_lr_fn, shape):
    rows, cols = shape[:2]
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        return lr * math.sqrt(max(1, rows / cols))
    if adjust_lr_fn == "match_rms_adamw":
        return lr * 0.2 * math.sqrt(max(rows, cols))
    return lr


class Muon(Optimizer):
    """``torch.optim.Muon`` for 2-D parameters: Nesterov momentum, orthogonalised, with decoupled weight
    decay and a learning rate scaled by the matrix's shape."""

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(DEFAULT_A, DEFAULT_B, DEFAULT_C), eps=EPS, ns_steps=DEFAULT_NS_STEPS,
                 adjust_lr_fn=None):
        check_lr(lr)
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ("original", "match_rms_adamw"):
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                                      ns_coefficients=ns_coefficients, eps=eps, ns_steps=ns_steps,
                                      adjust_lr_fn=adjust_lr_fn))
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(f"Muon only supports 2D parameters whereas we found a parameter with size: "
                                     f"{p.size()}")

    def step(self, closure=None):
        loss = None if closure is None else self._loss(closure)
        for group in self.param_groups:
            lr, momentum, weight_decay = float(group["lr"]), group["momentum"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad._data
                state = self.state[p]
                if not state:
                    state["momentum_buffer"] = Tensor._wrap(np.zeros_like(g))
                buf = state["momentum_buffer"]._data
                buf += (g - buf) * (1 - momentum)
                update = g + (buf - g) * momentum if group["nesterov"] else buf
                update = _zeropower_via_newtonschulz(update, group["ns_coefficients"], group["ns_steps"],
                                                     group["eps"])
                d = p._data
                d *= 1 - lr * weight_decay
                d -= (update * _adjust_lr(lr, group["adjust_lr_fn"], d.shape)).astype(d.dtype, copy=False)
                p._version[0] += 1
        return loss

"""Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay."""
from .optimizer import Optimizer, check, check_lr, prepared_grad
from .._tensor import Tensor

__all__ = ["SGD"]


class SGD(Optimizer):
    """``torch.optim.SGD``: ``p -= lr * g`` where, with momentum, ``g`` is the buffer
    ``b = momentum * b + (1 - dampening) * grad`` (the first step sets ``b = grad``)."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        check_lr(lr)
        check(momentum >= 0.0, "momentum value", momentum)
        check(weight_decay >= 0.0, "weight_decay value", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize, foreach=foreach,
                                      differentiable=differentiable, fused=fused))

    def step(self, closure=None):
        loss = None if closure is None else self._loss(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            momentum, weight_decay, maximize = group["momentum"], group["weight_decay"], group["maximize"]
            if not (momentum or weight_decay or maximize):
                # Plain SGD, the classic training loop's step: one multiply-subtract per parameter.
                for p in group["params"]:
                    g = p.grad
                    if g is not None:
                        p._data -= lr * g._data
                        p._version[0] += 1
                continue
            keep = 1 - group["dampening"]
            nesterov = group["nesterov"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                d = p._data
                g = prepared_grad(d, p.grad._data, weight_decay, maximize)
                if momentum:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    if buf is None:
                        buf = state["momentum_buffer"] = Tensor._wrap(g.copy())
                        b = buf._data
                    else:
                        b = buf._data
                        b *= momentum
                        b += g if keep == 1 else keep * g
                    g = g + momentum * b if nesterov else b
                d -= lr * g
                p._version[0] += 1
        return loss

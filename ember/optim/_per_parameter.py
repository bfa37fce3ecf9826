"""The step loop shared by optimizers that update each parameter on its own (Chainer's UpdateRule).

A subclass says what state a parameter starts with (``init_state``) and how one parameter
moves (``update``); the loop over groups and parameters, the step counter, maximize and L2
weight decay are written once here.
"""
import numpy as np

from .optimizer import Optimizer, prepared_grad, step_counter, zeros_state


class PerParameterOptimizer(Optimizer):
    def hyper(self, group):
        """What ``update`` reads from a group, computed once per group and step (floats, tuples)."""
        return group

    def grad_weight_decay(self, group):
        """The L2 decay that joins the gradient (0 where an optimizer decays the weights itself)."""
        return group.get("weight_decay", 0)

    def init_state(self, p, group):
        """The state of parameter ``p`` before its first step, beside the step counter."""
        return {}

    def update(self, d, g, state, step, h):
        """Move parameter values ``d`` in place given gradient ``g``, ``state``, the 1-based ``step``
        and ``h`` (what :meth:`hyper` returned for the group)."""
        raise NotImplementedError

    def _state_for(self, p, group):
        state = self.state[p]
        if not state:
            state["step"] = step_counter()
            state.update(self.init_state(p, group))
        return state

    def step(self, closure=None):
        loss = None if closure is None else self._loss(closure)
        for group in self.param_groups:
            h = self.hyper(group)
            weight_decay, maximize = self.grad_weight_decay(group), group.get("maximize", False)
            for p in group["params"]:
                if p.grad is None:
                    continue
                d = p._data
                state = self._state_for(p, group)
                counter = state["step"]._data
                counter += 1
                self.update(d, prepared_grad(d, p.grad._data, weight_decay, maximize), state, float(counter), h)
                p._version[0] += 1
        return loss


class AdamFamily(PerParameterOptimizer):
    """Adam and its variants (NAdam, RAdam): running averages of the gradient and its square, and weight
    decay either joined to the gradient or, with ``decoupled_weight_decay``, applied to the weights."""

    def hyper(self, group):
        beta1, beta2 = (float(b) for b in group["betas"])
        decay = group["weight_decay"] if group["decoupled_weight_decay"] else 0
        return float(group["lr"]), beta1, beta2, group["eps"], decay

    def grad_weight_decay(self, group):
        return 0 if group["decoupled_weight_decay"] else group["weight_decay"]

    def init_state(self, p, group):
        return {"exp_avg": zeros_state(p), "exp_avg_sq": zeros_state(p)}

    @staticmethod
    def moments(d, g, state, lr, beta1, beta2, decoupled_decay):
        """Decay the weights if decoupled, then move the averages: m toward g by (1 - beta1), and
        v = beta2 * v + (1 - beta2) * g * g. Returns m, v and a scratch array shaped like them."""
        if decoupled_decay:
            d *= 1 - lr * decoupled_decay
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        tmp = np.subtract(g, m, out=np.empty_like(m))  # out= keeps 0-dim results arrays
        tmp *= 1 - beta1
        m += tmp
        v *= beta2
        np.multiply(g, g, out=tmp)
        tmp *= 1 - beta2
        v += tmp
        return m, v, tmp

"""The step loop shared by optimizers that update each parameter on its own (Chainer's UpdateRule).

A subclass says what state a parameter starts with (``init_state``) and how one parameter
moves (``update``); the loop over groups and parameters, the step counter, maximize and L2
weight decay are written once here.
"""
from .optimizer import Optimizer, prepared_grad, step_counter


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

"""The optimizer base class: parameter groups, per-parameter state, state dicts, hooks.

Subclasses update parameter arrays (``p._data``) in place with NumPy, never through
Tensor ops: an optimizer step records no graph and should cost as little as possible.
"""
import copy
import functools
import warnings
from collections import OrderedDict, defaultdict

import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from ..autograd import enable_grad
from ..nn.modules.module import RemovableHandle

__all__ = ["Optimizer", "required", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"]


class _Required:
    """Marks a default that every parameter group must set itself."""

    def __repr__(self):
        return "<required parameter>"


required = _Required()

_global_pre_hooks = OrderedDict()
_global_post_hooks = OrderedDict()


def _register(hooks, hook, prepend=False):
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def register_optimizer_step_pre_hook(hook):
    """Call ``hook(optimizer, args, kwargs)`` before every optimizer's ``step``."""
    return _register(_global_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """Call ``hook(optimizer, args, kwargs)`` after every optimizer's ``step``."""
    return _register(_global_post_hooks, hook)


def _typename(obj):
    if isinstance(obj, Tensor):
        return obj.type()  # 'torch.FloatTensor', as PyTorch names tensors in messages
    cls = type(obj)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def check(ok, what, value):
    """Raise PyTorch's ``Invalid <what>: <value>`` unless the hyper-parameter is ``ok``."""
    if not ok:
        raise ValueError(f"Invalid {what}: {value}")


def check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    check(0.0 <= float(lr), "learning rate", lr)


def check_adam_args(lr, betas, eps, weight_decay):
    """The checks every Adam-like optimizer makes of its hyper-parameters, in PyTorch's order."""
    check_lr(lr)
    check(0.0 <= eps, "epsilon value", eps)
    check(0.0 <= betas[0] < 1.0, "beta parameter at index 0", betas[0])
    check(0.0 <= betas[1] < 1.0, "beta parameter at index 1", betas[1])
    check(0.0 <= weight_decay, "weight_decay value", weight_decay)


def zeros_state(p, fill=0, scalar=False):
    """A state buffer shaped, typed and placed like parameter ``p``; with ``scalar``, a float32
    0-dim buffer on p's device (the per-parameter scalars PyTorch keeps as tensors)."""
    if scalar:
        return Tensor._wrap(np.full_like(p._data, fill, shape=(), dtype=np.float32))
    return Tensor._wrap(np.full_like(p._data, fill) if fill else np.zeros_like(p._data))


def step_counter():
    # A float32 scalar as in PyTorch, so that state dicts have the same layout.
    return Tensor._wrap(np.zeros((), np.float32))


def prepared_grad(param, grad, weight_decay, maximize):
    """The gradient the update uses: negated to maximize, plus L2 weight decay.

    Returns ``grad`` itself when neither applies, else one new array (an array even for
    0-dim parameters, where NumPy's operators would give a scalar)."""
    if weight_decay:
        out = np.multiply(param, weight_decay, out=np.empty_like(param))
        return np.subtract(out, grad, out=out) if maximize else np.add(out, grad, out=out)
    return np.negative(grad, out=np.empty_like(grad)) if maximize else grad


def _with_hooks(step):
    @functools.wraps(step)
    def hooked_step(self, *args, **kwargs):
        if _global_pre_hooks or self._step_pre_hooks:
            for hook in [*_global_pre_hooks.values(), *self._step_pre_hooks.values()]:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(f"{step} must return None or a tuple of (new_args, new_kwargs), but got "
                                           f"{result}.")
                    args, kwargs = result
        out = step(self, *args, **kwargs)
        self._opt_called = True  # lets an LR scheduler tell whether it is stepped first
        if _global_post_hooks or self._step_post_hooks:
            for hook in [*self._step_post_hooks.values(), *_global_post_hooks.values()]:
                hook(self, args, kwargs)
        return out

    hooked_step._hooked = True
    return hooked_step


class Optimizer:
    """Base class of all optimizers (``torch.optim.Optimizer``).

    ``params`` is an iterable of tensors, of ``(name, tensor)`` pairs, or of dicts that
    each define a parameter group with its own options; ``defaults`` holds the options
    groups do not set."""

    def __init__(self, params, defaults):
        if defaults.get("differentiable"):
            raise NotImplementedError("differentiable=True is not supported: Ember optimizers update the parameter "
                                      "arrays in place, outside autograd")
        self.defaults = defaults
        self._init_hooks()
        self._hook_step()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {_typename(params)}")
        self.state = defaultdict(dict)
        self.param_groups = []
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def _init_hooks(self):
        self._step_pre_hooks = OrderedDict()
        self._step_post_hooks = OrderedDict()
        self._state_dict_pre_hooks = OrderedDict()
        self._state_dict_post_hooks = OrderedDict()
        self._load_state_dict_pre_hooks = OrderedDict()
        self._load_state_dict_post_hooks = OrderedDict()

    def _hook_step(self):
        # Wrap the class's step once (not per instance) so hooks run and schedulers can
        # see that the optimizer has stepped.
        cls = type(self)
        if not getattr(cls.step, "_hooked", False):
            cls.step = _with_hooks(cls.step)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._init_hooks()
        self._hook_step()

    def __repr__(self):
        text = f"{type(self).__name__} ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params")
        return text + ")"

    # ------------------------------------------------------------ groups
    def add_param_group(self, param_group):
        """Add a group of parameters (a dict with ``"params"`` and optional options)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering of "
                            "tensors in sets will change between runs. Please use a list instead.")
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
            params = [p[1] for p in params]
        param_group["params"] = params
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {_typename(p)}")
            if not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        ids = {id(p) for p in params}
        if len(ids) != len(params):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        for group in self.param_groups:
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
            if any(id(p) in ids for p in group["params"]):
                raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ------------------------------------------------------------ stepping
    def zero_grad(self, set_to_none=True):
        """Forget the gradients: drop them (the default) or fill them with zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                g.grad_fn = None
                g.requires_grad = False
                try:
                    g._data.fill(0)
                except ValueError:  # a read-only broadcast view: give the gradient memory of its own
                    g._data = np.zeros_like(g._data)
                g._version[0] += 1

    def step(self, closure=None):
        """Update the parameters once; ``closure`` re-evaluates the model and returns the loss."""
        raise NotImplementedError

    @staticmethod
    def _loss(closure):
        if closure is None:
            return None
        with enable_grad():
            return closure()

    # ------------------------------------------------------------ state dicts
    def state_dict(self):
        """The optimizer's state with parameters replaced by their indices, as PyTorch lays it out.

        The state tensors are the optimizer's own (not copies), as in PyTorch."""
        for hook in self._state_dict_pre_hooks.values():
            hook(self)
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        result = {"state": state, "param_groups": groups}
        for hook in self._state_dict_post_hooks.values():
            result = hook(self, result) or result
        return result

    def load_state_dict(self, state_dict):
        """Restore a state dict made by :meth:`state_dict`; state tensors are copied to each
        parameter's dtype and device, so the dict stays untouched by later steps."""
        state_dict = dict(state_dict)
        for hook in self._load_state_dict_pre_hooks.values():
            state_dict = hook(self, state_dict) or state_dict
        groups = self.param_groups
        saved = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        by_index = {i: p for g, s in zip(groups, saved) for i, p in zip(s["params"], g["params"])}
        state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in by_index:
                p = by_index[key]
                state[p] = {k: _restore(p, v, k) for k, v in value.items()}
            else:
                state[key] = value
        for group, new in zip(groups, saved):
            new["params"] = group["params"]
            if "param_names" in group:
                new.setdefault("param_names", group["param_names"])
            for name, default in self.defaults.items():  # dicts saved before an option existed
                new.setdefault(name, default)
        self.state = state
        self.param_groups = saved
        for hook in self._load_state_dict_post_hooks.values():
            hook(self)

    # ------------------------------------------------------------ hooks
    def register_step_pre_hook(self, hook):
        """``hook(optimizer, args, kwargs)`` runs before each step and may return new (args, kwargs)."""
        return _register(self._step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        return _register(self._step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        return _register(self._state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        return _register(self._state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        return _register(self._load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        return _register(self._load_state_dict_post_hooks, hook, prepend)


def _restore(param, value, key=None):
    """A copy of saved state ``value`` for ``param``: floating tensors take its dtype (the
    step counter keeps its own), all tensors its device."""
    if isinstance(value, Tensor):
        arr = value._data
        if key != "step" and param._data.dtype.kind == "f" and arr.dtype.kind == "f":
            arr = arr.astype(param._data.dtype)
        else:
            arr = arr.copy()
        return Tensor._wrap(B.to_device(arr, B.device_of(param._data)))
    if isinstance(value, dict):
        return {k: _restore(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_restore(param, v) for v in value)
    return value

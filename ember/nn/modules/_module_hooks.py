"""Module hooks beyond the forward ones: backward hooks (full, pre and the deprecated non-full kind) and
state-dict hooks. ``Module`` inherits them from ``ModuleHooks``.

A full backward hook sees the gradients of the module's tensor inputs and outputs. They are caught, as in
PyTorch, by identity ops around the call: one over the inputs (whose backward receives the input
gradients, all at once) and one over the outputs (whose backward receives the output gradients first).
"""
import warnings
from collections import OrderedDict

from ..._ops.op import Op
from ..._tensor import Tensor
from ...autograd import grad_mode
from ._handle import RemovableHandle

_NON_FULL_MULTI_NODE = ("Using a non-full backward hook when the forward contains multiple autograd Nodes is "
                        "deprecated and will be removed in future versions. This hook will be missing some "
                        "grad_input. Please use register_full_backward_hook to get the documented behavior.")
_NO_INPUT_GRADS = ("Full backward hook is firing when gradients are computed with respect to module outputs since "
                   "no inputs require gradients. See https://docs.pytorch.org/docs/main/generated/torch.nn.Module"
                   ".html#torch.nn.Module.register_full_backward_hook for more details.")


class BackwardHookFunction(Op):
    """The identity on several tensors; backward hands their gradients to ``callback`` together."""

    def forward(ctx, *arrays, callback):
        ctx.callback = callback
        return tuple(a.view() for a in arrays)

    def backward(ctx, *grads):
        tensors = any(isinstance(g, Tensor) for g in grads)  # create_graph: Tensors already, and they stay so
        seen = grads if tensors else tuple(None if g is None else Tensor._wrap(g) for g in grads)
        result = ctx.callback(seen)  # hooks see Tensors
        return result if tensors else tuple(r._data if isinstance(r, Tensor) else r for r in result)


class _BackwardCall:
    """The gradients of one call of a module with backward hooks, collected as backward reaches them."""

    def __init__(self, module, n_inputs, args):
        self.module, self.n_inputs, self.args = module, n_inputs, args
        self.grad_output = None
        self.inputs_need_grad = False

    def finish(self, output):
        outputs = _tensors_in(output)
        if any(t.requires_grad for t in outputs):
            output = _replace_tensors(output, iter(BackwardHookFunction.apply(*outputs, callback=self.on_outputs)))
        return output

    def on_outputs(self, grads):
        for hook in list(self.module._backward_pre_hooks.values()):
            result = hook(self.module, grads)
            if result is not None:
                grads = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        self.grad_output = grads
        if not self.inputs_need_grad and self.module._backward_hooks:
            warnings.warn(_NO_INPUT_GRADS, stacklevel=2)
            self._run_hooks((None,) * self.n_inputs)
        return grads

    def on_inputs(self, grads):
        return self._run_hooks(grads)

    def _run_hooks(self, grad_input):
        for hook in list(self.module._backward_hooks.values()):
            result = hook(self.module, grad_input, self.grad_output)
            if result is not None:
                if len(result) != len(grad_input):
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got "
                                       f"{len(result)}, but expected {len(grad_input)}")
                grad_input = tuple(result)
        return grad_input


class _NonFullCall:
    """The deprecated kind: hooks on the node that made the output, seeing that node's gradients."""

    def __init__(self, module, args):
        self.module, self.args = module, args

    def finish(self, output):
        results = output if isinstance(output, tuple) else (output,)
        nodes = {r.grad_fn for r in results if isinstance(r, Tensor) and r.grad_fn is not None}
        if len(nodes) != 1:
            return output
        node = nodes.pop()
        inputs = {t.grad_fn for t in _tensors_in(self.args) if t.grad_fn is not None}
        if inputs != {e[0] for e in node.next_functions if e is not None}:
            warnings.warn(_NON_FULL_MULTI_NODE, FutureWarning, stacklevel=4)
        module = self.module
        for hook in module._backward_hooks.values():
            node.register_hook(lambda grad_inputs, grad_outputs, hook=hook: hook(module, grad_inputs, grad_outputs))
        return output


def _replace_tensors(value, replacements):
    """``value`` (a Tensor, or a tuple/list holding Tensors) with its Tensors taken in turn from ``replacements``."""
    if isinstance(value, Tensor):
        return next(replacements)
    if isinstance(value, (tuple, list)):
        return type(value)(_replace_tensors(v, replacements) for v in value)
    return value


def _tensors_in(value):
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors_in(v)]
    return []


class ModuleHooks:
    _backward_hooks_used = None  # "full" or "non-full" once a backward hook is registered
    _has_backward_hooks = False  # any backward or backward pre-hook: the one flag Module.__call__ tests
    _backward_hooks = OrderedDict()  # empty stand-ins until a module registers its own
    _backward_pre_hooks = OrderedDict()
    _state_dict_hooks = OrderedDict()
    _state_dict_pre_hooks = OrderedDict()
    _load_state_dict_pre_hooks = OrderedDict()
    _load_state_dict_post_hooks = OrderedDict()

    def _own_hooks(self, name):
        hooks = self.__dict__.get(name)
        if hooks is None:
            hooks = OrderedDict()
            object.__setattr__(self, name, hooks)
        return hooks

    def _register(self, name, hook, prepend=False):
        hooks = self._own_hooks(name)
        if name.startswith("_backward"):
            object.__setattr__(self, "_has_backward_hooks", True)
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def _use_backward_hooks(self, kind):
        if self._backward_hooks_used not in (None, kind):
            raise RuntimeError("Cannot use both regular backward hooks and full backward hooks on a single Module. "
                               "Please use only one of them.")
        object.__setattr__(self, "_backward_hooks_used", kind)

    # ---------------------------------------------------------------- backward hooks
    def register_full_backward_hook(self, hook, prepend=False):
        """``hook(module, grad_input, grad_output)`` runs once the gradients of the module's tensor inputs are
        known; a returned tuple replaces grad_input."""
        self._use_backward_hooks("full")
        return self._register("_backward_hooks", hook, prepend)

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """``hook(module, grad_output)`` runs when the gradients of the module's outputs are known; a returned
        tuple replaces grad_output."""
        return self._register("_backward_pre_hooks", hook, prepend)

    def register_backward_hook(self, hook):
        """Deprecated: ``hook(module, grad_input, grad_output)`` on the last operation of the forward only."""
        self._use_backward_hooks("non-full")
        return self._register("_backward_hooks", hook)

    def _backward_hooks_setup(self, args):
        """After the forward pre-hooks: the inputs wrapped to catch their gradients (``.args``) and the
        ``finish(output)`` that wraps the output after the forward hooks, as PyTorch orders them."""
        if not grad_mode.state.enabled:
            return None
        if self._backward_hooks_used == "non-full":
            return _NonFullCall(self, args)
        inputs = _tensors_in(args)
        record = _BackwardCall(self, len(inputs), args)
        record.inputs_need_grad = any(t.requires_grad for t in inputs)
        if record.inputs_need_grad and self._backward_hooks:
            record.args = _replace_tensors(args, iter(BackwardHookFunction.apply(*inputs,
                                                                                 callback=record.on_inputs)))
        return record

    # ---------------------------------------------------------------- state dict hooks
    def register_state_dict_pre_hook(self, hook):
        """``hook(module, prefix, keep_vars)`` runs before the module saves its state."""
        return self._register("_state_dict_pre_hooks", hook)

    def register_state_dict_post_hook(self, hook):
        """``hook(module, state_dict, prefix, local_metadata)`` runs after the module saved its state."""
        return self._register("_state_dict_hooks", hook)

    _register_state_dict_hook = register_state_dict_post_hook

    def register_load_state_dict_pre_hook(self, hook):
        """``hook(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs)``
        runs before the module loads its part of a state dict."""
        return self._register("_load_state_dict_pre_hooks", hook)

    def _register_load_state_dict_pre_hook(self, hook, with_module=False):
        if with_module:
            return self.register_load_state_dict_pre_hook(hook)
        return self.register_load_state_dict_pre_hook(lambda module, *args: hook(*args))

    def register_load_state_dict_post_hook(self, hook):
        """``hook(module, incompatible_keys)`` runs after ``load_state_dict``; it may edit the key lists."""
        return self._register("_load_state_dict_post_hooks", hook)

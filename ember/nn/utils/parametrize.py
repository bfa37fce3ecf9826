"""``torch.nn.utils.parametrize``: a module's tensor computed from an ``original`` by small modules.

Registering a parametrization moves ``module.<name>`` into ``module.parametrizations.<name>.original``
and swaps the module's class for a subclass whose ``<name>`` is a property that evaluates the chain of
parametrizations, as PyTorch does (the state dict keys are the same).
"""
import contextlib

from ...autograd import no_grad
from ..modules.container import ModuleDict, ModuleList
from ..parameter import Parameter

__all__ = ["register_parametrization", "remove_parametrizations", "is_parametrized", "cached",
           "ParametrizationList", "type_before_parametrizations", "transfer_parametrizations_and_params"]

_cache = {"enabled": 0, "values": {}}


@contextlib.contextmanager
def cached():
    """Evaluate each parametrized tensor once inside the block."""
    _cache["enabled"] += 1
    try:
        yield
    finally:
        _cache["enabled"] -= 1
        if not _cache["enabled"]:
            _cache["values"] = {}


class ParametrizationList(ModuleList):
    """The parametrizations of one tensor, applied in order to ``original`` (or ``original0``, ... when the
    first one's ``right_inverse`` returns several tensors)."""

    def __init__(self, modules, original, unsafe=False):
        super().__init__(modules)
        self.unsafe = unsafe
        with no_grad():
            new = original
            for module in reversed(list(modules)):
                if hasattr(module, "right_inverse"):
                    new = module.right_inverse(new)
        self.is_tensor = not isinstance(new, (tuple, list))
        if self.is_tensor:
            if isinstance(original, Parameter):  # the parameter object stays the same, as optimizers hold it
                if new is not original:
                    original.data = new.detach()
                self.original = original
            else:
                self.register_buffer("original", new.detach().clone())
        else:
            self.ntensors = len(new)
            for i, value in enumerate(new):
                self.register_parameter(f"original{i}", Parameter(value.detach().clone(),
                                                                  original.requires_grad))

    def right_inverse(self, value):
        """Set the originals so that evaluating the parametrizations gives ``value``."""
        with no_grad():
            for module in reversed(list(self)):
                if hasattr(module, "right_inverse"):
                    value = module.right_inverse(value)
            if self.is_tensor:
                self.original.copy_(value)
            else:
                for i, v in enumerate(value):
                    getattr(self, f"original{i}").copy_(v)

    def forward(self):
        x = self[0](self.original) if self.is_tensor else self[0](*(getattr(self, f"original{i}")
                                                                    for i in range(self.ntensors)))
        for module in list(self)[1:]:
            x = module(x)
        return x


def _evaluate(module, name):
    if _cache["enabled"]:
        key = (id(module), name)
        if key not in _cache["values"]:
            _cache["values"][key] = module.parametrizations[name]()
        return _cache["values"][key]
    return module.parametrizations[name]()


def _parametrized_class(module):
    """A subclass of the module's class (made once per module) to hang the tensors' properties on."""
    cls = type(module)
    if getattr(cls, "_is_parametrized_class", False):
        return cls
    new = type("Parametrized" + cls.__name__, (cls,), {"_is_parametrized_class": True, "_original_class": cls})
    module.__class__ = new
    return new


def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):
    """Make ``module.<tensor_name>`` the result of ``parametrization`` applied to what it holds now."""
    if is_parametrized(module, tensor_name):
        module.parametrizations[tensor_name].append(parametrization)
        return module
    if tensor_name not in module._parameters and tensor_name not in module._buffers:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a parametrized element with "
                         f"name '{tensor_name}'")
    original = getattr(module, tensor_name)
    if tensor_name in module._parameters:
        del module._parameters[tensor_name]
    else:
        del module._buffers[tensor_name]
    plist = ParametrizationList([parametrization], original, unsafe)
    if not is_parametrized(module):
        module.parametrizations = ModuleDict()
    module.parametrizations[tensor_name] = plist
    cls = _parametrized_class(module)

    def get(self, name=tensor_name):
        return _evaluate(self, name)

    def set_(self, value, name=tensor_name):
        self.parametrizations[name].right_inverse(value)

    setattr(cls, tensor_name, property(get, set_))
    return module


def is_parametrized(module, tensor_name=None):
    """Whether ``module`` has any parametrization, or one on ``tensor_name`` when that is given."""
    plists = module._modules.get("parametrizations")
    if plists is None or not isinstance(plists, ModuleDict):
        return False
    return tensor_name is None or tensor_name in plists


def remove_parametrizations(module, tensor_name, leave_parametrized=True):
    """Undo ``register_parametrization``; the tensor keeps its parametrized value unless told otherwise."""
    if not is_parametrized(module, tensor_name):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    plist = module.parametrizations[tensor_name]
    if not plist.is_tensor and not leave_parametrized:
        raise ValueError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized "
                         "in terms of a sequence of tensors.")
    with no_grad():
        value = (getattr(module, tensor_name) if leave_parametrized else plist.original).detach()
    if not plist.is_tensor:  # several originals: the value becomes a new parameter
        final = Parameter(value)
    elif isinstance(plist.original, Parameter):  # the original parameter object keeps its identity
        plist.original.data = value
        final = plist.original
    else:
        final = value
    delattr(type(module), tensor_name)
    del module.parametrizations[tensor_name]
    if isinstance(final, Parameter):
        module.register_parameter(tensor_name, final)
    else:
        module.register_buffer(tensor_name, final)
    if not module.parametrizations:
        del module._modules["parametrizations"]
        module.__class__ = type(module)._original_class
    return module


def type_before_parametrizations(module):
    """The class ``module`` had before parametrizations replaced it with a generated subclass."""
    return type(module)._original_class if getattr(type(module), "_is_parametrized_class", False) else type(module)


def transfer_parametrizations_and_params(from_module, to_module, tensor_name=None):
    """Registers the parametrizations of ``from_module`` (all, or those of ``tensor_name``) on
    ``to_module``, first copying the parametrized tensor there as a Parameter where it is missing."""
    names = [tensor_name] if tensor_name is not None else list(from_module.parametrizations)
    for name in names:
        if not hasattr(to_module, name):
            setattr(to_module, name, Parameter(getattr(from_module, name)))
        for p in from_module.parametrizations[name]:
            register_parametrization(to_module, name, p)
        with no_grad():
            to_module.parametrizations[name].original.copy_(from_module.parametrizations[name].original)
    return to_module


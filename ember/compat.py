"""Make ``import torch`` / ``import torchvision`` resolve to Ember, for code written for PyTorch.

``ember.compat.install()`` (in a notebook, or done by ``ember run``) adds an
import hook: ``torch.nn`` is ``ember.nn``, ``torchvision.datasets`` is
``ember.vision.datasets`` and so on. ``torch`` itself (and ``torch.version``)
is a thin view of ``ember`` that forwards every name to it but reports the
PyTorch release whose API Ember follows as ``__version__``
(``ember.version.pytorch_api``), so version checks in PyTorch programs take
their modern paths; ``ember.__version__`` stays Ember's own. A module Ember
does not have fails to import with a message naming it. ``uninstall()``
removes the hook and the aliases again; nothing outside the process changes.
"""
import importlib
import importlib.abc
import importlib.util
import sys
import types

from .version import pytorch_api

# Where torch's module names live in Ember when the path is not simply torch.X -> ember.X.
RENAMES = {
    "torchvision": "ember.vision",
}


def ember_name(name):
    """The Ember module a torch-style module name maps to."""
    for prefix, target in RENAMES.items():
        if name == prefix or name.startswith(prefix + "."):
            return target + name[len(prefix):]
    if name == "torch" or name.startswith("torch."):
        return "ember" + name[len("torch"):]
    return None


def torch_name(name):
    """The torch-style name of an Ember module (for messages)."""
    for prefix, target in RENAMES.items():
        if name == target or name.startswith(target + "."):
            return prefix + name[len(target):]
    return "torch" + name[len("ember"):] if name.startswith("ember") else name


class NotSupportedError(ImportError):
    """Raised when a script reaches a part of PyTorch's API that Ember lacks."""


class TorchView(types.ModuleType):
    """``torch`` (or ``torch.version``) under the alias: reads, writes and deletes of names go to the
    Ember module, except for the names the view holds itself: ``__version__`` (PyTorch's), the
    ``version`` view and the module's own import bookkeeping (``__spec__``, ``__loader__``, ...)."""

    def __init__(self, name, module):
        super().__init__(name, module.__doc__)
        vars(self).update(_module=module, __version__=pytorch_api)

    def __getattr__(self, name):  # only reached for names the view does not hold itself
        return getattr(vars(self)["_module"], name)

    def __setattr__(self, name, value):
        types.ModuleType.__setattr__(self._target(name), name, value)

    def __delattr__(self, name):
        types.ModuleType.__delattr__(self._target(name), name)

    def _target(self, name):
        own = name.startswith("__") or name in vars(self)
        return self if own else vars(self)["_module"]

    def __dir__(self):
        return sorted(set(dir(vars(self)["_module"])) | {"__version__"})


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        target_name = ember_name(fullname)
        if target_name is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        target = ember_name(spec.name)
        try:
            module = importlib.import_module(target)
        except ModuleNotFoundError as e:
            if e.name and (e.name == target or target.startswith(e.name + ".")):
                raise NotSupportedError(f"{spec.name} is not supported by Ember yet", name=spec.name) from None
            raise
        if spec.name == "torch":  # made here with it, so that ``torch.version`` as an attribute is a view too
            view = TorchView("torch", module)
            vars(view)["version"] = TorchView("torch.version", module.version)
            return view
        if spec.name == "torch.version":  # its parent ``torch`` is always imported first
            return vars(sys.modules["torch"])["version"]
        return module

    def exec_module(self, module):
        pass  # the Ember module is already initialised


_hook = _Alias()
_aliased = []


def install():
    """Alias torch/torchvision to Ember in this process."""
    if _hook in sys.meta_path:
        return
    for name in [n for n in sys.modules if ember_name(n)]:  # a real torch imported earlier is set aside
        _aliased.append((name, sys.modules.pop(name)))
    sys.meta_path.insert(0, _hook)


def installed():
    """Whether the aliases are in place in this process."""
    return _hook in sys.meta_path


def uninstall():
    """Remove the aliases and restore any real torch modules that were set aside."""
    if _hook in sys.meta_path:
        sys.meta_path.remove(_hook)
    for name in [n for n in sys.modules if ember_name(n)]:
        module = sys.modules[name]
        if isinstance(module, TorchView) or getattr(module, "__name__", "").startswith("ember"):
            del sys.modules[name]
    while _aliased:
        name, module = _aliased.pop()
        sys.modules[name] = module

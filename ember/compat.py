"""Make ``import torch`` / ``import torchvision`` resolve to Ember, for code written for PyTorch.

``ember.compat.install()`` (in a notebook, or done by ``ember run``) adds an
import hook: ``torch`` is ``ember``, ``torch.nn`` is ``ember.nn``,
``torchvision.datasets`` is ``ember.vision.datasets`` and so on. A module Ember
does not have fails to import with a message naming it. ``uninstall()``
removes the hook and the aliases again; nothing outside the process changes.
"""
import importlib
import importlib.abc
import importlib.util
import sys

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


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        target_name = ember_name(fullname)
        if target_name is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        target = ember_name(spec.name)
        try:
            return importlib.import_module(target)
        except ModuleNotFoundError as e:
            if e.name and (e.name == target or target.startswith(e.name + ".")):
                raise NotSupportedError(f"{spec.name} is not supported by Ember yet", name=spec.name) from None
            raise

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
        if getattr(sys.modules[name], "__name__", "").startswith("ember"):
            del sys.modules[name]
    while _aliased:
        name, module = _aliased.pop()
        sys.modules[name] = module

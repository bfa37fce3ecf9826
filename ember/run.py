"""``ember run SCRIPT [ARGS...]``: run an unmodified PyTorch script on Ember.

Inside the run ``torch`` and ``torchvision`` (and their submodules) are
Ember's modules. When the script reaches an API Ember lacks, the run stops
with one line naming it and the script's file and line, and exits with 2.
"""
import os
import re
import runpy
import sys
import traceback
import types

from . import compat
from ._tensor import Tensor

EXIT_UNSUPPORTED = 2
_EMBER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_CANNOT_IMPORT = re.compile(r"cannot import name '([^']+)' from '([^']+)'")


def _is_ember(module_name):
    return module_name == "ember" or module_name.startswith("ember.")


def add_parser(sub):
    p = sub.add_parser("run", help="run a PyTorch script with torch/torchvision resolved to Ember")
    p.add_argument("script")
    p.add_argument("args", nargs="...")
    p.set_defaults(func=lambda a: run(a.script, a.args))


def _user_frame(tb, script):
    """The innermost traceback entry in the user's code: the script or a module beside it, never Ember's own."""
    home = os.path.dirname(script) + os.sep
    where = None
    for frame in traceback.extract_tb(tb):
        filename = os.path.abspath(frame.filename)
        if filename == script or (filename.startswith(home) and not filename.startswith(_EMBER_DIR)):
            where = frame
    return where


def _public_name(cls):
    """Where torch users find an Ember class: ``torch.nn.Linear``, not ``torch.nn.modules.linear.Linear``."""
    if issubclass(cls, Tensor):  # a method missing on a Parameter is missing on every tensor
        return "torch.Tensor"
    parts = cls.__module__.split(".")
    for i in range(1, len(parts) + 1):
        module = sys.modules.get(".".join(parts[:i]))
        if getattr(module, cls.__name__, None) is cls:
            return f"{compat.torch_name(module.__name__)}.{cls.__name__}"
    return f"{compat.torch_name(cls.__module__)}.{cls.__name__}"


def _unsupported(exc):
    """The torch-style name of what Ember lacks, if ``exc`` is about a missing Ember API."""
    if isinstance(exc, compat.NotSupportedError):
        return exc.name
    if isinstance(exc, ImportError):  # ``from torch.nn import Missing``
        match = _CANNOT_IMPORT.match(str(exc))
        if match and _is_ember(match.group(2)):
            return f"{compat.torch_name(match.group(2))}.{match.group(1)}"
        return None
    if isinstance(exc, AttributeError) and getattr(exc, "name", None):
        obj = getattr(exc, "obj", None)
        if isinstance(obj, types.ModuleType):
            return f"{compat.torch_name(obj.__name__)}.{exc.name}" if _is_ember(obj.__name__) else None
        cls = obj if isinstance(obj, type) else type(obj)
        if _is_ember(cls.__module__):
            return f"{_public_name(cls)}.{exc.name}"
    return None


def run(script, args=()):
    script = os.path.abspath(script)
    if not os.path.exists(script):
        print(f"ember run: no such file: {script}", file=sys.stderr)
        return 2
    old_argv, old_path = sys.argv, list(sys.path)
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(script))
    compat.install()
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except Exception as e:  # noqa: BLE001 - a missing API becomes one clear line; anything else propagates
        missing = _unsupported(e)
        if missing is None:
            raise
        where = _user_frame(e.__traceback__, script)
        loc = f" ({where.filename}, line {where.lineno})" if where else ""
        print(f"ember run: {missing} is not supported by Ember yet{loc}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    finally:
        compat.uninstall()
        sys.argv, sys.path[:] = old_argv, old_path
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print("usage: python -m ember.run SCRIPT [ARGS...]", file=sys.stderr)
        return 2
    return run(argv[0], argv[1:])


if __name__ == "__main__":
    sys.exit(main())

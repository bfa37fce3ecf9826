"""``ember run SCRIPT [ARGS...]``: run an unmodified PyTorch script on Ember.

Inside the run ``torch`` and ``torchvision`` (and their submodules) are
Ember's modules. When the script reaches an API Ember lacks, the run stops
with one line naming it and the script's file and line, and exits with 2.
"""
import os
import runpy
import sys
import traceback

from . import compat

EXIT_UNSUPPORTED = 2


def add_parser(sub):
    p = sub.add_parser("run", help="run a PyTorch script with torch/torchvision resolved to Ember")
    p.add_argument("script")
    p.add_argument("args", nargs="...")
    p.set_defaults(func=lambda a: run(a.script, a.args))


def _script_frame(tb, script):
    """The innermost traceback entry inside the user's script (file, line)."""
    where = None
    for frame in traceback.extract_tb(tb):
        if os.path.abspath(frame.filename) == script:
            where = frame
    return where


def _unsupported(exc):
    """The torch-style name of what Ember lacks, if ``exc`` is about a missing Ember API."""
    if isinstance(exc, compat.NotSupportedError):
        return exc.name
    if isinstance(exc, AttributeError) and getattr(exc, "name", None):
        obj = exc.obj if hasattr(exc, "obj") else None
        if obj is None:
            return None
        if type(obj).__name__ == "module" and getattr(obj, "__name__", "").startswith("ember"):
            return f"{compat.torch_name(obj.__name__)}.{exc.name}"
        cls = obj if isinstance(obj, type) else type(obj)
        if cls.__module__.startswith("ember"):
            owner = "torch.Tensor" if cls.__name__ in ("Tensor", "Parameter") else \
                f"{compat.torch_name(cls.__module__.rsplit('.', 1)[0] if cls.__module__.startswith('ember.nn.modules') else cls.__module__)}.{cls.__name__}"
            return f"{owner}.{exc.name}"
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
        where = _script_frame(e.__traceback__, script)
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

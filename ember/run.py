"""``ember run SCRIPT [ARGS...]``: run an unmodified PyTorch script on Ember.

Inside the run ``torch`` and ``torchvision`` (and their submodules) are
Ember's modules. When the script reaches an API Ember lacks, the run stops
with one line naming it and the script's file and line, and exits with 2.

``ember run --nproc-per-node N`` is torchrun's counterpart: it starts N ranks
through ``mpiexec``, each running the script with RANK, LOCAL_RANK, WORLD_SIZE,
LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT set. ``mpiexec -n N ember run
script.py`` gives the same ranks.
"""
import argparse
import os
import re
import runpy
import sys
import traceback
import types

from . import compat
from ._tensor import Tensor
from .distributed import launch
from .distributed.errors import MPINotInstalledError

EXIT_UNSUPPORTED = 2
_EMBER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_CANNOT_IMPORT = re.compile(r"cannot import name '([^']+)' from '([^']+)'")


def _is_ember(module_name):
    return module_name == "ember" or module_name.startswith("ember.")


def add_parser(sub):
    p = sub.add_parser("run", help="run a PyTorch script with torch/torchvision resolved to Ember",
                       description="Run a PyTorch script with torch/torchvision resolved to Ember, in this process or "
                                   "as several ranks started through mpiexec (as torchrun does for PyTorch).",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--nproc-per-node", "--nproc_per_node", type=int, default=1,
                   help="ranks to start on each machine, through mpiexec; 1 runs the script in this process")
    p.add_argument("--nnodes", type=int, default=1, help="machines to start ranks on (named in --hostfile)")
    p.add_argument("--hostfile", help="MPI hostfile naming the machines, one per line ('host1 slots=2')")
    p.add_argument("--master-addr", "--master_addr", default=None,
                   help="MASTER_ADDR given to the ranks; None means the first host of --hostfile, else 127.0.0.1")
    p.add_argument("--master-port", "--master_port", type=int, default=29500, help="MASTER_PORT given to the ranks")
    p.add_argument("--tag-output", action="store_true", help="prefix every line of output with the rank that wrote it")
    p.add_argument("script", help="the Python script to run")
    p.add_argument("args", nargs="...", help="arguments passed on to the script")
    p.set_defaults(func=_command)


def _command(a):
    if (a.nproc_per_node > 1 or a.nnodes > 1) and launch.launched_rank() is None:
        return _launch(a)
    return launch.abort_if_failed(run(a.script, a.args))


def _launch(a):
    """Start the ranks; each runs ``ember run SCRIPT`` under mpiexec and lands in ``run`` below."""
    if a.nnodes > 1 and not a.hostfile:
        print(f"ember run: --nnodes {a.nnodes} needs --hostfile naming the machines", file=sys.stderr)
        return 2
    os.environ["MASTER_ADDR"] = a.master_addr or (_first_host(a.hostfile) if a.hostfile else "127.0.0.1")
    os.environ["MASTER_PORT"] = str(a.master_port)
    try:
        cmd = launch.command(a.nproc_per_node, [sys.executable, "-m", "ember", "run", a.script, *a.args],
                             nnodes=a.nnodes, hostfile=a.hostfile, tag_output=a.tag_output)
    except RuntimeError as e:
        print(f"ember run: {e}", file=sys.stderr)
        return 2
    return launch.run(cmd)


def _first_host(hostfile):
    with open(hostfile) as f:
        for line in f:
            words = line.split("#")[0].split()
            if words:
                return words[0]
    return "127.0.0.1"


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
    launch.set_rank_environment()
    old_argv, old_path = sys.argv, list(sys.path)
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(script))
    compat.install()
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except MPINotInstalledError as e:  # one line saying what to install, not a traceback
        print(f"ember run: {e}", file=sys.stderr)
        return EXIT_UNSUPPORTED
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

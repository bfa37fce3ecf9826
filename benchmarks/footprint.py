"""Start-up and footprint: import time, peak memory of a script, size of a fresh install.

    python -m benchmarks.footprint [--repeat 15] [--torch-python PATH]
                                   [--script PATH [--torch-script PATH]] [--venv]

Import time is the wall time of ``python -c "import X"`` in a fresh process,
the minimum of ``--repeat`` runs (a shared machine only ever adds time), next
to the same for ``pass`` (the interpreter alone) and ``import numpy`` (the
floor under Ember, which cannot start faster than NumPy does). Modules run
from compiled bytecode, as they do once installed: where
PYTHONDONTWRITEBYTECODE is set, the bytecode goes to a cache outside the tree.

``--script`` runs a script (with ``--torch-script`` its PyTorch twin on
``--torch-python``) and reports its peak resident memory. ``--venv`` makes a
fresh virtual environment, installs Ember into it from this checkout (not
editable; PyPI must be reachable for NumPy) and reports its size on disk, item
by item, and the import times in it, where no development set-up (editable
installs, extra .pth files) slows the interpreter's start.
"""
import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

from .common import load_average, table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIB = 1 << 20


def child_env():
    """The environment for measured processes: bytecode allowed, cached outside the source tree."""
    env = dict(os.environ)
    if env.pop("PYTHONDONTWRITEBYTECODE", None):
        env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "ember-benchmarks-pycache")
    return env


def has_module(python, module):
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True, cwd=ROOT).returncode == 0


def import_times(python, statement, repeat, cwd=ROOT):
    """Wall seconds of ``python -c statement`` in ``repeat`` fresh processes, fastest first. ``-c`` puts
    ``cwd`` first on the module path: run from the checkout, it imports the checkout's Ember."""
    env = child_env()
    subprocess.run([python, "-c", statement], check=True, cwd=cwd, env=env)  # writes the bytecode once
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([python, "-c", statement], check=True, cwd=cwd, env=env)
        times.append(time.perf_counter() - t0)
    return sorted(times)


def peak_rss_mib(python, script):
    """Peak resident memory (MiB) of ``python script``, read from the kernel's accounting of that child."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([python, script], env=child_env(), stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{script} exited with status {proc.returncode}:\n{err.read().decode()[-2000:]}")
    return usage.ru_maxrss / 1024  # Linux reports KiB


def du(path):
    """Bytes on disk under ``path`` (allocated blocks, as ``du`` counts them)."""
    if not os.path.isdir(path) or os.path.islink(path):
        return os.lstat(path).st_blocks * 512
    total = 0
    for folder, _, files in os.walk(path):
        total += os.lstat(folder).st_blocks * 512
        total += sum(os.lstat(os.path.join(folder, f)).st_blocks * 512 for f in files)
    return total


@contextlib.contextmanager
def fresh_venv(python):
    """A new venv with Ember installed from this checkout (not editable); yields its folder."""
    folder = tempfile.mkdtemp(prefix="ember-venv-")
    try:
        subprocess.run([python, "-m", "venv", folder], check=True)
        subprocess.run([os.path.join(folder, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check",
                        ROOT], check=True)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# what ``python -m venv`` puts in every environment; ``--without-pip`` leaves them out
_INSTALLERS = ("pip", "setuptools", "pkg_resources", "_distutils_hack", "distutils-precedence.pth")


def venv_sizes(folder):
    """Bytes of the venv in all, then of its site-packages item by item (with its dist-info), largest first."""
    site = subprocess.run([os.path.join(folder, "bin", "python"), "-c",
                           "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    items = {}
    for name in os.listdir(site):
        key = name.split("-")[0] if name.endswith(".dist-info") else name
        items[key] = items.get(key, 0) + du(os.path.join(site, name))
    return du(folder), sorted(items.items(), key=lambda kv: -kv[1])


def import_rows(cases, repeat, cwd=ROOT):
    rows = []
    for label, python, statement, goal in cases:
        times = import_times(python, statement, repeat, cwd)
        rows.append((label, f"{times[0]:.3f} / {times[len(times) // 2]:.3f}", goal))
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m benchmarks.footprint", description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=15)
    p.add_argument("--torch-python", default=sys.executable, help="an interpreter with torch installed")
    p.add_argument("--script", help="a script to run on Ember for its peak resident memory")
    p.add_argument("--torch-script", help="its PyTorch version, run on --torch-python")
    p.add_argument("--venv", action="store_true", help="measure a fresh venv with Ember installed (uses PyPI)")
    args = p.parse_args(argv)
    print(f"load average before: {load_average():.2f} (2 shared cores: above ~0.5 the times are noisy)")

    cases = [("python -c pass", sys.executable, "pass", ""),
             ("import numpy (the floor)", sys.executable, "import numpy", ""),
             ("import ember", sys.executable, "import ember", "ember <= 0.15")]
    if has_module(args.torch_python, "torch"):
        cases.append(("import torch", args.torch_python, "import torch", ""))
    print(table(import_rows(cases, args.repeat), ("import time, s", "min / median", "goal")))

    if args.script:
        rss = [(f"ember: {os.path.basename(args.script)}", f"{peak_rss_mib(sys.executable, args.script):.1f}",
                "ember <= 200")]
        if args.torch_script:
            rss.append((f"torch: {os.path.basename(args.torch_script)}",
                        f"{peak_rss_mib(args.torch_python, args.torch_script):.1f}", ""))
        print()
        print(table(rss, ("script", "peak RSS, MiB", "goal")))

    if args.venv:
        with fresh_venv(sys.executable) as folder:
            total, items = venv_sizes(folder)
            python = os.path.join(folder, "bin", "python")
            rows = import_rows([("venv: python -c pass", python, "pass", ""),
                                ("venv: import numpy (the floor)", python, "import numpy", ""),
                                ("venv: import ember", python, "import ember", "ember <= 0.15")], args.repeat,
                               cwd=folder)  # the installed Ember, not the checkout's
        installers = sum(size for name, size in items if name in _INSTALLERS)
        print()
        print(table([("venv in all", f"{total / MIB:.1f}", "<= 60"),
                     ("  without pip and setuptools", f"{(total - installers) / MIB:.1f}", "")] +
                    [(name, f"{size / MIB:.1f}", "") for name, size in items], ("fresh venv with Ember", "MiB on disk",
                                                                                 "goal")))
        print()
        print(table(rows, ("import time in the fresh venv, s", "min / median", "goal")))
    print(f"load average after: {load_average():.2f}")


if __name__ == "__main__":
    main()

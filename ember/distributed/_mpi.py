"""The MPI engine under ``ember.distributed``: mpi4py, imported only when a process group is made.

Importing mpi4py initialises MPI, so nothing here touches it before a program asks for
distributed work; ``available()`` only looks for the package.
"""
import functools
import importlib.util
import os
import sys
import time

from .errors import DistBackendError, MPINotInstalledError

INSTALL_HINT = 'torch.distributed needs MPI, which is not installed: pip install "ember[mpi]"'

# Open MPI's choices that Ember changes unless the program's environment names its own. Its non-blocking
# all-reduce (DDP's, and every ``all_reduce``: Ember waits for each one by polling) would otherwise reduce
# everything onto one rank and broadcast it back whenever there are fewer than 4 ranks or the buffer is
# reduced in place, as every one of Ember's is: the whole buffer crosses twice, one way at a time, about 3x
# the blocking MPI_Allreduce on the same bytes. Its ring moves each byte once each way, as the blocking one
# does, and matches it.
MCA_DEFAULTS = {"coll_libnbc_iallreduce_algorithm": "1"}


def available():
    try:
        return importlib.util.find_spec("mpi4py") is not None
    except ValueError:  # a module set to None in sys.modules to hide it
        return False


def mpi():
    """The ``mpi4py.MPI`` module, or one clear error naming the install command."""
    if "mpi4py.MPI" not in sys.modules:  # MPI reads its settings from the environment as it starts
        for name, value in MCA_DEFAULTS.items():
            os.environ.setdefault("OMPI_MCA_" + name, value)
    try:
        from mpi4py import MPI
    except ImportError:
        raise MPINotInstalledError(INSTALL_HINT) from None
    return MPI


def wait_all(requests, deadline, describe):
    """Wait for MPI requests, polling so that a peer that never joins becomes an error at ``deadline``
    (a blocking MPI wait could not be interrupted).

    MPI moves a non-blocking collective on only inside MPI calls, so the poll is continuous at first,
    as MPI's own blocking wait is; like that wait, it hands the core to other processes between tests
    when this machine runs more ranks than it has cores, since a peer rank may be waiting for this
    one's core. A wait longer than ``SPIN_SECONDS`` is one for a late peer: the poll then sleeps a
    little between tests, so that it costs no CPU while honouring the deadline."""
    test_all = mpi().Request.Testall
    if test_all(requests):
        return
    give_way = _yield if _oversubscribed() else _stay
    spin_until = time.monotonic() + SPIN_SECONDS
    pause = 0.0
    while not test_all(requests):
        now = time.monotonic()
        if now > deadline:
            raise DistBackendError(describe())
        if now < spin_until:
            give_way()
        else:
            pause = min(MAX_PAUSE, pause + 1e-5)
            time.sleep(pause)


SPIN_SECONDS = 0.25
MAX_PAUSE = 1e-3
_yield = getattr(os, "sched_yield", None) or (lambda: time.sleep(0))


def _stay():
    pass


@functools.lru_cache(maxsize=None)
def _oversubscribed():
    """Whether the launcher started more ranks on this machine than it has cores (the machine's: a rank
    that mpiexec binds to one core still shares the machine with the others)."""
    local = os.environ.get("OMPI_COMM_WORLD_LOCAL_SIZE") or os.environ.get("MPI_LOCALNRANKS") or 1
    return int(local) > (os.cpu_count() or 1)

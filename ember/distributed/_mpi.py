"""The MPI engine under ``ember.distributed``: mpi4py, imported only when a process group is made.

Importing mpi4py initialises MPI, so nothing here touches it before a program asks for
distributed work; ``available()`` only looks for the package.
"""
import importlib.util
import time

from .errors import DistBackendError, MPINotInstalledError

INSTALL_HINT = 'torch.distributed needs MPI, which is not installed: pip install "ember[mpi]"'


def available():
    try:
        return importlib.util.find_spec("mpi4py") is not None
    except ValueError:  # a module set to None in sys.modules to hide it
        return False


def mpi():
    """The ``mpi4py.MPI`` module, or one clear error naming the install command."""
    try:
        from mpi4py import MPI
    except ImportError:
        raise MPINotInstalledError(INSTALL_HINT) from None
    return MPI


def wait_all(requests, deadline, describe):
    """Wait for MPI requests, polling so that a peer that never joins becomes an error at ``deadline``
    (a blocking MPI wait could not be interrupted). MPI moves a non-blocking collective on only
    inside MPI calls, so polling is continuous for a while, as MPI's own blocking wait spins; after
    that the poll sleeps a little between tests, so that a rank waiting for a slow peer leaves the
    core to it."""
    test_all = mpi().Request.Testall
    if test_all(requests):
        return
    spin_until = time.monotonic() + SPIN_SECONDS
    pause = 0.0
    while not test_all(requests):
        now = time.monotonic()
        if now > spin_until:
            if now > deadline:
                raise DistBackendError(describe())
            pause = min(1e-3, pause + 1e-5)
            time.sleep(pause)


SPIN_SECONDS = 0.05

"""The MPI engine under ``ember.distributed``: mpi4py, imported only when a process group is made.

Importing mpi4py initialises MPI, so nothing here touches it before a program asks for
distributed work; ``available()`` only looks for the package.
"""
import importlib.util
import time

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
        raise RuntimeError(INSTALL_HINT) from None
    return MPI


def wait_all(requests, deadline, describe):
    """Wait for MPI requests, polling so that a peer that never joins becomes an error at ``deadline``
    (a blocking MPI wait could not be interrupted). Spins briefly first, as most collectives finish
    within microseconds, then sleeps a little between polls so that ranks sharing a core can run."""
    test_all = mpi().Request.Testall
    polls = 0
    while not test_all(requests):
        polls += 1
        if polls > 200:
            if time.monotonic() > deadline:
                from .errors import DistBackendError
                raise DistBackendError(describe())
            time.sleep(min(1e-3, 1e-6 * polls))

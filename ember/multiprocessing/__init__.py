"""torch.multiprocessing: Python's multiprocessing, with tensors shared instead of copied, and ``spawn``.

Tensors (and parameters) sent through a Queue or to a new Process travel as a reference to
shared memory; ``Tensor.share_memory_()`` / ``Module.share_memory()`` put them there up front,
as Hogwild training does. ``spawn`` starts its workers as the ranks of an MPI world.
"""
from multiprocessing import (Array, Barrier, Condition, Event, JoinableQueue, Lock, Manager, Pipe, Pool, Process,
                             Queue, RLock, Semaphore, SimpleQueue, Value, active_children, cpu_count,
                             current_process, get_all_start_methods, get_context, get_start_method,
                             set_start_method)

from .._tensor import Tensor
from ..nn.parameter import Parameter
from . import sharing
from . import spawn as spawn_children
from .spawn import (ProcessContext, ProcessException, ProcessExitedException, ProcessRaisedException, spawn,
                    start_processes)

sharing.register([Tensor, Parameter])
spawn_children.alias_in_children()

_STRATEGIES = {"file_descriptor", "file_system"}
_strategy = ["file_system"]


def get_all_sharing_strategies():
    """The sharing strategies PyTorch names, ``{"file_descriptor", "file_system"}``; Ember uses
    named shared memory whichever is set."""
    return set(_STRATEGIES)


def get_sharing_strategy():
    """The strategy last set by :func:`set_sharing_strategy` (recorded only)."""
    return _strategy[0]


def set_sharing_strategy(new_strategy):
    """Accepted for compatibility: Ember always shares through named shared memory."""
    if new_strategy not in _STRATEGIES:
        raise ValueError(f"Unknown sharing strategy: {new_strategy}")
    _strategy[0] = new_strategy


__all__ = ["Array", "Barrier", "Condition", "Event", "JoinableQueue", "Lock", "Manager", "Pipe", "Pool", "Process",
           "ProcessContext", "ProcessException", "ProcessExitedException", "ProcessRaisedException", "Queue",
           "RLock", "Semaphore", "SimpleQueue", "Value", "active_children", "cpu_count", "current_process",
           "get_all_sharing_strategies", "get_all_start_methods", "get_context", "get_sharing_strategy",
           "get_start_method", "set_sharing_strategy", "set_start_method", "spawn", "start_processes"]

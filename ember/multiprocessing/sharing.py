"""Tensors in shared memory: ``Tensor.share_memory_()`` and tensors passed between processes.

A shared tensor's array lives in a named POSIX shared-memory block. Forked children map the
same pages; a tensor pickled by multiprocessing (a Queue, a spawned Process's arguments) is
sent as the block's name and its place in it, and the receiver maps the same memory: no copy,
and updates on either side are seen by both (what Hogwild training relies on). As in PyTorch,
sending a tensor that is not yet shared moves it to shared memory first.
"""
import atexit
import os
from multiprocessing import resource_tracker, shared_memory
from multiprocessing.reduction import ForkingPickler

import numpy as np

from .._tensor import _rebuild as rebuild_tensor

_blocks = {}  # name -> (SharedMemory, address of its first byte); kept open for the process's life
_created = []  # names this process made, unlinked when it exits


def _address(array):
    return array.__array_interface__["data"][0]


def _block_of(array):
    """(name, byte offset) of the shared block holding ``array``, or None."""
    start = _address(array)
    for name, (shm, base) in _blocks.items():
        if base <= start < base + shm.size:
            return name, start - base
    return None


def _untracked(shm):
    # Python's resource tracker would unlink the block when any process that opened it exits,
    # or warn about it; the creating process unlinks it itself (below)
    resource_tracker.unregister(shm._name, "shared_memory")
    return shm


def share_array(array):
    """A copy of ``array`` in a new shared block (or ``array`` itself if it is shared already)."""
    if _block_of(array) is not None:
        return array
    shm = _untracked(shared_memory.SharedMemory(create=True, size=max(array.nbytes, 1)))
    if not _created:
        atexit.register(_unlink_created, os.getpid())
    _created.append(shm.name)
    _blocks[shm.name] = (shm, _address(np.frombuffer(shm.buf, np.uint8)))
    shared = np.ndarray(array.shape, array.dtype, buffer=shm.buf)
    shared[...] = array
    return shared


def _unlink_created(pid):
    if os.getpid() != pid:  # a forked child runs its parent's atexit hooks too
        return
    for name in _created:
        try:
            shared_memory.SharedMemory(name=name).unlink()
        except FileNotFoundError:
            pass


def _attach(name, offset, shape, dtype, strides):
    if name not in _blocks:
        shm = _untracked(shared_memory.SharedMemory(name=name))
        _blocks[name] = (shm, _address(np.frombuffer(shm.buf, np.uint8)))
    shm = _blocks[name][0]
    return np.ndarray(shape, np.dtype(dtype), buffer=shm.buf, offset=offset, strides=strides)


def share_memory_(t):
    """Move ``t``'s data to shared memory, in place; returns ``t``."""
    if _block_of(t._data) is None:
        t._data = share_array(t._data)
    return t


def is_shared(t):
    return _block_of(t._data) is not None


def _rebuild(cls, name, offset, shape, dtype, strides, requires_grad):
    return rebuild_tensor(_attach(name, offset, shape, dtype, strides), requires_grad, cls)


def _reduce(t):
    """How multiprocessing pickles a tensor: the shared block's name instead of the bytes."""
    share_memory_(t)
    name, offset = _block_of(t._data)
    a = t._data
    return _rebuild, (type(t), name, offset, a.shape, a.dtype.str, a.strides, t.requires_grad)


def register(tensor_types):
    for cls in tensor_types:
        ForkingPickler.register(cls, _reduce)

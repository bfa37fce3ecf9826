"""Tensors in shared memory: ``Tensor.share_memory_()`` and tensors passed between processes.

A shared tensor's array lies in a block of shared pages with no name (a memfd on Linux): forked
children map the same pages, and a tensor that multiprocessing pickles (a Queue, a Pipe, a new
Process's arguments) travels as a duplicate of the block's file descriptor, which the receiver
maps: no copy, and updates on either side are seen by both (what Hogwild training relies on).
As in PyTorch, sending a tensor that is not yet shared moves it to shared memory first. The pages
live as long as some process maps them or holds the descriptor; nothing has to be unlinked.
"""
import mmap
import os
import tempfile
import weakref
from multiprocessing import reduction

import numpy as np

from .._tensor import _rebuild as rebuild_tensor


class _Block(mmap.mmap):
    """Shared pages, mapped here, with the file descriptor that lets another process map them too."""


def _map(fd, size):
    block = _Block(fd, size)
    block.fd = fd
    weakref.finalize(block, os.close, fd)
    return block


def _new_block(size):
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("ember-shared-tensor", os.MFD_CLOEXEC)
    else:  # elsewhere an unlinked temporary file gives the same: pages reachable only through descriptors
        with tempfile.TemporaryFile() as f:
            fd = os.dup(f.fileno())
    os.ftruncate(fd, size)
    return _map(fd, size)


def _block_of(array):
    """(block, byte offset of the array's first element) if ``array`` lies in a shared block, else None."""
    root = array
    while isinstance(root, np.ndarray) and root.base is not None:
        root = root.base
    if isinstance(root, memoryview):
        root = root.obj
    if not isinstance(root, _Block):
        return None
    start = np.frombuffer(root, np.uint8, count=1).__array_interface__["data"][0]
    return root, array.__array_interface__["data"][0] - start


def _array_in(block, offset, shape, dtype, strides):
    return np.ndarray(shape, np.dtype(dtype), buffer=block, offset=offset, strides=strides)


def share_memory_(t):
    """Move ``t``'s data to shared memory, in place (nothing to do if it is there already); returns ``t``."""
    data = t._data
    if _block_of(data) is None:
        shared = _array_in(_new_block(max(data.nbytes, 1)), 0, data.shape, data.dtype, None)
        shared[...] = data
        t._data = shared
    return t


def is_shared(t):
    """Whether ``t``'s data lies in a shared-memory block."""
    return _block_of(t._data) is not None


def _rebuild(cls, fd, size, offset, shape, dtype, strides, requires_grad):
    array = _array_in(_map(fd.detach(), size), offset, shape, dtype, strides)
    return rebuild_tensor(array, requires_grad, cls)


def _reduce(t):
    """How multiprocessing pickles a tensor: a duplicate of its block's descriptor instead of the bytes."""
    share_memory_(t)
    block, offset = _block_of(t._data)
    a = t._data
    return _rebuild, (type(t), reduction.DupFd(block.fd), len(block), offset, a.shape, a.dtype.str, a.strides,
                      t.requires_grad)


def register(tensor_types):
    """Makes multiprocessing send instances of ``tensor_types`` as references to shared memory."""
    for cls in tensor_types:
        reduction.ForkingPickler.register(cls, _reduce)

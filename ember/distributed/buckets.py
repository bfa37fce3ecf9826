"""Gradient buckets: the unit DistributedDataParallel all-reduces.

Parameters are grouped, in reverse order of registration (about the order backward reaches
them), into flat buffers of at most ``bucket_cap_mb`` of one dtype. A bucket's all-reduce
starts, non-blocking, the moment its last gradient is ready, while backward goes on with the
layers below.
"""
import time

import numpy as np

from .._tensor import Tensor
from . import _mpi


class Bucket:
    def __init__(self, params, dtype):
        self.params = params  # (index, parameter) pairs
        self.flat = np.empty(sum(p._data.size for _, p in params), dtype)
        self.waiting = len(params)
        self.request = None
        self.in_place = False  # whether the one gradient of this bucket is reduced where it lies

    def views(self):
        """Each parameter's slice of the flat buffer, shaped like the parameter."""
        start = 0
        for index, p in self.params:
            n = p._data.size
            yield index, p, self.flat[start:start + n].reshape(p._data.shape)
            start += n

    def start(self, comm, used_here=None):
        """Start summing the gradients across ranks: a lone contiguous gradient where it lies, others copied
        into the flat buffer; zeros for a parameter without a gradient or (``used_here``) not used here."""
        MPI = _mpi.mpi()
        index, p = self.params[0]
        self.in_place = (len(self.params) == 1 and p.grad is not None and p.grad._data.flags.c_contiguous
                         and (used_here is None or used_here[index]))
        if self.in_place:
            self.request = comm.Iallreduce(MPI.IN_PLACE, p.grad._data, MPI.SUM)
            return
        for i, p, view in self.views():
            if p.grad is None or (used_here is not None and not used_here[i]):
                view.fill(0)
            else:
                view[...] = p.grad._data
        self.request = comm.Iallreduce(MPI.IN_PLACE, self.flat, MPI.SUM)

    def average_into_grads(self, size, used=None):
        """After the sum has arrived: each gradient becomes the sum over ``size`` ranks, divided by ``size``.
        Parameters that ``used`` marks as used on no rank keep their gradient as it was."""
        if self.in_place:
            grad = self.params[0][1].grad._data
            np.divide(grad, size, out=grad)
            return
        for i, p, view in self.views():
            if used is not None and not used[i]:
                continue
            if p.grad is None:
                p.grad = Tensor._wrap(view / size)
            else:
                np.divide(view, size, out=p.grad._data)


FIRST_BUCKET_BYTES = 2 ** 20


def make_buckets(params, cap_bytes):
    """Buckets over ``params`` (a list), in reverse order, each of one dtype and at most ``cap_bytes``
    (a parameter larger than that gets a bucket of its own). As in PyTorch, the first bucket holds at
    most 1 MiB, so that the first all-reduce starts early in backward."""
    buckets, current, size = [], [], 0
    for index in reversed(range(len(params))):
        p = params[index]
        cap = min(cap_bytes, FIRST_BUCKET_BYTES) if not buckets else cap_bytes
        if current and (size + p._data.nbytes > cap or p._data.dtype != current[0][1]._data.dtype):
            buckets.append(Bucket(current, current[0][1]._data.dtype))
            current, size = [], 0
        current.append((index, p))
        size += p._data.nbytes
    if current:
        buckets.append(Bucket(current, current[0][1]._data.dtype))
    return buckets


def broadcast_arrays(pg, arrays, describe):
    """Overwrite ``arrays`` with the group's first rank's values: one flat broadcast per dtype."""
    by_dtype = {}
    for a in arrays:
        by_dtype.setdefault(a.dtype, []).append(a)
    flats = {dt: np.concatenate([a.ravel() for a in group]) for dt, group in by_dtype.items()}
    requests = [pg.comm.Ibcast(flat, root=0) for flat in flats.values()]
    _mpi.wait_all(requests, time.monotonic() + pg.timeout, describe)
    for dt, group in by_dtype.items():
        start = 0
        for a in group:
            a[...] = flats[dt][start:start + a.size].reshape(a.shape)
            start += a.size

"""Gradient buckets: the unit DistributedDataParallel all-reduces.

Parameters are grouped, in reverse order of registration (about the order backward reaches
them), into flat buffers of at most ``bucket_cap_mb`` of one dtype. A bucket's all-reduce
starts, non-blocking, the moment its last gradient is ready, while backward goes on with the
layers below.
"""
import math
import time

import numpy as np

from .._tensor import Tensor
from . import _mpi


class Bucket:
    """Gradients summed across the ranks in one collective: one large parameter's gradient where it lies,
    or several small ones copied into one flat buffer."""

    def __init__(self, params, dtype):
        self.params = params  # (index, parameter) pairs
        self.flat = np.empty(sum(p._data.size for _, p in params), dtype)
        self.views = list(self._slices())  # (index, parameter, its slice of the flat buffer)
        self.waiting = len(params)
        self.request = None
        self.in_place = False  # whether the one gradient of this bucket is reduced where it lies

    def _slices(self):
        start = 0
        for index, p in self.params:
            n = p._data.size
            yield index, p, self.flat[start:start + n].reshape(p._data.shape)
            start += n

    def start(self, comm, size, used_here=None):
        """Start averaging over ``size`` ranks: each gradient is divided by ``size`` on its way into the flat
        buffer (a lone contiguous gradient where it lies), then the buffer is summed across the ranks.
        Dividing first makes the copy that bucketing needs anyway the only pass over the gradients besides
        MPI's. A parameter without a gradient, or (``used_here``) not used here, adds zeros."""
        MPI = _mpi.mpi()
        index, p = self.params[0]
        self.in_place = (len(self.params) == 1 and p.grad is not None and p.grad._data.flags.c_contiguous
                         and (used_here is None or used_here[index]))
        if self.in_place:
            grad = p.grad._data
            _divide(grad, size, grad)
            self.request = comm.Iallreduce(MPI.IN_PLACE, grad, MPI.SUM)
            return
        for i, p, view in self.views:
            if p.grad is None or (used_here is not None and not used_here[i]):
                if p.grad is not None and p.grad._data is view:  # it keeps its value if no rank uses it
                    p.grad = Tensor._wrap(view.copy())
                view.fill(0)
            else:
                _divide(p.grad._data, size, view)
        self.request = comm.Iallreduce(MPI.IN_PLACE, self.flat, MPI.SUM)

    def finish(self, used=None, as_view=False):
        """After the sum has arrived: each gradient becomes its slice of the buffer, as a view of it with
        ``as_view`` (PyTorch's ``gradient_as_bucket_view``: no copy back, and a later backward accumulates
        straight into the buffer), else copied into ``.grad``. Parameters that ``used`` marks as used on no
        rank keep their gradient as it was."""
        if self.in_place:
            return
        for i, p, view in self.views:
            if used is not None and not used[i]:
                continue
            if as_view:
                if p.grad is None or p.grad._data is not view:
                    p.grad = Tensor._wrap(view)
            elif p.grad is None:
                p.grad = Tensor._wrap(view.copy())
            else:
                p.grad._data[...] = view


def _divide(a, size, out):
    """``out = a / size``; by a power of two as a multiplication, which is exact then and, on data in cache,
    twice as fast."""
    if size & (size - 1):
        np.divide(a, size, out=out)
    else:
        np.multiply(a, 1 / size, out=out)


FIRST_BUCKET_BYTES = 2 ** 20
LONE_BYTES = 2 ** 18
"""A gradient at least this large is summed where it lies, in a collective of its own: copying it into a
shared buffer and back would cost several times what one more collective does (on one machine, copying
256 KiB takes about 70 us against some 10 us for starting and finishing a small all-reduce)."""


def make_buckets(params, cap_bytes):
    """Buckets over ``params`` (a list), in reverse order, each of one dtype and at most ``cap_bytes``
    (a parameter larger than that, or than ``LONE_BYTES``, gets a bucket of its own). As in PyTorch,
    the first bucket holds at most 1 MiB, so that the first all-reduce starts early in backward."""
    buckets, current, size = [], [], 0
    for index in reversed(range(len(params))):
        p = params[index]
        cap = min(cap_bytes, FIRST_BUCKET_BYTES) if not buckets else cap_bytes
        alone = p._data.nbytes >= LONE_BYTES
        if current and (alone or size + p._data.nbytes > cap or p._data.dtype != current[0][1]._data.dtype):
            buckets.append(Bucket(current, current[0][1]._data.dtype))
            current, size = [], 0
        current.append((index, p))
        size = math.inf if alone else size + p._data.nbytes  # nothing joins a lone gradient
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

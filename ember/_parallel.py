"""Ember's intra-op thread pool: large kernels split over ``set_num_threads`` threads.

NumPy runs its copies and elementwise loops on one core, where PyTorch splits
them over its intra-op threads; on a convolutional network those loops (im2col
and its adjoint, pooling windows, activations) are about half of a training
step. ``split`` cuts such a kernel along one axis into a range per thread; NumPy
releases the GIL inside its loops, so the ranges run at the same time.

The pool cannot share the cores with BLAS's own threads, which spin for a while
after each matrix product waiting for the next one: a pool thread beside a
spinning one runs at half speed. So the first kernel the pool would split
limits NumPy's BLAS to one thread (``_runtime.blas_single_threaded``), and from
then on ``matmul`` splits large products over the pool too, each range a product
on one BLAS thread. Until then (a multilayer perceptron never gets there) BLAS
keeps its threads, whose spinning makes it quicker than the pool at handing out
the many mid-sized products of such a model. Where BLAS cannot be limited (no
threadpoolctl) the pool does not run.

Elementwise kernels compute each output element with the same operations in
the same order whatever the thread count, so their results are bit-identical
to one thread's; a product's ranges are BLAS calls of their own, deterministic
for a given thread count.
"""
import _thread
import math
import os
import threading

import numpy as np

from . import _runtime

# Below these sizes a hand-off to another thread (tens of microseconds) costs more than it saves.
MIN_ELEMENTS = 1 << 18  # elements an elementwise kernel touches
MIN_MACS = 1 << 21  # multiply-adds of a matrix product


class _Worker:
    """A pool thread. Two raw locks hand it a job and hand back its end: cheaper than a queue
    and futures, whose Python-level bookkeeping doubled the cost of a hand-off."""

    def __init__(self):
        self._go, self._done = _thread.allocate_lock(), _thread.allocate_lock()
        self._go.acquire()
        self._done.acquire()
        self._job = self._error = None
        threading.Thread(target=self._serve, name="ember-intra-op", daemon=True).start()

    def _serve(self):
        while True:
            self._go.acquire()
            fn, lo, hi = self._job
            try:
                fn(lo, hi)
            except BaseException as e:  # handed to the caller, which raises it
                self._error = e
            self._job = None
            self._done.release()

    def start(self, fn, lo, hi):
        self._job = (fn, lo, hi)
        self._go.release()

    def join(self):
        self._done.acquire()
        error, self._error = self._error, None
        return error


_workers = []
_workers_pid = [None]  # workers made before a fork have no threads in the child
_in_use = _thread.allocate_lock()  # one split at a time: a nested or concurrent one runs on its caller


def threads():
    """How many ranges to split a kernel into; the first call that could split switches BLAS."""
    n = _runtime.intra_op_threads()
    return n if n > 1 and _runtime.blas_single_threaded() else 1


def _pool(n):
    if _workers_pid[0] != os.getpid():
        _workers.clear()
        _workers_pid[0] = os.getpid()
    while len(_workers) < n:
        _workers.append(_Worker())
    return _workers[:n]


def split(fn, n, work, least=MIN_ELEMENTS):
    """Call ``fn(lo, hi)`` over ``range(n)`` in contiguous ranges, one per intra-op thread, when the
    kernel's ``work`` reaches ``least``; otherwise call ``fn(0, n)``. The calling thread runs the first
    range itself."""
    k = min(threads(), n) if work >= least else 1
    if k < 2 or not _in_use.acquire(blocking=False):
        fn(0, n)
        return
    bounds = [n * i // k for i in range(k + 1)]
    started = []
    try:
        for w, lo, hi in zip(_pool(k - 1), bounds[1:-1], bounds[2:]):
            w.start(fn, lo, hi)
            started.append(w)
        fn(bounds[0], bounds[1])
    finally:
        errors = [w.join() for w in started]  # never leave while another thread writes the output
        _in_use.release()
    for e in errors:
        if e is not None:
            raise e


def matmul(a, b):
    """``a @ b`` of two matrices, split by the longer side of the result when the product is large and
    the pool has taken BLAS's threads over. (The first test keeps the common case to one lookup: this
    runs in every linear layer.)"""
    if not _runtime.blas_limited or type(a) is not np.ndarray or type(b) is not np.ndarray:
        return a @ b
    m, k = a.shape
    n = b.shape[1]
    if m * n * k < MIN_MACS:
        return a @ b
    out = np.empty((m, n), np.result_type(a, b))
    if n >= m:
        split(lambda lo, hi: np.matmul(a, b[:, lo:hi], out=out[:, lo:hi]), n, m * n * k, MIN_MACS)
    else:
        split(lambda lo, hi: np.matmul(a[lo:hi], b, out=out[lo:hi]), m, m * n * k, MIN_MACS)
    return out


def matmul_rows(a, b):
    """``a @ b`` of a batch ``a`` (..., m, k) and one matrix ``b`` (k, n), as one product of all of a's rows.
    NumPy's stacked matmul does not fold the batch for BLAS: (32, 64, 128) @ (128, 384) took ~200 ms that
    way against ~5 ms folded, here."""
    out = matmul(a.reshape(math.prod(a.shape[:-1]), a.shape[-1]), b)
    return out.reshape(a.shape[:-1] + (out.shape[-1],))


def matmul_batches(a, b):
    """``a @ b`` of two batches of matrices (both at least 3-D), the first batch dim split over the pool when
    the products are large: NumPy runs a stack of small products one after another on one thread (the
    attention scores of a Transformer are such a stack)."""
    if not _runtime.blas_limited or type(a) is not np.ndarray or type(b) is not np.ndarray or a.ndim < 3 \
            or b.ndim < 3:
        return a @ b
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    m, k, n = a.shape[-2], a.shape[-1], b.shape[-1]
    if batch[0] < 2 or math.prod(batch) * m * n * k < MIN_MACS or b.shape[-2] != k:
        return a @ b
    a, b = np.broadcast_to(a, batch + (m, k)), np.broadcast_to(b, batch + (k, n))
    out = np.empty(batch + (m, n), np.result_type(a, b))
    split(lambda lo, hi: np.matmul(a[lo:hi], b[lo:hi], out=out[lo:hi]), batch[0], out.size * k, MIN_MACS)
    return out


def large(a):
    """Whether ``a`` is a NumPy array big enough for ``map_rows`` to split."""
    return type(a) is np.ndarray and a.size >= MIN_ELEMENTS and a.ndim > 0


# Elements per pass of a chained elementwise kernel: each of its passes over a block reads what the pass
# before it left in the core's cache (1 MiB of float32, half of this machine's L2) instead of streaming the
# whole array through memory again. Smaller blocks were slower on two threads, not faster: every NumPy call
# takes the GIL, and with many short calls the threads queue for it (GELU forward and backward on 1M
# elements, 2 threads: 6.2 ms with 32K-element blocks, 4.0 ms with 256K).
BLOCK = 1 << 18


def map_blocks(fn, out, *arrays):
    """``fn(out_part, *array_parts)`` over matching parts of ``out`` and ``arrays``, split over the
    intra-op threads; returns ``out``. ``fn`` must work elementwise. Same-shaped C-contiguous arrays are
    cut into flat blocks of ``BLOCK`` elements, each thread walking its range block by block, so a kernel
    of many passes (GELU's erf: a dozen) stays in cache; other layouts are cut along the first axis."""
    if all(x.shape == out.shape and x.flags.c_contiguous for x in (out, *arrays)):
        flat_out, flat = out.reshape(-1), [x.reshape(-1) for x in arrays]

        def blocks(lo, hi):
            for start in range(lo, hi, BLOCK):
                stop = min(start + BLOCK, hi)
                fn(flat_out[start:stop], *[x[start:stop] for x in flat])
        split(blocks, out.size, out.size)
        return out
    return map_rows(fn, out, *arrays)


def map_rows(fn, out, *arrays):
    """``fn(out_rows, *array_rows)`` over the rows of ``out`` and ``arrays`` (cut along the first axis),
    split over the intra-op threads; returns ``out``. For kernels that combine elements within a row
    (softmax over the last dim, layer norm), which ``map_blocks`` would cut apart."""
    split(lambda lo, hi: fn(out[lo:hi], *[x[lo:hi] for x in arrays]), len(out), out.size)
    return out


def map_flat(fn, *arrays):
    """``fn(*parts)`` over matching flat ranges of same-shaped, C-contiguous arrays, which it updates in
    place (an optimizer's step), split over the intra-op threads when large; else ``fn(*arrays)``."""
    a = arrays[0]
    if large(a) and all(type(x) is np.ndarray and x.flags.c_contiguous and x.shape == a.shape for x in arrays):
        flat = [x.reshape(-1) for x in arrays]
        split(lambda lo, hi: fn(*[f[lo:hi] for f in flat]), a.size, a.size)
    else:
        fn(*arrays)

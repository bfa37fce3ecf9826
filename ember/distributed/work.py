"""Work: one collective or transfer in flight, and what every collective shares.

A collective is written as a generator: it posts non-blocking MPI requests and yields them,
and the code after each ``yield`` finishes the job (copies results into place, divides a sum
for an average). ``Work`` drives it: ``wait()`` polls against the group's timeout, so a rank
that never joins becomes an error rather than a hang, and ``is_completed()`` never blocks.
"""
import enum
import time
import zlib

import numpy as np

from . import _mpi

# PyTorch's short dtype names, for the error an average of integers gets
_TORCH_TYPE = {"float16": "Half", "float32": "Float", "float64": "Double", "int8": "Char", "uint8": "Byte",
               "int16": "Short", "int32": "Int", "int64": "Long", "bool": "Bool"}
_MAX_DIMS = 6  # dimensions a shape check carries; deeper shapes compare their remaining extent as a product


class ReduceOp:
    """How a reduction combines the ranks' values: ``ReduceOp.SUM`` and the rest, as in PyTorch."""

    class RedOpType(enum.IntEnum):
        SUM = 0
        AVG = 1
        PRODUCT = 2
        MIN = 3
        MAX = 4
        BAND = 5
        BOR = 6
        BXOR = 7

    SUM, AVG, PRODUCT, MIN = RedOpType.SUM, RedOpType.AVG, RedOpType.PRODUCT, RedOpType.MIN
    MAX, BAND, BOR, BXOR = RedOpType.MAX, RedOpType.BAND, RedOpType.BOR, RedOpType.BXOR


class Work:
    """What ``async_op=True`` returns: ``wait()`` blocks until done (or the timeout raises),
    ``is_completed()`` asks without blocking."""

    def __init__(self, pg, name, steps):
        self._pg, self._name, self._steps = pg, name, steps
        self._deadline = time.monotonic() + pg.timeout
        self._result = None
        self._requests = next(steps)

    def _advance(self):
        try:
            self._requests = self._steps.send(None)
        except StopIteration as done:
            self._requests, self._result = None, done.value

    def is_completed(self):
        test_all = _mpi.mpi().Request.Testall
        while self._requests is not None and test_all(self._requests):
            self._advance()
        return self._requests is None

    def is_success(self):
        return self.is_completed()

    def wait(self, timeout=None):
        limit = self._pg.timeout if timeout is None else _seconds(timeout)
        deadline = self._deadline if timeout is None else time.monotonic() + limit
        while self._requests is not None:
            _mpi.wait_all(self._requests, deadline, lambda: self._timed_out(limit))
            self._advance()
        return True

    def result(self):
        return self._result

    def source_rank(self):
        return self._result

    def _timed_out(self, limit):
        pg = self._pg
        return (f"{self._name} timed out after {limit:g} s on rank {pg.ranks[pg.rank()]} (group of "
                f"{pg.size()}): some rank did not join it (init_process_group's timeout= sets this limit)")


def _seconds(timeout):
    return timeout.total_seconds() if hasattr(timeout, "total_seconds") else float(timeout)


def run(pg, name, steps, async_op):
    """Start a collective; wait for it unless ``async_op``."""
    work = Work(pg, name, steps)
    if async_op:
        return work
    work.wait()
    return None


def buffer(t):
    """The contiguous array MPI reads and writes for tensor ``t``, and a function that puts the
    results back into ``t`` (a copy only where ``t`` is not contiguous)."""
    data = t._data
    if data.flags.c_contiguous:
        return data, lambda: _bump(t)
    buf = np.ascontiguousarray(data)

    def store():
        data[...] = buf
        _bump(t)
    return buf, store


def counts(rows, row=1):
    """MPI's (counts, displacements) in elements, for blocks of ``rows[i]`` rows of ``row`` elements."""
    sizes = np.asarray(rows, np.int64) * row
    return sizes.tolist(), (np.cumsum(sizes) - sizes).tolist()


def _bump(t):
    t._version[0] += 1


def reduction(dtype, op, size):
    """The MPI op for ``op`` on ``dtype`` and the step applied to the result (an average divides a sum)."""
    MPI = _mpi.mpi()
    op = ReduceOp.RedOpType(int(op))
    if op == ReduceOp.AVG:
        if dtype.kind not in "fc":
            raise RuntimeError(f"result type Float can't be cast to the desired output type "
                               f"{_TORCH_TYPE.get(dtype.name, dtype.name)}")
        return MPI.SUM, lambda a: np.divide(a, size, out=a, casting="unsafe")
    if dtype == np.bool_:  # MPI reduces booleans only with logical ops
        return (MPI.LOR if op in (ReduceOp.SUM, ReduceOp.MAX, ReduceOp.BOR, ReduceOp.BXOR) else MPI.LAND), None
    names = {ReduceOp.SUM: "SUM", ReduceOp.PRODUCT: "PROD", ReduceOp.MIN: "MIN", ReduceOp.MAX: "MAX",
             ReduceOp.BAND: "BAND", ReduceOp.BOR: "BOR", ReduceOp.BXOR: "BXOR"}
    return getattr(MPI, names[op]), None


def agree(pg, name, array, check_shape=True):
    """Steps that make sure every rank is in the same collective with the same kind of tensor.

    One small all-gather of (call, dtype, shape) precedes the data: mismatched buffers would
    otherwise be truncated or read past by MPI, silently. Every rank sees every row, so every
    rank raises the same error and none is left waiting."""
    shape = array.shape if check_shape else ()
    row = np.zeros(3 + _MAX_DIMS, np.int64)
    row[:3] = [zlib.crc32(name.encode()), ord(array.dtype.char), len(shape) if check_shape else -1]
    dims = shape if len(shape) <= _MAX_DIMS else shape[:_MAX_DIMS - 1] + (int(np.prod(shape[_MAX_DIMS - 1:])),)
    row[3:3 + len(dims)] = dims
    rows = np.empty((pg.size(), row.size), np.int64)
    yield [pg.comm.Iallgather(row, rows)]
    me = pg.rank()
    for r in range(pg.size()):
        if r == me or (rows[r] == row).all():
            continue
        if rows[r, 0] != row[0]:
            raise RuntimeError(f"{name} on rank {pg.ranks[me]} met a different collective on rank {pg.ranks[r]}: "
                               "every rank of the group must make the same collective calls in the same order")
        raise RuntimeError(f"{name}: rank {pg.ranks[me]} has a tensor of {_describe(row)} but rank {pg.ranks[r]} "
                           f"has one of {_describe(rows[r])}; every rank must pass the same shape and dtype")


def _describe(row):
    dtype = np.dtype(chr(int(row[1])))
    if row[2] < 0:
        return f"dtype {dtype}"
    return f"shape {list(map(int, row[3:3 + min(int(row[2]), _MAX_DIMS)]))} and dtype {dtype}"

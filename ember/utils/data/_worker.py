"""What runs inside a DataLoader worker process, and what it tells the main process.

Each worker owns one duplex pipe. The main process sends it tasks
``(epoch, idx, indices)``, a ``(epoch, RESET, None)`` to restart an iterable
dataset's stream, or ``None`` to stop; the worker answers each task with
``(epoch, idx, status, payload)`` where status is OK, ERROR (payload is an
ExceptionWrapper) or END (its iterable dataset is exhausted).
"""
import os
import random
import signal
import sys
import traceback

import numpy as np

OK, ERROR, END = 0, 1, 2
RESET = -1
WATCHDOG_S = 1.0  # how often an idle worker checks that the main process is still alive

_worker_info = None


class WorkerInfo:
    """Facts about the current worker: ``id``, ``num_workers``, ``seed`` and its copy of ``dataset``."""

    _frozen = False

    def __init__(self, **fields):
        for key, value in fields.items():
            setattr(self, key, value)
        self._keys = tuple(fields)
        self._frozen = True

    def __setattr__(self, key, value):
        if self._frozen:
            raise RuntimeError(f"Cannot assign attributes to {type(self).__name__} objects")
        super().__setattr__(key, value)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={getattr(self, k)}' for k in self._keys)})"


def get_worker_info():
    """The WorkerInfo of this DataLoader worker process, or None in the main process."""
    return _worker_info


class KeyErrorMessage(str):
    """A KeyError's message that prints as is (KeyError would otherwise show its repr)."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process with its traceback as text."""

    def __init__(self, exc_info=None, where="in background"):
        exc_info = exc_info or sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        """Raise the worker's exception again here, its message holding the worker's traceback."""
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:  # an exception type that cannot be built from one message
            raise RuntimeError(msg) from None
        raise exception


def seed_worker(base_seed, worker_id):
    """Seed every random stream a dataset may use, distinctly per worker and reproducibly per base seed."""
    from ... import _arraylib as B

    seed = base_seed + worker_id
    B.manual_seed(seed)
    random.seed(seed)
    np.random.seed(np.random.SeedSequence([base_seed, worker_id]).generate_state(4))
    return seed


def worker_loop(conn, inherited, fetcher_cls, dataset, auto_collation, collate_fn, drop_last, base_seed,
                init_fn, worker_id, num_workers, parent_pid):
    """A worker process's life: seed, run ``init_fn``, then answer (epoch, idx, index) tasks from ``conn``
    with fetched batches until told to stop (None) or the main process is gone."""
    global _worker_info
    for c in inherited:  # the main process's ends of the pipes, copied here by fork: only it may hold them
        c.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle; it stops us
    seed = seed_worker(base_seed, worker_id)
    _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
    where = f"in DataLoader worker process {worker_id}"
    init_error = fetcher = None
    try:
        if init_fn is not None:
            init_fn(worker_id)
        fetcher = fetcher_cls(dataset, auto_collation, collate_fn, drop_last)
    except Exception:
        init_error = ExceptionWrapper(where=where)
    while True:
        try:
            if not conn.poll(WATCHDOG_S):
                if os.getppid() != parent_pid:
                    return
                continue
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        epoch, idx, index = task
        if idx == RESET:
            if init_error is None:
                fetcher = fetcher_cls(dataset, auto_collation, collate_fn, drop_last)
            continue
        if init_error is not None:
            status, payload = ERROR, init_error
        else:
            try:
                status, payload = OK, fetcher.fetch(index)
            except StopIteration:
                status, payload = END, None
            except Exception:
                status, payload = ERROR, ExceptionWrapper(where=where)
        try:
            _send(conn, (epoch, idx, status, payload), where)
        except OSError:  # the main process is gone or closed our pipe
            return


def _send(conn, message, where):
    try:
        conn.send(message)
    except OSError:
        raise
    except Exception:  # the batch could not be pickled: report that instead
        conn.send(message[:2] + (ERROR, ExceptionWrapper(where=where)))

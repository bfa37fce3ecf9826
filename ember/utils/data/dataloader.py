"""DataLoader: batches from a dataset, in this process or in worker processes."""
import math
import multiprocessing
import os
import signal
import time
import warnings
from multiprocessing.connection import wait

from ... import _arraylib as B
from . import _worker
from ._fetch import IterableFetcher, MapFetcher
from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, _InfiniteConstantSampler

_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")
_SHUTDOWN_S = 5.0  # how long workers get to exit by themselves before they are terminated


class DataLoader:
    """Iterate over a dataset in batches, optionally shuffled, optionally with worker processes."""

    _initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device="", in_order=True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers "
                             "> 0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.in_order = in_order
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            given = (("shuffle", shuffle not in (None, False), shuffle), ("sampler", sampler is not None, sampler),
                     ("batch_sampler", batch_sampler is not None, batch_sampler))
            for name, is_given, value in given:
                if is_given:
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified {name} option, "
                                     f"but got {name}={value}")
        elif shuffle not in (None, False):
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                             "drop_last")
        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.multiprocessing_context = multiprocessing_context
        self._iterator = None
        if pin_memory and B.cuda_module() is None:
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then device pinned "
                          "memory won't be used.")
        self._initialized = True

    def __setattr__(self, name, value):
        if self._initialized and name in _FROZEN:
            raise ValueError(f"{name} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(name, value)

    @property
    def multiprocessing_context(self):
        """How worker processes start: None (the platform's default), or a start method's name or context
        (checked when set; setting one needs ``num_workers > 0``)."""
        return self._mp_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context):
        if context is not None:
            if self.num_workers == 0:
                raise ValueError("multiprocessing_context can only be used with multi-process loading "
                                 f"(num_workers > 0), but got num_workers={self.num_workers}")
            if isinstance(context, str):
                methods = multiprocessing.get_all_start_methods()
                if context not in methods:
                    raise ValueError("multiprocessing_context option should specify a valid start method in "
                                     f"{methods!r}, but got multiprocessing_context={context!r}")
                context = multiprocessing.get_context(context)
            elif not isinstance(context, multiprocessing.context.BaseContext):
                raise TypeError("multiprocessing_context option should be a valid context object or a string "
                                f"specifying the start method, but got multiprocessing_context={context!r}")
        self._mp_context = context

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def _fetcher(self):
        cls = IterableFetcher if self._iterable else MapFetcher
        return cls(self.dataset, self._auto_collation, self.collate_fn, self.drop_last)

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if not self.persistent_workers:
            return _MultiProcessIter(self)
        if self._iterator is None:
            self._iterator = _MultiProcessIter(self)
        else:
            self._iterator._reset(self)
        return self._iterator

    def __len__(self):
        if self._iterable:
            length = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)


def _base_seed(loader):
    """The seed each worker's is derived from. Drawn for every epoch, with or without workers, so that
    the generator's stream (and so the shuffling order) does not depend on ``num_workers``."""
    return int(B.rng(loader.generator).integers(0, 2 ** 62))


class _SingleProcessIter:
    def __init__(self, loader):
        _base_seed(loader)
        self._loader = loader
        self._indices = iter(loader._index_sampler)
        self._fetch = loader._fetcher().fetch

    def __iter__(self):
        return self

    def __next__(self):
        return self._fetch(next(self._indices))

    def __len__(self):
        return len(self._loader)


class _MultiProcessIter:
    """Feeds index batches to worker processes round-robin, keeping ``prefetch_factor`` tasks per
    worker in flight, and hands the results back in sampler order."""

    def __init__(self, loader):
        self._loader = loader
        self._workers, self._conns = [], []
        self._epoch = 0
        ctx = loader.multiprocessing_context or multiprocessing.get_context()
        fork = ctx.get_start_method() == "fork"
        fetcher_cls = IterableFetcher if loader._iterable else MapFetcher
        base_seed = _base_seed(loader)
        for worker_id in range(loader.num_workers):
            ours, theirs = ctx.Pipe(duplex=True)
            self._conns.append(ours)
            process = ctx.Process(target=_worker.worker_loop, daemon=True, args=(
                theirs, list(self._conns) if fork else [], fetcher_cls, loader.dataset, loader._auto_collation,
                loader.collate_fn, loader.drop_last, base_seed, loader.worker_init_fn, worker_id,
                loader.num_workers, os.getpid()))
            process.start()
            theirs.close()
            self._workers.append(process)
        self._by_sentinel = {p.sentinel: i for i, p in enumerate(self._workers)}
        self._start_epoch(loader)

    def _start_epoch(self, loader):
        self._indices = iter(loader._index_sampler)
        self._exhausted = False
        self._active = list(range(len(self._workers)))
        self._next_worker = 0
        self._tasks = {}  # task idx -> worker id, for tasks sent and not yet answered
        self._results = {}  # task idx -> (status, payload), answered ahead of their turn
        self._sent = self._rcvd = 0
        self._limit = max(1, loader.prefetch_factor) * len(self._workers)
        self._dispatch()

    def _reset(self, loader):
        """Start a new epoch on the same (persistent) workers; answers to the old epoch are dropped."""
        self._epoch += 1
        if loader._iterable:
            for conn in self._conns:
                conn.send((self._epoch, _worker.RESET, None))
        self._start_epoch(loader)

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def _dispatch(self):
        while not self._exhausted and self._active and len(self._tasks) < self._limit:
            try:
                index = next(self._indices)
            except StopIteration:
                self._exhausted = True
                return
            worker = self._active[self._next_worker % len(self._active)]
            self._next_worker += 1
            self._conns[worker].send((self._epoch, self._sent, index))
            self._tasks[self._sent] = worker
            self._sent += 1

    def __next__(self):
        while True:
            while self._rcvd < self._sent and self._rcvd not in self._tasks and self._rcvd not in self._results:
                self._rcvd += 1  # a task a finished iterable-dataset worker answered with END
            if self._rcvd == self._sent:
                if not self._loader.persistent_workers:
                    self._shutdown()
                raise StopIteration
            if self._rcvd in self._results:
                status, payload = self._results.pop(self._rcvd)
                self._rcvd += 1
                self._dispatch()
                if status == _worker.ERROR:
                    payload.reraise()
                return payload
            self._receive()

    def _receive(self):
        """Wait for one or more answers; raise if the wait times out or a worker died."""
        if not self._workers:
            raise RuntimeError("DataLoader iterator used after its workers were shut down")
        timeout = self._loader.timeout or None
        ready = wait(self._conns + list(self._by_sentinel), timeout)
        if not ready:
            raise RuntimeError(f"DataLoader timed out after {self._loader.timeout} seconds")
        exited = []
        for r in ready:
            if r in self._by_sentinel:
                exited.append(self._by_sentinel[r])
                continue
            try:
                epoch, idx, status, payload = r.recv()
            except (EOFError, OSError):  # its end of the pipe closed: it is gone
                self._died(self._conns.index(r))
            if epoch != self._epoch or idx not in self._tasks:
                continue
            worker = self._tasks.pop(idx)
            if status == _worker.END:
                if worker in self._active:
                    self._active.remove(worker)
            else:
                self._results[idx] = (status, payload)
        for worker in exited:
            if not self._conns[worker].poll():  # what it sent before exiting (or the pipe's end) is read first
                self._died(worker)

    def _died(self, worker):
        process = self._workers[worker]
        process.join(_SHUTDOWN_S)
        code = process.exitcode
        if code is not None and code < 0:
            why = f"is killed by signal: {signal.strsignal(-code)}."
        else:
            why = f"exited unexpectedly with exit code {code}."
        self._shutdown()
        raise RuntimeError(f"DataLoader worker {worker} (pid {process.pid}) {why} "
                           f"Its dataset code may have crashed or run out of memory.")

    def _shutdown(self):
        """Stop every worker: ask, close the pipes, give them time to finish, then terminate stragglers.

        A worker busy with a fetch exits when it tries to send the result into the closed
        pipe; an idle one reads the stop (or the end of the pipe) right away."""
        workers, conns = self._workers, self._conns
        if not workers:
            return
        self._workers, self._conns, self._by_sentinel = [], [], {}
        for conn in conns:
            try:
                conn.send(None)
            except OSError:
                pass
            conn.close()
        deadline = time.monotonic() + _SHUTDOWN_S
        for p in workers:
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.terminate()
                p.join()

    def __del__(self):
        if getattr(self, "_workers", None):
            self._shutdown()

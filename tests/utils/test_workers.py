"""DataLoader with worker processes: order, seeding, errors, deaths, timeouts and clean shutdown."""
import gc
import os
import random
import signal
import threading
import time

import numpy as np
import pytest

import ember
from ember.utils import data as ed


class Squares(ed.Dataset):
    """i -> i*i, each fetch sleeping a little longer for low indices so that workers finish out of order."""

    def __init__(self, n=24, slow=0.0):
        self.n, self.slow = n, slow

    def __getitem__(self, i):
        time.sleep(self.slow * ((self.n - i) % 4))
        return i * i

    def __len__(self):
        return self.n


class Probe(ed.Dataset):
    """What the worker that fetches i sees: its pid, WorkerInfo and random draws."""

    def __getitem__(self, i):
        info = ed.get_worker_info()
        return {"pid": os.getpid(), "id": info.id, "num_workers": info.num_workers, "seed": info.seed,
                "same_dataset": info.dataset is self, "ember": float(ember.rand(1)), "numpy": float(np.random.rand()),
                "random": random.random(), "init": os.environ.get("EMBER_TEST_INIT", "")}

    def __len__(self):
        return 8


class Failing(ed.Dataset):
    def __init__(self, bad, exc=ValueError):
        self.bad, self.exc = bad, exc

    def __getitem__(self, i):
        if i == self.bad:
            raise self.exc(f"sample {i} is broken")
        return i

    def __len__(self):
        return 8


class Dies(ed.Dataset):
    def __getitem__(self, i):
        if i == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return i

    def __len__(self):
        return 8


class Slow(ed.Dataset):
    def __init__(self, seconds):
        self.seconds = seconds

    def __getitem__(self, i):
        time.sleep(self.seconds)
        return i

    def __len__(self):
        return 100


class Pid(ed.Dataset):
    def __getitem__(self, i):
        return os.getpid()

    def __len__(self):
        return 6


def gone(processes, within=5.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not any(p.is_alive() for p in processes):
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("workers", [1, 3])
def test_results_come_in_sampler_order(workers):
    def epoch(**kwargs):
        loader = ed.DataLoader(Squares(slow=0.002), batch_size=5, shuffle=True,
                               generator=ember.Generator().manual_seed(0), **kwargs)
        return [int(v) for batch in loader for v in batch]

    in_process = epoch()
    assert sorted(in_process) == [i * i for i in range(24)]
    assert epoch(num_workers=workers) == in_process  # same order whatever the number of workers


def test_same_batches_as_in_process():
    x = ember.tensor(np.arange(40, dtype=np.float32).reshape(20, 2))
    ds = ed.TensorDataset(x, ember.tensor(np.arange(20)))
    main = list(ed.DataLoader(ds, batch_size=3))
    workers = list(ed.DataLoader(ds, batch_size=3, num_workers=2))
    assert len(main) == len(workers) == 7
    for (a, b), (c, d) in zip(main, workers):
        assert a.tolist() == c.tolist() and b.tolist() == d.tolist() and a.dtype == c.dtype


def test_worker_info_and_distinct_reproducible_seeds():
    def run():
        return list(ed.DataLoader(Probe(), batch_size=None, num_workers=2))

    ember.manual_seed(11)
    first = run()
    ids = {s["id"] for s in first}
    assert ids == {0, 1} and all(s["num_workers"] == 2 for s in first)
    assert all(s["same_dataset"] for s in first)  # WorkerInfo.dataset is the worker's own copy
    assert {s["pid"] for s in first}.isdisjoint({os.getpid()})
    by_worker = {s["id"]: s for s in first}
    assert by_worker[1]["seed"] == by_worker[0]["seed"] + 1
    for stream in ("ember", "numpy", "random"):
        assert by_worker[0][stream] != by_worker[1][stream]
    ember.manual_seed(11)
    again = run()
    assert [(s["seed"], s["ember"], s["numpy"], s["random"]) for s in again] == \
           [(s["seed"], s["ember"], s["numpy"], s["random"]) for s in first]
    assert ed.get_worker_info() is None


def test_worker_info_is_read_only():
    info = ed._worker.WorkerInfo(id=0, num_workers=1, seed=3, dataset=None)
    with pytest.raises(RuntimeError, match="Cannot assign attributes to WorkerInfo objects"):
        info.id = 2
    assert repr(info) == "WorkerInfo(id=0, num_workers=1, seed=3, dataset=None)"


def _init(worker_id):
    os.environ["EMBER_TEST_INIT"] = f"init{worker_id}"


def test_worker_init_fn_runs_in_each_worker():
    got = {(s["id"], s["init"]) for s in ed.DataLoader(Probe(), batch_size=None, num_workers=2, worker_init_fn=_init)}
    assert got == {(0, "init0"), (1, "init1")}
    assert "EMBER_TEST_INIT" not in os.environ


def test_worker_init_fn_error_is_raised():
    def bad_init(worker_id):
        raise OSError("no such device")

    with pytest.raises(OSError, match="no such device"):
        list(ed.DataLoader(Probe(), num_workers=1, worker_init_fn=bad_init))


def test_worker_exception_carries_its_traceback():
    it = iter(ed.DataLoader(Failing(bad=5), batch_size=2, num_workers=2))
    assert next(it).tolist() == [0, 1] and next(it).tolist() == [2, 3]
    with pytest.raises(ValueError) as err:
        next(it)
    msg = str(err.value)
    assert msg.startswith("Caught ValueError in DataLoader worker process 0.\n"
                          "Original Traceback (most recent call last):")
    assert "in __getitem__" in msg and "sample 5 is broken" in msg
    assert next(it).tolist() == [6, 7]  # the loader goes on, as PyTorch's does


def test_worker_key_error_message_is_not_quoted():
    with pytest.raises(KeyError) as err:
        list(ed.DataLoader(Failing(bad=0, exc=KeyError), num_workers=1))
    assert str(err.value).startswith("Caught KeyError in DataLoader worker process 0.")


def test_unpicklable_batch_is_reported():
    loader = ed.DataLoader(list(range(4)), batch_size=2, num_workers=1, collate_fn=lambda b: (lambda: b))
    with pytest.raises(Exception, match="DataLoader worker process 0"):
        list(loader)


def test_killed_worker_raises_promptly():
    it = iter(ed.DataLoader(Dies(), batch_size=2, num_workers=2))
    processes = list(it._workers)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader worker 1 \(pid \d+\) is killed by signal: Killed"):
        list(it)
    assert time.monotonic() - start < 3
    assert gone(processes)


def test_timeout():
    it = iter(ed.DataLoader(Slow(1.0), num_workers=1, timeout=0.3))
    processes = list(it._workers)
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0.3 seconds$"):
        next(it)
    assert time.monotonic() - start < 2
    del it
    gc.collect()
    assert gone(processes)


def test_breaking_out_and_deleting_shut_workers_down():
    loader = ed.DataLoader(Slow(0.01), batch_size=2, num_workers=3)
    it = iter(loader)
    next(it)
    processes = list(it._workers)
    assert len(processes) == 3 and all(p.is_alive() for p in processes)
    del it
    gc.collect()
    assert gone(processes)
    for batch in loader:
        processes = list(loader._iterator._workers) if loader._iterator else processes
        break
    gc.collect()
    assert gone(processes)


def test_exhausted_iterator_shuts_workers_down():
    it = iter(ed.DataLoader(Squares(), batch_size=4, num_workers=2))
    processes = list(it._workers)
    assert len(list(it)) == 6
    assert gone(processes)


def test_ctrl_c_reaches_the_main_process_and_stops_workers():
    it = iter(ed.DataLoader(Slow(0.5), num_workers=2))
    processes = list(it._workers)
    for p in processes:  # a terminal's Ctrl-C reaches every process of the group; workers leave it to the main one
        os.kill(p.pid, signal.SIGINT)
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        for _ in it:
            pass
    timer.join()
    del it
    gc.collect()
    assert gone(processes)


def test_persistent_workers_are_reused_across_epochs():
    loader = ed.DataLoader(Pid(), batch_size=2, num_workers=2, persistent_workers=True)
    first = {int(p) for b in loader for p in b}
    second = {int(p) for b in loader for p in b}
    assert first == second and len(first) == 2 and os.getpid() not in first
    it = iter(loader)
    next(it)  # leave an epoch half done: its answers must not leak into the next one
    assert [len(b) for b in loader] == [2, 2, 2]
    processes = list(loader._iterator._workers)
    del loader, it
    gc.collect()
    assert gone(processes)


def test_non_persistent_workers_are_new_each_epoch():
    loader = ed.DataLoader(Pid(), batch_size=3, num_workers=1)
    assert {int(p) for b in loader for p in b} != {int(p) for b in loader for p in b}


class Shards(ed.IterableDataset):
    """0..n-1, split between workers by get_worker_info()."""

    def __init__(self, n, split=True):
        self.n, self.split = n, split

    def __iter__(self):
        info = ed.get_worker_info()
        if info is None or not self.split:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


def test_iterable_dataset_with_workers():
    got = sorted(int(v) for b in ed.DataLoader(Shards(11), batch_size=3, num_workers=3) for v in b)
    assert got == list(range(11))
    duplicated = sorted(int(v) for b in ed.DataLoader(Shards(5, split=False), batch_size=2, num_workers=2) for v in b)
    assert duplicated == sorted(list(range(5)) * 2)  # each worker replays the whole stream, as in PyTorch


def test_iterable_dataset_with_persistent_workers_restarts_each_epoch():
    loader = ed.DataLoader(Shards(7), batch_size=2, num_workers=2, persistent_workers=True)
    for _ in range(2):
        assert sorted(int(v) for b in loader for v in b) == list(range(7))


def test_getitems_is_used_in_workers():
    x = ember.tensor(np.arange(12, dtype=np.float32))
    ds = ed.TensorDataset(x)
    batches = [b[0].tolist() for b in ed.DataLoader(ds, batch_size=5, num_workers=2)]
    assert batches == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]


def test_spawn_context():
    ds = ed.TensorDataset(ember.tensor(np.arange(6)))
    loader = ed.DataLoader(ds, batch_size=4, num_workers=1, multiprocessing_context="spawn")
    assert [b[0].tolist() for b in loader] == [[0, 1, 2, 3], [4, 5]]

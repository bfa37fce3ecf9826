"""Faults end the whole job promptly and say what happened; nothing hangs, nothing is left running.

Every launch has a hard timeout that kills its process group (tests/distributed/launch.py)."""
import os
import signal
import sys
import time

import pytest

from .launch import ROOT, ember_run, finish, needs_mpi, start, write

PRELUDE = """
    import datetime, os, sys, time
    import torch, torch.distributed as dist
    dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=3))
    rank = dist.get_rank()
"""


def _job(tmp_path, body, nproc=2, timeout=60):
    needs_mpi()
    script = write(tmp_path, PRELUDE + body)
    began = time.monotonic()
    proc = ember_run(script, nproc=nproc, timeout=timeout)
    return proc, time.monotonic() - began


def test_a_rank_that_raises_ends_every_rank(tmp_path):
    proc, took = _job(tmp_path, """
    if rank == 1:
        raise ValueError("rank one gives up")
    dist.all_reduce(torch.ones(3))  # would wait for rank 1 until the timeout
    time.sleep(60)
    """)
    assert proc.returncode != 0
    assert "ValueError: rank one gives up" in proc.stderr and "[rank 1] Traceback" in proc.stderr
    assert took < 30


def test_a_rank_that_exits_with_a_status_ends_the_job_with_that_status(tmp_path):
    proc, took = _job(tmp_path, """
    if rank == 1:
        sys.exit(3)
    time.sleep(60)
    """)
    assert proc.returncode == 3, proc.stderr
    assert took < 30


def test_a_rank_killed_by_a_signal_ends_the_job(tmp_path):
    proc, took = _job(tmp_path, """
    if rank == 1:
        os.kill(os.getpid(), 9)
    dist.all_reduce(torch.ones(3))
    time.sleep(60)
    """)
    assert proc.returncode != 0
    assert "rank 1" in proc.stderr and "signal 9" in proc.stderr, proc.stderr
    assert took < 30


def test_a_skipped_collective_times_out_with_a_clear_error(tmp_path):
    proc, took = _job(tmp_path, """
    if rank == 0:
        try:
            dist.all_reduce(torch.ones(3))
        except dist.DistBackendError as e:
            print("caught:", e, flush=True)
            raise
    time.sleep(60)  # rank 1 never joins
    """)
    assert proc.returncode != 0
    assert "caught: all_reduce timed out after 3 s on rank 0" in proc.stdout, proc.stdout + proc.stderr
    assert took < 30


def test_mismatched_shapes_and_dtypes_are_errors_on_every_rank(tmp_path):
    proc, _ = _job(tmp_path, """
    for t in [torch.ones(2 + rank), torch.ones(2, dtype=torch.float32 if rank == 0 else torch.float64)]:
        try:
            dist.all_reduce(t)
        except RuntimeError as e:
            print(f"rank {rank}:", e, flush=True)
    buf = torch.zeros(3)
    if rank == 0:
        dist.send(torch.ones(2, dtype=torch.int64), dst=1)
    else:
        try:
            dist.recv(buf, src=0)
        except RuntimeError as e:
            print(f"rank {rank}:", e, flush=True)
    try:
        torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(3, 2 + rank))
    except RuntimeError as e:
        print(f"rank {rank}:", e, flush=True)
    dist.barrier()
    """)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert ("rank 0: all_reduce: rank 0 has a tensor of shape [2] and dtype float32 but rank 1 has one of shape [3] "
            "and dtype float32") in out
    assert ("rank 1: all_reduce: rank 1 has a tensor of shape [3] and dtype float32 but rank 0 has one of shape [2] "
            "and dtype float32") in out
    assert ("rank 0: all_reduce: rank 0 has a tensor of shape [2] and dtype float32 but rank 1 has one of shape [2] "
            "and dtype float64") in out
    assert ("rank 1: recv on rank 1: rank 0 sent a tensor of shape [2] and dtype int64 into one of shape [3] and "
            "dtype float32") in out
    shapes = [f"[(({2 + r}, 3), 'torch.float32'), (({2 + r},), 'torch.float32')]" for r in range(2)]
    for rank, other in [(0, 1), (1, 0)]:  # a model that differs between ranks
        assert (f"rank {rank}: DistributedDataParallel expects the same model on every rank, but rank {other} has "
                f"parameters {shapes[other]} where rank {rank} has {shapes[rank]}") in out


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is dead, only not yet reaped
        return f.read().split(")")[-1].split()[0] != "Z"


def test_ctrl_c_on_the_launcher_stops_every_rank(tmp_path):
    needs_mpi()
    script = write(tmp_path, PRELUDE + f"""
    open(os.path.join({str(tmp_path)!r}, f"pid{{rank}}"), "w").write(str(os.getpid()))
    time.sleep(120)
    """)
    proc = start([sys.executable, "-m", "ember", "run", "--nproc-per-node", "2", str(script)])
    pids = []
    deadline = time.monotonic() + 60
    while len(pids) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        pids = [int((tmp_path / f"pid{r}").read_text() or 0) for r in range(2) if (tmp_path / f"pid{r}").exists()]
    assert len(pids) == 2 and all(pids), "the ranks did not start"
    os.kill(proc.pid, signal.SIGINT)
    began = time.monotonic()
    result = finish(proc, timeout=30)
    assert result.returncode != 0
    assert time.monotonic() - began < 20
    time.sleep(0.5)
    assert not [p for p in pids if _alive(p)]


def test_without_mpi4py_everything_names_the_install_command(monkeypatch):
    import ember.distributed as dist
    from ember.distributed import launch
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    assert dist.is_available() is False
    hint = 'pip install "ember[mpi]"'
    for call in [lambda: dist.init_process_group("gloo"), dist.get_rank, dist.get_world_size, dist.barrier,
                 lambda: launch.command(2, ["script.py"])]:
        with pytest.raises(RuntimeError, match=r'pip install "ember\[mpi\]"') as info:
            call()
        assert "\n" not in str(info.value) and hint in str(info.value)


def test_rank_and_world_size_must_agree_with_the_launch(tmp_path):
    needs_mpi()
    script = write(tmp_path, """
        import os
        import torch.distributed as dist
        for kwargs in [dict(rank=0, world_size=2), dict(rank=1, world_size=1), dict(init_method="bogus://x")]:
            try:
                dist.init_process_group("gloo", **kwargs)
            except (ValueError, RuntimeError) as e:
                print(type(e).__name__, e)
        os.environ["RANK"], os.environ["WORLD_SIZE"] = "0", "4"
        try:
            dist.init_process_group("gloo")
        except ValueError as e:
            print(type(e).__name__, e)
        print("initialized:", dist.is_initialized())
    """)
    proc = ember_run(script, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == ("ValueError init_process_group: world_size=2 (argument) but this process is one of 1 MPI "
                        "process(es); start the program with `ember run --nproc-per-node 2 script.py` or "
                        "`mpiexec -n 2 ember run script.py`")
    assert lines[1] == "ValueError init_process_group: rank=1 (argument) but MPI started this process as rank 0 of 1"
    assert lines[2] == "RuntimeError No rendezvous handler for bogus://"
    assert lines[3].startswith("ValueError init_process_group: world_size=4 (environment) but this process is one "
                               "of 1 MPI process(es)")
    assert lines[4] == "initialized: False"


@pytest.mark.parametrize("nproc", [None, 2])
def test_without_mpi4py_ember_run_says_what_to_install_in_one_line(tmp_path, nproc):
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text('import sys\nsys.modules["mpi4py"] = None\n')  # as if not installed
    script = write(tmp_path, """
        import torch.distributed as dist
        print("available", dist.is_available())
        dist.init_process_group("gloo")
    """)
    proc = ember_run(script, nproc=nproc, timeout=60, PYTHONPATH=os.pathsep.join([str(hide), ROOT]))
    assert proc.returncode == 2
    what = "torch.distributed" if nproc is None else "starting several ranks"
    assert proc.stderr == f'ember run: {what} needs MPI, which is not installed: pip install "ember[mpi]"\n'
    assert proc.stdout == ("available False\n" if nproc is None else "")

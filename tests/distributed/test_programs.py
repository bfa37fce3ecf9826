"""PyTorch programs run unchanged through ``ember run``, and (where PyTorch is installed) under PyTorch
itself with the same bounds: pytorch/examples' mnist_hogwild pattern, tensors through a Queue, a
torchrun-style DDP script, and the edges of torch.distributed's API compared output for output."""
import json
import os
import subprocess
import sys

import pytest

from .launch import ember_run, env, finish, needs_mpi, start, write

TVENV = os.environ.get("EMBER_TORCHVISION_PYTHON", "/tmp/tvenv/bin/python")  # an interpreter with torch 2.14

HOGWILD = """
    import argparse, json
    import torch
    import torch.multiprocessing as mp
    import torch.nn as nn
    import torch.nn.functional as F
    import torch.optim as optim
    from torch.utils.data import DataLoader, TensorDataset


    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = nn.Linear(20, 32), nn.Linear(32, 4)

        def forward(self, x):
            return self.fc2(F.relu(self.fc1(x)))


    def dataset():
        g = torch.Generator().manual_seed(0)
        x = torch.randn(512, 20, generator=g)
        return TensorDataset(x, (x @ torch.randn(20, 4, generator=g)).argmax(1))


    def train(rank, args, model, data):
        torch.manual_seed(args.seed + rank)
        loader = DataLoader(data, batch_size=32, shuffle=True)
        optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
        for epoch in range(args.epochs):
            for x, y in loader:
                optimizer.zero_grad()
                F.cross_entropy(model(x), y).backward()
                optimizer.step()


    def loss(model, data):
        with torch.no_grad():
            x, y = data.tensors
            return F.cross_entropy(model(x), y).item()


    if __name__ == "__main__":
        parser = argparse.ArgumentParser()
        parser.add_argument("--num-processes", type=int, default=2)
        parser.add_argument("--epochs", type=int, default=5)
        parser.add_argument("--lr", type=float, default=0.05)
        parser.add_argument("--momentum", type=float, default=0.5)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--start-method", default="fork")
        args = parser.parse_args()
        mp.set_start_method(args.start_method, force=True)
        torch.manual_seed(args.seed)
        model = Net()
        model.share_memory()  # gradients are allocated lazily, so they are not shared here
        data = dataset()
        before = loss(model, data)
        processes = []
        for rank in range(args.num_processes):
            p = mp.Process(target=train, args=(rank, args, model, data))
            p.start()
            processes.append(p)
        for p in processes:
            p.join()
        print(json.dumps({"before": before, "after": loss(model, data), "exitcodes": [p.exitcode for p in processes],
                          "shared": all(p.is_shared() for p in model.parameters())}))
"""

QUEUE = """
    import torch
    import torch.multiprocessing as mp


    def child(queue, done):
        t = queue.get()
        t.add_(1)  # in place, in the parent's memory
        done.set()


    if __name__ == "__main__":
        for method in ["fork", "spawn"]:
            ctx = mp.get_context(method)
            t = torch.zeros(3)
            queue, done = ctx.Queue(), ctx.Event()
            p = ctx.Process(target=child, args=(queue, done))
            p.start()
            queue.put(t)
            done.wait(60)
            p.join()
            print(method, t.tolist(), t.is_shared(), p.exitcode)
"""

TORCHRUN_DDP = """
    import json, os
    import torch
    import torch.distributed as dist
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.nn.parallel import DistributedDataParallel as DDP
    from torch.utils.data import DataLoader, TensorDataset
    from torch.utils.data.distributed import DistributedSampler


    def main():
        dist.init_process_group("gloo")
        rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
        assert int(os.environ["LOCAL_RANK"]) == rank and int(os.environ["LOCAL_WORLD_SIZE"]) == world
        g = torch.Generator().manual_seed(0)
        x = torch.randn(256, 20, generator=g)
        data = TensorDataset(x, (x @ torch.randn(20, 4, generator=g)).argmax(1))
        torch.manual_seed(rank)  # DDP starts every rank from rank 0's parameters
        model = DDP(nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 4)))
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        sampler = DistributedSampler(data)
        loader = DataLoader(data, batch_size=16, sampler=sampler)
        for epoch in range(3):
            sampler.set_epoch(epoch)
            for xb, yb in loader:
                opt.zero_grad()
                F.cross_entropy(model(xb), yb).backward()
                opt.step()
        flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
        copies = [torch.zeros_like(flat) for _ in range(world)]
        dist.all_gather(copies, flat)
        with torch.no_grad():
            loss = F.cross_entropy(model.module(x), data.tensors[1]).item()
        if rank == 0:
            print(json.dumps({"loss": loss, "spread": max((c - flat).abs().max().item() for c in copies),
                              "world": world, "keys": sorted(model.state_dict())[:2]}))
        dist.destroy_process_group()


    if __name__ == "__main__":
        main()
"""

API_EDGES = """
    import datetime, os
    import torch
    import torch.distributed as dist

    def show(label, call):
        try:
            print(label, "->", repr(call()))
        except Exception as e:
            print(label, "->", type(e).__name__, str(e).splitlines()[0])

    os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", "29517"
    show("available", dist.is_available)
    show("initialized", dist.is_initialized)
    show("rank before init", dist.get_rank)
    show("all_reduce before init", lambda: dist.all_reduce(torch.ones(2)))
    show("nccl", lambda: dist.init_process_group("nccl", rank=0, world_size=1))
    show("init", lambda: dist.init_process_group("gloo", rank=0, world_size=1,
                                                 timeout=datetime.timedelta(seconds=30)))
    show("init twice", lambda: dist.init_process_group("gloo", rank=0, world_size=1))
    show("initialized", dist.is_initialized)
    show("backend", dist.get_backend)
    show("rank", dist.get_rank)
    show("size", dist.get_world_size)
    show("ops", lambda: [dist.ReduceOp.SUM, dist.ReduceOp.AVG, dist.ReduceOp.PRODUCT, dist.ReduceOp.MIN,
                         dist.ReduceOp.MAX])
    t = torch.arange(4.0)
    show("all_reduce", lambda: (dist.all_reduce(t), t.tolist()))
    show("avg of ints", lambda: dist.all_reduce(torch.ones(2, dtype=torch.int64), op=dist.ReduceOp.AVG))
    work = dist.all_reduce(t, async_op=True)
    show("work", lambda: (work.wait(), work.is_completed(), t.tolist()))
    show("bad group", lambda: dist.all_reduce(t, group=5))
    show("destroy", dist.destroy_process_group)
    show("initialized", dist.is_initialized)
    show("rank after destroy", dist.get_rank)
"""


def _json_line(text):
    return json.loads([line for line in text.splitlines() if line.startswith("{")][-1])


def _under_torch(python, script, *args):
    """Run a program under real PyTorch (skip if that interpreter has none)."""
    if not os.path.exists(python) or subprocess.run([python, "-c", "import torch"], capture_output=True).returncode:
        pytest.skip(f"no PyTorch at {python}")
    proc = finish(start([python, str(script), *args], cwd=os.path.dirname(script), PYTHONPATH=""), 240)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_mnist_hogwild_pattern(tmp_path, method):
    script = write(tmp_path, HOGWILD)
    proc = ember_run(script, "--start-method", method, timeout=180)
    assert proc.returncode == 0, proc.stderr
    ember = _json_line(proc.stdout)
    assert ember["exitcodes"] == [0, 0] and ember["shared"]
    assert ember["after"] < 0.5 * ember["before"]  # only the children trained: the parent sees their updates
    if method == "fork":
        real = _json_line(_under_torch(sys.executable, script))
        assert real["after"] < 0.5 * real["before"] and real["exitcodes"] == [0, 0]


def test_tensors_through_a_queue_are_shared_as_in_pytorch(tmp_path):
    script = write(tmp_path, QUEUE)
    proc = ember_run(script, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == _under_torch(sys.executable, script)


@pytest.mark.parametrize("world", [2])
def test_torchrun_style_ddp_script(tmp_path, world):
    needs_mpi()
    script = write(tmp_path, TORCHRUN_DDP)
    proc = ember_run(script, nproc=world, timeout=180)
    assert proc.returncode == 0, proc.stderr
    ember = _json_line(proc.stdout)
    assert ember["world"] == world and ember["spread"] == 0 and ember["keys"] == ["module.0.bias", "module.0.weight"]
    assert ember["loss"] < 0.5
    real = _json_line(_torchrun(script, world))
    assert real["world"] == world and real["spread"] == 0 and real["keys"] == ember["keys"] and real["loss"] < 0.5


def _torchrun(script, world):
    if not os.path.exists(TVENV) or subprocess.run([TVENV, "-c", "import torch"], capture_output=True).returncode:
        pytest.skip(f"no PyTorch at {TVENV} to run the script under torch.distributed.run")
    proc = finish(start([TVENV, "-m", "torch.distributed.run", "--nproc-per-node", str(world), str(script)],
                        PYTHONPATH="", OMP_NUM_THREADS="1"), 240)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_api_edges_match_pytorch(tmp_path):
    needs_mpi()
    script = write(tmp_path, API_EDGES)
    proc = ember_run(script, timeout=120)
    assert proc.returncode == 0, proc.stderr
    real = _under_torch(sys.executable, script)
    assert proc.stdout == real


def test_run_help_describes_the_launcher():
    out = subprocess.run([sys.executable, "-m", "ember", "run", "--help"], capture_output=True, text=True,
                         env=env(), timeout=60).stdout
    for text in ["--nproc-per-node", "(default: 1)", "--nnodes", "--hostfile", "--master-port", "(default: 29500)",
                 "mpiexec"]:
        assert text in out


@pytest.mark.parametrize("cma_blocked", [False, True], ids=["here", "as-in-a-container-without-ptrace"])
def test_mpiexec_starts_ember_run_ranks(tmp_path, monkeypatch, cma_blocked):
    """``mpiexec -n 2 ember run script.py``: MPI's own launcher, with torchrun's variables set in each rank; also
    with single-copy transfers turned off, as the launcher does where process_vm_readv is refused."""
    needs_mpi()
    from ember.distributed import launch
    if cma_blocked:
        monkeypatch.setattr(launch, "_cross_memory_blocked", lambda: True)
        monkeypatch.delenv("OMPI_MCA_smsc", raising=False)
    script = write(tmp_path, """
        import os
        import torch, torch.distributed as dist
        dist.init_process_group("gloo")
        t = torch.tensor([float(dist.get_rank() + 1)])
        dist.all_reduce(t)
        names = ["RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"]
        print(" ".join(os.environ[n] for n in names), t.item())
    """)
    mpiexec = launch.command(2, [sys.executable, "-m", "ember", "run", str(script)])  # mpiexec -n 2 ... ember run
    assert ("^cma" in mpiexec) == cma_blocked
    proc = finish(start(mpiexec), 120)
    assert proc.returncode == 0, proc.stderr
    assert sorted(proc.stdout.splitlines()) == ["0 0 2 2 127.0.0.1 29500 3.0", "1 1 2 2 127.0.0.1 29500 3.0"]


SPAWN_FAILS = """
    import torch.multiprocessing as mp


    def work(i):
        if i == 1:
            raise ValueError("worker one fails")


    if __name__ == "__main__":
        try:
            mp.spawn(work, nprocs=2)
        except mp.ProcessRaisedException as e:
            print(type(e).__name__, e.error_index, "ValueError: worker one fails" in str(e), str(e).splitlines()[2])
"""


def test_spawn_reports_a_failing_worker_as_pytorch_does(tmp_path):
    needs_mpi()
    script = write(tmp_path, SPAWN_FAILS)
    proc = ember_run(script, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "ProcessRaisedException 1 True -- Process 1 terminated with the following error:\n"
    assert proc.stdout == _under_torch(sys.executable, script)

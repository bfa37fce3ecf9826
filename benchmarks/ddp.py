"""Data-parallel training on MPI: W3 scaling beside PyTorch's DDP over gloo, and all-reduce cost.

    python -m benchmarks.ddp [--ranks 1,2] [--batch 64] [--steps 30] [--sizes-mb 1,10,100]
                             [--repeat 3] [--torch-python PATH] [--only scaling,allreduce]

scaling: the W3 CNN (benchmarks.cnn.model, Adadelta) wrapped in DistributedDataParallel, at a fixed
per-rank batch on random images, one thread per rank; samples/s over all ranks for each rank count,
and the scaling efficiency (samples/s on N ranks over N times that on 1). Ember's ranks start with
``ember run --nproc-per-node N``, PyTorch's with ``torch.distributed.run`` and the gloo backend. The
rank program is one PyTorch script (this file's ``worker``), run as written by both.

allreduce: float32 gradients of 1, 10 and 100 MB averaged across 2 ranks, milliseconds per step:
the path Ember's DDP takes during backward, from the first gradient's hook to averaged ``.grad``
(copies into buckets, non-blocking MPI all-reduces, the wait, the division), on new gradients as
``optimizer.zero_grad()`` and backward leave them, for the bytes in one gradient and in 64 KB
gradients (which DDP buckets: 25 MB, the first 1 MiB), the latter also with
``gradient_as_bucket_view=True``; beside, on the same bytes, MPI's own floor: a bare mpi4py
``Allreduce`` on a new NumPy array (a sum), and the same followed by the division (an average). The
three run interleaved, each timed on the slowest rank; ratios are of medians.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _scaling_worker(torch, steps, batch):
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel as DDP

    from benchmarks.cnn import model

    torch.set_num_threads(1)
    dist.init_process_group("gloo")
    torch.manual_seed(dist.get_rank())
    net = DDP(model(torch))
    opt = torch.optim.Adadelta(net.parameters(), lr=1.0)
    x, y = torch.randn(batch, 1, 28, 28), torch.randint(0, 10, (batch,))
    times = []
    for _ in range(steps + 3):  # the first steps warm caches up
        dist.barrier()
        t0 = time.perf_counter()
        opt.zero_grad()
        torch.nn.functional.nll_loss(net(x), y).backward()
        opt.step()
        times.append(time.perf_counter() - t0)
    slowest = torch.tensor(times[3:], dtype=torch.float64)
    dist.all_reduce(slowest, op=dist.ReduceOp.MAX)  # a step takes as long as its slowest rank
    if dist.get_rank() == 0:
        per_step = slowest.tolist()
        n = dist.get_world_size()
        print(json.dumps({"samples_per_s": [n * batch / t for t in per_step]}))
    dist.destroy_process_group()


SMALL_GRAD = 2 ** 14  # elements of each gradient in the "64KB" layout, a small conv kernel's size


def _layouts(n):
    """{name: (gradient sizes in elements adding up to ``n``, DDP's options)}: one gradient of them all,
    or many small ones that DDP gathers into buckets (25 MB, the first 1 MiB), their averages copied
    back into ``.grad`` or (``gradient_as_bucket_view``) left in the buckets as views."""
    small = [SMALL_GRAD] * (n // SMALL_GRAD) + ([n % SMALL_GRAD] if n % SMALL_GRAD else [])
    return {"one": ([n], {}), "64KB": (small, {}), "64KB-views": (small, {"gradient_as_bucket_view": True})}


def _allreduce_worker(sizes_mb, repeat):
    import numpy as np

    import ember
    import ember.distributed as dist
    from ember.nn.parallel import DistributedDataParallel

    dist.init_process_group("mpi")  # before mpi4py's own import, as in a program that uses Ember
    from mpi4py import MPI

    comm, report = MPI.COMM_WORLD, {}
    size = comm.Get_size()

    def timed(fn, before=None):
        if before:
            before()
        comm.Barrier()
        t0 = time.perf_counter()
        fn()
        return comm.allreduce((time.perf_counter() - t0) * 1e3, op=MPI.MAX)  # the slowest rank's time

    for mb in sizes_mb:
        n = max(1, int(mb * 2 ** 20 / 4))
        bare = {}

        def fresh_array():  # as new to MPI as the gradients DDP gets: memory MPI has not seen makes it slower
            bare["array"] = np.ones(n, np.float32)

        def mpi_sum():
            comm.Allreduce(MPI.IN_PLACE, bare["array"])

        def mpi_average():  # divided the way DDP divides by 2 ranks: a multiplication, exact for a power of two
            comm.Allreduce(MPI.IN_PLACE, bare["array"])
            np.multiply(bare["array"], 1 / size, out=bare["array"])

        for layout, (sizes, options) in _layouts(n).items():
            module = ember.nn.Module()
            params = [ember.nn.Parameter(ember.ones(k)) for k in sizes]
            for i, p in enumerate(params):
                module.register_parameter(f"p{i}", p)
            ddp = DistributedDataParallel(module, **options)

            def fresh_grads():  # what backward leaves after optimizer.zero_grad(): new arrays
                for p in params:
                    p.grad = ember.ones(p.shape)

            def ddp_path():  # what the accumulator hooks run during backward, in backward's order
                ddp._prepare(None)
                for i in reversed(range(len(params))):
                    ddp._ready(i)

            runs = {"ddp_path_ms": [], "mpi4py_ms": [], "mpi4py_average_ms": []}
            for r in range(repeat + 1):  # interleaved, so that a change of load hits all three alike
                times = (timed(ddp_path, fresh_grads), timed(mpi_sum, fresh_array), timed(mpi_average, fresh_array))
                if r:  # the first run warms caches and MPI's connections up
                    for name, t in zip(runs, times):
                        runs[name].append(t)
            report[f"{mb:g} {layout}"] = dict(runs, collectives=len(ddp._buckets))
    if comm.Get_rank() == 0:
        print(json.dumps(report))
    dist.destroy_process_group()


def _launch(cmd, env_extra=None):
    env = dict(os.environ, PYTHONPATH=ROOT, OMP_NUM_THREADS="1", **(env_extra or {}))
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=1800)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode or not lines:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(lines[-1])


def scaling(ranks, steps, batch, repeat, torch_python):
    """{framework: {ranks: [samples/s per step, over all repeats]}}"""
    me = os.path.abspath(__file__)
    results = {"ember": {}, "torch": {}}
    for rep in range(repeat):
        for fw in (("ember", "torch") if rep % 2 == 0 else ("torch", "ember")):
            for n in ranks:
                if fw == "ember":
                    cmd = [sys.executable, "-m", "ember", "run", "--nproc-per-node", str(n), me]
                else:
                    cmd = [torch_python, "-m", "torch.distributed.run", "--nproc-per-node", str(n), me]
                res = _launch(cmd + ["worker-scaling", str(steps), str(batch)])
                print(f"  scaling {fw} {n} rank(s) run {rep + 1}: " + json.dumps(res)[:120], flush=True)
                results[fw].setdefault(n, []).extend(res.get("samples_per_s", []))
    return results


def allreduce(sizes_mb, repeat):
    cmd = [sys.executable, "-m", "ember", "run", "--nproc-per-node", "2", os.path.abspath(__file__),
           "worker-allreduce", ",".join(map(str, sizes_mb)), str(repeat)]
    return _launch(cmd)


def _median(values):
    return statistics.median(values) if values else float("nan")


def report(scaled, reduced):
    from .common import table

    rows = []
    if scaled:
        for fw, per_n in scaled.items():
            base = _median(per_n.get(1, []))
            for n, values in sorted(per_n.items()):
                eff = _median(values) / (n * base) if base == base and base else float("nan")
                rows.append((f"W3 DDP {fw}", n, f"{min(values, default=float('nan')):.4g} / {_median(values):.4g}",
                             f"{100 * eff:.1f}%"))
        print(table(rows, ("framework", "ranks", "samples/s min / median", "scaling efficiency")))
    if reduced and "error" not in reduced:
        rows = []
        for key, times in reduced.items():
            mb, layout = key.split()
            ddp, floor, average = (_median(times[k]) for k in ("ddp_path_ms", "mpi4py_ms", "mpi4py_average_ms"))
            rows.append((mb, f"{layout} / {times['collectives']}", f"{min(times['ddp_path_ms']):.4g} / {ddp:.4g}",
                         f"{min(times['mpi4py_ms']):.4g} / {floor:.4g}", f"{ddp / floor:.2f}",
                         f"{min(times['mpi4py_average_ms']):.4g} / {average:.4g}", f"{ddp / average:.2f}"))
        print(table(rows, ("MB", "gradients / collectives", "DDP path ms min / median",
                           "Allreduce ms min / median", "ratio", "Allreduce + divide ms", "ratio")))
    elif reduced:
        print("allreduce:", reduced["error"])


def run(ranks=(1, 2), steps=30, batch=64, sizes_mb=(1, 10, 100), repeat=3, torch_python=sys.executable,
        only=("scaling", "allreduce")):
    scaled = scaling(ranks, steps, batch, repeat, torch_python) if "scaling" in only else None
    reduced = allreduce(sizes_mb, max(repeat, 5)) if "allreduce" in only else None
    report(scaled, reduced)
    return {"scaling": scaled, "allreduce": reduced}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "worker-scaling":  # a rank, with torch being Ember (ember run) or PyTorch
        import torch
        return _scaling_worker(torch, int(argv[1]), int(argv[2]))
    if argv and argv[0] == "worker-allreduce":
        return _allreduce_worker([float(s) for s in argv[1].split(",")], int(argv[2]))
    p = argparse.ArgumentParser(prog="python -m benchmarks.ddp", description=__doc__.split("\n\n")[0])
    p.add_argument("--ranks", default="1,2")
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--batch", type=int, default=64, help="samples per rank and step")
    p.add_argument("--sizes-mb", default="1,10,100")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--torch-python", default=sys.executable)
    p.add_argument("--only", default="scaling,allreduce")
    p.add_argument("--json", default=None)
    a = p.parse_args(argv)
    result = run([int(n) for n in a.ranks.split(",")], a.steps, a.batch, [float(s) for s in a.sizes_mb.split(",")],
                 a.repeat, a.torch_python, a.only.split(","))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    sys.path.insert(0, ROOT)
    main()

"""DistributedDataParallel against one process training on the global batch, on 2 and 3 ranks
started the torchrun way (``ember run --nproc-per-node N``) and the tutorial's ``mp.spawn`` way."""
import os

import numpy as np
import pytest

from . import training
from .launch import ember_run, needs_mpi, write

HERE = os.path.dirname(os.path.abspath(__file__))

RANKS = """
    import functools
    import os
    import sys
    import numpy as np
    import torch
    import torch.distributed as dist
    import torch.multiprocessing as mp
    from torch.nn.parallel import DistributedDataParallel as DDP

    out_dir, helpers, pattern = sys.argv[1:4]
    sys.path.insert(0, helpers)
    import training


    def main(rank, world):
        saved = {}
        for kind, opt in training.CONFIGS:
            for i, p in enumerate(training.train_rank(torch, kind, opt, DDP, rank, world)):
                saved[f"{kind}/{opt}/{i}"] = p

        # gradient_as_bucket_view: the gradients of one bucket live in its buffer, and (zeroed in place
        # between steps) backward accumulates straight into it; one bucket for the MLP, the wide net's
        # first weight in one of its own
        views = functools.partial(DDP, gradient_as_bucket_view=True)
        for kind in ("mlp", "wide"):
            trained = training.train_rank(torch, kind, "sgd", views, rank, world, set_to_none=False)
            for i, p in enumerate(trained):
                saved[f"views/{kind}/{i}"] = p
        net = training.model(torch, "mlp")
        views(net)(torch.ones(2, 10)).sum().backward()
        saved["views/buffers"] = np.array(len({id(p.grad.numpy().base) for p in net.parameters()}))

        # no_sync: two micro-batches accumulate locally, the third backward averages the sum
        torch.manual_seed(0)
        net = training.model(torch, "mlp")
        ddp = DDP(net, bucket_cap_mb=0.0005)  # several buckets
        data = training.dataset(torch, "mlp")
        micro = [data[rank * 6 + 2 * k: rank * 6 + 2 * k + 2] for k in range(3)]
        for k, (x, y) in enumerate(micro):
            if k < 2:
                with ddp.no_sync():
                    torch.nn.functional.cross_entropy(ddp(x), y).div(3).backward()
                if k == 0:  # still this rank's own gradient
                    saved["no_sync/local"] = net[0].weight.grad.numpy().copy()
            else:
                torch.nn.functional.cross_entropy(ddp(x), y).div(3).backward()
        for i, p in enumerate(net.parameters()):
            saved[f"no_sync/{i}"] = p.grad.numpy()
        saved["state_dict_keys"] = np.array(sorted(ddp.state_dict()))

        # find_unused_parameters: rank 0 never uses head b, nobody uses head c
        class Heads(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.a, self.b, self.c = torch.nn.Linear(4, 2), torch.nn.Linear(4, 2), torch.nn.Linear(4, 2)

            def forward(self, x):
                return self.a(x) + (self.b(x) if rank > 0 else 0)

        torch.manual_seed(0)
        heads = Heads()
        x = torch.full((3, 4), float(rank + 1))
        ddp = DDP(heads, find_unused_parameters=True)
        ddp(x).pow(2).sum().backward()
        local = Heads()
        local.load_state_dict(heads.state_dict())
        local(x).pow(2).sum().backward()
        mine = {n: (p.grad.numpy() if p.grad is not None else None) for n, p in local.named_parameters()}
        everyone = [None] * world
        dist.all_gather_object(everyone, mine)
        for n, p in heads.named_parameters():
            grads = [g[n] for g in everyone if g[n] is not None]
            saved[f"unused/{n}/ddp"] = np.array(np.nan) if p.grad is None else p.grad.numpy()
            saved[f"unused/{n}/want"] = np.array(np.nan) if not grads else sum(grads) / world

        # overlap: when backward reaches the first layer, the later layers' buckets are already on their way
        nn = torch.nn
        net = nn.Sequential(nn.Linear(4, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
        ddp = DDP(net, bucket_cap_mb=0.01)  # 10 KB: three buckets, the middle weight alone in one
        seen = []

        def watch(module, inputs, out):
            out.register_hook(lambda g: seen.append((len(ddp._started), len(ddp._buckets), ddp._syncing)))
        net[0].register_forward_hook(watch)
        ddp(torch.randn(8, 4)).sum().backward()
        saved["overlap"] = np.array(seen[0])

        # broadcast_buffers: each forward starts from rank 0's buffers
        bn = torch.nn.BatchNorm1d(3)
        ddp = DDP(bn)
        bn.running_mean.fill_(float(rank))  # the ranks drift apart after construction
        ddp(torch.arange(12.0).reshape(4, 3))
        saved["buffers"] = bn.running_mean.numpy().copy()

        # without find_unused_parameters the next forward says what went wrong
        torch.manual_seed(0)
        ddp = DDP(Heads())
        ddp(x).sum().backward()
        try:
            ddp(x)
            saved["unfinished"] = np.array("no error")
        except RuntimeError as e:
            saved["unfinished"] = np.array(str(e))
        np.savez(f"{out_dir}/rank{rank}.npz", **saved)


    def spawned(rank, world):  # the DDP tutorial's pattern
        os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "localhost", "12355"
        dist.init_process_group("gloo", rank=rank, world_size=world)
        main(rank, world)
        dist.destroy_process_group()


    if __name__ == "__main__":
        if pattern == "torchrun":
            dist.init_process_group("gloo")
            main(dist.get_rank(), dist.get_world_size())
        else:
            mp.spawn(spawned, args=(int(pattern),), nprocs=int(pattern), join=True)
"""


def launch(tmp_path, world, pattern):
    """``ember run --nproc-per-node N script.py`` (torchrun's way) or ``ember run script.py`` whose
    main calls ``mp.spawn`` (the DDP tutorial's way)."""
    needs_mpi()
    script = write(tmp_path, RANKS)
    if pattern == "torchrun":
        proc = ember_run(script, tmp_path, HERE, pattern, nproc=world, timeout=240)
    else:
        proc = ember_run(script, tmp_path, HERE, world, timeout=240)
    assert proc.returncode == 0, proc.stderr
    return [dict(np.load(tmp_path / f"rank{r}.npz")) for r in range(world)]


@pytest.fixture(scope="module", params=[(2, "torchrun"), (3, "torchrun"), (2, "spawn")],
                ids=["2ranks-torchrun", "3ranks-torchrun", "2ranks-spawn"])
def ranks(request, tmp_path_factory):
    world, pattern = request.param
    return world, launch(tmp_path_factory.mktemp(f"ddp{world}{pattern}"), world, pattern)


@pytest.mark.parametrize("kind,opt", training.CONFIGS)
def test_ddp_equals_one_process_on_the_global_batch(ranks, kind, opt):
    import ember
    world, saved = ranks
    want = training.train_global(ember, kind, opt, world)
    for rank in saved:
        for i, w in enumerate(want):
            np.testing.assert_allclose(rank[f"{kind}/{opt}/{i}"], w, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["mlp", "wide"])
def test_gradient_as_bucket_view_equals_one_process(ranks, kind):
    import ember
    world, saved = ranks
    want = training.train_global(ember, kind, "sgd", world)
    for rank in saved:
        for i, w in enumerate(want):
            np.testing.assert_allclose(rank[f"views/{kind}/{i}"], w, rtol=1e-5, atol=1e-6)
        assert rank["views/buffers"] == 1


def test_no_sync_accumulation_equals_one_big_batch(ranks):
    import ember
    world, saved = ranks
    ember.manual_seed(0)
    net = training.model(ember, "mlp")
    data = training.dataset(ember, "mlp")
    x, y = data[0:6 * world]
    ember.nn.functional.cross_entropy(net(x), y).backward()
    for rank in saved:
        for i, p in enumerate(net.parameters()):
            np.testing.assert_allclose(rank[f"no_sync/{i}"], p.grad.numpy(), rtol=1e-5, atol=1e-7)
        assert list(rank["state_dict_keys"]) == sorted("module." + k for k in net.state_dict())
    for r, rank in enumerate(saved):
        net.zero_grad()
        x, y = data[6 * r:6 * r + 2]
        ember.nn.functional.cross_entropy(net(x), y).div(3).backward()
        np.testing.assert_allclose(rank["no_sync/local"], net[0].weight.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_buckets_start_while_backward_runs(ranks):
    for rank in ranks[1]:
        started, buckets, unfinished = rank["overlap"]
        assert (started, buckets, unfinished) == (2, 3, 1)


def test_buffers_come_from_rank_0_at_each_forward(ranks):
    import ember
    bn = ember.nn.BatchNorm1d(3)  # rank 0's start (zeros), then the forward's update
    bn(ember.arange(12.0).reshape(4, 3))
    for rank in ranks[1]:
        np.testing.assert_allclose(rank["buffers"], bn.running_mean.numpy(), rtol=1e-6)


def test_find_unused_parameters(ranks):
    world, saved = ranks
    for rank in saved:
        names = sorted({k.split("/")[1] for k in rank if k.startswith("unused/")})
        assert names == ["a.bias", "a.weight", "b.bias", "b.weight", "c.bias", "c.weight"]
        for n in names:
            np.testing.assert_allclose(rank[f"unused/{n}/ddp"], rank[f"unused/{n}/want"], rtol=1e-6)
        assert np.isnan(rank["unused/c.weight/ddp"])  # used nowhere: no gradient, as in PyTorch
        assert "find_unused_parameters=True" in str(rank["unfinished"])

"""Every collective on a 3-rank world against a NumPy reference computed from the ranks' inputs.

One launch runs them all: each rank saves what it put in and what it got back, and the tests
here recompute the expected results from all ranks' inputs."""
import numpy as np
import pytest

from .launch import ember_run, needs_mpi, write

N = 3
DTYPES = ["float32", "float64", "float16", "int32", "int64", "uint8", "bool"]
OPS = ["SUM", "AVG", "PRODUCT", "MIN", "MAX"]

WORLD = """
    import datetime, sys
    import numpy as np
    import torch, torch.distributed as dist

    dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=60))
    r, n = dist.get_rank(), dist.get_world_size()
    rng = np.random.default_rng(100 + r)
    saved = {}

    def sample(dtype, shape):
        if dtype == "bool":
            return rng.random(shape) > 0.5
        if dtype[0] in "iu":
            return rng.integers(1, 4, shape).astype(dtype)
        return rng.uniform(0.5, 2, shape).astype(dtype)

    def run(key, x, call):
        t = torch.from_numpy(x.copy())
        try:
            call(t)
        except RuntimeError as e:
            saved[key + "/error"] = np.array(str(e))
        saved[key + "/in"], saved[key + "/out"] = x, t.numpy()

    for dt in DTYPES:
        for op in OPS:
            red = getattr(dist.ReduceOp, op)
            run(f"all_reduce/{dt}/{op}", sample(dt, (3, 4)), lambda t: dist.all_reduce(t, op=red))
            run(f"reduce/{dt}/{op}", sample(dt, (5,)), lambda t: dist.reduce(t, dst=1, op=red))
        run(f"broadcast/{dt}", sample(dt, (2, 3)), lambda t: dist.broadcast(t, src=2))
        x = sample(dt, (2, 2))
        outs = [torch.zeros(2, 2, dtype=torch.from_numpy(x).dtype) for _ in range(n)]
        dist.all_gather(outs, torch.from_numpy(x))
        saved[f"all_gather/{dt}/in"], saved[f"all_gather/{dt}/out"] = x, np.stack([o.numpy() for o in outs])
    x = sample("float32", (2, 3))
    big = torch.zeros(n * 2, 3)
    dist.all_gather_into_tensor(big, torch.from_numpy(x))
    saved["all_gather_into_tensor/in"], saved["all_gather_into_tensor/out"] = x, big.numpy()
    x = sample("int64", (4,))
    got = [torch.zeros(4, dtype=torch.int64) for _ in range(n)] if r == 1 else None
    dist.gather(torch.from_numpy(x), got, dst=1)
    saved["gather/in"] = x
    if r == 1:
        saved["gather/out"] = np.stack([g.numpy() for g in got])
    parts = sample("float64", (n, 3))
    mine = torch.zeros(3, dtype=torch.float64)
    dist.scatter(mine, [torch.from_numpy(p) for p in parts] if r == 0 else None, src=0)
    saved["scatter/in"], saved["scatter/out"] = parts, mine.numpy()
    for op in ["SUM", "MAX"]:
        x = sample("float32", (n * 2,))
        run(f"reduce_scatter_tensor/{op}", x, lambda t: dist.reduce_scatter_tensor(
            saved.setdefault(f"rst{op}", torch.zeros(2)), t, op=getattr(dist.ReduceOp, op)))
        saved[f"reduce_scatter_tensor/{op}/out"] = saved.pop(f"rst{op}").numpy()
    x = sample("int32", (n, 2))
    out = torch.zeros(2, dtype=torch.int32)
    dist.reduce_scatter(out, [torch.from_numpy(row) for row in x])
    saved["reduce_scatter/in"], saved["reduce_scatter/out"] = x, out.numpy()
    # uneven all-to-all: rank r sends q + 1 rows to rank q, each row 2 wide
    send = np.arange(sum(q + 1 for q in range(n)) * 2, dtype=np.float32).reshape(-1, 2) + 100 * r
    recv = torch.zeros(n * (r + 1), 2)
    dist.all_to_all_single(recv, torch.from_numpy(send), output_split_sizes=[r + 1] * n,
                           input_split_sizes=[q + 1 for q in range(n)])
    saved["all_to_all_single/in"], saved["all_to_all_single/out"] = send, recv.numpy()
    # a ring of point-to-point transfers, blocking one way and non-blocking the other
    x = sample("float64", (3,))
    got = torch.zeros(3, dtype=torch.float64)
    if r % 2 == 0:
        dist.send(torch.from_numpy(x), dst=(r + 1) % n)
        sender = dist.recv(got, src=(r - 1) % n)
    else:
        sender = dist.recv(got)
        dist.send(torch.from_numpy(x), dst=(r + 1) % n)
    saved["send/in"], saved["send/out"], saved["send/sender"] = x, got.numpy(), np.array(sender)
    x = sample("int64", (2,))
    got = torch.zeros(2, dtype=torch.int64)
    works = [dist.isend(torch.from_numpy(x), dst=(r + 1) % n, tag=7), dist.irecv(got, src=(r - 1) % n, tag=7)]
    for w in works:
        w.wait()
    saved["isend/in"], saved["isend/out"] = x, got.numpy()
    # async all-reduce, then a group of ranks 0 and 2
    x = sample("float32", (4,))
    t = torch.from_numpy(x.copy())
    work = dist.all_reduce(t, async_op=True)
    assert work.wait() is True and work.is_completed()
    saved["async/in"], saved["async/out"] = x, t.numpy()
    pair = dist.new_group([0, 2])
    x = sample("float32", (2,))
    t = torch.from_numpy(x.copy())
    dist.all_reduce(t, group=pair)
    saved["group/in"], saved["group/out"] = x, t.numpy()
    saved["group/rank"] = np.array(dist.get_rank(pair))
    objects = [None] * n
    dist.all_gather_object(objects, {"rank": r, "name": f"r{r}"})
    saved["objects/all_gather"] = np.array(repr(objects))
    box = [r, "mine"] if r == 1 else [None, None]
    dist.broadcast_object_list(box, src=1)
    saved["objects/broadcast"] = np.array(repr(box))
    gathered = [None] * n if r == 2 else None
    dist.gather_object(("from", r), gathered, dst=2)
    saved["objects/gather"] = np.array(repr(gathered))
    out = [None]
    dist.scatter_object_list(out, [{"to": q, "pad": "x" * q} for q in range(n)] if r == 1 else None, src=1)
    saved["objects/scatter"] = np.array(repr(out))
    dist.barrier()
    np.savez(f"{sys.argv[1]}/rank{r}.npz", **saved)
    dist.destroy_process_group()
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    needs_mpi()
    tmp = tmp_path_factory.mktemp("collectives")
    script = write(tmp, f"DTYPES, OPS = {DTYPES}, {OPS}\n" + __import__("textwrap").dedent(WORLD))
    proc = ember_run(script, tmp, nproc=N)
    assert proc.returncode == 0, proc.stderr
    return [dict(np.load(tmp / f"rank{r}.npz")) for r in range(N)]


def _ins(world, key):
    return np.stack([w[key + "/in"] for w in world])


def _reduced(op, ins):
    if ins.dtype == bool:
        return ins.any(0) if op in ("SUM", "MAX") else ins.all(0)
    wide = ins.astype(np.float64) if ins.dtype.kind == "f" else ins
    value = {"SUM": wide.sum(0), "AVG": wide.mean(0), "PRODUCT": wide.prod(0), "MIN": wide.min(0),
             "MAX": wide.max(0)}[op]
    return value.astype(ins.dtype)


def _close(got, want):
    tol = 2e-3 if got.dtype == np.float16 else 1e-6
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=tol, atol=0)


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_all_reduce(world, dtype, op):
    key = f"all_reduce/{dtype}/{op}"
    if op == "AVG" and dtype[0] in "iub":  # PyTorch cannot average into an integer tensor either
        torch_name = {"int32": "Int", "int64": "Long", "uint8": "Byte", "bool": "Bool"}[dtype]
        for w in world:
            assert str(w[key + "/error"]) == f"result type Float can't be cast to the desired output type {torch_name}"
            np.testing.assert_array_equal(w[key + "/out"], w[key + "/in"])
        return
    for w in world:
        _close(w[key + "/out"], _reduced(op, _ins(world, key)))


@pytest.mark.parametrize("op", ["SUM", "PRODUCT", "MIN", "MAX"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_reduce_lands_on_dst_only(world, dtype, op):
    key = f"reduce/{dtype}/{op}"
    _close(world[1][key + "/out"], _reduced(op, _ins(world, key)))
    for r in (0, 2):
        np.testing.assert_array_equal(world[r][key + "/out"], world[r][key + "/in"])


@pytest.mark.parametrize("dtype", DTYPES)
def test_broadcast_and_all_gather(world, dtype):
    for w in world:
        np.testing.assert_array_equal(w[f"broadcast/{dtype}/out"], world[2][f"broadcast/{dtype}/in"])
        np.testing.assert_array_equal(w[f"all_gather/{dtype}/out"], _ins(world, f"all_gather/{dtype}"))


def test_gather_scatter_and_all_gather_into_tensor(world):
    np.testing.assert_array_equal(world[1]["gather/out"], _ins(world, "gather"))
    assert all("gather/out" not in world[r] for r in (0, 2))
    for r, w in enumerate(world):
        np.testing.assert_array_equal(w["scatter/out"], world[0]["scatter/in"][r])
        np.testing.assert_array_equal(w["all_gather_into_tensor/out"],
                                      np.concatenate(_ins(world, "all_gather_into_tensor")))


def test_reduce_scatter(world):
    for op in ["SUM", "MAX"]:
        key = f"reduce_scatter_tensor/{op}"
        whole = _reduced(op, _ins(world, key))
        for r, w in enumerate(world):
            _close(w[key + "/out"], whole[2 * r:2 * r + 2])
    whole = _ins(world, "reduce_scatter").sum(0)
    for r, w in enumerate(world):
        np.testing.assert_array_equal(w["reduce_scatter/out"], whole[r])


def test_all_to_all_single_with_uneven_splits(world):
    for r, w in enumerate(world):
        pieces = []
        for q in range(N):
            start = sum(k + 1 for k in range(r))
            pieces.append(world[q]["all_to_all_single/in"][start:start + r + 1])
        np.testing.assert_array_equal(w["all_to_all_single/out"], np.concatenate(pieces))


def test_point_to_point(world):
    for r, w in enumerate(world):
        np.testing.assert_array_equal(w["send/out"], world[(r - 1) % N]["send/in"])
        assert int(w["send/sender"]) == (r - 1) % N
        np.testing.assert_array_equal(w["isend/out"], world[(r - 1) % N]["isend/in"])


def test_async_work_and_groups(world):
    for w in world:
        _close(w["async/out"], _ins(world, "async").sum(0))
    pair = world[0]["group/in"] + world[2]["group/in"]
    _close(world[0]["group/out"], pair)
    _close(world[2]["group/out"], pair)
    assert [int(w["group/rank"]) for w in world] == [0, -1, 1]
    np.testing.assert_array_equal(world[1]["group/out"], world[1]["group/in"])


def test_object_collectives(world):
    everyone = repr([{"rank": r, "name": f"r{r}"} for r in range(N)])
    for r, w in enumerate(world):
        assert str(w["objects/all_gather"]) == everyone
        assert str(w["objects/broadcast"]) == repr([1, "mine"])
        assert str(w["objects/gather"]) == (repr([("from", q) for q in range(N)]) if r == 2 else "None")
        assert str(w["objects/scatter"]) == repr([{"to": r, "pad": "x" * r}])

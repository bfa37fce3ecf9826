import collections
import os

import numpy as np
import pytest

import ember
from ember.serialization import CheckpointError


def test_round_trip_nested(tmp_path):
    obj = {"epoch": 3, "lr": 0.1, "name": "run", "none": None, "nan": float("nan"),
           "model": collections.OrderedDict(w=ember.tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3)),
                                            b=ember.tensor([1, 2, 3])),
           "hist": [1.5, (2, "x")], "mask": ember.tensor([True, False])}
    path = tmp_path / "ck.pt"
    ember.save(obj, path)
    back = ember.load(path)
    assert back["epoch"] == 3 and back["name"] == "run" and back["none"] is None and np.isnan(back["nan"])
    assert isinstance(back["model"], collections.OrderedDict) and list(back["model"]) == ["w", "b"]
    assert back["model"]["w"].dtype == ember.float32 and back["model"]["b"].dtype == ember.int64
    np.testing.assert_array_equal(back["model"]["w"].numpy(), obj["model"]["w"].numpy())
    assert back["hist"] == [1.5, (2, "x")]
    assert back["mask"].tolist() == [True, False]


def test_file_is_safetensors_layout(tmp_path):
    import json
    import struct

    path = tmp_path / "w.pt"
    ember.save({"w": ember.ones(2, 2)}, path)
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    entry = next(v for k, v in header.items() if k != "__metadata__")
    assert entry["dtype"] == "F32" and entry["shape"] == [2, 2]
    assert header["__metadata__"]["format"] == "ember.checkpoint"


def test_unsupported_object_fails_at_save_and_keeps_old_file(tmp_path):
    path = tmp_path / "ck.pt"
    ember.save({"x": ember.ones(1)}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match="cannot store an object of type object"):
        ember.save({"x": object()}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ck.pt"]  # no temporary file left behind


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign", "empty"])
def test_corrupt_files_are_refused(tmp_path, damage):
    path = tmp_path / "ck.pt"
    ember.save({"w": ember.arange(100).float()}, path)
    raw = bytearray(path.read_bytes())
    if damage == "truncate":
        raw = raw[:-17]
    elif damage == "flip":
        raw[-5] ^= 0x10
    elif damage == "foreign":
        raw = bytearray(b"\x89PNG\r\n\x1a\n" + bytes(40))
    else:
        raw = bytearray()
    path.write_bytes(bytes(raw))
    with pytest.raises(CheckpointError, match="ck.pt"):
        ember.load(path)


def test_reads_pytorch_state_dict_without_running_code(tmp_path):
    torch = pytest.importorskip("torch")
    sd = collections.OrderedDict(weight=torch.randn(3, 4), bias=torch.arange(3), t=torch.randn(4, 2).t(),
                                 half=torch.randn(2).half(), scalar=torch.tensor(2.5))
    torch.save(sd, tmp_path / "m.pt")
    back = ember.load(tmp_path / "m.pt")
    assert list(back) == list(sd)
    for k in sd:
        assert str(back[k].dtype) == str(sd[k].dtype)
        np.testing.assert_array_equal(back[k].numpy(), sd[k].numpy())


def test_malicious_pickle_is_refused(tmp_path):
    torch = pytest.importorskip("torch")
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    torch.save({"x": Evil()}, tmp_path / "evil.pt")
    with pytest.raises(RuntimeError, match="refusing to load"):
        ember.load(tmp_path / "evil.pt")
    assert not marker.exists()


def _training_checkpoint():
    ember.manual_seed(0)
    model = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU(), ember.nn.Linear(8, 2))
    opt = ember.optim.Adam(model.parameters(), lr=0.01)
    sched = ember.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    loader_gen = ember.Generator().manual_seed(7)
    for _ in range(3):
        opt.zero_grad()
        model(ember.randn(5, 4)).pow(2).mean().backward()
        opt.step()
        sched.step()
    return {"epoch": 3, "model": model.state_dict(), "optimizer": opt.state_dict(), "lr_scheduler": sched.state_dict(),
            "rng": ember.get_rng_state(), "loader_rng": loader_gen.get_state(), "best": float("inf"),
            "np_rng": np.random.RandomState(0).get_state(), "dtype": ember.float16}, (model, opt, sched)


def test_training_checkpoint_round_trip_and_loads_into_fresh_objects(tmp_path):
    ckpt, (model, opt, sched) = _training_checkpoint()
    ember.save(ckpt, tmp_path / "ck.pt")
    back = ember.load(tmp_path / "ck.pt", weights_only=True)
    assert back["epoch"] == 3 and back["best"] == float("inf") and back["dtype"] is ember.float16
    # optimizer state keys are parameter indices: they must come back as ints, not strings
    assert sorted(back["optimizer"]["state"]) == [0, 1, 2, 3]
    assert back["optimizer"]["param_groups"][0]["betas"] == (0.9, 0.999)
    assert back["lr_scheduler"] == ckpt["lr_scheduler"]
    assert back["np_rng"][0] == "MT19937" and back["np_rng"][1].dtype == np.uint32
    np.testing.assert_array_equal(back["np_rng"][1], ckpt["np_rng"][1])

    fresh = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU(), ember.nn.Linear(8, 2))
    fresh.load_state_dict(back["model"])
    fresh_opt = ember.optim.Adam(fresh.parameters(), lr=0.01)
    fresh_opt.load_state_dict(back["optimizer"])
    fresh_sched = ember.optim.lr_scheduler.StepLR(fresh_opt, step_size=2, gamma=0.5)
    fresh_sched.load_state_dict(back["lr_scheduler"])
    x = ember.randn(3, 4)
    np.testing.assert_array_equal(fresh(x).detach().numpy(), model(x).detach().numpy())
    for p, q in zip(fresh.parameters(), model.parameters()):
        for k, v in opt.state[q].items():
            np.testing.assert_array_equal(fresh_opt.state[p][k].numpy(), v.numpy())
    assert fresh_sched.get_last_lr() == sched.get_last_lr()
    gen = ember.Generator()
    gen.set_state(back["loader_rng"])
    assert ember.randperm(10, generator=gen).tolist() == \
        ember.randperm(10, generator=ember.Generator().manual_seed(7)).tolist()
    ember.set_rng_state(back["rng"])
    a = ember.rand(3)
    ember.set_rng_state(ckpt["rng"])
    np.testing.assert_array_equal(a.numpy(), ember.rand(3).numpy())


def test_types_round_trip(tmp_path):
    p = ember.nn.Parameter(ember.randn(2))
    shared = ember.zeros(3)
    obj = {"param": p, "grad": ember.ones(2, requires_grad=True), "zero_dim": ember.tensor(1.5),
           "empty": ember.zeros(0, 3), "bools": ember.tensor([True]), "f16": ember.ones(2, dtype=ember.float16),
           "i8": ember.tensor([-1], dtype=ember.int8), "i16": ember.tensor([7], dtype=ember.int16),
           "t": ember.arange(6.0).reshape(2, 3).t(), "tied": [shared, shared], "keys": {0: "a", -3: "b", True: 1},
           "np_keys": {np.int64(5): 1}, "np_scalars": [np.float32(0.5), np.int32(3), np.bool_(True)],
           "nested": ((), [[]], {}), "neg_inf": float("-inf"), "big": 2 ** 70, "unicode": "héllo \u2603"}
    ember.save(obj, tmp_path / "t.pt")
    back = ember.load(tmp_path / "t.pt")
    assert type(back["param"]) is ember.nn.Parameter and back["param"].requires_grad
    assert back["grad"].requires_grad and not back["zero_dim"].requires_grad
    assert back["zero_dim"].shape == () and back["zero_dim"].item() == 1.5
    assert back["empty"].shape == (0, 3)
    for k in ("bools", "f16", "i8", "i16", "t"):
        assert back[k].dtype == obj[k].dtype
        np.testing.assert_array_equal(back[k].numpy(), obj[k].numpy())
    assert back["tied"][0] is back["tied"][1]  # one object saved twice loads back as one
    assert back["keys"] == {0: "a", -3: "b", True: 1} and back["np_keys"] == {5: 1}
    assert back["np_scalars"] == [0.5, 3, True]
    assert back["nested"] == ((), [[]], {}) and back["neg_inf"] == float("-inf") and back["big"] == 2 ** 70
    assert back["unicode"] == obj["unicode"]
    back["t"][0, 0] = 9.0  # loaded tensors are writable


def test_file_objects_and_map_location(tmp_path):
    import io

    buf = io.BytesIO()
    buf.write(b"prefix")
    ember.save({"w": ember.ones(2)}, buf)
    buf.seek(6)  # loads from the current position, as PyTorch does
    assert ember.load(buf)["w"].tolist() == [1.0, 1.0]
    ember.save([ember.ones(1)], tmp_path / "m.pt")
    for loc in ("cpu", ember.device("cpu"), {"cpu": "cpu"}, lambda storage, location: storage):
        assert ember.load(tmp_path / "m.pt", map_location=loc)[0].device == ember.device("cpu")


@pytest.mark.parametrize("obj, where", [
    ({"model": {"w": ember.ones(1), "fn": print}}, r"\['model'\]\['fn'\]"),
    ([1, [2, {"x": {3}}]], r"\[1\]\[1\]\['x'\]"),
    ({"m": ember.nn.Linear(1, 1)}, r"\['m'\] \(save its state_dict\(\) instead\)"),
    ({(1, 2): 3}, "dict keys must be str or int"),
    ({"a": np.array(["s"])}, r"dtype <U1 at \['a'\]"),
])
def test_unstorable_objects_name_their_path(tmp_path, obj, where):
    with pytest.raises(TypeError, match=where):
        ember.save(obj, tmp_path / "x.pt")
    assert os.listdir(tmp_path) == []


def test_reference_cycle_is_a_type_error(tmp_path):
    a = {"x": []}
    a["x"].append(a)
    with pytest.raises(TypeError, match=r"\['x'\]\[0\] contains itself"):
        ember.save(a, tmp_path / "x.pt")


def test_saved_file_mode_follows_umask(tmp_path):
    ember.save(ember.ones(1), tmp_path / "m.pt")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "m.pt").stat().st_mode & 0o777 == 0o666 & ~umask


def test_save_through_symlink_keeps_the_link(tmp_path):
    (tmp_path / "real.pt").write_bytes(b"")
    (tmp_path / "link.pt").symlink_to(tmp_path / "real.pt")
    ember.save(ember.ones(2), tmp_path / "link.pt")
    assert (tmp_path / "link.pt").is_symlink()
    assert ember.load(tmp_path / "real.pt").tolist() == [1.0, 1.0]


def test_ember_files_whose_header_length_looks_like_a_pickle_or_zip_load():
    """The 8 length bytes can begin with 0x80 (a pickle's first byte) or 'PK' (a zip's): still Ember's."""
    import io

    seen = set()
    for n in range(1, 400):
        obj = {"k" * n: ember.ones(1)}
        buf = io.BytesIO()
        ember.save(obj, buf)
        raw = buf.getvalue()
        if raw[:1] == b"\x80" or raw[:2] == b"PK":
            seen.add(raw[:1])
            assert list(ember.load(io.BytesIO(raw))) == list(obj)
    assert b"\x80" in seen

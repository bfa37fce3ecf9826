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

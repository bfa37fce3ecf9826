"""Truncated, bit-flipped, foreign and lying files raise CheckpointError naming the file and the problem.

Never another exception type, never a hang, never an allocation the file cannot back."""
import gzip
import hashlib
import io
import json
import random
import struct
import tarfile
import zipfile

import numpy as np
import pytest

import ember
from ember.serialization import CheckpointError

torch = pytest.importorskip("torch")


def _ember_file():
    ember.manual_seed(0)
    model = ember.nn.Linear(16, 8)
    opt = ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(ember.randn(4, 16)).sum().backward()
    opt.step()
    buf = io.BytesIO()
    ember.save({"epoch": 5, "model": model.state_dict(), "optimizer": opt.state_dict(), "rng": ember.get_rng_state()},
               buf)
    return buf.getvalue()


def _torch_file(zip_format):
    torch.manual_seed(0)
    buf = io.BytesIO()
    torch.save({"epoch": 5, "model": torch.nn.Linear(16, 8).state_dict(), "steps": [1, 2.5]}, buf,
               _use_new_zipfile_serialization=zip_format)
    return buf.getvalue()


FILES = {"ember": _ember_file(), "torch-zip": _torch_file(True), "torch-legacy": _torch_file(False)}


def _load(tmp_path, data, name="bad.pt"):
    path = tmp_path / name
    path.write_bytes(bytes(data))
    return ember.load(path)


def _equal(a, b):
    if isinstance(a, ember.Tensor):
        return isinstance(b, ember.Tensor) and a.dtype == b.dtype and a.shape == b.shape and bool(
            np.array_equal(a.numpy(), b.numpy()))
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return a == b


@pytest.mark.parametrize("kind", FILES)
@pytest.mark.parametrize("twentieth", range(20))
def test_truncated_at_every_twentieth(tmp_path, kind, twentieth):
    data = FILES[kind]
    with pytest.raises(CheckpointError, match="bad.pt"):
        _load(tmp_path, data[:len(data) * twentieth // 20])


def test_every_single_bit_flip_in_an_ember_file_is_caught(tmp_path):
    data = FILES["ember"]
    (n,) = struct.unpack("<Q", data[:8])
    rng = random.Random(0)
    # every bit of the length prefix, 150 header positions, 150 data positions
    positions = [(i, b) for i in range(8) for b in range(8)]
    positions += [(rng.randrange(8, 8 + n), rng.randrange(8)) for _ in range(150)]
    positions += [(rng.randrange(8 + n, len(data)), rng.randrange(8)) for _ in range(150)]
    for at, bit in positions:
        flipped = bytearray(data)
        flipped[at] ^= 1 << bit
        with pytest.raises(CheckpointError, match="bad.pt"):
            _load(tmp_path, flipped)


@pytest.mark.parametrize("kind", ["torch-zip", "torch-legacy"])
def test_bit_flips_in_pytorch_files_fail_cleanly(tmp_path, kind):
    """Zip entries carry CRC-32s, so flips in the pickle or the data are caught; flips in fields nothing reads
    (timestamps, padding) change nothing. The legacy format has no checksum: flipped data loads as other
    values, flipped structure fails cleanly."""
    data = FILES[kind]
    original = _load(tmp_path, data, "ok.pt")
    rng = random.Random(1)
    outcomes = {"refused": 0, "same": 0, "other values": 0}
    for _ in range(150):
        flipped = bytearray(data)
        flipped[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        try:
            back = _load(tmp_path, flipped)
        except CheckpointError as e:
            assert "bad.pt" in str(e)
            outcomes["refused"] += 1
            continue
        if _equal(back, original):
            outcomes["same"] += 1
        else:
            assert kind == "torch-legacy", "a flipped zip checkpoint loaded different values"
            outcomes["other values"] += 1
    assert outcomes["refused"] > 0


def _zip(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, raw in entries.items():
            z.writestr(name, raw)
    return out.getvalue()


def _tar():
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as t:
        info = tarfile.TarInfo("storages")
        info.size = 4
        t.addfile(info, io.BytesIO(b"abcd"))
    return out.getvalue()


def _npy():
    out = io.BytesIO()
    np.save(out, np.arange(3))
    return out.getvalue()



FOREIGN = {
    "empty": b"", "one-byte": b"\x00", "png": b"\x89PNG\r\n\x1a\n" + bytes(64), "json": b'{"weights": [1, 2, 3]}',
    "text": b"hello, world\n" * 10, "random": random.Random(2).randbytes(4096), "zeros": bytes(4096),
    "ones": b"\xff" * 4096, "zip-of-text": _zip({"readme.txt": b"not a checkpoint"}), "empty-zip": _zip({}),
    "gzip": gzip.compress(b"data" * 100), "tar": _tar(), "npy": _npy(),
    "elf": b"\x7fELF\x02\x01\x01" + bytes(100), "pdf": b"%PDF-1.7\n" + bytes(100), "pk-only": b"PK",
    "pickle-header-only": b"\x80\x02", "idx": b"\x00\x00\x08\x01\x00\x00\x00\x02\x07\x09",
}


@pytest.mark.parametrize("name", FOREIGN)
def test_foreign_files_are_refused(tmp_path, name):
    with pytest.raises(CheckpointError, match="bad.pt: "):
        _load(tmp_path, FOREIGN[name])


def craft(entries, body=b"", structure=None, meta=None, length=None, raw_header=None):
    """A hostile Ember file: whatever header it likes, with a *valid* digest (the checks must not rely on it)."""
    header = dict(entries)
    header["__metadata__"] = {"format": "ember.checkpoint", "version": "1", "sha256": "0" * 64,
                              "structure": json.dumps(structure if structure is not None else {"__tensor__": "0"}),
                              **(meta or {})}
    head = raw_header if raw_header is not None else json.dumps(header, separators=(",", ":")).encode()
    prefix = struct.pack("<Q", len(head) if length is None else length)
    digest = hashlib.sha256(prefix + head + body).hexdigest().encode()
    return prefix + head.replace(b'"sha256":"' + b"0" * 64 + b'"', b'"sha256":"' + digest + b'"', 1) + body


def _entry(shape, offsets, dtype="F32"):
    return {"0": {"dtype": dtype, "shape": shape, "data_offsets": offsets}}


LYING = {
    "header-length-terabytes": craft(_entry([1], [0, 4]), bytes(4), length=2 ** 40),
    "header-length-2**64-1": craft(_entry([1], [0, 4]), bytes(4), length=2 ** 64 - 1),
    "shape-terabytes": craft(_entry([2 ** 20, 2 ** 20, 2 ** 20], [0, 4]), bytes(4)),
    "shape-overflows-int64-to-zero": craft(_entry([2 ** 32, 2 ** 32, 2 ** 32, 2 ** 32], [0, 0])),
    "shape-negative": craft(_entry([-1, -4], [0, 16]), bytes(16)),
    "shape-float": craft(_entry([1.5], [0, 4]), bytes(4)),
    "shape-bool": craft(_entry([True], [0, 4]), bytes(4)),
    "shape-not-a-list": craft(_entry(7, [0, 4]), bytes(4)),
    "offsets-beyond-file": craft(_entry([1000], [0, 4000]), bytes(4)),
    "offsets-reversed": craft(_entry([1], [4, 0]), bytes(4)),
    "offsets-three": craft(_entry([1], [0, 4, 8]), bytes(4)),
    "offsets-overlap": craft({**_entry([1], [0, 4]), "1": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}},
                             bytes(4)),
    "offsets-gap": craft(_entry([1], [4, 8]), bytes(8)),
    "trailing-bytes": craft(_entry([1], [0, 4]), bytes(12)),
    "dtype-unknown": craft(_entry([1], [0, 4], "F8E4M3"), bytes(4)),
    "dtype-u32-as-tensor": craft(_entry([1], [0, 4], "U32"), bytes(4)),
    "entry-not-a-dict": craft({"0": [1, 2]}, bytes(4)),
    "header-is-a-list": craft({}, raw_header=b"[1, 2, 3]"),
    "header-bad-utf8": craft({}, raw_header=b'{"\xff": 1}'),
    "header-deeply-nested": craft({}, raw_header=b"[" * 100_000 + b"]" * 100_000),
    "no-metadata": craft({}, raw_header=b"{}"),
    "wrong-format": craft(_entry([1], [0, 4]), bytes(4), meta={"format": "other"}),
    "newer-version": craft(_entry([1], [0, 4]), bytes(4), meta={"version": "99"}),
    "version-garbage": craft(_entry([1], [0, 4]), bytes(4), meta={"version": "1.x"}),
    "no-digest": craft(_entry([1], [0, 4]), bytes(4), meta={"sha256": None}),
    "structure-not-a-string": craft(_entry([1], [0, 4]), bytes(4), meta={"structure": 5}),
    "structure-bad-json": craft(_entry([1], [0, 4]), bytes(4), meta={"structure": "{"}),
    "structure-missing-tensor": craft(_entry([1], [0, 4]), bytes(4), structure={"__tensor__": "9"}),
    "structure-unhashable-tensor-key": craft(_entry([1], [0, 4]), bytes(4), structure={"__tensor__": [1]}),
    "structure-unknown-tag": craft(_entry([1], [0, 4]), bytes(4), structure={"__code__": "rm -rf"}),
    "structure-bad-dict-items": craft(_entry([1], [0, 4]), bytes(4), structure={"__dict__": [[1, 2, 3]]}),
    "structure-list-key": craft(_entry([1], [0, 4]), bytes(4), structure={"__dict__": [[[1], 2]]}),
    "structure-bad-float": craft(_entry([1], [0, 4]), bytes(4), structure={"__float__": "lots"}),
    "structure-bad-dtype": craft(_entry([1], [0, 4]), bytes(4), structure={"__dtype__": "complex32"}),
    "structure-deeply-nested": craft(_entry([1], [0, 4]), bytes(4), structure=None,
                                     meta={"structure": "[" * 100_000 + "]" * 100_000}),
}


@pytest.mark.parametrize("name", LYING)
def test_lying_headers_are_refused_before_allocating(tmp_path, name):
    with pytest.raises(CheckpointError, match="bad.pt: "):
        _load(tmp_path, LYING[name])


def plain(entries, body=b"", meta=None):
    """A safetensors file without Ember's metadata, as the safetensors library or Hugging Face write them."""
    header = dict(entries, **({"__metadata__": meta} if meta is not None else {}))
    head = json.dumps(header).encode()
    return struct.pack("<Q", len(head)) + head + body


PLAIN_LYING = {
    "shape-terabytes": plain(_entry([2 ** 20, 2 ** 20, 2 ** 20], [0, 4]), bytes(4)),
    "shape-negative": plain(_entry([-1, -4], [0, 16]), bytes(16)),
    "offsets-beyond-file": plain(_entry([1000], [0, 4000]), bytes(4)),
    "offsets-overlap": plain({**_entry([1], [0, 4]), "1": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}},
                             bytes(4)),
    "offsets-gap": plain(_entry([1], [4, 8]), bytes(8)),
    "trailing-bytes": plain(_entry([1], [0, 4]), bytes(12)),
    "truncated": plain(_entry([4], [0, 16]), bytes(12)),
    "dtype-unknown": plain(_entry([1], [0, 1], "F8_E4M3"), bytes(1)),
    "dtype-unsupported-u32": plain(_entry([1], [0, 4], "U32"), bytes(4)),
    "no-tensors": plain({}),
    "metadata-not-a-dict": plain(_entry([1], [0, 4]), bytes(4), meta=[1]),
    "ember-structure-without-marker": plain(_entry([1], [0, 4]), bytes(4), meta={"structure": '{"__tensor__":"0"}'}),
}


@pytest.mark.parametrize("name", PLAIN_LYING)
def test_lying_plain_safetensors_are_refused(tmp_path, name):
    with pytest.raises(CheckpointError, match="bad.pt: "):
        _load(tmp_path, PLAIN_LYING[name])


def test_honest_plain_safetensors_load(tmp_path):
    back = _load(tmp_path, plain({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                  "b": {"dtype": "I64", "shape": [], "data_offsets": [8, 16]}},
                                 np.array([1.5, -2], np.float32).tobytes() + np.int64(7).tobytes(),
                                 meta={"format": "pt"}))
    assert list(back) == ["w", "b"] and back["w"].tolist() == [1.5, -2.0] and back["b"].item() == 7


def test_crafted_files_load_when_honest(tmp_path):
    """The hostile-file builder above writes real files: an honest one loads."""
    back = _load(tmp_path, craft(_entry([2], [0, 8]), np.array([1.5, -2], np.float32).tobytes()))
    assert back.tolist() == [1.5, -2.0]


def test_error_messages_say_what_is_wrong(tmp_path):
    data = FILES["ember"]
    with pytest.raises(CheckpointError, match="truncated"):
        _load(tmp_path, data[:-3])
    flipped = bytearray(data)
    flipped[-3] ^= 4
    with pytest.raises(CheckpointError, match="checksum mismatch"):
        _load(tmp_path, flipped)
    with pytest.raises(CheckpointError, match="newer Ember"):
        _load(tmp_path, LYING["newer-version"])
    with pytest.raises(CheckpointError, match="not an Ember checkpoint"):
        _load(tmp_path, FOREIGN["png"])

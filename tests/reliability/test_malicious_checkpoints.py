"""Hostile PyTorch files are refused before anything in them runs, with an error naming the file."""
import collections
import copyreg
import io
import os
import pickle
import struct
import zipfile

import numpy as np
import pytest

import ember
from ember import _torch_import
from ember.serialization import CheckpointError

torch = pytest.importorskip("torch")


def torch_zip(pkl, storages=None, extra=None, compress=zipfile.ZIP_STORED, byteorder="little"):
    """A file laid out as torch.save writes it, around a handmade ``data.pkl``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compress) as z:
        z.writestr("archive/data.pkl", pkl)
        z.writestr("archive/byteorder", byteorder)
        for key, raw in (storages or {}).items():
            z.writestr(f"archive/data/{key}", raw)
        for name, raw in (extra or {}).items():
            z.writestr(name, raw)
        z.writestr("archive/version", "3\n")
    return out.getvalue()


def legacy(obj_pickle, keys=b"\x80\x02]q\x00.", tail=b""):
    """PyTorch's pre-1.6 layout: magic number, protocol, system info, the object, its storage keys."""
    head = pickle.dumps(0x1950A86A20F9469CFC6C, 2) + pickle.dumps(1001, 2) + pickle.dumps(
        {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}, 2)
    return head + obj_pickle + keys + tail


def rebuild(storage_pid, offset, size, stride):
    """Protocol-2 opcodes for ``_rebuild_tensor_v2(<storage>, offset, size, stride, False, OrderedDict())``."""
    return (b"ctorch._utils\n_rebuild_tensor_v2\n(" + storage_pid + b"Q" + pickle.dumps(offset, 2)[2:-1]
            + pickle.dumps(tuple(size), 2)[2:-1] + pickle.dumps(tuple(stride), 2)[2:-1]
            + b"\x89ccollections\nOrderedDict\n)RtR")


def storage_pid(key=b"0", numel=4, stype=b"FloatStorage"):
    """Opcodes for the record ``('storage', torch.<stype>, key, 'cpu', numel)``."""
    return (b"(X\x07\x00\x00\x00storage" + b"ctorch\n" + stype + b"\n" + b"X" + struct.pack("<I", len(key)) + key
            + b"X\x03\x00\x00\x00cpu" + pickle.dumps(numel, 2)[2:-1] + b"t")


def evil_reduce(fn, *args):
    class Evil:
        def __reduce__(self):
            return fn, args
    return Evil()


MARKER = "ember_pwned_marker"


def _payloads():
    """(name, file bytes): every one must be refused."""
    cmd = f"touch {MARKER}"
    out = []
    for name, fn, args in [("os.system", os.system, (cmd,)), ("eval", eval, (f"open('{MARKER}', 'w')",)),
                           ("exec", exec, (f"open('{MARKER}', 'w')",)), ("open", open, (MARKER, "w")),
                           ("subprocess", __import__("subprocess").call, (["touch", MARKER],))]:
        for proto in (2, 4):  # GLOBAL and STACK_GLOBAL opcodes
            raw = pickle.dumps({"x": evil_reduce(fn, *args)}, proto)
            out.append((f"{name}-zip-p{proto}", torch_zip(raw)))
        out.append((f"{name}-legacy", legacy(pickle.dumps(evil_reduce(fn, *args), 2))))
    # getattr chains: builtins.getattr(builtins.__import__('os'), 'system')('...')
    out.append(("getattr-chain", torch_zip(
        b"\x80\x02cbuiltins\ngetattr\n(cbuiltins\n__import__\n(X\x02\x00\x00\x00ostRX\x06\x00\x00\x00systemtR"
        b"(X" + struct.pack("<I", len(cmd)) + cmd.encode() + b"tR.")))
    out.append(("getattr-on-allowed", torch_zip(
        b"\x80\x02cbuiltins\ngetattr\n(ccollections\nOrderedDict\nX\x08\x00\x00\x00__init__tR.")))
    # protocol-0/1 opcodes that import: INST and OBJ
    out.append(("INST", torch_zip(b"(S'" + cmd.encode() + b"'\nios\nsystem\n.")))
    out.append(("OBJ", torch_zip(b"(cos\nsystem\nS'" + cmd.encode() + b"'\no.")))
    # a subclass of OrderedDict defined elsewhere (its module would be imported to build it)
    out.append(("OrderedDict-subclass", torch_zip(pickle.dumps(EvilDict(a=1), 2))))
    # PyTorch's tensor-subclass rebuild calls its first argument: a gadget if allowed
    out.append(("_rebuild_from_type_v2", torch_zip(
        b"\x80\x02ctorch._tensor\n_rebuild_from_type_v2\n(cos\nsystem\ncbuiltins\nobject\n(X"
        + struct.pack("<I", len(cmd)) + cmd.encode() + b"t}tR.")))
    subclass = io.BytesIO()
    torch.save(torch.ones(2).as_subclass(MyTensor), subclass)
    out.append(("tensor-subclass", subclass.getvalue()))
    whole_model = io.BytesIO()
    torch.save(torch.nn.Linear(2, 2), whole_model)
    out.append(("whole-module", whole_model.getvalue()))
    for module, name in [("builtins", "__import__"), ("importlib", "import_module"), ("numpy", "load"),
                         ("torch", "load"), ("torch.serialization", "load"), ("shutil", "rmtree"),
                         ("pickle", "loads"), ("posix", "system"), ("runpy", "_run_code"), ("sys", "modules"),
                         ("torch._utils", "_rebuild_qtensor"), ("numpy.core.multiarray", "_reconstruct"),
                         ("collections", "defaultdict"), ("builtins", "type"), ("copyreg", "_reconstructor"),
                         ("torch._utils", "_rebuild_device_tensor_from_numpy"), ("functools", "partial")]:
        out.append((f"GLOBAL {module}.{name}", torch_zip(b"\x80\x02c" + module.encode() + b"\n" + name.encode()
                                                         + b"\n)R.")))
    # a storage key that climbs out of the archive, and an entry named so
    out.append(("zip-slip-key", torch_zip(b"\x80\x02" + rebuild(storage_pid(b"../../../../etc/passwd"), 0, [1], [1])
                                          + b".")))
    out.append(("zip-slip-entry", torch_zip(pickle.dumps([1], 2), extra={"archive/../../evil.txt": b"x"})))
    out.append(("absolute-entry", torch_zip(pickle.dumps([1], 2), extra={"/tmp/evil.txt": b"x"})))
    # a persistent id that is not a storage record
    out.append(("persid", torch_zip(b"\x80\x02X\x04\x00\x00\x00evilQ.")))
    return out


class EvilDict(collections.OrderedDict):
    pass


class MyTensor(torch.Tensor):
    pass


PAYLOADS = _payloads()


@pytest.mark.parametrize("name, data", PAYLOADS, ids=[n for n, _ in PAYLOADS])
def test_malicious_files_are_refused_without_running(tmp_path, monkeypatch, name, data):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "evil.pt"
    path.write_bytes(data)
    with pytest.raises(CheckpointError, match="evil.pt.*refusing"):
        ember.load(path, weights_only=False)
    assert os.listdir(tmp_path) == ["evil.pt"]  # nothing ran, nothing was extracted


def test_extension_registry_codes_go_through_the_allow_list(tmp_path):
    copyreg.add_extension("os", "system", 0xE3B0)
    try:
        with pytest.raises(CheckpointError, match="refusing to load 'os.system'"):
            ember.load(io.BytesIO(torch_zip(b"\x80\x02\x83\xb0\xe3.")))
    finally:
        copyreg.remove_extension("os", "system", 0xE3B0)


def tensor_zip(size, stride, offset=0, numel=4, nbytes=16, key=b"0", stype=b"FloatStorage"):
    return torch_zip(b"\x80\x02" + rebuild(storage_pid(key, numel, stype), offset, size, stride) + b".",
                     {"0": bytes(nbytes)})


def legacy_tensor(keys, count, nbytes):
    return legacy(b"\x80\x02" + rebuild(storage_pid(b"k", 4), 0, [4], [1]) + b".", pickle.dumps(keys, 2),
                  struct.pack("<q", count) + bytes(nbytes))


def patch_central_size(data, entry, field_offset, value):
    """Rewrite a 4-byte size field of ``entry``'s central-directory record (16: CRC, 20: compressed, 24: size)."""
    at = data.index(b"PK\x01\x02")
    while data[at + 46:at + 46 + len(entry)] != entry.encode():
        at = data.index(b"PK\x01\x02", at + 4)
    return data[:at + field_offset] + struct.pack("<I", value) + data[at + field_offset + 4:]


def zip_of(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, raw in entries.items():
            z.writestr(name, raw)
    return out.getvalue()


CORRUPT = [
    ("numel-2**40", tensor_zip([4], [1], numel=2 ** 40)),
    ("numel-mismatch", tensor_zip([4], [1], numel=5)),
    ("size-beyond-storage", tensor_zip([5], [1])),
    ("offset-beyond-storage", tensor_zip([1], [1], offset=4)),
    ("stride-beyond-storage", tensor_zip([2, 2], [3, 1])),
    ("terabyte-expanded-view", tensor_zip([2 ** 20, 2 ** 20], [0, 0])),
    ("exabyte-size", tensor_zip([2 ** 62, 2 ** 62], [0, 0])),
    ("negative-size", tensor_zip([-1], [1])),
    ("negative-stride", tensor_zip([4], [-1], offset=3)),
    ("negative-offset", tensor_zip([1], [1], offset=-1)),
    ("size-stride-lengths", tensor_zip([2, 2], [1])),
    ("missing-storage", tensor_zip([4], [1], key=b"7")),
    ("unsupported-storage", tensor_zip([1], [1], stype=b"BFloat16Storage")),
    ("storage-not-a-storage", torch_zip(b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n(]K\x00K\x01\x85K\x01\x85\x89"
                                        b"ccollections\nOrderedDict\n)RtR.")),
    ("parameter-of-a-string", torch_zip(b"\x80\x02ctorch._utils\n_rebuild_parameter\n(X\x01\x00\x00\x00a\x88"
                                        b"ccollections\nOrderedDict\n)RtR.")),
    ("codecs-other-encoding", torch_zip(b"\x80\x02c_codecs\nencode\n(X\x01\x00\x00\x00aX\x05\x00\x00\x00utf_7tR.")),
    ("no-data.pkl", zip_of({"archive/version": b"3"})),
    ("two-data.pkl", torch_zip(pickle.dumps(1, 2), extra={"other/data.pkl": pickle.dumps(2, 2)})),
    ("bad-byteorder", torch_zip(pickle.dumps(1, 2), byteorder="middle")),
    ("pickle-truncated", torch_zip(pickle.dumps({"a": [1, 2, 3]}, 2)[:-4])),
    ("pickle-garbage", torch_zip(b"\x80\x02\xff\xfe\xfd")),
    # pickle opcodes whose byte counts ask for exabytes (the unpickler allocates before reading)
    ("pickle-BINBYTES8-2**62", torch_zip(b"\x80\x04\x8e" + struct.pack("<Q", 2 ** 62) + b"xx.")),
    ("pickle-BINUNICODE8-2**62", torch_zip(b"\x80\x04\x8d" + struct.pack("<Q", 2 ** 62) + b"xx.")),
    ("pickle-BINBYTES-2**31", torch_zip(b"\x80\x03B" + struct.pack("<I", 2 ** 31 - 1) + b"xx.")),
    ("legacy-pickle-BINBYTES8-2**62", legacy(b"\x80\x04\x8e" + struct.pack("<Q", 2 ** 62) + b"xx.")),
    ("stored-size-lies", patch_central_size(tensor_zip([4], [1]), "archive/data/0", 24, 0xFFFFFFF0)),
    ("crc-lies", patch_central_size(tensor_zip([4], [1]), "archive/data/0", 16, 0x12345678)),
    ("deflate-size-lies", patch_central_size(torch_zip(b"\x80\x02" + rebuild(storage_pid(), 0, [4], [1]) + b".",
                                                       {"0": bytes(16)}, compress=zipfile.ZIP_DEFLATED),
                                             "archive/data/0", 24, 0xFFFFFFF0)),
    ("encrypted-flag", patch_central_size(tensor_zip([4], [1]), "archive/data.pkl", 8 - 2, 0x00010000 | 0x0001)),
    ("legacy-count-lies", legacy_tensor(["k"], 2 ** 40, 16)),
    ("legacy-truncated-storage", legacy_tensor(["k"], 4, 10)),
    ("legacy-keys-mismatch", legacy_tensor(["j"], 4, 16)),
    ("legacy-wrong-magic", legacy(b"")[:4] + b"\x00" + legacy(b"")[5:]),
    ("legacy-bad-protocol", pickle.dumps(0x1950A86A20F9469CFC6C, 2) + pickle.dumps(999, 2)),
    ("legacy-bad-sys-info", pickle.dumps(0x1950A86A20F9469CFC6C, 2) + pickle.dumps(1001, 2) + pickle.dumps([1], 2)),
    ("legacy-storage-outside-object", pickle.dumps(0x1950A86A20F9469CFC6C, 2) + b"\x80\x02" + storage_pid() + b"Q."),
    ("plain-pickle", pickle.dumps({"a": 1}, 2)),
]


@pytest.mark.parametrize("name, data", CORRUPT, ids=[n for n, _ in CORRUPT])
def test_corrupt_and_lying_pytorch_files_are_refused(tmp_path, name, data):
    path = tmp_path / "bad.pt"
    path.write_bytes(data)
    with pytest.raises(CheckpointError, match="bad.pt"):
        ember.load(path)


def test_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(_torch_import, "_BOMB_FLOOR", 1 << 20)  # a 40 MB bomb stands for a 40 GB one
    data = torch_zip(b"\x80\x02" + rebuild(storage_pid(numel=10 << 20), 0, [10 << 20], [1]) + b".",
                     {"0": bytes(40 << 20)}, compress=zipfile.ZIP_DEFLATED)
    assert len(data) < 100_000
    with pytest.raises(CheckpointError, match="decompression bomb"):
        ember.load(io.BytesIO(data))


def test_deflated_files_within_the_limit_load():
    data = torch_zip(b"\x80\x02" + rebuild(storage_pid(numel=4), 0, [2, 2], [2, 1]) + b".",
                     {"0": np.arange(4, dtype=np.float32).tobytes()}, compress=zipfile.ZIP_DEFLATED)
    assert ember.load(io.BytesIO(data)).tolist() == [[0.0, 1.0], [2.0, 3.0]]


def test_shared_and_nested_structures_map_in_linear_time():
    # 60 levels of a list holding the level below twice: 2**60 paths, 60 objects
    pkl = b"\x80\x02]"
    for _ in range(60):
        pkl += b"q\x00(h\x00h\x00l"  # memoize, then a list of it twice
    pkl += b"."
    obj = ember.load(io.BytesIO(torch_zip(pkl)), map_location="cpu")
    assert obj[0] is obj[1]


def test_deep_nesting_is_a_checkpoint_error_when_walked():
    pkl = b"\x80\x02" + b"]" * 200_000 + b"a" * 199_999 + b"."
    with pytest.raises(CheckpointError, match="nested too deeply"):
        ember.load(io.BytesIO(torch_zip(pkl)), map_location="cpu")

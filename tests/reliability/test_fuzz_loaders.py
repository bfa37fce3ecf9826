"""Random bytes and mutated valid files fed to ember.load and to the IDX reader fail with their clear errors only.

``EMBER_FUZZ_EXAMPLES`` raises the number of examples for a deeper run than CI's."""
import gzip
import io
import os
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember
from ember.serialization import CheckpointError
from ember.vision.datasets.mnist import read_idx_array, read_image_file, read_label_file

torch = pytest.importorskip("torch")

EXAMPLES = int(os.environ.get("EMBER_FUZZ_EXAMPLES", "0")) or None  # None: CI's fixed, repeatable sample
FUZZ = settings(max_examples=EXAMPLES or 150, derandomize=EXAMPLES is None, deadline=None,
                   suppress_health_check=list(HealthCheck))


def _ember_file():
    buf = io.BytesIO()
    ember.save({"w": ember.arange(12.0).reshape(3, 4), "step": 3, "opt": {0: {"m": ember.ones(2)}}}, buf)
    return buf.getvalue()


def _torch_file(zip_format):
    buf = io.BytesIO()
    torch.save({"w": torch.arange(12.0).reshape(3, 4), "t": torch.ones(2, 3).t(), "n": [1, 2.5]}, buf,
               _use_new_zipfile_serialization=zip_format)
    return buf.getvalue()


CHECKPOINTS = [_ember_file(), _torch_file(True), _torch_file(False)]


@st.composite
def mutated(draw, seeds):
    """A valid file with a few random edits: bit flips, byte overwrites, cuts, insertions, duplicated spans."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "byte", "truncate", "insert", "delete", "duplicate", "int"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "byte" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        elif kind == "duplicate":
            data[at:at] = data[at:at + draw(st.integers(1, 64))]
        elif kind == "int":  # a size field somewhere made huge or negative
            data[at:at + 8] = struct.pack("<q", draw(st.sampled_from([-1, 2 ** 31, 2 ** 40, 2 ** 62, 2 ** 63 - 1])))
    return bytes(data)


def _load_fails_cleanly(data):
    try:
        ember.load(io.BytesIO(data))
    except CheckpointError as e:
        assert str(e).startswith("<file object>: ")  # names the file, then the problem
    # loading successfully is allowed: a mutation may leave a valid file (e.g. a zip timestamp)


@FUZZ
@given(st.binary(max_size=512))
def test_random_bytes_to_ember_load(data):
    _load_fails_cleanly(data)


@FUZZ
@given(st.sampled_from([b"PK\x03\x04", b"\x80\x02", b"\x80\x02\x8a\x0a", b"\x08\x00\x00\x00\x00\x00\x00\x00"]),
       st.binary(max_size=256))
def test_random_bytes_after_a_known_magic_to_ember_load(magic, rest):
    _load_fails_cleanly(magic + rest)


@FUZZ
@given(mutated(CHECKPOINTS))
def test_mutated_checkpoints_to_ember_load(data):
    _load_fails_cleanly(data)


# --------------------------------------------------------------------- IDX files


def _idx(array, code):
    return bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">I", s) for s in array.shape) + \
        array.astype(array.dtype.newbyteorder(">")).tobytes()


IDX_FILES = [_idx(np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4), 0x08),
             _idx(np.arange(5, dtype=np.uint8), 0x08), _idx(np.arange(6, dtype=np.int32).reshape(2, 3), 0x0C),
             _idx(np.linspace(0, 1, 4).astype(np.float32), 0x0D)]


def _read_fails_cleanly(tmp_path_factory, data, gz=False):
    path = str(tmp_path_factory.mktemp("idx") / ("f.idx" + (".gz" if gz else "")))
    with open(path, "wb") as f:
        f.write(gzip.compress(data) if gz else data)
    for reader in (read_idx_array, read_image_file, read_label_file):
        try:
            reader(path)
        except RuntimeError as e:
            assert path in str(e), str(e)


@FUZZ
@given(st.binary(max_size=64), st.booleans())
def test_random_bytes_to_the_idx_reader(tmp_path_factory, data, gz):
    _read_fails_cleanly(tmp_path_factory, data, gz)


@FUZZ
@given(mutated(IDX_FILES), st.booleans())
def test_mutated_idx_files_to_the_idx_reader(tmp_path_factory, data, gz):
    _read_fails_cleanly(tmp_path_factory, data, gz)


@FUZZ
@given(st.lists(st.integers(0, 2 ** 32 - 1), min_size=1, max_size=4), st.sampled_from([0x08, 0x09, 0x0B, 0x0C,
                                                                                       0x0D, 0x0E]),
       st.binary(max_size=32))
def test_idx_headers_claiming_any_shape(tmp_path_factory, shape, code, body):
    """Shapes up to 2**128 elements: the size check must hold with exact arithmetic, before any allocation."""
    data = bytes([0, 0, code, len(shape)]) + b"".join(struct.pack(">I", s) for s in shape) + body
    _read_fails_cleanly(tmp_path_factory, data)


def test_corrupt_gzip_idx_is_a_clear_error(tmp_path_factory):
    good = gzip.compress(IDX_FILES[0])
    _read_fails_cleanly(tmp_path_factory, good[:len(good) // 2], gz=False)
    path = tmp_path_factory.mktemp("idx") / "t.idx.gz"
    path.write_bytes(good[:len(good) // 2])
    with pytest.raises(RuntimeError, match="Could not read"):
        read_idx_array(str(path))


def test_idx_header_whose_element_count_overflows_int64(tmp_path):
    path = tmp_path / "overflow.idx"
    path.write_bytes(bytes([0, 0, 0x08, 4]) + struct.pack(">IIII", 2 ** 16, 2 ** 16, 2 ** 16, 2 ** 16))
    with pytest.raises(RuntimeError, match="overflow.idx"):
        read_idx_array(str(path))


def test_idx_header_with_a_zero_and_huge_dims(tmp_path):
    path = tmp_path / "huge-empty.idx"
    path.write_bytes(bytes([0, 0, 0x08, 4]) + struct.pack(">IIII", 0, 2 ** 21, 2 ** 21, 2 ** 21))
    with pytest.raises(RuntimeError, match="huge-empty.idx"):
        read_idx_array(str(path))

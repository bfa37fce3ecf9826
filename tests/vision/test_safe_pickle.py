"""CIFAR's pickles are read without running anything: plain data comes back as pickle.loads would give it;
a pickle that imports or calls anything else is refused before it runs."""
import os
import pickle

import numpy as np
import pytest

from ember.vision import datasets as D
from ember.vision.datasets import safe_pickle
from ember.vision.datasets.safe_pickle import RefusedPickleError

import formats


def plain_data(rng):
    return {"data": rng.integers(0, 256, (3, 12), dtype=np.uint8), "labels": [1, 2, 3], "name": "batch 1",
            "floats": rng.standard_normal((2, 3)), "big_endian": np.arange(4, dtype=">i4"),
            "fortran": np.asfortranarray(rng.standard_normal((3, 2)).astype(np.float32)), "raw": b"\x00\xff",
            "no_bytes": b"",
            "nested": ({"x": [1.5, None, True]}, (2, "two")), "empty": np.zeros((0, 5), np.int16)}


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_plain_data_round_trips(protocol):
    obj = plain_data(np.random.default_rng(protocol))
    expected = pickle.loads(pickle.dumps(obj, protocol=protocol))
    got = safe_pickle.loads(pickle.dumps(obj, protocol=protocol))
    assert got.keys() == expected.keys()
    for key in obj:
        if isinstance(obj[key], np.ndarray):
            assert got[key].dtype == expected[key].dtype.newbyteorder("=") and got[key].shape == expected[key].shape
            np.testing.assert_array_equal(got[key], expected[key])
            assert got[key].flags.writeable
        else:
            assert got[key] == expected[key]


class RunsCommand:
    """Unpickling this with pickle would run ``os.system(command)``."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


class EvalsCode:
    def __reduce__(self):
        return eval, ("__import__('os').getcwd()",)


class Object:
    pass


def hostile_pickles(marker):
    rng = np.random.default_rng(0)
    touch = f"touch {marker}"
    return {"os.system": {"data": rng.integers(0, 256, (1, 3072), dtype=np.uint8), "labels": RunsCommand(touch)},
            "eval": [EvalsCode()],
            "class instance": {"labels": Object()},
            "object dtype": np.array([RunsCommand(touch)], dtype=object)}


@pytest.mark.parametrize("what", ["os.system", "eval", "class instance", "object dtype"])
@pytest.mark.parametrize("protocol", [0, 2, 5])
def test_hostile_pickles_are_refused_without_running(tmp_path, what, protocol):
    marker = tmp_path / "ran"
    payload = pickle.dumps(hostile_pickles(marker)[what], protocol=protocol)
    with pytest.raises(RefusedPickleError, match="refused"):
        safe_pickle.loads(payload)
    assert not marker.exists()


def test_hostile_cifar_batch_with_the_right_md5_is_refused(tmp_path):
    """Even a file whose MD5 is the expected one is read as data only."""
    patch = formats.cifar(str(tmp_path), np.random.default_rng(2))
    marker = tmp_path / "ran"
    path = os.path.join(tmp_path, "cifar-10-batches-py", "data_batch_2")
    formats.write_pickle(path, hostile_pickles(marker)["os.system"])
    patch["train_list"][1][1] = formats.md5(path)
    hostile = type("CIFAR10", (D.CIFAR10,), patch)
    with pytest.raises(RuntimeError, match="data_batch_2 is not a CIFAR batch: refused: the pickle asks for "
                                           r"posix.system|data_batch_2 is not a CIFAR batch: refused: the pickle "
                                           r"asks for os.system"):
        hostile(str(tmp_path))
    assert not marker.exists()


@pytest.mark.parametrize("bad, message", [
    ({"data": np.zeros((2, 100), np.uint8), "labels": [0, 1]}, "not an N x 3072 uint8 array"),
    ({"data": np.zeros((2, 3072), np.float32), "labels": [0, 1]}, "not an N x 3072 uint8 array"),
    ({"data": np.zeros((2, 3072), np.uint8), "labels": [0]}, "not a list of 2 ints"),
    (["not", "a", "dict"], "holds a list, not a dict"),
])
def test_well_formed_pickles_of_the_wrong_shape_are_refused(tmp_path, bad, message):
    patch = formats.cifar(str(tmp_path), np.random.default_rng(3))
    path = os.path.join(tmp_path, "cifar-10-batches-py", "test_batch")
    formats.write_pickle(path, bad)
    patch["test_list"][0][1] = formats.md5(path)
    with pytest.raises(RuntimeError, match=message):
        type("CIFAR10", (D.CIFAR10,), patch)(str(tmp_path), train=False)


def test_truncated_pickle_is_reported_as_corrupted(tmp_path):
    patch = formats.cifar(str(tmp_path), np.random.default_rng(4))
    path = os.path.join(tmp_path, "cifar-10-batches-py", "test_batch")
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:len(data) // 2])
    patch["test_list"][0][1] = formats.md5(path)
    with pytest.raises(RuntimeError, match="test_batch is corrupted"):
        type("CIFAR10", (D.CIFAR10,), patch)(str(tmp_path), train=False)

"""default_collate / default_convert against PyTorch's: same structure, container types, dtypes, values."""
import collections

import numpy as np
import pytest

import ember
from ember.utils.data import default_collate, default_convert
from ember.utils.data.collate import CollatedList

torch = pytest.importorskip("torch")
from torch.utils.data import default_collate as torch_collate  # noqa: E402
from torch.utils.data import default_convert as torch_convert  # noqa: E402

Point = collections.namedtuple("Point", "x y")


def to_torch(sample):
    """The same sample with Ember tensors swapped for PyTorch tensors."""
    if isinstance(sample, ember.Tensor):
        return torch.from_numpy(sample.numpy().copy())
    if isinstance(sample, Point):
        return Point(*map(to_torch, sample))
    if isinstance(sample, dict):
        return {k: to_torch(v) for k, v in sample.items()}
    if isinstance(sample, (list, tuple)):
        return type(sample)(map(to_torch, sample))
    return sample


def assert_same_structure(e, t, path="batch"):
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"{path}: {type(e)} instead of a Tensor"
        assert tuple(e.shape) == tuple(t.shape), path
        assert str(e.dtype) == str(t.dtype), f"{path}: {e.dtype} != {t.dtype}"
        np.testing.assert_array_equal(e.numpy(), t.numpy(), err_msg=path)
        return
    assert type(e) is type(t), f"{path}: {type(e).__name__} != {type(t).__name__}"
    if isinstance(t, dict):
        assert list(e) == list(t), path
        for k in t:
            assert_same_structure(e[k], t[k], f"{path}[{k!r}]")
    elif isinstance(t, (list, tuple)):
        assert len(e) == len(t), path
        for i, (a, b) in enumerate(zip(e, t)):
            assert_same_structure(a, b, f"{path}[{i}]")
    else:
        assert e == t, path


def tensor(a):
    return ember.tensor(np.asarray(a))


BATCHES = {
    "ints": [1, 2, 3],
    "floats": [1.5, 2.0],
    "bools": [True, False, True],
    "strings": ["a", "bc"],
    "bytes": [b"x", b"y"],
    "np float32 scalars": [np.float32(1), np.float32(2.5)],
    "np int32 scalars": [np.int32(1), np.int32(7)],
    "np arrays": [np.arange(6).reshape(2, 3), np.ones((2, 3), dtype=np.int64)],
    "np uint8 arrays": [np.zeros((2, 2), np.uint8), np.full((2, 2), 255, np.uint8)],
    "np 0-d arrays": [np.array(1.0), np.array(2.0)],
    "tensors": [tensor([1.0, 2.0]), tensor([3.0, 4.0])],
    "0-d tensors": [tensor(1), tensor(2)],
    "tuples": [(tensor([1.0]), 0, "a"), (tensor([2.0]), 1, "b")],
    "lists": [[1, 2.0], [3, 4.0]],
    "dicts": [{"img": tensor([[1, 2]]), "label": 3, "meta": {"name": "a"}},
              {"img": tensor([[3, 4]]), "label": 5, "meta": {"name": "b"}}],
    "namedtuples": [Point(tensor([1.0]), 1), Point(tensor([2.0]), 2)],
    "nested": [[(1, [2.0, 3.0])], [(4, [5.0, 6.0])]],
}


@pytest.mark.parametrize("name", list(BATCHES))
def test_default_collate_matches_torch(name):
    batch = BATCHES[name]
    assert_same_structure(default_collate(batch), torch_collate(to_torch(batch)))


@pytest.mark.parametrize("name", list(BATCHES))
def test_default_convert_matches_torch(name):
    batch = BATCHES[name]
    assert_same_structure(default_convert(batch), torch_convert(to_torch(batch)))


@pytest.mark.parametrize("batch", [
    [object(), object()],
    [np.array(["a"]), np.array(["b"])],
    [tensor([1.0, 2.0]), tensor([1.0, 2.0, 3.0])],
    [[1, 2], [1]],
], ids=["object", "string array", "ragged tensors", "ragged lists"])
def test_default_collate_errors_match_torch(batch):
    with pytest.raises(Exception) as theirs:
        torch_collate(to_torch(batch))
    with pytest.raises(Exception) as ours:
        default_collate(batch)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


def test_arrays_of_dtypes_tensors_cannot_hold_are_refused():
    with pytest.raises(TypeError, match="datetime64"):  # no tensor holds dates, in PyTorch either
        default_collate([np.zeros(2, "datetime64[D]"), np.zeros(2, "datetime64[D]")])
    out = default_collate([np.zeros(2, np.complex64), np.ones(2, np.complex64)])  # complex ones stack
    assert out.dtype is ember.complex64 and out.shape == (2, 2)


def test_collate_keeps_mapping_type():
    od = [collections.OrderedDict(b=1, a=2), collections.OrderedDict(b=3, a=4)]
    out = default_collate(od)
    assert type(out) is collections.OrderedDict and list(out) == ["b", "a"]
    assert out["a"].tolist() == [2, 4]


def test_collate_stacks_into_new_memory():
    a, b = tensor([1.0]), tensor([2.0])
    out = default_collate([a, b])
    out._data[0] = 9.0
    assert a.item() == 1.0


def test_collated_list_short_circuits_default_collate_only():
    samples = [(tensor([1.0]), 0), (tensor([2.0]), 1)]
    ready = [tensor([[1.0], [2.0]]), tensor([0, 1])]
    batch = CollatedList(samples, ready)
    assert default_collate(batch) is ready
    assert isinstance(batch, list) and batch == samples  # a custom collate_fn sees plain samples
    assert [s[1] for s in batch] == [0, 1]

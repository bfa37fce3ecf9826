"""DataLoader in the main process: PyTorch's argument checks, lengths, batches and the batched-fetch path."""
import multiprocessing

import numpy as np
import pytest

import ember
from ember.utils import data as ed

torch = pytest.importorskip("torch")
from torch.utils import data as td  # noqa: E402


def pair(n=10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n)
    return ed.TensorDataset(ember.tensor(x), ember.tensor(y)), td.TensorDataset(torch.tensor(x), torch.tensor(y))


class Stream(ed.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


class TorchStream(td.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def same_batches(ours, theirs):
    ours, theirs = list(ours), list(theirs)
    assert len(ours) == len(theirs)
    for e, t in zip(ours, theirs):
        e, t = (e, t) if isinstance(t, (list, tuple)) else ([e], [t])
        assert type(e) is type(t) and len(e) == len(t)
        for a, b in zip(e, t):
            if not isinstance(b, torch.Tensor):
                assert a == b
                continue
            assert tuple(a.shape) == tuple(b.shape) and str(a.dtype) == str(b.dtype)
            np.testing.assert_array_equal(a.numpy(), b.numpy())


def raises_like(make_ours, make_theirs):
    with pytest.raises(Exception) as t:
        make_theirs()
    with pytest.raises(type(t.value)) as o:
        make_ours()
    assert str(o.value) == str(t.value)


BAD_ARGS = [
    dict(batch_size=-1), dict(batch_size=0), dict(batch_size=2.0), dict(drop_last=1),
    dict(shuffle=True, sampler=[0, 1]), dict(batch_sampler=[[1]], batch_size=2),
    dict(batch_sampler=[[1]], shuffle=True),
    dict(batch_sampler=[[1]], drop_last=True), dict(batch_size=None, drop_last=True), dict(num_workers=-1),
    dict(timeout=-1), dict(prefetch_factor=2), dict(num_workers=1, prefetch_factor=-1),
    dict(persistent_workers=True), dict(multiprocessing_context="fork"),
    dict(num_workers=1, multiprocessing_context="bogus"), dict(num_workers=1, multiprocessing_context=3),
]


@pytest.mark.parametrize("kwargs", BAD_ARGS, ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()))
def test_argument_errors_match_torch(kwargs):
    ours, theirs = pair()
    raises_like(lambda: ed.DataLoader(ours, **kwargs), lambda: td.DataLoader(theirs, **kwargs))


@pytest.mark.parametrize("kwargs", [dict(shuffle=True), dict(sampler=[1]), dict(batch_sampler=[[1]])])
def test_iterable_dataset_argument_errors_match_torch(kwargs):
    raises_like(lambda: ed.DataLoader(Stream(4), **kwargs), lambda: td.DataLoader(TorchStream(4), **kwargs))


def test_attributes_frozen_after_init():
    ours, theirs = pair()
    for name in ("batch_size", "sampler", "batch_sampler", "drop_last", "dataset", "persistent_workers"):
        raises_like(lambda: setattr(ed.DataLoader(ours), name, 3), lambda: setattr(td.DataLoader(theirs), name, 3))
    loader = ed.DataLoader(ours)
    loader.num_workers = 2  # not frozen in PyTorch either
    assert loader.num_workers == 2


def test_defaults_match_torch():
    ours, theirs = pair()
    e, t = ed.DataLoader(ours), td.DataLoader(theirs)
    assert e.dataset is ours and e.batch_size == t.batch_size == 1
    assert (e.num_workers, e.prefetch_factor, e.drop_last, e.timeout) == (0, None, False, 0)
    assert type(e.sampler).__name__ == type(t.sampler).__name__ == "SequentialSampler"
    assert type(e.batch_sampler).__name__ == "BatchSampler" and e.collate_fn is ed.default_collate
    assert type(ed.DataLoader(ours, shuffle=True).sampler).__name__ == "RandomSampler"
    assert ed.DataLoader(ours, num_workers=2).prefetch_factor == 2
    assert ed.DataLoader(ours, batch_size=None).collate_fn is ed.default_convert
    assert isinstance(ed.DataLoader(ours, num_workers=1, multiprocessing_context="spawn").multiprocessing_context,
                      multiprocessing.context.BaseContext)


@pytest.mark.parametrize("kwargs", [dict(), dict(batch_size=3), dict(batch_size=3, drop_last=True),
                                    dict(batch_size=20), dict(batch_size=None),
                                    dict(batch_sampler=[[0, 1], [5, 2, 9], [4]]),
                                    dict(sampler=[3, 1, 2], batch_size=2)])
def test_batches_and_len_match_torch(kwargs):
    ours, theirs = pair()
    e, t = ed.DataLoader(ours, **kwargs), td.DataLoader(theirs, **kwargs)
    assert len(e) == len(t)
    same_batches(e, t)


@pytest.mark.parametrize("kwargs", [dict(batch_size=2), dict(batch_size=3, drop_last=True), dict(batch_size=None)])
def test_iterable_dataset_matches_torch(kwargs):
    e, t = ed.DataLoader(Stream(7), **kwargs), td.DataLoader(TorchStream(7), **kwargs)
    assert len(e) == len(t)
    same_batches(e, t)


def test_iterable_dataset_without_len():
    class NoLen(ed.IterableDataset):
        def __iter__(self):
            return iter([1, 2, 3])

    loader = ed.DataLoader(NoLen(), batch_size=2)
    assert [b.tolist() for b in loader] == [[1, 2], [3]]
    with pytest.raises(TypeError):
        len(loader)


def test_shuffle_is_a_permutation_and_reproducible():
    ours, _ = pair(20)

    def epoch(**kwargs):
        return [int(i) for _, y in ed.DataLoader(ours, batch_size=6, shuffle=True, **kwargs) for i in y]

    ember.manual_seed(0)
    first = epoch()
    assert sorted(first) == list(range(20)) and first != list(range(20))
    ember.manual_seed(0)
    assert epoch() == first
    assert epoch(generator=ember.Generator().manual_seed(4)) == epoch(generator=ember.Generator().manual_seed(4))


def test_custom_collate_fn_sees_samples():
    ours, _ = pair()
    seen = []

    def collate(samples):
        seen.append(samples)
        return len(samples)

    assert list(ed.DataLoader(ours, batch_size=4, collate_fn=collate)) == [4, 4, 2]
    assert [int(s[1]) for s in seen[0]] == [0, 1, 2, 3]


def test_getitems_fetches_each_batch_in_one_call():
    class Batched(ed.Dataset):
        def __init__(self):
            self.calls = []

        def __getitem__(self, i):
            raise AssertionError("__getitem__ must not be used when __getitems__ exists")

        def __getitems__(self, indices):
            self.calls.append(list(indices))
            return [i * 10 for i in indices]

        def __len__(self):
            return 5

    ds = Batched()
    assert [b.tolist() for b in ed.DataLoader(ds, batch_size=2)] == [[0, 10], [20, 30], [40]]
    assert ds.calls == [[0, 1], [2, 3], [4]]


def test_dict_samples():
    class Dicts(ed.Dataset):
        def __getitem__(self, i):
            return {"x": np.full(2, i, np.float32), "name": f"s{i}"}

        def __len__(self):
            return 3

    batch = next(iter(ed.DataLoader(Dicts(), batch_size=3)))
    assert batch["x"].shape == (3, 2) and batch["x"].dtype == ember.float32 and batch["name"] == ["s0", "s1", "s2"]


def test_pin_memory_without_accelerator_warns_and_works():
    ours, _ = pair()
    with pytest.warns(UserWarning, match="pin_memory"):
        loader = ed.DataLoader(ours, batch_size=5, pin_memory=True)
    assert len(list(loader)) == 2


def test_iterator_len_and_exhaustion():
    ours, _ = pair()
    it = iter(ed.DataLoader(ours, batch_size=4))
    assert len(it) == 3
    assert len(list(it)) == 3
    with pytest.raises(StopIteration):
        next(it)

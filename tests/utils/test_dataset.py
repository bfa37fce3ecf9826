"""Datasets and random_split: PyTorch's behaviour, messages and batched fetching."""
import warnings

import numpy as np
import pytest

import ember
from ember.utils import data as ed

torch = pytest.importorskip("torch")
from torch.utils import data as td  # noqa: E402


def raises_like(ours, theirs):
    """Both callables raise the same exception type with the same message."""
    with pytest.raises(Exception) as t:
        theirs()
    with pytest.raises(type(t.value)) as o:
        ours()
    assert str(o.value) == str(t.value)


def make(m, n=10):
    return m.tensor(np.arange(n * 2, dtype=np.float32).reshape(n, 2)), m.tensor(np.arange(n))


class TorchRange(td.IterableDataset):
    def __iter__(self):
        return iter(range(3))


class Range(ed.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def test_tensor_dataset_items_and_len():
    x, y = make(ember)
    ds = ed.TensorDataset(x, y)
    assert len(ds) == 10
    a, b = ds[3]
    assert a.tolist() == [6.0, 7.0] and b.item() == 3 and b.dtype == ember.int64
    assert ds[-1][1].item() == 9


def test_tensor_dataset_size_mismatch():
    raises_like(lambda: ed.TensorDataset(ember.zeros(2), ember.zeros(3)),
                lambda: td.TensorDataset(torch.zeros(2), torch.zeros(3)))


def test_tensor_dataset_getitems_is_the_collated_batch():
    x, y = make(ember)
    ds = ed.TensorDataset(x, y)
    samples = ds.__getitems__([4, 1, 7])
    assert [int(s[1]) for s in samples] == [4, 1, 7]
    bx, by = ed.default_collate(samples)
    assert bx.tolist() == [[8.0, 9.0], [2.0, 3.0], [14.0, 15.0]] and by.tolist() == [4, 1, 7]
    tx, ty = td.default_collate([td.TensorDataset(*make(torch))[i] for i in (4, 1, 7)])
    np.testing.assert_array_equal(bx.numpy(), tx.numpy())
    assert str(by.dtype) == str(ty.dtype)


def test_tensor_dataset_keeps_gradients():
    x = ember.tensor(np.ones((3, 2), np.float32), requires_grad=True)
    row = ed.TensorDataset(x)[1][0]
    assert row.requires_grad


def test_dataset_base_class():
    raises_like(lambda: ed.Dataset()[0], lambda: td.Dataset()[0])
    raises_like(lambda: len(ed.Dataset()), lambda: len(td.Dataset()))


def test_add_concatenates():
    a, b = ed.TensorDataset(*make(ember, 3)), ed.TensorDataset(*make(ember, 4))
    both = a + b
    assert isinstance(both, ed.ConcatDataset) and len(both) == 7
    assert [int(both[i][1]) for i in range(7)] == [0, 1, 2, 0, 1, 2, 3]
    assert int(both[-1][1]) == 3 and int(both[-7][1]) == 0
    assert both.cumulative_sizes == [3, 7]
    chained = Range(2) + Range(3)
    assert isinstance(chained, ed.ChainDataset) and list(chained) == [0, 1, 0, 1, 2] and len(chained) == 5


def test_concat_errors_match_torch():
    raises_like(lambda: ed.ConcatDataset([]), lambda: td.ConcatDataset([]))
    raises_like(lambda: ed.ConcatDataset([Range(3)]), lambda: td.ConcatDataset([TorchRange()]))
    ours = ed.ConcatDataset([ed.TensorDataset(*make(ember))])
    theirs = td.ConcatDataset([td.TensorDataset(*make(torch))])
    raises_like(lambda: ours[-11], lambda: theirs[-11])
    raises_like(lambda: ours[10], lambda: theirs[10])
    with pytest.warns(DeprecationWarning):
        assert ours.cummulative_sizes == [10]


def test_subset_and_its_batched_fetch():
    base = ed.TensorDataset(*make(ember))
    sub = ed.Subset(base, [9, 3, 5])
    assert len(sub) == 3 and int(sub[0][1]) == 9
    batch = ed.default_collate(sub.__getitems__([2, 0]))
    assert batch[1].tolist() == [5, 9]
    plain = ed.Subset([10, 20, 30], [2, 0])  # any indexable works, fetched one by one
    assert plain.__getitems__([0, 1]) == [30, 10]


def test_stack_dataset():
    a, b = [1, 2, 3], ["x", "y", "z"]
    assert ed.StackDataset(a, b)[1] == (2, "y")
    assert ed.StackDataset(n=a, s=b)[2] == {"n": 3, "s": "z"}
    assert len(ed.StackDataset(a, b)) == 3
    raises_like(lambda: ed.StackDataset(a, [1]), lambda: td.StackDataset(a, [1]))


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.7], [0.33, 0.33, 0.34], [0.5, 0.5]])
def test_random_split_lengths_match_torch(lengths):
    ours = ed.random_split(ed.TensorDataset(*make(ember)), lengths)
    theirs = td.random_split(td.TensorDataset(*make(torch)), lengths)
    assert [len(s) for s in ours] == [len(s) for s in theirs]
    indices = sorted(i for s in ours for i in s.indices)
    assert indices == list(range(10))


@pytest.mark.parametrize("lengths", [[3, 3], [0.5, 1.5], [-0.5, 1.5]])
def test_random_split_errors_match_torch(lengths):
    raises_like(lambda: ed.random_split(ed.TensorDataset(*make(ember)), lengths),
                lambda: td.random_split(td.TensorDataset(*make(torch)), lengths))


def test_random_split_zero_length_warns():
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        ed.random_split(list(range(3)), [1.0, 0.0])


def test_random_split_is_reproducible():
    def split(**kwargs):
        return [s.indices for s in ed.random_split(list(range(20)), [5, 15], **kwargs)]

    ember.manual_seed(3)
    first = split()
    ember.manual_seed(3)
    assert split() == first
    g = ember.Generator().manual_seed(7)
    with_gen = split(generator=g)
    assert split(generator=ember.Generator().manual_seed(7)) == with_gen
    assert split(generator=g) != with_gen  # the generator's stream moved on


def test_iterable_dataset_requires_iter():
    with pytest.raises(NotImplementedError):
        iter(ed.IterableDataset())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(Range(3)) == [0, 1, 2]

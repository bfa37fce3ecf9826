"""Samplers: PyTorch's validation, lengths, distributions, and reproducibility through Ember's RNG."""
import collections

import pytest

import ember
from ember.utils import data as ed

torch = pytest.importorskip("torch")
from torch.utils import data as td  # noqa: E402


def raises_like(ours, theirs):
    with pytest.raises(Exception) as t:
        theirs()
    with pytest.raises(type(t.value)) as o:
        ours()
    assert str(o.value) == str(t.value)


DATA = list(range(10))


def test_sequential():
    assert list(ed.SequentialSampler(DATA)) == DATA and len(ed.SequentialSampler(DATA)) == 10


def test_random_sampler_is_a_permutation_seeded_by_manual_seed():
    ember.manual_seed(0)
    first = list(ed.RandomSampler(DATA))
    assert sorted(first) == DATA and first != DATA
    ember.manual_seed(0)
    assert list(ed.RandomSampler(DATA)) == first
    assert list(ed.RandomSampler(DATA)) != first  # the next epoch differs


def test_random_sampler_generator():
    order = list(ed.RandomSampler(DATA, generator=ember.Generator().manual_seed(5)))
    assert list(ed.RandomSampler(DATA, generator=ember.Generator().manual_seed(5))) == order


@pytest.mark.parametrize("num_samples", [3, 10, 25])
def test_random_sampler_num_samples_without_replacement(num_samples):
    out = list(ed.RandomSampler(DATA, num_samples=num_samples))
    assert len(out) == num_samples == len(ed.RandomSampler(DATA, num_samples=num_samples))
    for k in range(num_samples // 10):  # each full pass is a permutation
        assert sorted(out[10 * k:10 * (k + 1)]) == DATA
    assert len(set(out[10 * (num_samples // 10):])) == num_samples % 10


def test_random_sampler_with_replacement():
    out = list(ed.RandomSampler(DATA, replacement=True, num_samples=1000))
    assert len(out) == 1000 and set(out) <= set(DATA) and len(set(out)) == 10


@pytest.mark.parametrize("kwargs", [dict(replacement=1), dict(num_samples=0), dict(num_samples=1.0),
                                    dict(num_samples=-3)])
def test_random_sampler_errors_match_torch(kwargs):
    raises_like(lambda: ed.RandomSampler(DATA, **kwargs), lambda: td.RandomSampler(DATA, **kwargs))


def test_subset_random_sampler():
    ember.manual_seed(1)
    out = list(ed.SubsetRandomSampler([5, 7, 9]))
    assert sorted(out) == [5, 7, 9] and len(ed.SubsetRandomSampler([5, 7, 9])) == 3
    ember.manual_seed(1)
    assert list(ed.SubsetRandomSampler([5, 7, 9])) == out


def test_weighted_random_sampler_follows_the_weights():
    ember.manual_seed(0)
    out = list(ed.WeightedRandomSampler([0.1, 0.0, 0.9], 4000))
    counts = collections.Counter(out)
    assert counts[1] == 0 and 0.85 < counts[2] / 4000 < 0.95
    assert len(ed.WeightedRandomSampler([1, 2], 7)) == 7


def test_weighted_random_sampler_without_replacement():
    out = list(ed.WeightedRandomSampler([1.0, 0.0, 5.0, 2.0], 4, replacement=False))
    assert sorted(out) == [0, 1, 2, 3] and out[-1] == 1  # a zero weight can only come last
    assert list(ed.WeightedRandomSampler([1, 0], 2, replacement=False)) == [0, 1]


@pytest.mark.parametrize("args,kwargs", [
    (([1, 2], 0), {}), (([1, 2], 2), dict(replacement=0)), (([[1, 2]], 2), {})])
def test_weighted_random_sampler_errors_match_torch(args, kwargs):
    raises_like(lambda: ed.WeightedRandomSampler(*args, **kwargs), lambda: td.WeightedRandomSampler(*args, **kwargs))


@pytest.mark.parametrize("args,kwargs", [
    (([1, -1], 2), {}), (([0, 0], 2), {}), (([1, 0], 3), dict(replacement=False))])
def test_weighted_random_sampler_draw_errors_match_torch(args, kwargs):
    raises_like(lambda: list(ed.WeightedRandomSampler(*args, **kwargs)),
                lambda: list(td.WeightedRandomSampler(*args, **kwargs)))


@pytest.mark.parametrize("n,size,drop_last", [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, False),
                                              (2, 5, True), (0, 2, False)])
def test_batch_sampler_matches_torch(n, size, drop_last):
    ours = ed.BatchSampler(ed.SequentialSampler(range(n)), size, drop_last)
    theirs = td.BatchSampler(td.SequentialSampler(range(n)), size, drop_last)
    assert list(ours) == list(theirs) and len(ours) == len(theirs)


@pytest.mark.parametrize("size,drop_last", [(0, False), (-1, False), (2.0, False), (True, False), (2, 0)])
def test_batch_sampler_errors_match_torch(size, drop_last):
    raises_like(lambda: ed.BatchSampler(DATA, size, drop_last), lambda: td.BatchSampler(DATA, size, drop_last))


@pytest.mark.parametrize("n,replicas,shuffle,drop_last", [(10, 3, False, False), (10, 3, False, True),
                                                          (10, 3, True, False), (12, 4, True, True)])
def test_distributed_sampler_partitions_like_torch(n, replicas, shuffle, drop_last):
    shards = [list(ed.DistributedSampler(range(n), replicas, r, shuffle=shuffle, drop_last=drop_last))
              for r in range(replicas)]
    theirs = [td.DistributedSampler(range(n), replicas, r, shuffle=shuffle, drop_last=drop_last)
              for r in range(replicas)]
    assert [len(s) for s in shards] == [len(t) for t in theirs]
    if not shuffle:
        assert shards == [list(t) for t in theirs]
    flat = [i for s in shards for i in s]
    assert set(flat) <= set(range(n)) and (drop_last or set(flat) == set(range(n)))


def test_distributed_sampler_epochs():
    s = ed.DistributedSampler(range(10), 2, 0)
    first = list(s)
    assert list(s) == first
    s.set_epoch(1)
    assert list(s) != first

"""index_copy/fill/put, put, scatter_reduce, index_reduce and masked_scatter_ against PyTorch."""
import numpy as np
import pytest

from tests.diff import check

torch = pytest.importorskip("torch")
rng = np.random.default_rng(4)


def test_index_copy_and_fill():
    idx = np.array([2, 0])
    check(lambda m, a, s, i: (m.index_copy(a, 1, i, s), a.index_copy(1, i, s), a.clone().index_copy_(1, i, s)),
          [(3, 4), (3, 2), idx])
    check(lambda m, a, i: (a.index_fill(0, i, 2.5), m.index_fill(a, 1, i, -1.0), a.clone().index_fill_(1, i, 3)),
          [(3, 4), idx])
    check(lambda m, a, v, i: a.index_fill(1, i, v.sum()), [(3, 4), (2,), idx])
    check(lambda m, a, s, i: m.index_copy(a, 0, i, s), [(3, 4), (2, 4), np.array([0, 5])])


def test_index_put_and_put():
    rows, cols = np.array([0, 2, 0]), np.array([1, 3, 1])
    check(lambda m, a, v, r, c: (m.index_put(a, (r, c), v), a.index_put((r, c), v, accumulate=True),
                                 a.clone().index_put_((r,), v[:1].reshape(1, 1))), [(3, 4), (3,), rows, cols])
    check(lambda m, a, s, i: (m.put(a, i, s), a.put(i, s, accumulate=True), a.clone().put_(i, s)),
          [(3, 4), (3,), np.array([0, 11, -1])])
    check(lambda m, a, s, i: a.put(i, s), [(3, 4), (3,), np.array([0, 12, 1])])


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce(reduce, include_self):
    index = np.array([[0, 1, 0, 2], [2, 2, 1, 0]])
    src = rng.integers(-3, 4, (2, 4)).astype("float32")  # small integers: ties for amax/amin, zeros for prod
    check(lambda m, a, s, i: (m.scatter_reduce(a, 1, i, s, reduce, include_self=include_self),
                              a.scatter_reduce(0, i[:, :3] % 2, s[:, :3], reduce, include_self=include_self)),
          [rng.integers(-2, 3, (3, 4)).astype("float32"), src, index])
    check(lambda m, a, s, i: a.clone().scatter_reduce_(1, i, s, reduce, include_self=include_self),
          [(2, 4), (2, 4), index], grad=False)
    check(lambda m, a, s, i: m.scatter_reduce(a, 1, i, s, reduce, include_self=include_self),
          [np.arange(8).reshape(2, 4), np.arange(8).reshape(2, 4), index])


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
def test_index_reduce(reduce):
    check(lambda m, a, s, i: (m.index_reduce(a, 0, i, s, reduce), a.index_reduce(0, i, s, reduce, include_self=False),
                              a.clone().index_reduce_(0, i, s, reduce)), [(3, 2), (4, 2), np.array([0, 2, 0, 1])])


def test_reduce_errors_and_masked_scatter_in_place():
    check(lambda m, a, s, i: m.scatter_reduce(a, 0, i, s, "foo"), [(3,), (2,), np.array([0, 1])])
    check(lambda m, a, s, i: m.index_reduce(a, 0, i, s, "sum"), [(3,), (2,), np.array([0, 1])])
    mask = np.array([[True, False, True], [False, True, False]])
    check(lambda m, a, s, k: (a.clone().masked_scatter_(k, s), a.clone().masked_scatter_(k[0], s)),
          [(2, 3), (6,), mask])

"""The extra shape functions against PyTorch: values, shapes, gradients, errors."""
import numpy as np
import pytest

import ember
from tests.diff import check

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("k", [-1, 0, 1, 2, 3, 5])
def test_rot90(k):
    check(lambda m, a: (m.rot90(a, k), a.rot90(k, [1, 2]), m.rot90(a, k, (-1, 0))), [(2, 3, 4)])


def test_flips_and_stacks():
    check(lambda m, a: (m.fliplr(a), m.flipud(a), a.fliplr()), [(3, 4)])
    check(lambda m, a: m.fliplr(a), [(3,)])
    check(lambda m, a, b: (m.dstack([a, b]), m.column_stack([a, b]), m.row_stack([a, b]), m.dstack([a[0], b[0]]),
                           m.column_stack([a[0], b[0]])), [(2, 3), (2, 3)])


def test_tensor_split_family():
    check(lambda m, a: (a.tensor_split(3), m.tensor_split(a, [1, 4], dim=1), m.tensor_split(a, 2, 1),
                        m.hsplit(a, 5), m.vsplit(a, [1]), a.hsplit([2, 3])), [(4, 5)])
    check(lambda m, a: m.dsplit(a, 2), [(2, 3, 4)])
    check(lambda m, a: m.hsplit(a, 3), [(4, 5)])
    check(lambda m, a: m.tensor_split(a, m.tensor([1, 2])), [(4,)])


def test_repeat_interleave_ravel_take():
    check(lambda m, a: (a.repeat_interleave(2), m.repeat_interleave(a, 3, dim=1),
                        m.repeat_interleave(a, m.tensor([1, 0, 2]), dim=0), a.ravel()), [(3, 2)])
    check(lambda m, r: m.repeat_interleave(r), [np.array([2, 0, 3])])
    check(lambda m, a, i: (m.take(a, i), a.take(i)), [(3, 4), np.array([[0, 11], [5, -1]])])
    check(lambda m, a, i: (m.take_along_dim(a, i, 1), m.take_along_dim(a, i.flatten()[:2]),
                           m.take_along_dim(a, a.argsort(0), 0)), [(3, 4), np.array([[0], [3], [1]])])


def test_as_strided_and_unfold():
    check(lambda m, a: (m.as_strided(a, (2, 2), (1, 2)), a.as_strided((3,), (2,), 1), a.as_strided((2, 2), (1, 1))),
          [(3, 4)])
    check(lambda m, a: a.as_strided((5, 5), (4, 1)), [(3, 4)])
    check(lambda m, a: (a.unfold(1, 2, 1), a.unfold(0, 2, 2), a.unfold(-1, 3, 2)), [(4, 6)])
    check(lambda m, a: a.unfold(0, 5, 1), [(4, 6)])
    x = ember.zeros(3, 4)
    view = x.as_strided((2, 2), (1, 2))
    x[0, 2] = 5.0  # a view: it sees writes into the tensor
    assert view[0, 1].item() == 5.0


def test_block_diag_kron_tensordot_msort():
    check(lambda m, a, b, c: m.block_diag(a, b, c), [(2, 3), (1, 1), (3,)])
    check(lambda m, a, b: (m.kron(a, b), m.kron(a[0], b), a.kron(b[0])), [(2, 3), (3, 2)])
    check(lambda m, a, b: (m.tensordot(a, b, 1), m.tensordot(a, b, ([1, 2], [0, 1])),
                           m.tensordot(a, b, dims=([2], [1])), m.tensordot(a, b, 0)), [(2, 3, 4), (3, 4, 2)])
    check(lambda m, a: (m.msort(a), a.msort()), [(4, 3)])

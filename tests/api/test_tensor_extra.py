"""The smaller Tensor API pieces against PyTorch."""
import numpy as np
import pytest

import ember
from tests.diff import check

torch = pytest.importorskip("torch")


def test_scatter_family_and_diagflat():
    check(lambda m, a, s: (m.select_scatter(a, s[0], 0, 1), a.slice_scatter(s[:, :1], 1, 1, 2),
                           m.diagonal_scatter(a, s[0, :3]), m.diagonal_scatter(a, s[0, :3], 1, 0, 1)[..., :1]),
          [(3, 4), (3, 4)])
    check(lambda m, a, s: m.slice_scatter(a, s, 0, 0, 3, 2), [(3, 4), (2, 4)])
    check(lambda m, a, s: m.select_scatter(a, s, 0, 0), [(3, 4), (3,)])
    check(lambda m, a: (m.diagflat(a), m.diagflat(a, -1), a.diagflat(2)), [(2, 2)])


def test_sizes_and_indices():
    check(lambda m, a: (a.sum_to_size(1, 4), a.sum_to_size((3, 1)), a.sum_to_size(4), a.split_with_sizes([1, 2])),
          [(3, 4)])
    check(lambda m, a: a.sum_to_size(2, 4), [(3, 4)])
    check(lambda m, a: a.split_with_sizes([1, 1]), [(3, 4)])
    check(lambda m, i: (m.unravel_index(i, (3, 4)), m.unravel_index(i, (2, 2, 3))), [np.array([0, 5, 11, -1])])
    check(lambda m, i: m.unravel_index(i, (3, 4)), [np.array([12])])


def test_renorm_and_in_place_scans():
    check(lambda m, a: (m.renorm(a, 2, 0, 1.5), a.renorm(1, 1, 2.0), a.clone().renorm_(3, 0, 1.0)), [(3, 4)])
    check(lambda m, a: (a.clone().cumsum_(1), a.clone().cumprod_(0)), [(3, 4)])


@pytest.mark.parametrize("wrap", [False, True])
def test_fill_diagonal(wrap):
    check(lambda m, a: (a.clone().fill_diagonal_(5.0, wrap), a[:3, :3].clone().fill_diagonal_(-1)), [(7, 3)],
          grad=False)
    check(lambda m, a: a.clone().fill_diagonal_(2.0, wrap), [(2, 2, 2)], grad=False)


def test_random_fills_have_the_right_distribution():
    ember.manual_seed(0)
    n = 20000
    c = ember.empty(n).cauchy_(1.0, 2.0)
    assert abs(c.median().item() - 1.0) < 0.1
    ln = ember.empty(n).log_normal_(0.5, 0.25)
    assert abs(ln.log().mean().item() - 0.5) < 0.01 and abs(ln.log().std().item() - 0.25) < 0.01
    g = ember.empty(n).geometric_(0.25)
    assert g.min().item() >= 1 and abs(g.mean().item() - 4.0) < 0.15


def test_predicates_and_small_functions():
    check(lambda m, a, b: (a.is_signed(), b.is_signed(), a.is_same_size(b), a.isreal(), m.isreal(b),
                           a.get_device(), a.is_inference(), a[0, :1].is_nonzero()),
          [(2, 3), np.array([[1, 2, 3], [4, 5, 6]], dtype="uint8")], grad=False)
    check(lambda m, a: a.is_nonzero(), [(2, 3)])
    complex_values = np.array([1 + 2j, 3 + 0j, -1j, 0j], dtype="complex64")
    check(lambda m, a: (a.is_signed(), a.isreal(), m.isreal(a)), [complex_values], grad=False)
    check(lambda m, a: m.isreal(a), [np.array([True, False])], grad=False)
    check(lambda m: (m.scalar_tensor(3), m.scalar_tensor(2, dtype=m.int64)), [])
    with pytest.warns(UserWarning, match="deprecated"):
        check(lambda m: (m.range(0, 3), m.range(1, 2, 0.25), m.range(0, 4, dtype=m.int64)), [])

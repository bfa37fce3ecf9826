"""The *_copy functions, unsafe splits, empty_strided, as_strided_scatter, fill and detach."""
import numpy as np
import pytest

import ember
from tests.diff import check, gradcheck64

torch = pytest.importorskip("torch")


def test_copy_forms_of_views_are_copies_with_gradients():
    check(lambda m, a: (m.view_copy(a, (6, 4)), m.t_copy(a[0]), m.transpose_copy(a, 0, 2), m.permute_copy(a, (2, 0, 1)),
                        m.narrow_copy(a, 1, 0, 2), a.narrow_copy(2, 1, 2), m.select_copy(a, 0, 1),
                        m.slice_copy(a, 2, 1, 4, 2), m.squeeze_copy(a[:1]), m.unsqueeze_copy(a, 1),
                        m.expand_copy(a[:1], (3, 3, 4)), m.diagonal_copy(a, 0, 1, 2), m.unbind_copy(a, 1),
                        m.split_copy(a, 2, 2), m.split_with_sizes_copy(a, [1, 2], 1), m.unfold_copy(a, 2, 2, 1),
                        m.alias_copy(a), m.as_strided_copy(a, (2, 2), (1, 2))), [(2, 3, 4)])
    check(lambda m, a: m.detach_copy(a), [(2, 3)], grad=False)  # PyTorch has no derivative for it
    a = ember.zeros(2, 3)
    b = ember.view_copy(a, (3, 2))
    b[0, 0] = 1.0
    assert a[0, 0].item() == 0.0


def test_unsafe_splits_strided_and_scatter():
    check(lambda m, a: (m.unsafe_chunk(a, 2, 1), a.unsafe_split(2), m.unsafe_split_with_sizes(a, [1, 3], 1)),
          [(3, 4)])
    check(lambda m: (m.empty_strided((2, 3), (1, 2)).stride(), m.empty_strided((2, 3), (3, 1)).shape,
                     str(m.empty_strided((2,), (1,), dtype=m.float64).dtype)), [])
    check(lambda m, a: a.new_empty_strided((2, 2), (1, 2)).stride(), [(3,)])
    # values against PyTorch; gradients by finite differences (PyTorch's backward of as_strided_scatter
    # gives the untouched second row of the input no gradient, which its values depend on)
    check(lambda m, a, s: (m.as_strided_scatter(a, s, (2,), (2,)), a.as_strided_scatter(s, (2,), (1,), 1)),
          [(2, 3), (2,)], grad=False)
    gradcheck64(lambda m, a, s: m.as_strided_scatter(a, s, (2,), (2,)) * m.arange(6.0).reshape(2, 3), [(2, 3), (2,)])


def test_fill_and_detach():
    check(lambda m, a: (m.fill(a, 2.5), m.detach(a), m.fill(a, m.tensor(1.5))), [(2, 3)])
    x = ember.ones(2, requires_grad=True) * 2
    assert ember.detach_(x) is x and not x.requires_grad

"""``t[key]`` against PyTorch: every kind of key, gradients, grad_fn names, errors, legacy ``.data[0]``."""
import warnings

import numpy as np
import pytest
from diff import check, gradcheck64, rand

import ember

I = np.array  # index arrays become integer/bool tensors in both frameworks

KEYS = [
    # ints and negative ints
    (lambda m, a: a[1], (3, 4, 5)),
    (lambda m, a: a[-1], (3, 4, 5)),
    (lambda m, a: a[1, -2], (3, 4, 5)),
    (lambda m, a: a[1, 2, 3], (3, 4, 5)),
    (lambda m, a: a[0], (3,)),
    (lambda m, a: a[0][0], (2, 2)),
    # slices, steps, empty and out-of-range slices
    (lambda m, a: a[1:], (3, 4, 5)),
    (lambda m, a: a[:, 1:3], (3, 4, 5)),
    (lambda m, a: a[::2, ::3], (3, 4, 5)),
    (lambda m, a: a[-2:, :-1, 1::2], (3, 4, 5)),
    (lambda m, a: a[5:], (3, 4, 5)),
    (lambda m, a: a[:, 10:20], (3, 4, 5)),
    (lambda m, a: a[:], (3, 4)),
    (lambda m, a: a[1:2, 0], (3, 4)),
    # None and Ellipsis
    (lambda m, a: a[None], (3, 4)),
    (lambda m, a: a[:, None], (3, 4)),
    (lambda m, a: a[..., 0], (3, 4, 5)),
    (lambda m, a: a[0, ...], (3, 4, 5)),
    (lambda m, a: a[..., None, 1:], (3, 4, 5)),
    (lambda m, a: a[None, ..., None], (3, 4)),
    (lambda m, a: a[...], (3, 4)),
    # 0-dim tensors take None, Ellipsis, () and bools
    (lambda m, a: a[None], ()),
    (lambda m, a: a[...], ()),
    (lambda m, a: a[()], ()),
    (lambda m, a: a[True], ()),
    (lambda m, a: a[False], ()),
    # advanced: lists, tensors, arrays, with duplicates (gradients accumulate)
    (lambda m, a: a[[0, 2, 0]], (3, 4)),
    (lambda m, a: a[[-1, 0]], (3, 4)),
    (lambda m, a: a[m.tensor([[0, 1], [1, 1]])], (3, 4)),
    (lambda m, a: a[:, [3, 3, 0]], (3, 4)),
    (lambda m, a: a[[0, 1, 1], [2, 2, 3]], (3, 4)),
    (lambda m, a: a[[0, 1], :, [1, 2]], (3, 4, 5)),  # separated advanced indices go first
    (lambda m, a: a[:, [0, 1], [1, 2]], (3, 4, 5)),
    (lambda m, a: a[1, [0, 0, 3]], (3, 4, 5)),
    (lambda m, a: a[[[0], [2]], [1, 3]], (3, 4)),  # broadcasting index tensors
    (lambda m, a: a[[]], (3, 4)),
    (lambda m, a: a[m.tensor([1])], (3, 4)),
    (lambda m, a: a[m.tensor(1)], (3, 4)),  # a 0-dim index tensor selects
    (lambda m, a: a[m.tensor([0, 2]).int()], (3, 4)),
    (lambda m, a: a[[0, 2], None], (3, 4)),
    (lambda m, a: a[[0, 2], ..., 1:], (3, 4, 5)),
    (lambda m, a: a[True], (3, 4)),
    # boolean masks
    (lambda m, a: a[a > 0], (3, 4)),
    (lambda m, a: a[m.tensor([True, False, True])], (3, 4)),
    (lambda m, a: a[:, m.tensor([True, False, True, True])], (3, 4)),
    (lambda m, a: a[a[:, 0] > 0, 1:], (3, 4)),
    (lambda m, a: a[m.tensor([False, False, False])], (3, 4)),
    (lambda m, a: a[a > 0], ()),
    # non-contiguous inputs and empty shapes
    (lambda m, a: a.t()[1:, [0, 2]], (3, 4)),
    (lambda m, a: a.t()[::2], (3, 4)),
    (lambda m, a: a[:, 0], (0, 4)),
    (lambda m, a: a[[]], (0, 4)),
    # errors
    (lambda m, a: a[5], (3, 4)),
    (lambda m, a: a[-4], (3, 4)),
    (lambda m, a: a[:, 7], (3, 4)),
    (lambda m, a: a[[0, 3]], (3, 4)),
    (lambda m, a: a[0, 0, 0], (3, 4)),
    (lambda m, a: a[1.5], (3, 4)),
    (lambda m, a: a[m.tensor([1.0])], (3, 4)),
    (lambda m, a: a[::-1], (3, 4)),
    (lambda m, a: a[::0], (3, 4)),
    (lambda m, a: a[m.tensor([True, False])], (3, 4)),
    (lambda m, a: a[[0, 1], [0, 1, 2]], (3, 4)),
    (lambda m, a: a[0], ()),
    (lambda m, a: a[:], ()),
]


@pytest.mark.parametrize("fn,shape", KEYS)
def test_getitem(fn, shape):
    check(fn, [shape])


def test_numpy_index_arrays_and_uint8_masks():
    check(lambda m, a, i: a[i], [(3, 4), I([2, 0, 2])])
    check(lambda m, a, i: a[:, i], [(3, 4), I([[1, 1], [0, 3]])])
    check(lambda m, a, i: a[i], [(3, 4), I([True, False, True])])
    x = rand((3, 4))
    np.testing.assert_array_equal(ember.tensor(x)[np.array([2, 0])].numpy(), x[[2, 0]])
    with pytest.warns(UserWarning, match="uint8"):
        out = ember.tensor(x)[ember.tensor([1, 0, 1]).byte()]
    np.testing.assert_array_equal(out.numpy(), x[[0, 2]])


def test_list_holding_slices_is_a_tuple():
    x = rand((3, 4))
    np.testing.assert_array_equal(ember.tensor(x)[[0, slice(None)]].numpy(), x[0, :])
    np.testing.assert_array_equal(ember.tensor(x)[[[0, 2]]].numpy(), x[[0, 2]])


def test_error_messages():
    x = ember.tensor(rand((3, 4)))
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        x[5]
    with pytest.raises(IndexError, match="index 7 is out of bounds for dimension 1 with size 4"):
        x[:, [7]]
    with pytest.raises(IndexError, match="too many indices for tensor of dimension 2"):
        x[0, 0, 0]
    with pytest.raises(IndexError, match=r"The shape of the mask \[2\] at index 0 does not match the shape of the "
                                         r"indexed tensor \[3, 4\] at index 1"):
        x[:, ember.tensor([True, False])]
    with pytest.raises(IndexError, match=r"invalid index of a 0-dim tensor. Use `tensor.item\(\)`"):
        ember.tensor(2.0)[0]
    with pytest.raises(ValueError, match="step must be greater than zero"):
        x[::-1]


def test_legacy_data_index_on_a_loss():
    loss = (ember.tensor(rand((3,)), requires_grad=True) ** 2).sum()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = loss.data[0]
    assert isinstance(value, float) and value == pytest.approx(loss.item())
    assert any(".item()" in str(w.message) for w in caught)
    with pytest.raises(IndexError, match="invalid index of a 0-dim tensor"):
        loss[0]


NAMES = [
    (lambda a: a[0], "SelectBackward0"), (lambda a: a[1:], "SliceBackward0"), (lambda a: a[:], "SliceBackward0"),
    (lambda a: a[:, :], "AliasBackward0"), (lambda a: a[...], "AliasBackward0"),
    (lambda a: a[1:, 0], "SelectBackward0"), (lambda a: a[0, 1:], "SliceBackward0"),
    (lambda a: a[None], "UnsqueezeBackward0"), (lambda a: a[None, 0], "SelectBackward0"),
    (lambda a: a[0, :, None], "UnsqueezeBackward0"), (lambda a: a[:, 0:10], "AliasBackward0"),
    (lambda a: a[..., 1], "SelectBackward0"), (lambda a: a[ember.tensor(1)], "SelectBackward0"),
    (lambda a: a[[0, 1]], "IndexBackward0"), (lambda a: a[a > 0], "IndexBackward0"),
    (lambda a: a[0, [1, 2]], "IndexBackward0"), (lambda a: a[True], "IndexBackward0"),
]


@pytest.mark.parametrize("fn,name", NAMES)
def test_grad_fn_names(fn, name):
    x = ember.tensor(rand((3, 4, 5)), requires_grad=True) * 1
    assert fn(x).grad_fn.name() == name


def test_basic_index_is_a_view_advanced_a_copy():
    x = ember.tensor(rand((3, 4)))
    for v in (x[0], x[1:, ::2], x[None], x[..., 1], x[0, 0]):
        assert np.shares_memory(v.numpy(), x.numpy())
        before = v._version_counter
        x.add_(1)
        assert v._version_counter == before + 1
    x[0, 0].add_(100)  # writes through a 0-dim view reach the base
    assert x[0, 0].item() > 50
    for c in (x[[0, 1]], x[x > 0], x[ember.tensor([0])]):
        assert not np.shares_memory(c.numpy(), x.numpy())


def test_duplicate_indices_accumulate():
    x = ember.tensor(rand((3,)), requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 0.0, 1.0])


def test_double_backward():
    x = ember.tensor(rand((3, 4), "float64"), requires_grad=True)
    y = (x[[0, 0, 2]] ** 2).sum() + (x[1:, ::2] ** 2).sum() + (x[x > 0] ** 2).sum()
    (g,) = ember.autograd.grad(y, x, create_graph=True)
    g.sum().backward()
    a = x.detach().numpy()
    want = np.zeros((3, 4))
    want[0] += 4
    want[2] += 2
    want[1:, ::2] += 2
    want[a > 0] += 2
    np.testing.assert_allclose(x.grad.numpy(), want)


@pytest.mark.parametrize("fn", [
    lambda m, a: a[1:, ::2] ** 2,
    lambda m, a: a[[0, 0, 2], 1] * a[2, [1, 1, 0]],
    lambda m, a: a[a.detach() > 0] ** 2,
    lambda m, a: a[None, ..., -1] ** 2,
])
def test_gradcheck(fn):
    gradcheck64(fn, [(3, 4)])

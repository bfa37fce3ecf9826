"""``t[key] = value`` against PyTorch: every kind of key, values, gradients, in-place rules."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand

import ember


def put(key, value=None):
    """``y = a * 1; y[key] = v``: with ``value`` a constant, else the second input."""
    def fn(m, a, *v):
        y = a * 1
        k = key(m, a) if callable(key) else key
        y[k] = value if value is not None else v[0]
        return y
    return fn


SETS = [
    (put(1), [(3, 4), (4,)]),
    (put(-1), [(3, 4), (1,)]),
    (put((0, 2)), [(3, 4), ()]),
    (put((slice(None), 1)), [(3, 4), (3,)]),
    (put((slice(1, None), slice(None, None, 2))), [(3, 4), (2, 2)]),
    (put((Ellipsis, 0)), [(3, 4, 5), (4,)]),
    (put((None, 0)), [(3, 4), (1, 4)]),
    (put(0), [(3, 4), (1, 1, 4)]),  # leading 1s of the value are dropped
    (put([0, 2]), [(3, 4), (2, 4)]),
    (put([0, 2, 0]), [(3, 4), (4,)]),  # duplicates: the value's gradient reaches every copy
    (put(([0, 1], [1, 3])), [(3, 4), (2,)]),
    (put(lambda m, a: a > 0), [(3, 4), ()]),
    (put(lambda m, a: m.tensor([True, False, True])), [(3, 4), (2, 4)]),
    (put(lambda m, a: (slice(None), m.tensor([0, 3]))), [(3, 4), (3, 1)]),
    (put(lambda m, a: m.tensor(2)), [(3, 4), (4,)]),
    (put(1, 7.5), [(3, 4)]),
    (put(lambda m, a: a < 0, 0.0), [(3, 4)]),
    (put([0, 0], -1.0), [(3, 4)]),
    (put(0), [(3, 4), (5,)]),  # shape mismatch
    (put([0, 1]), [(3, 4), (2, 5)]),
    (put(5), [(3, 4), ()]),
    (put((slice(None, None, -1),)), [(3, 4), ()]),
    (put(()), [(), ()]),
    (put(0), [(0, 4), (4,)]),
]


@pytest.mark.parametrize("fn,shapes", SETS)
def test_setitem(fn, shapes):
    check(fn, shapes)


def test_setitem_into_a_view():
    def fn(m, a, v):
        y = a * 1
        t = y.t()
        t[0, 1:3] = v  # the write reaches the base's memory
        return y.detach(), t
    check(fn, [(3, 4), (2,)])


@pytest.mark.parametrize("dtypes", [("float32", "float64"), ("int64", "float32"), ("float32", "int64"),
                                    ("bool", "bool"), ("uint8", "int64")])
def test_value_dtype_is_cast(dtypes):
    def fn(m, a, v):
        y = a.clone()
        y[0] = v
        y[1:, 0] = 3
        return y
    check(fn, [rand((3, 4), dtypes[0]), rand((4,), dtypes[1])], grad=False)
    check(put(0, 1.7), [rand((3, 4), dtypes[0])], grad=False)


def test_constant_target_gets_the_value_gradient():
    def fn(m, v):
        y = m.tensor(np.zeros((3, 4), np.float32))
        y[1] = v
        y[:, 0] = v[:3] * 2
        return y
    check(fn, [(4,)])
    v = ember.tensor(rand((4,)), requires_grad=True)
    y = ember.tensor(np.zeros((3, 4), np.float32))
    y[1] = v
    assert y.requires_grad and y.grad_fn.name() == "torch::autograd::CopySlices"
    y[[0, 2]] = v
    assert y.grad_fn.name() == "IndexPutBackward0"


def test_version_and_saved_value_checks():
    x = ember.tensor(rand((3,)), requires_grad=True)
    y = x * 1
    z = y * y  # saves y
    before = y._version_counter
    y[0] = 5.0
    assert y._version_counter == before + 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_leaf_errors_and_no_grad():
    w = ember.tensor(rand((3,)), requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in an in-place"):
        w[0] = 1.0
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        w[1:][0] = 1.0
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        w[[0]] = 1.0
    with ember.no_grad():
        w[0] = 1.0
    assert w[0].item() == 1.0 and w.grad_fn is None
    w.data[1] = 2.0
    w.detach()[2] = 3.0
    np.testing.assert_array_equal(w.detach().numpy(), [1.0, 2.0, 3.0])


def test_value_type_errors():
    x = ember.tensor(np.zeros((2, 3), np.float32))
    with pytest.raises(TypeError, match="can't assign a list to a torch.FloatTensor"):
        x[0] = [1, 2, 3]
    with pytest.raises(RuntimeError, match=r"shape mismatch: value tensor of shape \[2, 4\] cannot be broadcast to "
                                           r"indexing result of shape \[2, 3\]"):
        x[[0, 1]] = ember.tensor(np.ones((2, 4), np.float32))


def test_double_backward():
    x = ember.tensor(rand((3, 4), "float64"), requires_grad=True)
    v = ember.tensor(rand((4,), "float64"), requires_grad=True)
    y = x * 1
    y[1] = v ** 2
    y[[0, 0]] = v
    (gx, gv) = ember.autograd.grad((y ** 2).sum(), (x, v), create_graph=True)
    (gx.sum() + gv.sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), np.r_[np.zeros((2, 4)), np.full((1, 4), 2.0)])


@pytest.mark.parametrize("key", [1, (slice(None), 2), [0, 2], ([0, 1], [1, 2])])
def test_gradcheck(key):
    def fn(m, a, v):
        y = a * 1
        y[key] = v.sum() * v[0]
        return y ** 2
    gradcheck64(fn, [(3, 4), (2,)])

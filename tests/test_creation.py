"""Deterministic creation (zeros, full, arange, linspace, eye, from_numpy, as_tensor, tensor(), new_*)
compared with PyTorch: values, dtypes, shapes and the errors raised."""
import warnings

import numpy as np
import pytest
from diff import assert_same, check

import ember

torch = pytest.importorskip("torch")


def same(fn):
    """Run ``fn(m)`` for Ember and torch; compare results, or the exception type when torch raises."""
    return check(lambda m: fn(m), [], grad=False)


@pytest.mark.parametrize("fn", [
    lambda m: m.zeros(2, 3), lambda m: m.zeros((2, 3)), lambda m: m.zeros([2, 3]), lambda m: m.zeros(m.Size([2, 3])),
    lambda m: m.zeros(size=(2, 3)), lambda m: m.zeros(()), lambda m: m.zeros(0, 4), lambda m: m.zeros(m.tensor(3)),
    lambda m: m.ones(4, dtype=m.int32), lambda m: m.ones(2, 2, dtype=m.bool), lambda m: m.ones(3, dtype=m.float64),
    lambda m: m.zeros(2, -1), lambda m: m.zeros(2, 3.0), lambda m: m.ones(2, 3, requires_grad=True),
    lambda m: m.zeros(2, dtype=m.int64, requires_grad=True), lambda m: m.empty(2, 3).shape,
    lambda m: str(m.empty((4,), dtype=m.uint8).dtype), lambda m: m.empty(-1),
])
def test_filled(fn):
    same(fn)


@pytest.mark.parametrize("fill", [1, True, 1.5, -2, 0, 0.0, 7])
def test_full_infers_dtype_from_fill(fill):
    same(lambda m: m.full((2, 3), fill))
    same(lambda m: m.full([4], fill, dtype=m.float64))
    same(lambda m: m.full((2,), m.tensor(fill)))


def test_full_rejects_int_size():
    same(lambda m: m.full(2, 1.0))


def test_default_dtype_governs_float_creation():
    try:
        for m in (ember, torch):
            m.set_default_dtype(m.float64)
        for fn in (lambda m: m.zeros(2), lambda m: m.full((2,), 1.5), lambda m: m.arange(0.0, 1.0, 0.25),
                   lambda m: m.tensor([1.5]), lambda m: str(m.Tensor(2).dtype), lambda m: m.linspace(0, 1, 3),
                   lambda m: str(m.rand(2).dtype), lambda m: str(m.randn(2).dtype), lambda m: m.eye(2),
                   lambda m: m.tensor(2.5) + 1):
            same(fn)
        assert ember.get_default_dtype() is ember.float64
    finally:
        for m in (ember, torch):
            m.set_default_dtype(m.float32)
    with pytest.raises(TypeError):
        ember.set_default_dtype(ember.int64)


def _input(dtype="float32"):
    return np.arange(6).reshape(2, 3).astype(dtype)


@pytest.mark.parametrize("fn", [
    lambda m, x: m.zeros_like(x), lambda m, x: m.ones_like(x), lambda m, x: m.full_like(x, 2.7),
    lambda m, x: m.full_like(x, 3, dtype=m.float64), lambda m, x: m.zeros_like(x, dtype=m.int32),
    lambda m, x: m.empty_like(x).shape, lambda m, x: str(m.empty_like(x).dtype),
    lambda m, x: m.ones_like(x).requires_grad,
    lambda m, x: m.zeros_like(x, requires_grad=True),
    lambda m, x: x.new_zeros(2, 3), lambda m, x: x.new_zeros((2,)), lambda m, x: x.new_ones([3]),
    lambda m, x: x.new_full((2,), 3), lambda m, x: x.new_empty(4).shape, lambda m, x: str(x.new_empty((1, 2)).dtype),
    lambda m, x: x.new_tensor([1, 2]), lambda m, x: x.new_tensor([1.5], dtype=m.float64),
    lambda m, x: x.new_zeros(2, dtype=m.int32), lambda m, x: x.new_tensor([1.0], requires_grad=True),
    lambda m, x: x.new_tensor(np.array([1.0, 2.0])),
])
@pytest.mark.parametrize("dtype", ["float32", "int64", "float64"])
def test_like_and_new(fn, dtype):
    check(fn, [_input(dtype)], grad=False)


@pytest.mark.parametrize("args", [(5,), (0, 5), (1, 4), (2, 11, 3), (5, 0, -1), (0, 1, 0.1), (5, 0, -1.5),
                                  (-1.0, 1.0, 0.3), (0, 5, -1), (0, 5, 0), (1.5,), (0.0, 10.0, 0.7), (3, 3),
                                  (0, 2.5, 1)])
def test_arange(args):
    same(lambda m: m.arange(*args))
    same(lambda m: m.arange(*args, dtype=m.float64))


def test_arange_forms():
    same(lambda m: m.arange(m.tensor(5)))
    same(lambda m: m.arange(m.tensor(4.0)))
    same(lambda m: m.arange(start=1, end=4))
    same(lambda m: m.arange(1, 4, dtype=m.float64))
    same(lambda m: m.arange(10, dtype=m.int32))
    same(lambda m: m.arange(3.0, requires_grad=True))
    same(lambda m: m.arange(0, 1, 1e-3))  # float32 values rounded once from double, exactly as torch


@pytest.mark.parametrize("args", [(0, 1, 5), (0, 1, 0), (0, 1, 1), (-3.5, 7.25, 10), (1, 0, 7), (0, 10, 100),
                                  (0, 1, -1), (2, 2, 4), (0.1, 0.9, 9)])
def test_linspace(args):
    same(lambda m: m.linspace(*args))
    same(lambda m: m.linspace(*args, dtype=m.float64))
    same(lambda m: m.linspace(*args, dtype=m.int64))


def test_logspace():
    check(lambda m: m.logspace(0, 2, 3), [], grad=False, rtol=1e-6)
    check(lambda m: m.logspace(-2, 2, 7, base=2), [], grad=False, rtol=1e-6)
    check(lambda m: m.logspace(0, 1, 5, dtype=m.float64), [], grad=False, rtol=1e-12)


@pytest.mark.parametrize("fn", [lambda m: m.eye(3), lambda m: m.eye(2, 4), lambda m: m.eye(3, 1, dtype=m.int64),
                                lambda m: m.eye(0), lambda m: m.eye(-1), lambda m: m.eye(2, -1),
                                lambda m: m.eye(2, dtype=m.bool)])
def test_eye(fn):
    same(fn)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8",
                                   "bool"])
def test_from_numpy_shares_memory(dtype):
    a = np.zeros((2, 3), dtype)
    t = ember.from_numpy(a)
    assert t.dtype is getattr(ember, dtype) and t.shape == (2, 3)
    a[0, 0] = 1
    assert t.tolist()[0][0] == 1
    t.numpy()[1, 2] = 1
    assert a[1, 2] == 1
    assert np.shares_memory(ember.from_numpy(a.T).numpy(), a)


def test_from_numpy_errors():
    for bad in (np.array(["a"]), np.array([1], dtype=object), np.array(["2020"], dtype="datetime64[Y]")):
        with pytest.raises(TypeError, match="can't convert np.ndarray of type"):
            ember.from_numpy(bad)
    with pytest.raises(TypeError, match=r"expected np.ndarray \(got list\)"):
        ember.from_numpy([1, 2])
    with pytest.raises(TypeError, match=r"got numpy.float64"):
        ember.from_numpy(np.float64(1.0))
    with pytest.raises(ValueError, match="negative"):
        ember.from_numpy(np.arange(3)[::-1])


class _Sub(np.ndarray):
    pass


def test_from_numpy_accepts_subclasses_and_shares():
    a = np.zeros(3).view(_Sub)
    t = ember.from_numpy(a)
    a[0] = 2
    assert t.tolist() == torch.from_numpy(a).tolist() == [2.0, 0.0, 0.0]


def test_as_tensor():
    a = np.zeros(3)
    t = ember.as_tensor(a)
    a[0] = 5
    assert t.tolist()[0] == 5 and t.dtype is ember.float64
    c = ember.as_tensor(a, dtype=ember.float32)
    a[1] = 5
    assert c.tolist()[1] == 0 and c.dtype is ember.float32
    x = ember.zeros(3)
    assert ember.as_tensor(x) is x and ember.as_tensor(x, dtype=ember.float32) is x
    assert ember.as_tensor(x, dtype=ember.float64).dtype is ember.float64
    same(lambda m: m.as_tensor([1, 2]))
    same(lambda m: m.as_tensor([1.5, 2], dtype=m.float64))
    same(lambda m: m.as_tensor(3))


DATA = [
    [1, 2, 3], [1.0, 2.0], [True, False], [1, 2.5], [True, 2], [True, 1.5], [[1, 2], [3, 4]], [], [[], []],
    3, 2.5, True, [[1.0], [2.0]], (1, 2), [(1, 2), (3, 4)], [np.float64(1.0)], [np.float32(1.0), 2.5],
    [np.int32(1), 2], np.float64(1.5), np.int32(3), np.array([1, 2], np.int16),
    np.array([[1.5]], np.float64), np.array(True), [np.array([1, 2], np.int32)], [[1, 2], [3]], [1, None],
    [1, "a"], np.array(["a"]), [2 ** 40, -1], [[[1.5]]],
]


@pytest.mark.filterwarnings("ignore:Creating a tensor from a list of numpy.ndarrays")
@pytest.mark.parametrize("data", DATA, ids=[repr(d)[:30] for d in DATA])
def test_tensor_dtype_inference(data):
    same(lambda m: m.tensor(data))
    if ember.is_tensor(same(lambda m: m.tensor(data))):
        same(lambda m: m.tensor(data, dtype=m.float64))
        same(lambda m: m.Tensor(data) if isinstance(data, (list, tuple, np.ndarray)) else m.tensor(data))


@pytest.mark.parametrize("build", [
    lambda m: [m.tensor(1.0, dtype=m.float64)], lambda m: [m.tensor(1, dtype=m.int32), m.tensor(2, dtype=m.int32)],
    lambda m: [m.tensor(1, dtype=m.int32), 2], lambda m: [m.tensor(1, dtype=m.int32), 2.5],
    lambda m: [[m.tensor(1.0)], [m.tensor(2.0)]], lambda m: [m.tensor(True), m.tensor(2)],
    lambda m: [np.float16(1.0), m.tensor(1, dtype=m.uint8)], lambda m: [m.tensor(1.5), m.tensor(2.5)],
])
def test_tensor_from_zero_dim_tensors(build):
    same(lambda m: m.tensor(build(m)))


def test_tensor_copies_and_warns_on_tensor_input():
    a = np.zeros(3, np.float32)
    t = ember.tensor(a)
    a[0] = 1
    assert t.tolist()[0] == 0
    src = ember.ones(2)
    with pytest.warns(UserWarning, match="detach"):
        c = ember.tensor(src)
    c.numpy()[0] = 5
    assert src.tolist()[0] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.tensor([1.0])


def test_tensor_requires_grad_and_device():
    e = ember.tensor([1.0, 2.0], requires_grad=True, device="cpu")
    assert e.requires_grad and e.is_leaf and e.device == "cpu"
    with pytest.raises(RuntimeError, match="floating point"):
        ember.tensor([1, 2], requires_grad=True)


def test_tensor_nested_shape_mismatch_matches_torch():
    same(lambda m: m.tensor([[1, 2], [3]]))


def test_is_floating_point_and_is_nonzero():
    same(lambda m: m.is_floating_point(m.zeros(2)))
    same(lambda m: m.is_floating_point(m.zeros(2, dtype=m.int64)))
    same(lambda m: m.is_nonzero(m.tensor([1.5])))
    same(lambda m: m.is_nonzero(m.tensor([0])))
    same(lambda m: m.is_nonzero(m.tensor([1, 2])))

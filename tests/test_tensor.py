"""The Tensor object: construction, attributes, Python protocols, conversion and legacy types,
compared with PyTorch."""
import pickle

import numpy as np
import pytest
from diff import check, rand

import ember

torch = pytest.importorskip("torch")


def same(fn, *arrays):
    return check(fn, list(arrays), grad=False)


# ----------------------------------------------------------------- the legacy constructor


@pytest.mark.parametrize("fn", [
    lambda m: m.Tensor(2, 3).shape, lambda m: m.Tensor().shape, lambda m: m.Tensor(m.Size([4, 1])).shape,
    lambda m: m.Tensor([1, 2]), lambda m: m.Tensor([[1.5, 2], [3, 4]]), lambda m: m.Tensor((1, 2)),
    lambda m: m.Tensor(np.array([1, 2])), lambda m: m.Tensor(np.array([1.0, 2.0])),
    lambda m: m.Tensor(m.tensor([1, 2])), lambda m: m.Tensor(m.tensor([1.0], dtype=m.float64)),
    lambda m: m.Tensor(2, 3.0), lambda m: m.Tensor(3.5), lambda m: m.Tensor(np.int64(3)).shape,
    lambda m: str(m.Tensor(0).dtype), lambda m: m.Tensor([]),
])
def test_tensor_constructor(fn):
    same(fn)


def test_tensor_constructor_copies_data_and_aliases_tensors():
    a = np.zeros(3, np.float32)
    t = ember.Tensor(a)
    a[0] = 1
    assert t.tolist() == [0, 0, 0]
    src = ember.zeros(2)
    alias = ember.Tensor(src)
    alias.numpy()[0] = 7
    assert src.tolist() == [7, 0]


@pytest.mark.parametrize("name,dtype", [("FloatTensor", "float32"), ("DoubleTensor", "float64"),
                                        ("HalfTensor", "float16"), ("LongTensor", "int64"), ("IntTensor", "int32"),
                                        ("ShortTensor", "int16"), ("CharTensor", "int8"), ("ByteTensor", "uint8"),
                                        ("BoolTensor", "bool")])
def test_legacy_types(name, dtype):
    same(lambda m: getattr(m, name)([1, 0, 1]))
    same(lambda m: getattr(m, name)(2, 3).shape)
    same(lambda m: getattr(m, name)(np.array([1, 0])))
    same(lambda m: getattr(m, name)().shape)
    e = getattr(ember, name)([1, 0])
    assert isinstance(e, getattr(ember, name)) and isinstance(e, ember.Tensor)
    assert not isinstance(e.to(ember.float32 if dtype != "float32" else ember.int64), getattr(ember, name))
    assert e.type() == f"torch.{name}" == getattr(torch, name)([1, 0]).type()
    assert repr(getattr(ember, name)) == repr(getattr(torch, name))
    assert repr(getattr(ember.cuda, name)) == repr(getattr(torch.cuda, name))
    assert getattr(ember, name).dtype is getattr(ember, dtype)
    assert ember.tensor([1, 0]).type(getattr(ember, name)).dtype is getattr(ember, dtype)
    assert ember.tensor([1, 0]).type(f"torch.{name}").dtype is getattr(ember, dtype)


@pytest.mark.skipif(ember.cuda.is_available(), reason="checks the errors raised without a GPU")
def test_cuda_without_gpu_raises_clear_errors():
    t = ember.tensor([1.0])
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        t.cuda()
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        t.to("cuda")
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        t.type(ember.cuda.FloatTensor)
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        t.type("torch.cuda.LongTensor")
    with pytest.raises(TypeError, match="torch.cuda.FloatTensor not available"):
        ember.cuda.FloatTensor(2)
    with pytest.raises(AssertionError):
        ember.zeros(2, device="cuda")
    assert not isinstance(t, ember.cuda.FloatTensor) and not t.is_cuda and t.is_cpu


# ----------------------------------------------------------------- attributes


def test_shape_size_dim_numel():
    same(lambda m, x: (x.shape, x.size(), x.size(1), x.size(-1), x.dim(), x.ndim, x.numel(), m.numel(x), len(x)),
         rand((4, 5)))
    same(lambda m, x: x.size(2), rand((4, 5)))
    same(lambda m, x: x.size(-3), rand((4, 5)))
    same(lambda m, x: (x.shape, x.dim(), x.numel()), rand(()))
    same(lambda m, x: len(x), rand(()))
    e = ember.zeros(10, 5)
    assert repr(e.size()) == "torch.Size([10, 5])" and isinstance(e.shape, ember.Size) and e.shape == (10, 5)
    assert isinstance(e.size()[1:], ember.Size) and e.size()[1:] == (5,)
    assert (e.shape + (2,)) == (10, 5, 2) and isinstance(e.shape + (2,), ember.Size)
    assert isinstance((1,) + e.shape, ember.Size) and (1,) + e.shape == (1, 10, 5)
    assert e.shape.numel() == 50 and ember.Size([]).numel() == 1


def test_dtype_device_and_flags():
    e = ember.zeros(2)
    assert e.dtype is ember.float32 and e.dtype == ember.float
    assert e.device == ember.device("cpu") and e.device == "cpu" and str(e.device) == "cpu"
    assert e.is_floating_point() and not ember.zeros(2, dtype=ember.int64).is_floating_point()
    assert e.is_leaf and not e.requires_grad and e.grad is None and e.grad_fn is None
    assert ember.is_tensor(e) and not ember.is_tensor(np.zeros(2)) and not ember.is_tensor([1])
    assert isinstance(e, ember.FloatTensor) and not isinstance(e, ember.DoubleTensor)
    assert isinstance(ember.zeros(2, dtype=ember.int64), ember.LongTensor)
    assert e.element_size() == 4 and e.itemsize == 4 and e.nbytes == 8


# ----------------------------------------------------------------- Python protocols


@pytest.mark.parametrize("fn", [
    lambda m, x: x.tolist(), lambda m, x: float(x.sum()), lambda m, x: bool(x.sum()),
])
def test_tolist_and_scalars(fn):
    same(fn, rand((2, 3)))


@pytest.mark.parametrize("fn", [
    lambda m: m.tensor(2.5).item(), lambda m: m.tensor([[2.0]]).item(), lambda m: m.tensor(3).item(),
    lambda m: m.tensor(True).item(), lambda m: m.ones(6).item(), lambda m: m.tensor([]).item(),
    lambda m: float(m.tensor([2.5])), lambda m: int(m.tensor([2.5])), lambda m: float(m.tensor([2.5, 3.0])),
    lambda m: int(m.tensor([1, 2])), lambda m: bool(m.tensor([0.0])), lambda m: bool(m.tensor([])),
    lambda m: bool(m.tensor([1, 2])), lambda m: m.tensor(3).__index__(), lambda m: m.tensor([3]).__index__(),
    lambda m: m.tensor(3.0).__index__(), lambda m: [10, 20, 30][m.tensor(1)], lambda m: m.tensor(1.0).tolist(),
    lambda m: m.tensor([[1, 2]]).tolist(), lambda m: m.tensor([True]).tolist(), lambda m: len(m.zeros(4, 2)),
    lambda m: range(10)[m.tensor(2):m.tensor(5)], lambda m: float(m.tensor(2.5) * 2),
])
def test_item_and_number_protocols(fn):
    same(fn)


def test_numpy_shares_memory_and_refuses_grad():
    e = ember.zeros(3)
    e.numpy()[0] = 4
    assert e.tolist() == [4, 0, 0]
    assert np.asarray(e) is e.numpy() or np.shares_memory(np.asarray(e), e.numpy())
    assert np.asarray(e, dtype=np.float64).dtype == np.float64
    g = ember.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Use tensor.detach\(\).numpy\(\) instead"):
        g.numpy()
    assert g.detach().numpy().shape == (3,)
    assert np.array_equal(np.array(ember.tensor([[1, 2]])), [[1, 2]])


def test_iteration_uses_rows():
    e = ember.tensor([[1, 2], [3, 4]])
    if not hasattr(ember.Tensor, "unbind"):
        pytest.skip("unbind comes with the shape ops")
    assert [r.tolist() for r in e] == [[1, 2], [3, 4]]
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(ember.tensor(1.0))


def test_hash_is_identity_and_pickle_round_trip():
    a, b = ember.zeros(2), ember.zeros(2)
    assert len({a, b}) == 2
    c = pickle.loads(pickle.dumps(ember.tensor([1.5, 2.0], requires_grad=True)))
    assert c.tolist() == [1.5, 2.0] and c.requires_grad and c.dtype is ember.float32


# ----------------------------------------------------------------- conversion


@pytest.mark.parametrize("fn", [
    lambda m, x: x.float(), lambda m, x: x.double(), lambda m, x: x.half(), lambda m, x: x.long(),
    lambda m, x: x.int(), lambda m, x: x.short(), lambda m, x: x.char(), lambda m, x: x.bool(),
    lambda m, x: x.to(m.float64), lambda m, x: x.to("cpu"), lambda m, x: x.to("cpu", m.float64),
    lambda m, x: x.to(device="cpu", dtype=m.int32), lambda m, x: x.to(m.zeros(1, dtype=m.int8)),
    lambda m, x: x.to(m.device("cpu")), lambda m, x: x.to(dtype=m.int64, copy=True), lambda m, x: x.cpu(),
    lambda m, x: x.type(m.float64), lambda m, x: x.type("torch.DoubleTensor"), lambda m, x: x.type(),
    lambda m, x: x.type(m.IntTensor), lambda m, x: x.type("torch.Foo"), lambda m, x: x.type("float64"),
    lambda m, x: x.type_as(m.zeros(1, dtype=m.float64)), lambda m, x: x.clone(), lambda m, x: x.detach(),
])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_conversions(fn, dtype):
    same(fn, rand((2, 3), dtype))


@pytest.mark.parametrize("fn", [
    lambda m, x: x.double(), lambda m, x: x.to(m.float16), lambda m, x: x.clone(), lambda m, x: x.float(),
    lambda m, x: x.type(m.DoubleTensor), lambda m, x: x.to("cpu", m.float64),
])
def test_conversions_carry_gradients(fn):
    out = check(fn, [(2, 3)], rtol=1e-3, atol=1e-3)
    if out is not None and out.requires_grad:
        e = fn(ember, ember.zeros(2, requires_grad=True))
        t = fn(torch, torch.zeros(2, requires_grad=True))
        if t.grad_fn is not None:
            assert e.grad_fn.name() == type(t.grad_fn).__name__


def test_conversion_identity_when_nothing_changes():
    e = ember.zeros(2)
    assert e.float() is e and e.to(ember.float32) is e and e.cpu() is e and e.to("cpu") is e
    assert e.type(ember.FloatTensor) is e and e.to(e) is e
    assert e.to("cpu", copy=True) is not e and e.to(ember.float32, False) is e
    d = e.double()
    assert d is not e and d.double() is d


def test_detach_shares_data_and_clone_copies():
    x = ember.ones(3, requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and np.shares_memory(d.numpy(), x.detach().numpy())
    c = x.clone()
    assert c.grad_fn.name() == "CloneBackward0"
    assert not np.shares_memory(c.detach().numpy(), x.detach().numpy())


# ----------------------------------------------------------------- __format__


def test_format():
    for v in (3.14159, -2.0, 7):
        e, t = ember.tensor(v), torch.tensor(v)
        for spec in ("", ".2f", ">10", "+.3e", "^9.1f"):
            if isinstance(v, int) and "f" in spec or isinstance(v, int) and "e" in spec:
                continue
            assert format(e, spec) == format(t, spec)
        assert "%.3f" % e == "%.3f" % t and "{}".format(e) == "{}".format(t)
    assert f"{ember.tensor([1.5, 2.0])}" == f"{torch.tensor([1.5, 2.0])}"
    with pytest.raises(TypeError, match="unsupported format string"):
        f"{ember.tensor([1.5]):.2f}"


def test_requires_grad_rules():
    with pytest.raises(RuntimeError, match="floating point"):
        ember.zeros(2, dtype=ember.int64).requires_grad_()
    x = ember.zeros(2).requires_grad_()
    assert x.requires_grad and x.is_leaf

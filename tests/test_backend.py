"""The backend seam: dtypes and their promotion, finfo/iinfo, devices, against PyTorch."""
import itertools
import pickle

import pytest

import ember

torch = pytest.importorskip("torch")

NAMES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]
PAIRS = list(itertools.product(NAMES, NAMES))


@pytest.mark.parametrize("name", NAMES)
def test_dtype_attributes(name):
    e, t = getattr(ember, name), getattr(torch, name)
    assert repr(e) == repr(t) == str(e)
    assert e.is_floating_point == t.is_floating_point
    assert e.is_signed == t.is_signed
    assert e.itemsize == t.itemsize
    assert e.is_complex is False
    assert pickle.loads(pickle.dumps(e)) is e


def test_dtype_aliases():
    assert ember.float is ember.float32 and ember.double is ember.float64 and ember.half is ember.float16
    assert ember.long is ember.int64 and ember.int is ember.int32 and ember.short is ember.int16


@pytest.mark.parametrize("a,b", PAIRS)
def test_promote_types_and_can_cast(a, b):
    assert str(ember.promote_types(getattr(ember, a), getattr(ember, b))) == str(
        torch.promote_types(getattr(torch, a), getattr(torch, b)))
    assert ember.can_cast(getattr(ember, a), getattr(ember, b)) == torch.can_cast(getattr(torch, a), getattr(torch, b))


@pytest.mark.parametrize("build", [
    lambda m: (m.zeros(2, dtype=m.int64), 1.0), lambda m: (2, 3.0), lambda m: (True, 2),
    lambda m: (m.tensor(1.0, dtype=m.float64), m.zeros(2, dtype=m.int32)),
    lambda m: (m.zeros(2, dtype=m.float16), m.tensor(1.0, dtype=m.float64)),
    lambda m: (m.zeros(2, dtype=m.uint8), m.zeros(2, dtype=m.int8)), lambda m: (m.zeros(2, dtype=m.bool), 3),
    lambda m: (m.tensor(1, dtype=m.int32), m.tensor(2, dtype=m.int64)), lambda m: (m.zeros(2, dtype=m.int8), 2.5),
])
def test_result_type(build):
    assert str(ember.result_type(*build(ember))) == str(torch.result_type(*build(torch)))


@pytest.mark.parametrize("name", ["float32", "float64", "float16"])
def test_finfo(name):
    e, t = ember.finfo(getattr(ember, name)), torch.finfo(getattr(torch, name))
    for attr in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(e, attr) == getattr(t, attr), attr
    assert repr(e) == repr(t)


@pytest.mark.parametrize("name", ["int64", "int32", "int16", "int8", "uint8"])
def test_iinfo(name):
    e, t = ember.iinfo(getattr(ember, name)), torch.iinfo(getattr(torch, name))
    for attr in ("bits", "max", "min", "dtype"):
        assert getattr(e, attr) == getattr(t, attr), attr
    assert repr(e) == repr(t)


def test_info_errors_and_default():
    assert ember.finfo().eps == torch.finfo().eps
    for fn, bad in ((ember.finfo, ember.int64), (ember.iinfo, ember.float32), (ember.iinfo, ember.bool)):
        with pytest.raises(TypeError):
            fn(bad)


def test_device():
    assert ember.device("cpu") == "cpu" and ember.device("cpu") == ember.device("cpu")
    assert ember.device("cuda:1").index == 1 and ember.device("cuda:1").type == "cuda"
    assert ember.device("cuda", 2) == "cuda:2" and ember.device(ember.device("cuda:3")) == "cuda:3"
    assert ember.device("cuda:0") != "cuda" and ember.device("cuda") != "cuda:0"
    assert len({ember.device("cpu"), ember.device("cpu")}) == 1
    assert repr(ember.device("cuda:0")) == repr(torch.device("cuda:0"))
    assert str(ember.device("cpu")) == str(torch.device("cpu"))
    for bad in ("foo", "cuda:x"):
        with pytest.raises(RuntimeError):
            ember.device(bad)
    with ember.device("cpu") as d:
        assert d.type == "cpu"


def test_to_dtype_accepts_python_and_numpy_types():
    import numpy as np

    from ember import _arraylib as B
    assert B.to_dtype(float) is ember.float64 and B.to_dtype(int) is ember.int64 and B.to_dtype(bool) is ember.bool
    assert B.to_dtype(np.float32) is ember.float32 and B.to_dtype("torch.int8") is ember.int8
    assert ember.zeros(2, dtype=np.float64).dtype is ember.float64
    with pytest.raises(TypeError):
        B.to_dtype("qint8")

"""zero_, fill_ and copy_ against PyTorch: values, dtype casts, broadcasting, autograd and version counters."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand

import ember


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8", "bool"])
def test_zero_and_fill(dtype):
    x = rand((3, 4), dtype)
    check(lambda m, a: a.detach().clone().zero_(), [x])
    check(lambda m, a: m.zero_(a.detach().clone()), [x])
    for value in (2, 2.7, True, -1):
        check(lambda m, a: a.detach().clone().fill_(value), [x])
    check(lambda m, a, v: a.detach().clone().fill_(v), [x, np.array(3.5)])
    check(lambda m, a: m.fill_(a.detach().clone(), 1), [x])
    check(lambda m, a: a.detach().clone().t().fill_(1), [x])  # non-contiguous target
    check(lambda m, a: a.detach().clone().fill_(1), [rand((), dtype)])
    check(lambda m, a: a.detach().clone().fill_(1), [rand((0, 2), dtype)])


def test_fill_and_zero_in_the_graph():
    check(lambda m, a: (a * 2).zero_() + a, [(3, 4)])
    check(lambda m, a, v: (a * 2).fill_(v) * a, [(3, 4), ()])  # the 0-dim value gets the summed gradient
    check(lambda m, a: (a * 2).fill_(3) * a, [(3, 4)])
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    assert (x * 1).zero_().grad_fn.name() == "ZeroBackward0"
    assert (x * 1).fill_(1).grad_fn.name() == "FillBackward2"
    assert (x * 1).fill_(x[0]).grad_fn.name() == "FillBackward3"


def test_fill_errors_and_versions():
    check(lambda m, a, v: a.detach().clone().fill_(v), [(3,), (1,)])  # only 0-dim value tensors
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x.fill_(0)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x.zero_()
    with ember.no_grad():
        x.zero_()  # initialising a parameter is allowed without grad
    assert x.tolist() == [0.0, 0.0] and x._version_counter == 1
    y = x * 2
    z = y.exp()
    y.fill_(1)  # the exp node saved y... as its output, so only z's own output matters
    z.sum().backward()


@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 4), ()), ((2, 3, 4), (3, 1)),
                                    ((0, 3), (3,)), ((), ())])
def test_copy_broadcasts(shapes):
    check(lambda m, a, b: a.detach().clone().copy_(b), list(shapes))
    check(lambda m, a, b: (a * 1).copy_(b), list(shapes))  # the gradient goes to src, self's old value gets none
    check(lambda m, a, b: a.detach().clone().copy_(b) * a, list(shapes))


@pytest.mark.parametrize("dtypes", [("int64", "float32"), ("float32", "int64"), ("float32", "bool"),
                                    ("bool", "float32"), ("float16", "float64"), ("float64", "float32"),
                                    ("uint8", "int64")])
def test_copy_casts(dtypes):
    a = rand((3, 4), dtypes[0])
    b = rand((4,), dtypes[1]) * (3 if dtypes[1].startswith("float") else 1)
    rtol = 5e-3 if "float16" in dtypes else 1e-5  # NumPy sums float16 gradients in float16, PyTorch in float32
    check(lambda m, x, y: x.detach().clone().copy_(y), [a, b], rtol=rtol)
    if dtypes[0].startswith("float") and dtypes[1].startswith("float"):
        check(lambda m, x, y: (x * 1).copy_(y) * 2, [a, b], rtol=rtol)  # gradient cast back to src's dtype


def test_copy_layouts_errors_and_names():
    check(lambda m, a, b: a.detach().clone().t().copy_(b), [(4, 3), (4,)])
    check(lambda m, a, b: a.detach().clone().copy_(b.t()), [(3, 4), (4, 3)])
    check(lambda m, a: a.detach().clone().copy_(a.detach().flip(0)), [(5,)])  # overlapping source
    check(lambda m, a, b: a.detach().clone().copy_(b), [(3,), (4,)])
    check(lambda m, a, b: a.detach().clone().copy_(b), [(3,), (2, 3)])
    check(lambda m, a: a.detach().clone().copy_([1, 2, 3]), [(3,)])
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    assert (x * 1).copy_(x).grad_fn.name() == "CopyBackwards"
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x.copy_(ember.tensor([3.0, 4.0]))
    y = ember.zeros(2) if hasattr(ember, "zeros") else ember.tensor([0.0, 0.0])
    version = y._version_counter
    y.copy_(x)
    assert y._version_counter == version + 1 and y.requires_grad and y.grad_fn.name() == "CopyBackwards"


def test_fill_and_copy_gradcheck():
    gradcheck64(lambda m, a, b: (a * 1).copy_(b) * a, [(3, 4), (4,)])
    gradcheck64(lambda m, a, v: (a * 2).fill_(v) * a, [(3, 4), ()])
    gradcheck64(lambda m, a: (a * 2).zero_() + a * a, [(3, 4)])

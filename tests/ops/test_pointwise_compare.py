"""Comparisons, closeness tests, logical and bitwise ops, clamp and where, against PyTorch."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand

import ember

BROADCAST = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (2, 3)), ((0, 3), (3,))]
DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool"]

COMPARISONS = {
    "eq": lambda m, a, b: m.eq(a, b), "ne": lambda m, a, b: a.ne(b), "lt": lambda m, a, b: m.lt(a, b),
    "le": lambda m, a, b: a.le(b), "gt": lambda m, a, b: m.gt(a, b), "ge": lambda m, a, b: a.ge(b),
    "==": lambda m, a, b: a == b, "!=": lambda m, a, b: a != b, "<": lambda m, a, b: a < b,
    "<=": lambda m, a, b: a <= b, ">": lambda m, a, b: a > b, ">=": lambda m, a, b: a >= b,
    "greater": lambda m, a, b: m.greater(a, b), "less_equal": lambda m, a, b: m.less_equal(a, b),
    "not_equal": lambda m, a, b: a.not_equal(b), "greater_equal": lambda m, a, b: m.greater_equal(a, b),
    "less": lambda m, a, b: m.less(a, b),
}


def ties(shape, dtype):
    """Small integers, so that equal elements (the interesting case for comparisons) are common."""
    return rand(shape, "int64").clip(-1, 1).astype(dtype)


@pytest.mark.parametrize("name", COMPARISONS)
@pytest.mark.parametrize("shapes", BROADCAST)
def test_comparisons_broadcast(name, shapes):
    check(COMPARISONS[name], [ties(shapes[0], "float32"), ties(shapes[1], "float32")])


@pytest.mark.parametrize("name", ["eq", "lt", "ge", "<", "!="])
@pytest.mark.parametrize("dtypes", [("int64", "float32"), ("bool", "int64"), ("uint8", "int8"), ("float64", "int32"),
                                    ("bool", "bool")])
def test_comparisons_mixed_dtypes(name, dtypes):
    check(COMPARISONS[name], [ties((3, 4), dtypes[0]), ties((4,), dtypes[1])])
    check(lambda m, a: COMPARISONS[name](m, a, 0.5), [ties((3, 4), dtypes[0])])
    check(lambda m, a: COMPARISONS[name](m, a, 1), [ties((3, 4), dtypes[0])])


def test_comparisons_with_numbers_on_either_side_and_edges():
    x = np.float32([1.0, np.nan, np.inf, -0.0, 0.0])
    for fn in COMPARISONS.values():
        check(lambda m, a: fn(m, a, 0.0), [x])
        check(lambda m, a, b: fn(m, a, b), [x, x[::-1].copy()])
    check(lambda m, a: (2 < a, 2 >= a, 0 == a), [(3,)])
    check(lambda m, a, b: a.t() < b, [(4, 3), (4,)])
    check(lambda m, a, b: a < b, [(3, 4), (5,)])
    check(lambda m, a, b: m.lt(a, b, out=m.tensor(np.zeros(3, np.int64))), [(3,), (3,)])


def test_eq_operator_with_unrelated_objects():
    t = ember.tensor([1.0, 2.0])
    assert (t == None) is False  # noqa: E711 - PyTorch answers False, not an error
    assert (t != None) is True  # noqa: E711
    assert (t == "a") is False
    assert t in [t] and len({t, ember.tensor([1.0, 2.0])}) == 2  # still hashable by identity
    with pytest.raises(TypeError):
        t < None  # noqa: B015


@pytest.mark.parametrize("name", ["eq_", "lt_", "ge_", "ne_", "greater_", "less_equal_"])
def test_comparisons_in_place(name):
    check(lambda m, a, b: getattr(a.clone(), name)(b), [ties((3, 4), "float32"), ties((4,), "float32")], grad=False)
    check(lambda m, a, b: getattr(a.clone(), name)(b), [ties((3, 4), "int64"), ties((4,), "float32")], grad=False)
    check(lambda m, a, b: getattr(a.clone(), name)(b), [ties((4,), "bool"), ties((4,), "int64")], grad=False)


def test_equal_isclose_allclose():
    a = rand((3, 4))
    b = a + rand((3, 4)) * 1e-6
    check(lambda m, x, y: (m.equal(x, y), m.equal(x, x), x.equal(x.clone())), [a, b])
    check(lambda m, x, y: m.equal(x, y), [np.array([1, 2]), np.float32([1, 2])])
    check(lambda m, x, y: m.equal(x, y), [(2, 3), (3,)])
    check(lambda m, x: m.equal(x, x), [np.float32([1.0, np.nan])])
    for kw in [{}, {"rtol": 0, "atol": 1e-7}, {"rtol": 1e-3}]:
        check(lambda m, x, y: (m.isclose(x, y, **kw), m.allclose(x, y, **kw), x.isclose(y, **kw)), [a, b])
    nans = np.float32([np.nan, 1.0, np.inf, -np.inf])
    check(lambda m, x: (m.isclose(x, x), m.isclose(x, x, equal_nan=True), m.allclose(x, x, equal_nan=True)), [nans])
    check(lambda m, x, y: m.isclose(x, y), [(3, 4), (4,)])
    check(lambda m, x, y: m.isclose(x, y), [np.array([1, 2]), np.float32([1, 2])])  # dtypes must match
    check(lambda m, x: m.isclose(x, 1.0), [(3,)])  # PyTorch wants two tensors
    check(lambda m, x, y: m.allclose(x, y), [(3, 4), (5,)])


@pytest.mark.parametrize("name", ["isnan", "isinf", "isfinite", "isposinf", "isneginf"])
def test_float_classification(name):
    x = np.float32([1.0, np.nan, np.inf, -np.inf, 0.0, -0.0])
    check(lambda m, a: getattr(m, name)(a), [x])
    check(lambda m, a: getattr(a, name)(), [x.reshape(2, 3).T.copy()])
    for dtype in ("int64", "bool", "float64"):
        check(lambda m, a: getattr(m, name)(a), [rand((3,), dtype)])
    check(lambda m, a: getattr(m, name)(a), [()])


# ----------------------------------------------------------------- logical and bitwise


@pytest.mark.parametrize("name", ["logical_and", "logical_or", "logical_xor"])
@pytest.mark.parametrize("dtypes", [("bool", "bool"), ("float32", "int64"), ("int64", "bool"), ("float64", "float32")])
def test_logical(name, dtypes):
    check(lambda m, a, b: getattr(m, name)(a, b), [ties((3, 4), dtypes[0]), ties((4,), dtypes[1])])
    check(lambda m, a, b: getattr(a, name)(b), [ties((2, 1), dtypes[0]), ties((3,), dtypes[1])])
    check(lambda m, a, b: getattr(a.detach().clone(), name + "_")(b), [ties((3, 4), dtypes[0]), ties((4,), dtypes[1])])
    check(lambda m, a, b: getattr(m, name)(a, b, out=m.tensor(np.zeros(4, np.float32))),
          [ties((4,), dtypes[0]), ties((4,), dtypes[1])], grad=False)
    check(lambda m, a, b: getattr(m, name)(a, b), [(3, 4), (5,)])


@pytest.mark.parametrize("dtype", DTYPES)
def test_logical_not(dtype):
    check(lambda m, a: m.logical_not(a), [ties((3, 4), dtype)])
    check(lambda m, a: a.detach().clone().logical_not_(), [ties((3, 4), dtype)])
    check(lambda m, a: a.logical_not(), [ties((), dtype)])


BITWISE = {
    "and": lambda m, a, b: m.bitwise_and(a, b), "or": lambda m, a, b: a.bitwise_or(b),
    "xor": lambda m, a, b: m.bitwise_xor(a, b), "&": lambda m, a, b: a & b, "|": lambda m, a, b: a | b,
    "^": lambda m, a, b: a ^ b,
}


@pytest.mark.parametrize("name", BITWISE)
@pytest.mark.parametrize("dtypes", [("bool", "bool"), ("int64", "int64"), ("int32", "bool"), ("uint8", "int8"),
                                    ("float32", "int64"), ("float32", "float32")])
def test_bitwise(name, dtypes):
    check(BITWISE[name], [rand((3, 4), dtypes[0]), rand((4,), dtypes[1])])
    check(lambda m, a: BITWISE[name](m, a, 3), [rand((3,), dtypes[0])])
    check(lambda m, a: BITWISE[name](m, a, True), [rand((3,), dtypes[0])])


def test_bitwise_operators_reflected_in_place_and_not():
    ints, bools = rand((3, 4), "int64"), rand((3, 4), "bool")
    check(lambda m, a: (5 & a, 5 | a, 5 ^ a, True & a), [ints])

    def in_place(a, b):
        a = a.clone()
        a &= b
        a |= 4
        a ^= b
        return a

    check(lambda m, a, b: in_place(a, b), [ints, rand((4,), "int64")])
    check(lambda m, a, b: in_place(a, b), [bools, rand((4,), "bool")])  # int into bool can't be cast
    check(lambda m, a, b: a.clone().bitwise_and_(b), [ints, rand((4,), "bool")])
    for dtype in ("bool", "int64", "uint8", "float32"):
        check(lambda m, a: ~a, [rand((3, 4), dtype)])
        check(lambda m, a: m.bitwise_not(a), [rand((3, 4), dtype)])
        check(lambda m, a: a.clone().bitwise_not_(), [rand((3,), dtype)])
    check(lambda m, a, b: m.bitwise_and(a, b, out=m.tensor(np.zeros(4, np.int64))), [ints[0], ints[1]])
    check(lambda m, a, b: a & b, [rand((3, 4), "int64"), rand((5,), "int64")])


# ----------------------------------------------------------------- clamp


CLAMPS = {
    "both": lambda m, a: m.clamp(a, -0.5, 0.7), "min": lambda m, a: m.clamp(a, min=0.0),
    "max": lambda m, a: a.clamp(max=0.25), "clip": lambda m, a: m.clip(a, -1, 1),
    "inverted": lambda m, a: a.clamp(1.0, -1.0), "clamp_min": lambda m, a: m.clamp_min(a, 0.2),
    "clamp_max": lambda m, a: a.clamp_max(-0.2), "int_bounds": lambda m, a: a.clamp(-1, 1),
}


@pytest.mark.parametrize("name", CLAMPS)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32"])
def test_clamp_number_bounds(name, dtype):
    x = rand((3, 4), dtype)
    check(CLAMPS[name], [x])
    check(lambda m, a: CLAMPS[name](m, a.t()), [x])
    check(lambda m, a: CLAMPS[name](m, a), [rand((), dtype)])


def test_clamp_gradient_at_the_bounds_and_nan():
    x = np.float32([-1.0, -0.5, 0.0, 0.7, 1.0, np.nan])
    for fn in CLAMPS.values():
        check(fn, [x])
    check(lambda m, a: m.clamp(a, 0.5, 0.5), [np.float32([0.5, 0.2, 0.9])])


@pytest.mark.parametrize("shapes", [((3, 4), (4,), (3, 1)), ((3, 4), (3, 4), (3, 4)), ((), (2, 3), ()),
                                    ((4,), (2, 4), (4,))])
def test_clamp_tensor_bounds(shapes):
    x, lo, hi = rand(shapes[0]), rand(shapes[1], low=-1, high=0), rand(shapes[2], low=-0.2, high=1)
    # PyTorch's own backward fails when the bounds broadcast the input to a larger shape
    grad = np.broadcast_shapes(*shapes) == shapes[0]
    check(lambda m, a, b, c: m.clamp(a, b, c), [x, lo, hi], grad=grad)
    check(lambda m, a, b: m.clamp(a, min=b), [x, lo], grad=grad)
    check(lambda m, a, c: a.clamp(max=c), [x, hi], grad=grad)
    check(lambda m, a, b, c: m.clamp(a, c, b), [x, lo, hi], grad=grad)  # min above max: max wins
    check(lambda m, a, b: m.clamp_min(a, b), [x, lo], grad=grad)
    check(lambda m, a, c: m.clamp_max(a, c), [x, hi], grad=grad)
    check(lambda m, a, b, c: m.clamp(a, b, c), [x, x.copy(), x.copy()])  # every element on both bounds
    gradcheck64(lambda m, a, b, c: m.clamp(a, b, c), [shapes[0], shapes[1], shapes[2]])


def test_clamp_dtypes_names_and_errors():
    ints = np.array([3, -2, 0, 7])
    check(lambda m, a: m.clamp(a, 0.5), [ints])  # a float bound makes the result float
    check(lambda m, a, b: m.clamp(a, b), [ints, np.float32(0.5)])
    check(lambda m, a, b: m.clamp(a, b), [rand((4,)), np.array(0.0)])  # 0-dim bound does not promote
    check(lambda m, a: m.clamp(a), [(3,)])
    check(lambda m, a, b: m.clamp(a, b), [(3, 4), (5,)])
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    names = {"ClampBackward1": x.clamp(0, 1), "ClampBackward0": x.clamp(x), "ClampMinBackward0": x.clamp_min(0),
             "ClampMaxBackward1": x.clamp_max(x)}
    for name, y in names.items():
        assert y.grad_fn.name() == name
    gradcheck64(lambda m, a: m.clamp(a, -0.5, 0.5), [(3, 4)])


@pytest.mark.parametrize("name", ["clamp_", "clip_"])
def test_clamp_in_place(name):
    check(lambda m, a: getattr(a.clone(), name)(-0.5, 0.5), [(3, 4)])
    check(lambda m, a, b: getattr(a.clone(), name)(b), [(3, 4), (4,)])
    check(lambda m, a: getattr(a.clone(), name)(0, 1), [np.array([3, -2, 0])])
    check(lambda m, a: getattr(a.clone(), name)(0.5), [np.array([3, -2, 0])])  # Float can't go into Long
    check(lambda m, a: getattr(m, name)(a.clone(), max=0.1), [(3,)])
    check(lambda m, a: a.clone().clamp_min_(0.1).clamp_max_(0.3), [(3, 4)])
    assert (ember.tensor([1.0], requires_grad=True) * 1).clamp_min_(0).grad_fn.name() == "ClampMinBackward0"
    check(lambda m, a: m.clamp(a, 0, 1, out=m.tensor(np.zeros(3, np.float32))), [(3,)], grad=False)


# ----------------------------------------------------------------- where


@pytest.mark.parametrize("shapes", [((3, 4), (3, 4), (3, 4)), ((3, 4), (4,), (3, 1)), ((), (2, 3), (3,)),
                                    ((2, 1, 3), (4, 1), ()), ((0, 3), (3,), (1, 3))])
def test_where_broadcast(shapes):
    cond = rand(shapes[0], "bool")
    check(lambda m, c, a, b: m.where(c, a, b), [cond, rand(shapes[1]), rand(shapes[2])])
    check(lambda m, c, a, b: a.where(c, b), [cond, rand(shapes[1]), rand(shapes[2])])
    check(lambda m, c, a: m.where(c, a, 0.0), [cond, rand(shapes[1])])
    check(lambda m, c, b: m.where(c, -1, b), [cond, rand(shapes[2])])
    gradcheck64(lambda m, a, b: m.where(ember.tensor(cond), a, b), [shapes[1], shapes[2]])


def test_where_dtypes_and_errors():
    cond = rand((3, 4), "bool")
    for da, db in [("float32", "float64"), ("int64", "float32"), ("int32", "int64"), ("bool", "int64")]:
        check(lambda m, c, a, b: m.where(c, a, b), [cond, rand((3, 4), da), rand((4,), db)])
    check(lambda m, c, a: m.where(c, a, 2.5), [cond, rand((4,), "int64")])
    check(lambda m, c, a: m.where(c, a, 2), [cond, rand((4,), "int32")])
    check(lambda m, c: (m.where(c, 1.0, 0), m.where(c, 1, 0), m.where(c, True, False)), [cond])
    check(lambda m, c, a, b: m.where(c, a, b), [cond, rand((4,), "int64"), np.array(2.5)])  # 0-dim double
    check(lambda m, c, a, b: m.where(c, a, b), [cond.astype(np.uint8), (3, 4), (3, 4)])
    check(lambda m, c, a, b: m.where(c, a, b), [cond.astype(np.float32), (3, 4), (3, 4)])
    check(lambda m, c, a, b: m.where(c, a, b), [cond, (3, 4), (5,)])
    check(lambda m, c, a, b: m.where(c, a, b, out=m.tensor(np.zeros(0, np.float32))), [cond, (3, 4), (4,)],
          grad=False)


def test_where_with_condition_only():
    for shape in [(3, 4), (5,), (), (0, 2), (2, 3, 2)]:
        check(lambda m, c: m.where(c), [rand(shape, "bool")])
    check(lambda m, c: m.where(c), [np.bool_(True)])
    check(lambda m, a: m.where(a > 0), [(3, 4)])


def test_comparison_masks_in_double_backward():
    x = ember.tensor(rand((5,), "float64"), requires_grad=True)
    (g,) = ember.autograd.grad(ember.where(x > 0, x ** 3, x.clamp(-0.5, 0.5) * x).sum(), x, create_graph=True)
    (gg,) = ember.autograd.grad(g.sum(), x)
    xd = x.detach().numpy()
    expected = np.where(xd > 0, 6 * xd, np.where(np.abs(xd) <= 0.5, 2.0, 0.0))
    np.testing.assert_allclose(gg.numpy(), expected, rtol=1e-12)

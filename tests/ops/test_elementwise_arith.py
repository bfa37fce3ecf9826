"""Arithmetic against PyTorch: rounded division, remainders, abs/sign/square, maximum/minimum, operators,
in-place and out= forms, node names and errors."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand

import ember

BROADCAST = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (2, 3)), ((0, 3), (3,))]
DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool"]


def nonzero(shape, dtype):
    """Random divisors without zeros (integers divide by zero with an error)."""
    x = rand(shape, dtype, positive=True)
    if np.dtype(dtype).kind in "iu" and dtype != "uint8":
        x = x * np.where(rand(shape, "bool"), 1, -1).astype(dtype)
    return x


# ----------------------------------------------------------------- rounded division and remainders


DIVISIONS = {
    "floor_divide": lambda m, a, b: m.floor_divide(a, b),
    "div_floor": lambda m, a, b: m.div(a, b, rounding_mode="floor"),
    "div_trunc": lambda m, a, b: m.div(a, b, rounding_mode="trunc"),
    "floordiv_op": lambda m, a, b: a // b,
    "remainder": lambda m, a, b: m.remainder(a, b),
    "mod_op": lambda m, a, b: a % b,
    "fmod": lambda m, a, b: m.fmod(a, b),
}


@pytest.mark.parametrize("name", DIVISIONS)
@pytest.mark.parametrize("shapes", BROADCAST)
def test_rounded_division_broadcasting(name, shapes):
    a = rand(shapes[0], low=-6, high=6)
    b = nonzero(shapes[1], "float32")
    # floor_divide records a node without a derivative, as PyTorch does
    check(DIVISIONS[name], [a, b], grad=name not in ("floor_divide", "floordiv_op"))


@pytest.mark.parametrize("name", DIVISIONS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_rounded_division_dtypes(name, dtype):
    a = rand((3, 4), dtype) * (3 if dtype.startswith("float") else 1)
    check(DIVISIONS[name], [a, nonzero((4,), dtype)], grad=False)
    check(DIVISIONS[name], [a, nonzero((4,), "int64")], grad=False)
    check(lambda m, x: DIVISIONS[name](m, x, 3), [a], grad=False)
    check(lambda m, x: DIVISIONS[name](m, x, -2.5), [a], grad=False)
    check(lambda m, x: DIVISIONS[name](m, 7, x), [nonzero((3,), dtype)], grad=False)
    check(lambda m, x: DIVISIONS[name](m, 7, x), [a], grad=False)  # zeros among the divisors


@pytest.mark.parametrize("name", DIVISIONS)
def test_rounded_division_edges(name):
    special = np.array([7.0, -7.0, 0.0, -0.0, np.inf, np.nan, 5.5, -5.5], np.float32)
    check(DIVISIONS[name], [special, np.float32([2.0, 2.0, -3.0, 3.0, 2.0, 1.0, -2.0, -2.0])], grad=False)
    ints = np.array([7, -7, 6, -6, 0, 1])
    check(DIVISIONS[name], [ints, np.array([2, 2, -4, 4, 3, -1])], grad=False)
    check(DIVISIONS[name], [ints, np.zeros(6, np.int64)], grad=False)  # integer division by zero raises
    check(DIVISIONS[name], [np.float32([1.0, -1.0, 0.0]), np.zeros(3, np.float32)], grad=False)
    big = np.array([2 ** 40 + 1, -(2 ** 40) - 1])  # integers divide exactly, never through floats
    check(DIVISIONS[name], [big, np.array([3, 3])], grad=False)
    check(lambda m, a, b: DIVISIONS[name](m, a.t(), b), [(4, 3), nonzero((4,), "float32")], grad=False)
    check(DIVISIONS[name], [(3, 4), (5,)], grad=False)


def test_rounded_division_gradients_and_names():
    check(lambda m, a, b: m.div(a, b, rounding_mode="floor"), [(3, 4), nonzero((4,), "float32")])
    check(lambda m, a, b: m.remainder(a, b), [(3, 4), nonzero((3, 4), "float32")])
    check(lambda m, a, b: m.fmod(a, b), [(3, 4), nonzero((4,), "float32")])
    check(lambda m, a: m.fmod(a, 1.5), [(3, 4)])
    check(lambda m, a: 5 % a, [nonzero((3,), "float32")], grad=False)
    gradcheck64(lambda m, a, b: m.remainder(a, b), [(2, 3), (3,)], positive=True)
    gradcheck64(lambda m, a, b: m.fmod(a, b), [(2, 3), (3,)], positive=True)
    x = ember.tensor([1.5, -2.5], requires_grad=True)
    names = {"RemainderBackward0": x % 2, "RemainderBackward1": x % ember.tensor(2.0),
             "FmodBackward0": ember.fmod(x, 2), "FmodBackward1": ember.fmod(x, x),
             "DivBackward2": ember.div(x, 2, rounding_mode="trunc"), "NotImplemented": x // 2}
    for name, y in names.items():
        assert y.grad_fn.name() == name
    with pytest.raises(RuntimeError, match="floor_divide is not implemented"):
        (x // 2).sum().backward()


def test_rounded_division_in_place_and_out():
    a, b = rand((3, 4), low=-6, high=6), nonzero((4,), "float32")
    check(lambda m, x, y: x.clone().floor_divide_(y), [a, b], grad=False)
    check(lambda m, x, y: x.clone().div_(y, rounding_mode="trunc"), [a, b])
    check(lambda m, x, y: x.clone().remainder_(y), [a, b])
    check(lambda m, x, y: x.clone().fmod_(y), [a, b])

    def ops(x, y):
        x //= y
        x %= 3
        return x

    check(lambda m, x, y: ops(x.clone(), y), [np.array([7, -8, 9]), np.array([2, 3, -4])])
    check(lambda m, x, y: x.clone().remainder_(y), [np.array([7, -8]), np.float32([2.5, 1.5])])  # Float into Long
    check(lambda m, x, y: m.fmod(x, y, out=m.tensor(np.zeros(3, np.float32))), [(3,), nonzero((3,), "float32")],
          grad=False)
    check(lambda m, x, y: m.div(x, y, rounding_mode="floor", out=m.tensor(np.zeros((0,), np.int64))),
          [np.array([7, -8, 9]), np.array([2, 3, -4])])
    check(lambda m, x, y: m.div(x, y, rounding_mode="round"), [(3,), (3,)])


# ----------------------------------------------------------------- unary arithmetic


UNARY = {
    "abs": lambda m, a: m.abs(a), "abs_op": lambda m, a: abs(a), "absolute": lambda m, a: a.absolute(),
    "sign": lambda m, a: m.sign(a), "sgn": lambda m, a: a.sgn().detach(), "square": lambda m, a: m.square(a),
    "neg": lambda m, a: -a, "negative": lambda m, a: m.negative(a), "positive": lambda m, a: +a,
    "reciprocal": lambda m, a: a.reciprocal(),
}


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", DTYPES + ["int8", "float16"])
def test_unary_arithmetic_dtypes(name, dtype):
    check(UNARY[name], [rand((3, 4), dtype, positive=name == "reciprocal")], rtol=1e-3)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("shape", [(3, 4), (), (0, 2)])
def test_unary_arithmetic_shapes_and_grads(name, shape):
    check(UNARY[name], [rand(shape, positive=name == "reciprocal")])
    check(lambda m, a: UNARY[name](m, a.t()), [rand((4, 3), positive=name == "reciprocal")])


@pytest.mark.parametrize("name", ["abs", "sign", "square", "neg", "reciprocal"])
def test_unary_arithmetic_in_place_and_out(name):
    x = rand((3, 4), positive=name == "reciprocal")
    check(lambda m, a: getattr(a.clone(), name + "_")(), [x])
    for dtype in ("int64", "bool"):
        check(lambda m, a: getattr(a.clone(), name + "_")(), [rand((3,), dtype, positive=True)])
    check(lambda m, a: getattr(m, name)(a, out=m.tensor(np.zeros((3, 4), np.float32))), [x], grad=False)
    check(lambda m, a: getattr(m, name)(a, out=m.tensor(np.zeros((3, 4), np.int64))), [x], grad=False)
    check(lambda m, a: getattr(m, name)(a, out=m.tensor(np.zeros((3, 4), np.float32))), [x])  # grad + out=
    gradcheck64(lambda m, a: getattr(m, name)(a), [(2, 3)], positive=True)


def test_unary_arithmetic_edges():
    special = np.array([-0.0, 0.0, np.inf, -np.inf, -3.5], np.float32)
    for fn in UNARY.values():
        check(fn, [special], grad=False)
    check(lambda m, a: m.abs(a), [np.array([-128, 5], np.int8)])  # wraps, like C
    check(lambda m, a: m.square(a), [np.array([200, 3], np.uint8)])
    assert ember.square(ember.tensor([1.0], requires_grad=True)).grad_fn.name() == "PowBackward0"
    x = ember.tensor([2.0], requires_grad=True)
    assert (2 ** x).grad_fn.name() == "PowBackward2"
    assert (x ** ember.tensor(2.0)).grad_fn.name() == "PowBackward1"
    assert (2 - x).grad_fn.name() == "RsubBackward1"


# ----------------------------------------------------------------- maximum and friends


PAIRWISE = ["maximum", "minimum", "fmax", "fmin"]


@pytest.mark.parametrize("name", PAIRWISE)
@pytest.mark.parametrize("shapes", BROADCAST)
def test_maximum_minimum(name, shapes):
    check(lambda m, a, b: getattr(m, name)(a, b), list(shapes))
    check(lambda m, a, b: getattr(a, name)(b), list(shapes))


@pytest.mark.parametrize("name", PAIRWISE)
def test_maximum_minimum_ties_nans_dtypes(name):
    a = np.float32([1.0, 2.0, np.nan, 3.0, np.nan, -1.0])
    b = np.float32([1.0, 3.0, 1.0, np.nan, np.nan, -1.0])
    check(lambda m, x, y: getattr(m, name)(x, y), [a, b])  # ties share, NaN propagates (or not, for fmax)
    for da, db in [("int64", "float32"), ("int32", "int64"), ("bool", "bool"), ("float32", "float64")]:
        check(lambda m, x, y: getattr(m, name)(x, y), [rand((3, 4), da), rand((4,), db)])
    check(lambda m, x: getattr(m, name)(x, 2), [(3,)])  # tensors only
    check(lambda m, x, y: getattr(m, name)(x, y), [(3, 4), (5,)])
    check(lambda m, x, y: getattr(m, name)(x, y, out=m.tensor(np.zeros(3, np.float32))), [(3,), (3,)],
          grad=False)
    gradcheck64(lambda m, x, y: getattr(m, name)(x, y), [(2, 3), (3,)])


# ----------------------------------------------------------------- operators and in-place arithmetic


@pytest.mark.parametrize("shapes", BROADCAST)
def test_in_place_arithmetic_operators(shapes):
    def ops(a, b):
        a = a.clone()
        a += b
        a *= b
        a -= 1.5
        a /= b
        a **= 2
        return a

    if np.broadcast_shapes(*shapes) == shapes[0]:
        check(lambda m, a, b: ops(a, b), list(shapes), positive=True)
    else:  # the result would not fit the tensor written into
        check(lambda m, a, b: ops(a, b), list(shapes), positive=True, grad=False)


def test_in_place_dtype_rules():
    ints = np.array([1, 2, 3])
    check(lambda m, a: a.clone().add_(1.5), [ints])  # result type Float can't be cast to Long
    check(lambda m, a: a.clone().div_(2), [ints])
    check(lambda m, a: a.clone().mul_(2), [ints])
    check(lambda m, a, b: a.clone().add_(b), [rand((3,), "float16"), rand((3,), "float64")], rtol=1e-3)
    check(lambda m, a, b: a.clone().add_(b), [(3, 4), (5,)])
    check(lambda m, a: a.clone().neg_(), [np.array([True, False])])
    check(lambda m, a: -a, [np.array([True, False])])
    x = ember.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x.abs_()


def test_error_messages_match_pytorch():
    ints = ember.tensor([1, 2, 3])
    for fn in (lambda: ints.clone().exp_(), lambda: ints.clone().add_(1.5), lambda: ints.clone().div_(2),
               lambda: ints.clone().clamp_(0.5), lambda: ember.exp(ints, out=ember.tensor([0, 0, 0]))):
        with pytest.raises(RuntimeError, match="^result type Float can't be cast to the desired output type Long$"):
            fn()
    with pytest.raises(RuntimeError, match="result type Long can't be cast to the desired output type Bool"):
        ember.tensor([True]).add_(2)
    with pytest.raises(RuntimeError, match="Negation, the `-` operator, on a bool tensor is not supported"):
        -ember.tensor([True])
    with pytest.raises(RuntimeError, match="^ZeroDivisionError$"):
        ints // 0
    with pytest.raises(NotImplementedError, match="\"abs_cpu\" not implemented for 'Bool'"):
        ember.tensor([True]).abs()
    with pytest.raises(RuntimeError, match="The size of tensor a \\(3\\) must match the size of tensor b \\(4\\)"):
        ember.remainder(ember.ones(3), ember.ones(4))


def test_rounded_division_gradcheck():
    gradcheck64(lambda m, a, b: m.div(a, b, rounding_mode="floor") + a * b, [(2, 3), (3,)], positive=True)
    gradcheck64(lambda m, a, b: m.div(a, b, rounding_mode="trunc") * 2 + a, [(2, 3), (3,)], positive=True)


@pytest.mark.parametrize("expr", ["a + (-1)", "a % (-1)", "a // (-1)", "a - 300", "a * (-2)", "(-1) + a", "a + 256"])
def test_python_int_outside_the_integer_dtype_wraps_around(expr):
    # PyTorch casts the number into the tensor's dtype (-1 into uint8 is 255); NumPy would raise OverflowError
    check(lambda m, a: eval(expr), [np.array([0, 1, 5, 200], np.uint8)], grad=False)
    check(lambda m, a: eval(expr.replace("300", "200")), [np.array([1, -2, 100], np.int8)], grad=False)


@pytest.mark.parametrize("expr", ["a - a", "a - 1", "1 - a", "a - True", "m.rsub(a, 1)", "a.sub(a)",
                                  "a.clone().sub_(1)", "a.float() - a"])
def test_bool_subtraction_raises_pytorchs_error(expr):
    check(lambda m, a: eval(expr), [np.array([True, False])], grad=False)  # torch raises: Ember must, the same type


@pytest.mark.parametrize("expr", ["a ** b", "2 ** b", "(-1) ** b", "a.pow(b)"])
def test_integers_to_negative_integer_tensor_powers(expr):
    check(lambda m, a, b: eval(expr), [np.array([0, 1, -1, 2, -2, 3]), np.array([-1, -3, -3, -1, -2, 2])],
          grad=False)


def test_integer_true_division_converts_each_operand_to_float():
    # no common integer type first: uint8 / int64(-1) is -1.0, not 1/255
    check(lambda m, a, b: a / b, [np.array([[0, 3], [1, 200]], np.uint8), np.array(-1)], grad=False)
    check(lambda m, a, b: a / b, [np.array([200], np.uint8), np.array([-1], np.int8)], grad=False)


@pytest.mark.parametrize("expr", ["a % 0", "a // 0", "m.fmod(a, 0)", "m.remainder(a, m.tensor(0))",
                                  "m.floor_divide(a, 0)"])
def test_integer_division_by_zero_of_an_empty_tensor_is_empty(expr):
    check(lambda m, a: eval(expr), [np.zeros((0,), np.int16)], grad=False)


def test_atan2_of_integers_converts_each_operand_to_float():
    check(lambda m, a, b: m.atan2(a, b), [np.array(-1), np.array([0], np.uint8)], grad=False)
    check(lambda m, a, b: m.atan2(a, b), [np.ones((2, 2), np.int64), np.array(0.5)], grad=False)  # float64 wins

"""Pointwise math against PyTorch: floating functions, activations, rounding, atan2/hypot, lerp/addcmul/addcdiv."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand

import ember

# name -> domain of the random inputs: "real", "positive" (log, sqrt, ...), "unit" (asin, acos)
FLOATING = {
    "exp": "real", "exp2": "real", "expm1": "real", "log": "positive", "log2": "positive", "log10": "positive",
    "log1p": "positive", "sqrt": "positive", "rsqrt": "positive", "sin": "real", "cos": "real", "tan": "unit",
    "asin": "unit", "acos": "unit", "atan": "real", "sinh": "real", "cosh": "real", "tanh": "real",
    "sigmoid": "real", "erf": "real", "reciprocal": "positive",
}
ALIASES = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "fix": "trunc", "arctan2": "atan2"}


def inputs(domain, shape, dtype="float32"):
    if domain == "unit":
        return rand(shape, dtype, low=-0.9, high=0.9)
    return rand(shape, dtype, positive=domain == "positive")


@pytest.mark.parametrize("name", FLOATING)
@pytest.mark.parametrize("shape", [(3, 4), (), (0, 3)])
def test_floating_function_values_and_grads(name, shape):
    x = inputs(FLOATING[name], shape)
    check(lambda m, a: getattr(m, name)(a), [x])
    check(lambda m, a: getattr(a, name)(), [x])


@pytest.mark.parametrize("name", FLOATING)
def test_floating_function_dtypes_and_layouts(name):
    x = inputs(FLOATING[name], (4, 3))
    check(lambda m, a: getattr(m, name)(a.t()), [x])  # non-contiguous input
    check(lambda m, a: getattr(m, name)(a), [inputs(FLOATING[name], (3, 2), "float64")])
    ints = rand((3, 4), "int64", positive=True) if FLOATING[name] == "positive" else np.array([[0, 1], [-1, 0]])
    check(lambda m, a: getattr(m, name)(a), [ints])  # integers compute in the default float dtype
    check(lambda m, a: getattr(m, name)(a), [np.array([True, False])])
    check(lambda m, a: getattr(m, name)(a), [x.astype("float16")], rtol=2e-3, atol=2e-3)


@pytest.mark.parametrize("name", FLOATING)
def test_floating_function_in_place_and_out(name):
    x = inputs(FLOATING[name], (3, 4))
    check(lambda m, a: getattr(a.clone(), name + "_")(), [x])  # in place on a non-leaf: grad flows through
    check(lambda m, a: getattr(a.clone(), name + "_")(), [np.array([1, 2])])  # int tensor can't hold floats
    check(lambda m, a: getattr(m, name)(a, out=m.tensor(np.zeros((0,), np.float32))), [x], grad=False)
    check(lambda m, a: getattr(m, name)(a, out=m.tensor(np.zeros((3, 4), np.float64))), [x], grad=False)
    check(lambda m, a: getattr(m, name)(a, out=m.tensor(np.zeros((3, 4), np.int64))), [x], grad=False)
    check(lambda m, a: getattr(m, name)(a, out=m.tensor(np.zeros((3, 4), np.float32))), [x])  # grad + out=


@pytest.mark.parametrize("name", FLOATING)
def test_floating_function_gradcheck(name):
    if FLOATING[name] == "unit":
        x = ember.tensor(rand((2, 3), "float64", low=-0.9, high=0.9), requires_grad=True)
        assert ember.autograd.gradcheck(lambda a: getattr(ember, name)(a), [x], eps=1e-6, atol=1e-5, rtol=1e-3)
    else:
        gradcheck64(lambda m, a: getattr(m, name)(a), [(2, 3)], positive=FLOATING[name] == "positive")


def test_erf_is_accurate_in_float64():
    x = rand((50,), "float64", low=-4, high=4)
    check(lambda m, a: m.erf(a), [x], rtol=1e-12, atol=1e-14)


def test_sigmoid_saturates_without_nan():
    x = np.array([-200.0, -90.0, 0.0, 90.0, 200.0], np.float32)
    with np.errstate(over="ignore"):
        check(lambda m, a: m.sigmoid(a), [x])


def test_aliases_are_the_same_functions():
    for alias, name in ALIASES.items():
        assert getattr(ember, alias) is getattr(ember, name)
    check(lambda m, a: m.arcsin(a), [rand((3,), low=-0.9, high=0.9)])


# ----------------------------------------------------------------- activations


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_relu(dtype):
    check(lambda m, a: m.relu(a), [rand((3, 4), dtype)])
    check(lambda m, a: a.relu(), [rand((3, 4), dtype)])
    check(lambda m, a: a.clone().relu_(), [rand((3, 4), dtype)])
    check(lambda m, a: m.relu_(a.clone()), [rand((2, 3), dtype)])


def test_relu_and_sigmoid_edges():
    check(lambda m, a: m.relu(a), [np.array([0.0, -0.0, 1.0, np.nan], np.float32)])
    check(lambda m, a: m.relu(a.t()), [(3, 2)])
    check(lambda m, a: m.sigmoid(a), [()])
    gradcheck64(lambda m, a: m.relu(a), [(3, 4)])


def test_in_place_activations_keep_the_graph():
    check(lambda m, a: (a * 2).tanh_() * 3, [(3, 4)])
    check(lambda m, a: (a * 2).sin_().exp_(), [(3, 4)])  # sin_ saved its input before exp_ overwrote it
    check(lambda m, a: (a * 1).log_().relu_(), [(3, 4)], positive=True)


def test_overwriting_a_saved_result_is_detected():
    y = ember.tensor([0.5, 1.0], requires_grad=True) * 2
    z = y.sigmoid_().exp_()  # sigmoid's backward needs the output that exp_ overwrote
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


# ----------------------------------------------------------------- rounding


ROUNDING = ["floor", "ceil", "trunc", "round", "frac"]


@pytest.mark.parametrize("name", ROUNDING)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_rounding(name, dtype):
    x = rand((3, 4), dtype) * (3 if dtype.startswith("float") else 1)
    check(lambda m, a: getattr(m, name)(a), [x])
    check(lambda m, a: getattr(a, name)(), [x])
    check(lambda m, a: getattr(a.clone(), name + "_")(), [x])
    check(lambda m, a: getattr(m, name)(a.t()), [x])


@pytest.mark.parametrize("name", ROUNDING)
def test_rounding_edges(name):
    halves = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, np.inf, -np.inf, np.nan], np.float32)
    check(lambda m, a: getattr(m, name)(a), [halves], grad=False)
    check(lambda m, a: getattr(m, name)(a), [()])
    check(lambda m, a: getattr(m, name)(a), [(0, 2)])
    check(lambda m, a: getattr(m, name)(a, out=m.tensor(np.zeros((2, 2), np.float32))), [(2, 2)], grad=False)
    gradcheck64(lambda m, a: getattr(m, name)(a), [(2, 3)])


def test_round_decimals():
    x = rand((4, 5), "float64", low=-50, high=50)
    for d in (0, 1, 2, -1):
        check(lambda m, a: m.round(a, decimals=d), [x])
        check(lambda m, a: a.round(decimals=d), [x.astype("float32")], rtol=1e-6)
        check(lambda m, a: a.clone().round_(decimals=d), [x])
    check(lambda m, a: m.round(a, decimals=1), [np.array([1, 2])])  # no integer kernel
    assert ember.round(ember.tensor([1.0], requires_grad=True), decimals=1).grad_fn.name() == "RoundBackward1"
    assert ember.round(ember.tensor([1.0], requires_grad=True)).grad_fn.name() == "RoundBackward0"


# ----------------------------------------------------------------- two and three operands


BROADCAST = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (2, 3)), ((0, 3), (3,))]


@pytest.mark.parametrize("shapes", BROADCAST)
def test_atan2_hypot(shapes):
    check(lambda m, a, b: m.atan2(a, b), list(shapes), positive=True)
    check(lambda m, a, b: m.hypot(a, b), list(shapes), positive=True)
    check(lambda m, a, b: a.arctan2(b), list(shapes), positive=True)


def test_atan2_hypot_dtypes_and_errors():
    check(lambda m, a, b: m.atan2(a, b), [np.array([1, -2, 0]), np.array([2, 3, -1])])
    check(lambda m, a, b: m.atan2(a, b), [rand((3,), "float64"), rand((3,), "float32")])
    check(lambda m, a, b: m.hypot(a, b), [np.array([1, -2]), np.array([2, 3])])  # no integer kernel
    check(lambda m, a: m.atan2(a, 2), [(3,)])  # PyTorch wants two tensors
    check(lambda m, a, b: a.clone().atan2_(b), [(3, 4), (4,)])
    check(lambda m, a, b: a.clone().hypot_(b), [(3, 4), (4,)])
    check(lambda m, a, b: a.clone().atan2_(b), [np.array([1, 2]), np.array([1, 2])])
    check(lambda m, a, b: m.atan2(a, b), [(3, 4), (5,)])  # mismatched shapes
    gradcheck64(lambda m, a, b: m.atan2(a, b), [(2, 3), (3,)], positive=True)
    gradcheck64(lambda m, a, b: m.hypot(a, b), [(2, 3), (3,)], positive=True)


@pytest.mark.parametrize("shapes", BROADCAST)
def test_lerp(shapes):
    check(lambda m, a, b: m.lerp(a, b, 0.3), list(shapes))
    check(lambda m, a, b: m.lerp(a, b, 0.75), list(shapes))
    check(lambda m, a, b, w: m.lerp(a, b, w), list(shapes) + [shapes[0]])
    check(lambda m, a, b: a.lerp(b, 0.5), list(shapes))


def test_lerp_forms_and_errors():
    check(lambda m, a, b: m.lerp(a, b, 1.0), [(3,), (3,)], rtol=0, atol=0)  # weight 1 gives the end exactly
    check(lambda m, a, b: a.clone().lerp_(b, 0.2), [(3, 4), (4,)])
    check(lambda m, a, b, w: a.clone().lerp_(b, w), [(3, 4), (3, 4), (4,)])
    check(lambda m, a, b: m.lerp(a, b, 0.5), [rand((3,)), rand((3,), "float64")])
    check(lambda m, a, b: m.lerp(a, b, 0.5), [np.array([1, 2]), np.array([3, 4])])
    check(lambda m, a, b: m.lerp(a, b, 0.5, out=m.tensor(np.zeros(3, np.float32))), [(3,), (3,)], grad=False)
    check(lambda m, a, b: m.lerp(a, b, 0.5), [(3, 4), (5,)])
    for name in ("LerpBackward0", "LerpBackward1"):
        a = ember.tensor([1.0], requires_grad=True)
        w = 0.5 if name.endswith("0") else ember.tensor(0.5)
        assert ember.lerp(a, a * 2, w).grad_fn.name() == name
    gradcheck64(lambda m, a, b, w: m.lerp(a, b, w), [(2, 3), (3,), (2, 1)])


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
@pytest.mark.parametrize("shapes", [((3, 4), (3, 4), (3, 4)), ((3, 4), (4,), (3, 1)), ((), (2, 3), (3,)),
                                    ((0, 3), (3,), (1, 3))])
def test_addcmul_addcdiv(name, shapes):
    check(lambda m, a, b, c: getattr(m, name)(a, b, c), list(shapes), positive=True)
    check(lambda m, a, b, c: getattr(m, name)(a, b, c, value=-0.5), list(shapes), positive=True)
    check(lambda m, a, b, c: getattr(a, name)(b, c, value=2), list(shapes), positive=True)


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
def test_addcmul_addcdiv_forms_and_errors(name):
    check(lambda m, a, b, c: getattr(a.clone(), name + "_")(b, c, value=3), [(3, 4), (4,), (3, 4)], positive=True)
    ints = [np.array([1, 2, 3]), np.array([4, 5, 6]), np.array([1, 2, 3])]
    check(lambda m, a, b, c: getattr(m, name)(a, b, c), ints)  # addcdiv refuses integer division
    # (PyTorch's own backward fails with an integer tensor2, so values only)
    check(lambda m, a, b, c: getattr(m, name)(a, b, c), [rand((3,)), rand((3,), "float64"), np.array([1, 2, 3])],
          positive=True, grad=False)
    check(lambda m, a, b, c: getattr(m, name)(a, b, c, out=m.tensor(np.zeros(3, np.float32))),
          [(3,), (3,), (3,)], grad=False, positive=True)
    check(lambda m, a, b, c: getattr(m, name)(a, b, c), [(3, 4), (5,), (3, 4)])
    check(lambda m, a, b, c: getattr(a.clone(), name + "_")(b, c), [np.array([1, 2]), (2,), (2,)], positive=True)
    gradcheck64(lambda m, a, b, c: getattr(m, name)(a, b, c, value=0.7), [(2, 3), (3,), (2, 1)], positive=True)


def test_addcmul_of_integers_takes_an_integer_value():
    check(lambda m, a: m.addcmul(a, a, a, value=2), [np.array([3, -2, 0])])


# ----------------------------------------------------------------- double backward


@pytest.mark.parametrize("fn", [lambda x: x ** 3, lambda x: x.sin(), lambda x: x.exp(), lambda x: x.tanh(),
                                lambda x: x.sigmoid(), lambda x: x.log(), lambda x: x.sqrt(), lambda x: x.cos(),
                                lambda x: x.atan(), lambda x: x.reciprocal(), lambda x: x.erf()])
def test_second_derivatives(fn):
    data = rand((5,), "float64", positive=True)
    results = []
    for m in (ember, pytest.importorskip("torch")):
        x = m.tensor(data, requires_grad=True)
        (g,) = m.autograd.grad(fn(x).sum(), x, create_graph=True)
        (gg,) = m.autograd.grad(g.sum(), x)
        results.append((g.detach().numpy(), gg.detach().numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-10)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-10)


@pytest.mark.parametrize("fn", [lambda m, x: m.maximum(x, x * 0) ** 2, lambda m, x: m.fmax(x, -x) ** 2,
                                lambda m, x: m.remainder(x * 3, 2) ** 2, lambda m, x: m.clamp(x, -0.7, 0.7) ** 3,
                                lambda m, x: m.where(x > 0, x, x * x) ** 2, lambda m, x: m.lerp(x, x * x, 0.3) ** 2,
                                lambda m, x: m.addcdiv(x, x, x + 3) ** 2, lambda m, x: m.hypot(x, x + 1) ** 2,
                                lambda m, x: m.atan2(x, x + 3) ** 2, lambda m, x: (x * 1).copy_(x * x) ** 2,
                                lambda m, x: (x * 2).fill_(1) * x * x])
def test_second_derivatives_through_selections_and_fused_ops(fn):
    data = np.array([0.5, -1.0, 2.0, -0.25])
    results = []
    for m in (ember, pytest.importorskip("torch")):
        x = m.tensor(data, requires_grad=True)
        (g,) = m.autograd.grad(fn(m, x).sum(), x, create_graph=True)
        (gg,) = m.autograd.grad(g.sum(), x)
        results.append(gg.detach().numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-10)


def test_second_derivative_of_abs():
    x = ember.tensor([0.5, -1.0, 2.0, -0.25], dtype=ember.float64, requires_grad=True)
    (g,) = ember.autograd.grad((abs(x) ** 3).sum(), x, create_graph=True)
    (gg,) = ember.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), 6 * np.abs(x.detach().numpy()))  # PyTorch takes seconds to warm up here


@pytest.mark.parametrize("eps", [None, 0.1])
def test_logit(eps):
    inside, anywhere = rand((3, 4), low=0.02, high=0.98), rand((3, 4), low=-0.5, high=1.5)
    check(lambda m, a: m.logit(a, eps), [inside])
    check(lambda m, a: a.logit(eps=eps), [anywhere])  # nan outside [0, 1] without eps, clamped with it
    check(lambda m, a: a.clone().logit_(eps), [inside])
    check(lambda m, a: m.logit(a, eps, out=m.empty(0)), [inside], grad=False)
    check(lambda m, a: m.logit(a), [rand((5,), "int64")])  # integers compute in the default float dtype
    check(lambda m, a: m.logit(a).grad_fn.name(), [inside])
    x = ember.tensor(rand((3, 4), "float64", low=0.05, high=0.95), requires_grad=True)
    assert ember.autograd.gradcheck(lambda a: ember.logit(a, eps), [x])

import numpy as np
import pytest
from diff import check, gradcheck64, rand

import ember

DIMS = [None, 0, -1, 2, (0, 2), (-1, 0), (), [1]]
DTYPES = ["float32", "float64", "int64", "int32", "uint8", "bool"]


@pytest.mark.parametrize("dim", DIMS)
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("op", ["sum", "mean", "std", "var", "logsumexp", "norm"])
def test_float_reductions_over_dims(op, dim, keepdim):
    if dim is None:
        if op == "logsumexp":
            return  # logsumexp has no default dim
        check(lambda m, a: getattr(a, op)(), [(2, 3, 4)])
        return
    if dim == () and op in ("std", "var", "logsumexp"):
        return  # PyTorch is inconsistent for dim=() here (inf gradients, or an error); Ember reduces all dims
    if op == "norm":
        check(lambda m, a: a.norm(dim=dim, keepdim=keepdim), [(2, 3, 4)])
        check(lambda m, a: m.norm(a, 2, dim, keepdim), [(2, 3, 4)])
        return
    check(lambda m, a: getattr(a, op)(dim, keepdim=keepdim), [(2, 3, 4)])
    check(lambda m, a: getattr(m, op)(a, dim, keepdim=keepdim), [(2, 3, 4)])


def test_grad_fn_names():
    a = ember.ones(2, 3, requires_grad=True)
    assert a.sum().grad_fn.name() == "SumBackward0"
    assert a.sum(0).grad_fn.name() == "SumBackward1"
    assert a.sum(()).grad_fn.name() == "SumBackward1"
    assert a.mean().grad_fn.name() == "MeanBackward0"
    assert a.mean(1).grad_fn.name() == "MeanBackward1"
    assert a.prod().grad_fn.name() == "ProdBackward0"
    assert a.prod(1).grad_fn.name() == "ProdBackward1"
    assert a.std(0).grad_fn.name() == "StdBackward0"
    assert a.var().grad_fn.name() == "VarBackward0"
    assert a.logsumexp(0).grad_fn.name() == "LogsumexpBackward0"
    assert a.norm().grad_fn.name() == "LinalgVectorNormBackward0"
    assert a.cumsum(0).grad_fn.name() == "CumsumBackward0"
    assert a.cumprod(1).grad_fn.name() == "CumprodBackward0"


@pytest.mark.parametrize("dtype", DTYPES)
def test_sum_and_prod_dtypes(dtype):
    a = rand((3, 4), dtype, low=-1, high=1)
    check(lambda m, x: x.sum(), [a])
    check(lambda m, x: x.sum(1, keepdim=True), [a])
    check(lambda m, x: m.sum(x, dtype=m.float64), [a])
    check(lambda m, x: x.prod(), [a])
    check(lambda m, x: x.prod(0, dtype=m.float32), [a])
    check(lambda m, x: x.cumsum(1), [a])
    check(lambda m, x: x.cumprod(0), [a])


@pytest.mark.parametrize("dtype", ["int64", "bool", "int32"])
def test_floating_only_reductions_reject_integers(dtype):
    a = rand((3, 4), dtype)
    for fn in (lambda m, x: x.mean(), lambda m, x: x.std(), lambda m, x: x.var(0), lambda m, x: x.norm()):
        check(fn, [a])
    with pytest.raises(RuntimeError, match="Input dtype must be either a floating point"):
        ember.tensor(a).mean()
    check(lambda m, x: x.mean(dtype=m.float64), [a])
    check(lambda m, x: x.logsumexp(1), [a])  # integers are promoted to the default float dtype


@pytest.mark.parametrize("op", ["sum", "mean", "prod", "std", "logsumexp", "amax", "cumsum", "all", "argmax"])
def test_dim_out_of_range(op):
    a = ember.ones(2, 3)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        getattr(a, op)(2)
    with pytest.raises(IndexError, match=r"\[-2, 1\], but got -3"):
        getattr(a, op)(-3)


def test_repeated_dims_rejected():
    check(lambda m, a: a.sum((0, 0)), [(2, 3)])
    with pytest.raises(RuntimeError, match="dim 1 appears multiple times in the list of dims"):
        ember.ones(2, 3).mean((1, -1))


def test_sum_mean_zero_dim_and_empty():
    check(lambda m, a: a.sum(), [()])
    check(lambda m, a: a.sum(0), [()])
    check(lambda m, a: a.mean(-1, keepdim=True), [()])
    check(lambda m, a: a.sum(0), [(0, 3)])
    check(lambda m, a: a.sum(), [(0, 3)])
    check(lambda m, a: a.prod(0), [(0, 3)])
    check(lambda m, a: a.sum(1), [(0, 3)])
    check(lambda m, a: a.logsumexp(0), [(0, 3)])
    check(lambda m, a: a.norm(dim=0), [(0, 3)])
    check(lambda m, a: a.std(0), [(1, 3)])  # a single sample: nan, as in PyTorch


def test_non_contiguous_inputs():
    check(lambda m, a: a.transpose(0, 1).sum(0), [(3, 4)])
    check(lambda m, a: a.transpose(0, 1).mean(-1, keepdim=True), [(3, 4)])
    check(lambda m, a: a.transpose(0, 1).prod(1), [(3, 4)])
    check(lambda m, a: a.transpose(0, 1).std(0), [(3, 4)])
    check(lambda m, a: a.transpose(0, 1).cumsum(1), [(3, 4)])
    check(lambda m, a: a.transpose(0, 1).norm(dim=0), [(3, 4)])


def test_sum_numpy_style_keywords():
    check(lambda m, a: a.sum(axis=1), [(3, 4)])
    check(lambda m, a: m.sum(a, dim=0, keepdim=True), [(3, 4)])


# ----------------------------------------------------------------- prod and cumprod with zeros


PROD_CASES = [np.array([[2.0, 0.0, 3.0], [1.5, -2.0, 0.5], [0.0, 0.0, 4.0]]),
              np.array([0.0, 1.0, 2.0, 0.0, 3.0]), np.array([1.5, 2.0, -0.5])]


@pytest.mark.parametrize("a", PROD_CASES)
def test_prod_gradient_with_zeros(a):
    check(lambda m, x: x.prod(), [a])
    check(lambda m, x: x.prod(-1), [a])
    check(lambda m, x: x.prod(0, keepdim=True), [a])


@pytest.mark.parametrize("a", PROD_CASES)
def test_cumprod_gradient_with_zeros(a):
    check(lambda m, x: x.cumprod(-1), [a])
    check(lambda m, x: x.cumprod(0), [a])


def test_prod_takes_one_dim():
    check(lambda m, a: a.prod((0, 1)), [(2, 3)])


def test_scans():
    check(lambda m, a: a.cumsum(1), [(2, 3, 4)])
    check(lambda m, a: m.cumsum(a, dim=-1), [(2, 3, 4)])
    check(lambda m, a: a.cumprod(0), [(2, 3, 4)])
    check(lambda m, a: m.cumsum(a, 0, dtype=m.float64), [(3,)])
    check(lambda m, a: a.cumsum(0), [()])
    check(lambda m, a: a.cumprod(0), [()])
    check(lambda m, a: a.cumsum(1), [(2, 0)])


# ----------------------------------------------------------------- std / var


def test_std_var_signatures():
    check(lambda m, a: a.std(unbiased=False), [(3, 4)])
    check(lambda m, a: a.var(1, unbiased=False, keepdim=True), [(3, 4)])
    check(lambda m, a: a.std(True), [(3, 4)])
    check(lambda m, a: a.var(0, True, True), [(3, 4)])
    check(lambda m, a: m.var(a, dim=(0, 1), correction=0), [(3, 4)])
    check(lambda m, a: m.std(a, 1, correction=2), [(3, 4)])
    check(lambda m, a: a.std(), [()])


def test_std_of_constant_has_zero_gradient():
    check(lambda m, a: a.std(1), [np.ones((2, 3))])


# ----------------------------------------------------------------- logsumexp


def test_logsumexp_is_stable():
    big = np.array([[1000.0, 1000.0, -1000.0], [-np.inf, -np.inf, -np.inf], [np.inf, 1.0, 2.0]])
    check(lambda m, a: a.logsumexp(1), [big], grad=False)
    check(lambda m, a: a.logsumexp(1), [big[:1]])
    check(lambda m, a: m.logsumexp(a, (0, 1), keepdim=True), [(3, 4)])


# ----------------------------------------------------------------- norm


@pytest.mark.parametrize("p", [2, 1, float("inf"), float("-inf"), 3, 0.5, 0, "fro"])
def test_norm_orders(p):
    check(lambda m, a: a.norm(p=p), [(3, 4)])
    check(lambda m, a: a.norm(p, 1), [(3, 4)])
    check(lambda m, a: m.norm(a, p=p, dim=(0, 1), keepdim=True), [(3, 4)])


def test_norm_gradient_at_zero_and_ties():
    zero = np.zeros((2, 3))
    for p in (2, 1, 3, float("inf")):
        check(lambda m, a: a.norm(p=p), [zero])
    check(lambda m, a: a.norm(p=float("inf"), dim=1), [np.array([[1.0, -3.0, 3.0], [2.0, 0.5, -2.0]])])


def test_norm_options_and_errors():
    check(lambda m, a: a.norm(dtype=m.float64), [(3, 4)])
    check(lambda m, a: a.norm(p="fro", dim=(0, 1, 2)), [(2, 3, 4)])
    check(lambda m, a: a.norm(), [np.arange(6).reshape(2, 3)])
    with pytest.raises(RuntimeError, match="Expected a floating point or complex tensor as input. Got Long"):
        ember.arange(3).norm()


# ----------------------------------------------------------------- all / any / count_nonzero


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [None, 0, -1, (0, 1)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_all_any(dtype, dim, keepdim):
    a = rand((3, 4), dtype, low=0, high=1)
    if dim is None:
        check(lambda m, x: x.all(), [a])
        check(lambda m, x: m.any(x), [a])
        return
    check(lambda m, x: x.all(dim, keepdim=keepdim), [a])
    check(lambda m, x: m.any(x, dim, keepdim), [a])


def test_all_any_edges():
    check(lambda m, a: a.all(0), [np.zeros((0, 3), bool)])
    check(lambda m, a: a.any(), [np.zeros((0, 3), bool)])
    check(lambda m, a: a.all(), [np.array(True)])


@pytest.mark.parametrize("dim", [None, 0, -1, (0, 1)])
def test_count_nonzero(dim):
    a = np.array([[0.0, 1.0, 2.0], [0.0, 0.0, -1.0]])
    check(lambda m, x: m.count_nonzero(x, dim), [a])
    check(lambda m, x: x.count_nonzero(dim=dim), [a.astype(np.int64)])


# ----------------------------------------------------------------- finite differences (float64)


@pytest.mark.parametrize("fn", [
    lambda m, a: a.sum((0, 2)), lambda m, a: a.mean(-1, keepdim=True), lambda m, a: a.prod(1),
    lambda m, a: a.prod(), lambda m, a: a.std(0), lambda m, a: a.var((1, 2), correction=0),
    lambda m, a: a.logsumexp(1), lambda m, a: a.norm(), lambda m, a: a.norm(p=1, dim=0),
    lambda m, a: a.norm(p=3, dim=(0, 2)), lambda m, a: a.cumsum(1), lambda m, a: a.cumprod(-1),
])
def test_gradcheck(fn):
    gradcheck64(fn, [(2, 3, 4)])


@pytest.mark.parametrize("fn", [
    lambda m, a: a.sum(1), lambda m, a: a.mean(), lambda m, a: a.prod(1), lambda m, a: a.std(0),
    lambda m, a: a.var(), lambda m, a: a.logsumexp(-1), lambda m, a: a.norm(), lambda m, a: a.norm(p=3, dim=1),
    lambda m, a: a.cumsum(0), lambda m, a: a.cumprod(1),
])
def test_gradgradcheck(fn):
    a = ember.tensor(rand((3, 4), "float64", positive=True), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda x: fn(ember, x), [a])


@pytest.mark.parametrize("data", [[[2.0, 0.0, 3.0, 1.5], [0.5, -1.0, 2.0, 0.0]],
                                  [[0.0, 2.0, 0.0, 1.5, 0.0], [1.0, 0.0, 0.0, 2.0, 3.0]]])
def test_prod_cumprod_second_derivative_with_zeros(data):
    a = ember.tensor(data, dtype=ember.float64, requires_grad=True)
    for fn in (lambda x: x.prod(1), lambda x: x.prod(), lambda x: x.cumprod(1), lambda x: x.cumprod(0)):
        assert ember.autograd.gradcheck(fn, [a])
        assert ember.autograd.gradgradcheck(fn, [a])

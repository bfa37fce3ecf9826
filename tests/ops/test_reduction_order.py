import pickle

import numpy as np
import pytest
from diff import check, gradcheck64, rand

import ember

TIES = np.array([[1.0, 3.0, 3.0, -2.0], [2.0, 2.0, 0.5, 2.0], [-1.0, -1.0, -1.0, -1.0]])


# ----------------------------------------------------------------- max / min


@pytest.mark.parametrize("op", ["max", "min"])
@pytest.mark.parametrize("dim", [0, 1, -1, -2])
@pytest.mark.parametrize("keepdim", [False, True])
def test_max_min_with_dim(op, dim, keepdim):
    check(lambda m, a: getattr(a, op)(dim, keepdim), [(3, 4)])
    check(lambda m, a: getattr(m, op)(a, dim=dim, keepdim=keepdim), [(2, 3, 4)])


@pytest.mark.parametrize("op", ["max", "min", "amax", "amin"])
def test_reductions_to_extremes_share_the_gradient_of_ties(op):
    check(lambda m, a: getattr(a, op)(), [TIES])
    check(lambda m, a: getattr(m, op)(a), [np.ones((2, 2))])


@pytest.mark.parametrize("op", ["max", "min"])
def test_max_with_dim_sends_the_gradient_to_the_index(op):
    check(lambda m, a: getattr(a, op)(1), [TIES])
    check(lambda m, a: getattr(a, op)(0, keepdim=True), [TIES])


@pytest.mark.parametrize("op", ["amax", "amin"])
@pytest.mark.parametrize("dim", [0, -1, (0, 1), (), (-1, -2)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_amax_amin(op, dim, keepdim):
    check(lambda m, a: getattr(a, op)(dim, keepdim), [(2, 3, 4)])
    check(lambda m, a: getattr(m, op)(a, dim=dim, keepdim=keepdim), [TIES])


def test_max_returns_named_tuple():
    r = ember.tensor(TIES).max(1)
    assert type(r).__name__ == "max" and isinstance(r, tuple) and len(r) == 2
    values, indices = r
    assert values is r[0] is r.values and indices is r[1] is r.indices
    assert indices.dtype == ember.int64 and indices.tolist() == [1, 0, 0]
    assert repr(r).startswith("torch.return_types.max(\nvalues=tensor(")
    assert "\nindices=tensor([1, 0, 0]))" in repr(r)
    assert isinstance(r, ember.return_types.max)
    assert pickle.loads(pickle.dumps(r)).indices.tolist() == [1, 0, 0]
    assert type(ember.ones(2, 2).min(0)) is ember.return_types.min


def test_grad_fn_names():
    a = ember.ones(2, 3, requires_grad=True)
    assert a.max().grad_fn.name() == "MaxBackward1"
    assert a.max(0).values.grad_fn.name() == "MaxBackward0"
    assert a.min().grad_fn.name() == "MinBackward1"
    assert a.min(1)[0].grad_fn.name() == "MinBackward0"
    assert a.amax(0).grad_fn.name() == "AmaxBackward0"
    assert a.amin().grad_fn.name() == "AminBackward0"
    assert a.median().grad_fn.name() == "MedianBackward0"
    assert a.median(0).values.grad_fn.name() == "MedianBackward1"
    assert a.kthvalue(2).values.grad_fn.name() == "KthvalueBackward0"
    assert a.sort().values.grad_fn.name() == "SortBackward0"
    assert a.topk(2).values.grad_fn.name() == "TopkBackward0"
    assert a.max(0).indices.grad_fn is None and not a.max(0).indices.requires_grad


def test_two_tensor_form_is_maximum():
    check(lambda m, a, b: m.max(a, b), [(3, 4), (4,)])
    check(lambda m, a, b: m.min(a, b), [(3, 4), (3, 1)])
    check(lambda m, a, b: a.max(b), [(3, 4), (3, 4)])


@pytest.mark.parametrize("dtype", ["float64", "int64", "int32", "uint8", "bool"])
def test_max_min_dtypes(dtype):
    a = rand((3, 4), dtype)
    for fn in (lambda m, x: x.max(), lambda m, x: x.min(1), lambda m, x: x.amax(0), lambda m, x: x.amin((0, 1)),
               lambda m, x: x.argmax(), lambda m, x: x.argmin(0, keepdim=True), lambda m, x: x.max(-1, True)):
        check(fn, [a])  # argmax/argmin of bool raise in PyTorch, and in Ember


def test_max_edges():
    check(lambda m, a: a.max(), [()])
    check(lambda m, a: a.max(0), [()])
    check(lambda m, a: a.min(-1, keepdim=True), [()])
    check(lambda m, a: a.amax(0), [()])
    check(lambda m, a: a.max(1), [(0, 3)])
    check(lambda m, a: a.amax(1), [(0, 3)])
    check(lambda m, a: a.max(), [(0, 3)])
    check(lambda m, a: a.max(0), [(0, 3)])
    check(lambda m, a: a.amax(0), [(0, 3)])
    check(lambda m, a: a.transpose(0, 1).max(1), [(3, 4)])
    check(lambda m, a: a.max((0, 1)), [(3, 4)])
    with pytest.raises(RuntimeError, match=r"max\(\): Expected reduction dim to be specified for input.numel\(\) == 0"):
        ember.ones(0, 3).max()
    with pytest.raises(IndexError, match=r"amax\(\): Expected reduction dim 0 to have non-zero size"):
        ember.ones(0, 3).amax(0)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        ember.ones(2, 3).max(2)


def test_max_propagates_nan():
    a = np.array([[1.0, np.nan, 3.0], [0.0, 2.0, 1.0]])
    check(lambda m, x: x.max(1), [a], grad=False)
    check(lambda m, x: x.amax(1), [a], grad=False)
    check(lambda m, x: x.argmax(1), [a])


# ----------------------------------------------------------------- argmax / argmin


@pytest.mark.parametrize("op", ["argmax", "argmin"])
@pytest.mark.parametrize("dim", [None, 0, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_argmax_argmin(op, dim, keepdim):
    check(lambda m, a: getattr(a, op)(dim, keepdim), [(2, 3, 4)])
    check(lambda m, a: getattr(m, op)(a, dim=dim, keepdim=keepdim), [TIES])  # the first of ties


def test_argmax_edges():
    check(lambda m, a: a.argmax(), [()])
    check(lambda m, a: a.argmax(0), [()])
    check(lambda m, a: a.argmax(1), [(0, 3)])
    check(lambda m, a: a.argmax(), [(0, 3)])
    check(lambda m, a: a.argmax(0), [(0, 3)])


# ----------------------------------------------------------------- median / kthvalue


@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_median_and_kthvalue(dim, keepdim):
    check(lambda m, a: a.median(dim, keepdim), [(4, 5)])
    check(lambda m, a: m.median(a, dim=dim, keepdim=keepdim), [(3, 4)])  # even: the lower middle
    check(lambda m, a: a.kthvalue(2, dim, keepdim), [(4, 5)])
    check(lambda m, a: m.kthvalue(a, 1, dim=dim), [(3, 4)])


def test_median_edges():
    check(lambda m, a: a.median(), [(3, 4)])
    check(lambda m, a: a.median(), [TIES])  # the gradient shared among the elements equal to the median
    check(lambda m, a: a.median(), [(0,)])
    check(lambda m, a: a.median(0), [()])
    check(lambda m, a: a.median(), [rand((5,), "int64")])
    check(lambda m, a: a.kthvalue(1), [()])
    check(lambda m, a: a.kthvalue(4), [(2, 3)])
    check(lambda m, a: a.kthvalue(0), [(2, 3)])
    with pytest.raises(RuntimeError, match=r"kthvalue\(\): selected number k out of range for dimension 1"):
        ember.ones(2, 3).kthvalue(4)


# ----------------------------------------------------------------- sort / argsort / topk


@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize("descending", [False, True])
def test_sort_argsort(dim, descending):
    check(lambda m, a: a.sort(dim, descending), [(3, 4, 5)])
    check(lambda m, a: m.sort(a, dim=dim, descending=descending, stable=True), [TIES])  # ties keep their order
    check(lambda m, a: a.argsort(dim, descending), [(3, 4, 5)])
    check(lambda m, a: m.argsort(a, dim=dim, descending=descending, stable=True), [TIES])


@pytest.mark.parametrize("dtype", ["int64", "uint8", "bool", "float64"])
def test_sort_dtypes(dtype):
    a = rand((4, 6), dtype)
    check(lambda m, x: x.sort(stable=True), [a])
    check(lambda m, x: x.sort(dim=0, descending=True, stable=True), [a])
    check(lambda m, x: x.argsort(descending=True, stable=True), [a])


def test_sort_edges():
    check(lambda m, a: a.sort(), [()])
    check(lambda m, a: a.argsort(), [()])
    check(lambda m, a: a.sort(0), [(0, 3)])
    check(lambda m, a: a.transpose(0, 1).sort(1, True), [(3, 4)])
    check(lambda m, a: a.sort(descending=True), [np.array([1.0, np.nan, 3.0, -1.0])], grad=False)


@pytest.mark.parametrize("k", [0, 1, 3, 4])
@pytest.mark.parametrize("largest", [True, False])
def test_topk(k, largest):
    check(lambda m, a: a.topk(k, largest=largest), [(3, 4)])
    check(lambda m, a: m.topk(a, k, 0, largest), [(4, 5)])


def test_topk_edges():
    check(lambda m, a: a.topk(1), [()])
    check(lambda m, a: a.topk(5), [(3, 4)])
    check(lambda m, a: a.transpose(0, 1).topk(2, dim=0), [(3, 4)])
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        ember.ones(3, 4).topk(5)
    r = ember.tensor([[3.0, 1.0, 2.0]]).topk(2)
    assert type(r) is ember.return_types.topk and r.indices.tolist() == [[0, 2]]


# ----------------------------------------------------------------- finite differences (float64)


@pytest.mark.parametrize("fn", [
    lambda m, a: a.max(), lambda m, a: a.max(1).values, lambda m, a: a.min(0, keepdim=True)[0],
    lambda m, a: a.amax((0, 2)), lambda m, a: a.amin(-1), lambda m, a: a.median(),
    lambda m, a: a.median(1).values, lambda m, a: a.kthvalue(2, 0).values, lambda m, a: a.sort(1).values,
    lambda m, a: a.topk(2).values, lambda m, a: m.max(a, a * 0.5),
])
def test_gradcheck(fn):
    gradcheck64(fn, [(2, 3, 4)])


@pytest.mark.parametrize("fn", [
    lambda m, a: a.max() ** 2, lambda m, a: a.max(1).values ** 2, lambda m, a: a.amin(0) ** 2,
    lambda m, a: a.median(0).values ** 2, lambda m, a: a.sort(1).values ** 2, lambda m, a: a.topk(2).values ** 2,
])
def test_gradgradcheck(fn):
    a = ember.tensor(rand((3, 4), "float64"), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda x: fn(ember, x), [a])

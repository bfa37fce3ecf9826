"""gather/scatter, index_select/index_add, take, masked ops and nonzero against PyTorch."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand

import ember

I = np.array


GATHERS = [
    (lambda m, a, i: a.gather(0, i), [(3, 4), I([[0, 1, 2, 0], [2, 2, 1, 0]])]),
    (lambda m, a, i: m.gather(a, 1, i), [(3, 4), I([[3, 3], [0, 1], [2, 0]])]),
    (lambda m, a, i: a.gather(-1, i), [(3, 4), I([[1], [1]])]),  # index smaller than input
    (lambda m, a, i: a.t().gather(0, i), [(3, 4), I([[0, 1, 2]])]),
    (lambda m, a, i: a.gather(0, i), [(3, 4, 2), I(np.zeros((2, 4, 2), np.int64))]),
    (lambda m, a, i: a.gather(0, i), [(), I(0)]),
    (lambda m, a, i: a.gather(0, i), [(3, 4), I(np.zeros((0, 4), np.int64))]),
    (lambda m, a, i: a.gather(0, i.int()), [(3, 4), I([[1, 2]])]),
    (lambda m, a, i: a.gather(0, i), [(3, 4), I([[5]])]),  # out of range
    (lambda m, a, i: a.gather(0, i), [(3, 4), I([[-1]])]),
    (lambda m, a, i: a.gather(0, i), [(3, 4), I([1])]),
    (lambda m, a, i: a.gather(0, i), [(3, 4), I([[1] * 5])]),
    (lambda m, a, i: a.gather(0, i.float()), [(3, 4), I([[1]])]),
    (lambda m, a, i: a.gather(2, i), [(3, 4), I([[1]])]),
]


@pytest.mark.parametrize("fn,inputs", GATHERS)
def test_gather(fn, inputs):
    check(fn, inputs)


SCATTERS = [
    (lambda m, a, i, s: a.scatter(0, i, s), [(3, 4), I([[0, 1, 2, 0]]), (1, 4)]),
    (lambda m, a, i, s: m.scatter(a, 1, i, s), [(3, 4), I([[3], [0], [2]]), (3, 1)]),
    (lambda m, a, i, s: a.scatter(-1, i, s), [(3, 4), I([[0, 1], [2, 3]]), (2, 2)]),
    (lambda m, a, i, s: a.scatter(0, i, 2.5), [(3, 4), I([[0, 1, 2, 0]]), (1,)]),
    (lambda m, a, i, s: a.scatter(0, i, value=-1), [(3, 4), I([[2, 1]]), (1,)]),
    (lambda m, a, i, s: a.scatter(0, i, s, reduce="add"), [(3, 4), I([[0, 0, 1, 1]]), (1, 4)]),
    (lambda m, a, i, s: a.scatter(0, i, s, reduce="multiply"), [(3, 4), I([[0, 0, 1, 1]]), (1, 4)]),
    (lambda m, a, i, s: a.scatter_add(0, i, s), [(3, 4), I([[0, 0, 1, 1], [0, 0, 2, 2]]), (2, 4)]),
    (lambda m, a, i, s: m.scatter_add(a, 1, i, s), [(3, 4), I([[1, 1, 1]]), (1, 3)]),
    (lambda m, a, i, s: a.t().scatter_add(0, i, s), [(3, 4), I([[0, 3, 3]]), (1, 3)]),
    (lambda m, a, i, s: a.scatter(0, i, s), [(3, 4), I([[5]]), (1, 1)]),
    (lambda m, a, i, s: a.scatter(0, i, s.double()), [(3, 4), I([[1]]), (1, 1)]),
    (lambda m, a, i, s: a.scatter(0, i, s), [(3, 4), I([[1, 2]]), (1, 1)]),
    (lambda m, a, i, s: a.scatter(0, i, 1.0, reduce="mean"), [(3, 4), I([[1]]), (1,)]),
    (lambda m, a, i, s: a.scatter(0, i.float(), 1.0), [(3, 4), I([[1]]), (1,)]),
]


@pytest.mark.parametrize("fn,inputs", SCATTERS)
def test_scatter(fn, inputs):
    check(fn, inputs, grad=not ({"add", "multiply"} & set(fn.__code__.co_consts)))  # PyTorch: no derivative


def test_src_larger_than_index():
    # PyTorch computes these values but fails in its backward; the gradient of the unused part of src is 0
    check(lambda m, a, i, s: m.scatter(a, 1, i, s), [(3, 4), I([[3], [0], [2]]), (3, 2)], grad=False)
    check(lambda m, a, i, s: m.scatter_add(a, 1, i, s), [(3, 4), I([[1, 1, 1]]), (2, 5)], grad=False)
    s = ember.tensor(rand((2, 5)), requires_grad=True)
    ember.tensor(rand((3, 4))).scatter_add(1, ember.tensor([[1, 1, 1]]), s).sum().backward()
    np.testing.assert_array_equal(s.grad.numpy(), [[1, 1, 1, 0, 0], [0, 0, 0, 0, 0]])


def test_scatter_in_place():
    def fn(m, a, i, s):
        y = a * 1
        y.scatter_(0, i, s)
        y.scatter_add_(1, i[:, :2], s[:, :2] * 2)
        y.scatter_(1, i, 0.5)
        return y
    check(fn, [(3, 4), I([[0, 1, 2, 0]]), (1, 4)])


INDEX_SELECTS = [
    (lambda m, a, i: a.index_select(0, i), [(3, 4), I([2, 0, 2])]),
    (lambda m, a, i: m.index_select(a, -1, i), [(3, 4), I([3, 3])]),
    (lambda m, a, i: a.t().index_select(1, i), [(3, 4), I([1])]),
    (lambda m, a, i: a.index_select(0, i), [(3, 4), I(1)]),
    (lambda m, a, i: a.index_select(0, i), [(3, 4), I(np.zeros(0, np.int64))]),
    (lambda m, a, i: a.index_select(0, i.int()), [(3, 4), I([1])]),
    (lambda m, a, i: a.index_select(0, i), [(), I([0])]),
    (lambda m, a, i: a.index_select(0, i), [(3, 4), I([5])]),
    (lambda m, a, i: a.index_select(0, i), [(3, 4), I([-1])]),
    (lambda m, a, i: a.index_select(0, i), [(3, 4), I([[1]])]),
    (lambda m, a, i: a.index_select(0, i.float()), [(3, 4), I([1])]),
    (lambda m, a, i: a.index_add(0, i, a[:3] * 2), [(3, 4), I([2, 0, 2])]),
    (lambda m, a, i: m.index_add(a, 1, i, a[:, :2], alpha=-3), [(3, 4), I([1, 1])]),
    (lambda m, a, i: (lambda y: y.index_add_(0, i, a[:2]))(a * 1), [(3, 4), I([0, 0])]),
    (lambda m, a, i: a.index_add(0, i, a[:1]), [(3, 4), I([5])]),
    (lambda m, a, i: a.index_add(0, i, a[:1, :2]), [(3, 4), I([1])]),
    (lambda m, a, i: a.index_add(0, i, a[:1].double()), [(3, 4), I([1])]),
    (lambda m, a, i: a.take(i), [(3, 4), I([[0, 11], [5, 5]])]),
    (lambda m, a, i: m.take(a.t(), i), [(3, 4), I([-1, 3])]),
    (lambda m, a, i: a.take(i), [(3, 4), I([12])]),
]


@pytest.mark.parametrize("fn,inputs", INDEX_SELECTS)
def test_index_select_add_take(fn, inputs):
    check(fn, inputs)


MASKS = [
    (lambda m, a, b: a.masked_fill(b > 0, 0.5), [(3, 4), (3, 4)]),
    (lambda m, a, b: m.masked_fill(a, b > 0, -1), [(3, 4), (4,)]),  # mask broadcasts
    (lambda m, a, b: a.masked_fill(b > 0, 2.0), [(1, 4), (3, 4)]),  # result takes the broadcast shape
    (lambda m, a, b: a.masked_fill(b > 0, b.sum()), [(3, 4), (3, 4)]),  # 0-dim tensor value
    (lambda m, a, b: a.masked_fill(b > 0, m.tensor(2.0, dtype=m.float64)), [(3, 4), (3, 4)]),
    (lambda m, a, b: a.t().masked_fill(b.t() > 0, 0.0), [(3, 4), (3, 4)]),
    (lambda m, a, b: (lambda y: y.masked_fill_(b > 0, 3.0))(a * 1), [(3, 4), (3, 4)]),
    (lambda m, a, b: (lambda y: y.masked_fill_(b[0] > 0, b[0, 0]))(a * 1), [(3, 4), (3, 4)]),
    (lambda m, a, b: a.masked_fill(b, 1.0), [(3, 4), (3, 4)]),  # float mask
    (lambda m, a, b: a.masked_fill((b > 0).byte(), 1.0), [(3, 4), (3, 4)]),
    (lambda m, a, b: a.masked_fill(b > 0, b[0]), [(3, 4), (3, 4)]),  # value with a dim
    (lambda m, a, b: a.masked_select(b > 0), [(3, 4), (3, 4)]),
    (lambda m, a, b: m.masked_select(a, b > 0), [(3, 1), (2, 3, 4)]),
    (lambda m, a, b: a.t().masked_select(b.t() > 0), [(3, 4), (3, 4)]),
    (lambda m, a, b: a.masked_select((b > 0).byte()), [(3, 4), (3, 4)]),
    (lambda m, a, b: a.masked_scatter(b > 0, b * 3), [(3, 4), (3, 4)]),
    (lambda m, a, b: a.masked_scatter(b[0] > 0, b * 3), [(3, 4), (3, 4)]),
    (lambda m, a, b: a.masked_scatter(b > 0, b[:1]), [(3, 4), (3, 4)]),
]


@pytest.mark.parametrize("fn,inputs", MASKS)
def test_masked(fn, inputs):
    check(fn, inputs)


def test_masked_on_integers_and_bools():
    a, b = rand((3, 4), "int64"), rand((3, 4), "bool")
    check(lambda m, x, y: x.masked_fill(y, 7), [a, b])
    check(lambda m, x, y: x.masked_fill(y, 1.5), [a, b])
    check(lambda m, x, y: x.masked_select(y), [a, b])
    check(lambda m, x, y: y.masked_fill(y, False), [a, b])


@pytest.mark.parametrize("x", [rand((3, 4)) * (rand((3, 4)) > 0), rand((2, 0)), np.float32(0.0), np.float32(2.0),
                               rand((5,), "int64"), rand((2, 3, 2), "bool")])
def test_nonzero(x):
    check(lambda m, a: a.nonzero(), [x], grad=False)
    check(lambda m, a: m.nonzero(a, as_tuple=True), [x], grad=False)
    check(lambda m, a: m.argwhere(a), [x], grad=False)


NAMES = [
    (lambda a, i: a.gather(0, i), "GatherBackward0"), (lambda a, i: a.scatter(0, i, a[:1]), "ScatterBackward0"),
    (lambda a, i: a.scatter(0, i, 1.0), "ScatterBackward1"), (lambda a, i: a.scatter_add(0, i, a[:1]),
                                                              "ScatterAddBackward0"),
    (lambda a, i: a.index_select(0, i[0]), "IndexSelectBackward0"),
    (lambda a, i: a.index_add(0, i[0, :1], a[:1]), "IndexAddBackward0"), (lambda a, i: a.take(i), "TakeBackward0"),
    (lambda a, i: a.masked_fill(a > 0, 0.0), "MaskedFillBackward0"),
    (lambda a, i: a.masked_fill(a > 0, a.sum()), "MaskedFillBackward1"),
    (lambda a, i: a.masked_select(a > 0), "MaskedSelectBackward0"),
    (lambda a, i: a.masked_scatter(a > 0, a), "MaskedScatterBackward0"),
]


@pytest.mark.parametrize("fn,name", NAMES)
def test_grad_fn_names(fn, name):
    x = ember.tensor(rand((3, 4)), requires_grad=True) * 1
    assert fn(x, ember.tensor([[0, 1, 2, 0]])).grad_fn.name() == name


def test_double_backward():
    x = ember.tensor(rand((3, 4), "float64"), requires_grad=True)
    i = ember.tensor([[0, 0, 2, 1]])
    y = (x.gather(0, i) ** 2).sum() + (x.index_select(1, ember.tensor([3, 3])) ** 2).sum()
    (g,) = ember.autograd.grad(y, x, create_graph=True)
    g.sum().backward()
    want = np.zeros((3, 4))
    want[0, :2] += 2
    want[2, 2] += 2
    want[1, 3] += 2
    want[:, 3] += 4
    np.testing.assert_allclose(x.grad.numpy(), want)


@pytest.mark.parametrize("fn,shapes", [
    (lambda m, a: a.gather(1, m.tensor([[0, 0], [2, 1], [3, 3]])) ** 2, [(3, 4)]),
    (lambda m, a, s: a.scatter(0, m.tensor([[0, 1, 2, 0]]), s) ** 2, [(3, 4), (1, 4)]),
    (lambda m, a, s: a.scatter_add(1, m.tensor([[0, 0], [3, 3]]), s) ** 2, [(3, 4), (2, 3)]),
    (lambda m, a, s: a.index_add(0, m.tensor([1, 1]), s, alpha=2) ** 2, [(3, 4), (2, 4)]),
    (lambda m, a: a.index_select(1, m.tensor([2, 2, 0])) ** 2, [(3, 4)]),
    (lambda m, a: a.take(m.tensor([[0, 11], [5, 5]])) ** 2, [(3, 4)]),
    (lambda m, a, v: a.masked_fill(a.detach() > 0, v.sum()) ** 2, [(3, 4), (2,)]),
    (lambda m, a: a.masked_select(a.detach() > 0) ** 2, [(3, 4)]),
    (lambda m, a, s: a.masked_scatter(a.detach() > 0, s) ** 2, [(3, 4), (13,)]),
])
def test_gradcheck(fn, shapes):
    gradcheck64(fn, shapes)

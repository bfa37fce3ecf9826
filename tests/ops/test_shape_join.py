"""cat, stack, hstack/vstack, split, chunk, unbind, and iteration, against PyTorch."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand

import ember

CATS = [
    (lambda m, a, b: m.cat([a, b]), [(2, 3), (4, 3)]),
    (lambda m, a, b: m.cat((a, b), 1), [(2, 3), (2, 1)]),
    (lambda m, a, b: m.cat([a, b], dim=-1), [(2, 3, 4), (2, 3, 2)]),
    (lambda m, a, b: m.concat([a, b, a]), [(2, 3), (0, 3)]),
    (lambda m, a, b: m.concatenate([a.t(), b.t()], 1), [(3, 2), (3, 4)]),  # non-contiguous inputs
    (lambda m, a, b: m.cat([a, b]), [(2, 3), (0,)]),  # a 1-D empty tensor joins anything
    (lambda m, a, b: m.cat([b, a], 1), [(2, 3), (0,)]),
    (lambda m, a, b: m.cat([a, b]), [(0,), (0,)]),
    (lambda m, a, b: m.cat([a]), [(2, 3), (1,)]),
    (lambda m, a, b: m.cat([a, b], 1), [(3, 3), (4, 4)]),  # size mismatch
    (lambda m, a, b: m.cat([a, b]), [(2, 3), (3,)]),  # rank mismatch
    (lambda m, a, b: m.cat([a, b]), [(), ()]),
    (lambda m, a, b: m.cat([a, b], 2), [(2, 3), (2, 3)]),
    (lambda m, a, b: m.cat([a, b], 1), [(2, 3), (1, 0)]),
    (lambda m, a, b: m.stack([a, b]), [(2, 3), (2, 3)]),
    (lambda m, a, b: m.stack((a, b), 2), [(2, 3), (2, 3)]),
    (lambda m, a, b: m.stack([a, b, a], -1), [(2, 3), (2, 3)]),
    (lambda m, a, b: m.stack([a, b]), [(), ()]),
    (lambda m, a, b: m.stack([a.t(), b]), [(3, 2), (2, 3)]),
    (lambda m, a, b: m.stack([a, b]), [(2, 3), (2, 4)]),
    (lambda m, a, b: m.stack([a, b]), [(2, 3), (3, 2)]),
    (lambda m, a, b: m.stack([a, b], 3), [(2, 3), (2, 3)]),
    (lambda m, a, b: m.hstack([a, b]), [(3,), (2,)]),
    (lambda m, a, b: m.hstack([a, b]), [(2, 3), (2, 1)]),
    (lambda m, a, b: m.vstack([a, b]), [(3,), (3,)]),
    (lambda m, a, b: m.vstack([a, b]), [(2, 3), (3,)]),
]


@pytest.mark.parametrize("fn,shapes", CATS)
def test_cat_stack(fn, shapes):
    check(fn, shapes)


def test_empty_lists():
    check(lambda m: m.cat([]), [])
    check(lambda m: m.stack([]), [])


def test_cat_error_message():
    a, b = ember.tensor(rand((3, 3))), ember.tensor(rand((4, 4)))
    with pytest.raises(RuntimeError, match=r"Sizes of tensors must match except in dimension 1. Expected size 3 but "
                                           r"got size 4 for tensor number 1 in the list."):
        ember.cat([a, b], 1)


@pytest.mark.parametrize("dtypes", [("int64", "float32"), ("bool", "int64"), ("float32", "float64"),
                                    ("uint8", "int8"), ("bool", "bool"), ("int32", "float16")])
def test_cat_stack_promote(dtypes):
    a, b = rand((2, 3), dtypes[0]), rand((1, 3), dtypes[1])
    check(lambda m, x, y: m.cat([x, y]), [a, b])
    check(lambda m, x, y: m.stack([x, y[0].expand(2, 3)]), [a, b])
    check(lambda m, x, y: m.cat([m.tensor(np.zeros(0, np.float64)), x]), [a, b])


SPLITS = [
    (lambda m, a: a.split(2), (5, 3)),
    (lambda m, a: m.split(a, 2, 1), (3, 5)),
    (lambda m, a: a.split(10), (5, 3)),
    (lambda m, a: a.split([1, 4]), (5, 3)),
    (lambda m, a: a.split([1, 0, 2], -1), (5, 3)),
    (lambda m, a: a.t().split(2), (3, 5)),
    (lambda m, a: a.split(0), (5, 3)),
    (lambda m, a: a.split([1, 1]), (5, 3)),
    (lambda m, a: a.split(2), (0, 3)),
    (lambda m, a: a.chunk(2), (5, 3)),
    (lambda m, a: m.chunk(a, 3, 1), (2, 7)),
    (lambda m, a: a.chunk(4), (6,)),
    (lambda m, a: a.chunk(3), (0,)),
    (lambda m, a: a.chunk(0), (5,)),
    (lambda m, a: a.unbind(), (3, 4)),
    (lambda m, a: m.unbind(a, -1), (3, 4)),
    (lambda m, a: a.unbind(2), (3, 4)),
    (lambda m, a: a.unbind(0), (0, 4)),
    (lambda m, a: a.split(2)[1], (5, 3)),  # only some pieces used: the others get zero gradient
    (lambda m, a: a.unbind(1)[2], (3, 4)),
]


@pytest.mark.parametrize("fn,shape", SPLITS)
def test_split_chunk_unbind(fn, shape):
    check(fn, [shape])


def test_split_names_and_views():
    x = ember.tensor(rand((4, 3)), requires_grad=True) * 1
    assert x.split(2)[0].grad_fn.name() == "SplitBackward0"
    assert x.split([1, 3])[0].grad_fn.name() == "SplitWithSizesBackward0"
    assert x.chunk(2)[1].grad_fn.name() == "SplitBackward0"
    assert x.unbind()[0].grad_fn.name() == "UnbindBackward0"
    assert ember.cat([x, x]).grad_fn.name() == "CatBackward0"
    assert ember.stack([x, x]).grad_fn.name() == "StackBackward0"
    base = ember.tensor(rand((4, 3)))
    piece = base.split(2)[1]
    assert np.shares_memory(piece.numpy(), base.numpy())
    base.add_(1)
    assert piece._version_counter == base._version_counter


def test_iteration_and_unbind():
    data = rand((3, 4))
    x = ember.tensor(data, requires_grad=True)
    rows = [r for r in x]
    assert len(rows) == 3 and all(tuple(r.shape) == (4,) for r in rows)
    for r, d in zip(rows, data):
        np.testing.assert_array_equal(r.detach().numpy(), d)
    sum(r.sum() * (i + 1) for i, r in enumerate(rows)).backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.repeat([[1.0], [2.0], [3.0]], 4, axis=1))
    assert [c.tolist() for c in ember.tensor([[1, 2], [3, 4]]).unbind(1)] == [[1, 3], [2, 4]]
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(ember.tensor(1.0))


def test_double_backward_through_join():
    x = ember.tensor(rand((4, 3), "float64"), requires_grad=True)
    a, b = x.split([1, 3])
    y = (ember.stack(list(ember.cat([b, a]).unbind(1))) ** 2).sum()
    (g,) = ember.autograd.grad(y, x, create_graph=True)
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((4, 3), 2.0))


@pytest.mark.parametrize("fn,shapes", [
    (lambda m, a, b: m.cat([a, b ** 2], 1), [(2, 3), (2, 2)]),
    (lambda m, a, b: m.stack([a, b * a], 1), [(2, 3), (2, 3)]),
    (lambda m, a: m.cat([p * (i + 1) for i, p in enumerate(a.split([1, 2]))], 0), [(3, 2)]),
    (lambda m, a: m.stack([p ** 2 for p in a.unbind(1)]), [(3, 2)]),
    (lambda m, a: a.chunk(2, 1)[1] ** 2, [(3, 4)]),
])
def test_gradcheck(fn, shapes):
    gradcheck64(fn, shapes)

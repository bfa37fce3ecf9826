"""View and rearranging ops against PyTorch: values, gradients, grad_fn names, errors."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand

import ember

VIEWS = [
    (lambda m, a: a.view(12, 5), (3, 4, 5)),
    (lambda m, a: a.view(-1), (3, 4, 5)),
    (lambda m, a: a.view((2, -1, 5)), (3, 4, 5)),
    (lambda m, a: a.view(m.Size([60])), (3, 4, 5)),
    (lambda m, a: a.view(1), ()),
    (lambda m, a: a.view(0, 3), (0, 3)),
    (lambda m, a: a.view(3, 5), (2, 5)),  # invalid size
    (lambda m, a: a.view(-1, -1), (2, 5)),
    (lambda m, a: a.view(-2, 5), (2, 5)),
    (lambda m, a: a.t().view(10), (2, 5)),  # non-contiguous: PyTorch refuses
    (lambda m, a: a.t().view(5, 2), (2, 5)),
    (lambda m, a: a.view(2, 5).view_as(a), (10,)),
    (lambda m, a: a.reshape(4, 15), (3, 4, 5)),
    (lambda m, a: m.reshape(a, (-1,)), (3, 4, 5)),
    (lambda m, a: a.transpose(0, 1).reshape(-1), (3, 4, 5)),  # reshape copies here
    (lambda m, a: a.transpose(0, 1).reshape(4, 3, 5), (3, 4, 5)),
    (lambda m, a: a.reshape(5, -1), (3, 4)),
    (lambda m, a: a.reshape(()), (1, 1)),
    (lambda m, a: a.reshape_as(m.tensor(np.ones((2, 6)))), (3, 4)),
    (lambda m, a: a.flatten(), (3, 4, 5)),
    (lambda m, a: a.flatten(1), (3, 4, 5)),
    (lambda m, a: m.flatten(a, 0, -2), (3, 4, 5)),
    (lambda m, a: a.flatten(), ()),
    (lambda m, a: a.flatten(1, 0), (3, 4)),
    (lambda m, a: a.flatten(2), (3, 4)),
    (lambda m, a: a.transpose(0, 2).flatten(1), (3, 4, 5)),
    (lambda m, a: a.unflatten(1, (2, 2)), (3, 4, 5)),
    (lambda m, a: m.unflatten(a, -1, (-1, 5)), (3, 4, 5)),
    (lambda m, a: a.unflatten(1, (3, 2)), (3, 4)),
    (lambda m, a: a.squeeze(), (1, 3, 1, 4)),
    (lambda m, a: a.squeeze(0), (1, 3, 1, 4)),
    (lambda m, a: a.squeeze(1), (1, 3, 1, 4)),
    (lambda m, a: a.squeeze(-2), (1, 3, 1, 4)),
    (lambda m, a: m.squeeze(a, (0, 2)), (1, 3, 1, 4)),
    (lambda m, a: a.squeeze(), ()),
    (lambda m, a: a.squeeze(0), ()),
    (lambda m, a: a.squeeze(5), (1, 3)),
    (lambda m, a: a.squeeze((0, 5)), (1, 3)),
    (lambda m, a: a.unsqueeze(0), (3, 4)),
    (lambda m, a: a.unsqueeze(-1), (3, 4)),
    (lambda m, a: m.unsqueeze(a, -3), (3, 4)),
    (lambda m, a: a.unsqueeze(0), ()),
    (lambda m, a: a.unsqueeze(3), (3, 4)),
    (lambda m, a: a.t().unsqueeze(1), (3, 4)),
    (lambda m, a: a.transpose(0, 1), (3, 4, 5)),
    (lambda m, a: a.transpose(-1, 0), (3, 4, 5)),
    (lambda m, a: m.transpose(a, 1, 1), (3, 4, 5)),
    (lambda m, a: a.swapaxes(0, 2), (3, 4, 5)),
    (lambda m, a: m.swapdims(a, 0, 2), (3, 4, 5)),
    (lambda m, a: a.transpose(0, 3), (3, 4, 5)),
    (lambda m, a: a.permute(2, 0, 1), (3, 4, 5)),
    (lambda m, a: a.permute((1, -1, 0)), (3, 4, 5)),
    (lambda m, a: m.permute(a, [2, 1, 0]), (3, 4, 5)),
    (lambda m, a: a.permute(0), (3, 4)),
    (lambda m, a: a.permute(0, 0), (3, 4)),
    (lambda m, a: a.permute(()), ()),
    (lambda m, a: a.t(), (3, 4)),
    (lambda m, a: a.t(), (3,)),
    (lambda m, a: m.t(a), ()),
    (lambda m, a: a.t(), (2, 3, 4)),
    (lambda m, a: a.T, (3, 4)),
    (lambda m, a: a.mT, (2, 3, 4)),
    (lambda m, a: a.mT, (3,)),
    (lambda m, a: a.movedim(0, 2), (3, 4, 5)),
    (lambda m, a: m.movedim(a, (0, 1), (2, 0)), (3, 4, 5)),
    (lambda m, a: a.moveaxis(-1, 0), (3, 4, 5)),
    (lambda m, a: a.movedim(0, 5), (3, 4)),
    (lambda m, a: a.narrow(0, 1, 2), (3, 4)),
    (lambda m, a: m.narrow(a, -1, -2, 2), (3, 4)),
    (lambda m, a: a.narrow(0, 3, 0), (3, 4)),
    (lambda m, a: a.narrow(0, 2, 2), (3, 4)),
    (lambda m, a: a.narrow(0, 4, 0), (3, 4)),
    (lambda m, a: a.narrow(2, 0, 1), (3, 4)),
]


@pytest.mark.parametrize("fn,shape", VIEWS)
def test_views(fn, shape):
    check(fn, [shape])


EXPANDS = [
    (lambda m, a: a.expand(3, 4), (3, 1)),
    (lambda m, a: a.expand(2, 3, -1), (3, 1)),
    (lambda m, a: a.expand((2, -1, 4)), (3, 1)),
    (lambda m, a: a.expand(2, 2), ()),
    (lambda m, a: a.expand(0, 4), (1, 4)),
    (lambda m, a: a.expand(2, 3), (3, 4)),
    (lambda m, a: a.expand(-1, 3, 4), (3, 4)),
    (lambda m, a: a.expand(3), (3, 4)),
    (lambda m, a: a.expand_as(m.tensor(np.zeros((2, 3, 4)))), (3, 1)),
    (lambda m, a: m.broadcast_to(a, (5, 4)), (1, 4)),
    (lambda m, a: a.broadcast_to((5, 4)), (3, 4)),
    (lambda m, a: a.t().expand(2, 4, 3), (3, 4)),
    (lambda m, a: a.repeat(2, 3), (3, 4)),
    (lambda m, a: a.repeat(2, 1, 1), (3, 4)),
    (lambda m, a: a.repeat((1, 2)), (3, 0)),
    (lambda m, a: a.repeat(3), ()),
    (lambda m, a: a.repeat(2), (3, 4)),
    (lambda m, a: a.tile((2,)), (3, 4)),
    (lambda m, a: m.tile(a, (2, 1, 2)), (3, 4)),
    (lambda m, a: a.flip(0), (3, 4)),
    (lambda m, a: m.flip(a, (0, -1)), (3, 4, 2)),
    (lambda m, a: a.flip([1]), (3, 4)),
    (lambda m, a: a.flip(0, 0), (3, 4)),
    (lambda m, a: a.roll(1), (3, 4)),
    (lambda m, a: m.roll(a, -2, 1), (3, 4)),
    (lambda m, a: a.roll((1, 2), (0, 1)), (3, 4)),
    (lambda m, a: a.roll(1, (0, 1)), (3, 4)),
]


@pytest.mark.parametrize("fn,shape", EXPANDS)
def test_expand_repeat_flip(fn, shape):
    check(fn, [shape])


@pytest.mark.parametrize("dtype", ["int64", "bool", "float64", "uint8"])
def test_dtypes_pass_through(dtype):
    x = rand((2, 3), dtype)
    check(lambda m, a: a.t().reshape(3, 2).unsqueeze(0).expand(2, 3, 2).flip(0), [x])
    check(lambda m, a: a.repeat(2, 1).permute(1, 0).squeeze(), [x])


def test_errors_match_messages():
    x = ember.tensor(np.zeros((2, 5)))
    with pytest.raises(RuntimeError, match=r"shape '\[3, 5\]' is invalid for input of size 10"):
        x.view(3, 5)
    with pytest.raises(RuntimeError, match="view size is not compatible with input tensor's size and stride"):
        x.t().view(10)
    with pytest.raises(RuntimeError, match=r"The expanded size of the tensor \(3\) must match the existing size "
                                           r"\(5\) at non-singleton dimension 1.  Target sizes: \[2, 3\]"):
        x.expand(2, 3)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):
        x.transpose(0, 2)
    with pytest.raises(RuntimeError, match=r"t\(\) expects a tensor with <= 2 dimensions, but self is 3D"):
        ember.tensor(np.zeros((1, 2, 3))).t()


NAMES = [
    (lambda a: a.view(-1), "ViewBackward0"), (lambda a: a.reshape(-1), "ViewBackward0"),
    (lambda a: a.t().reshape(-1), "UnsafeViewBackward0"), (lambda a: a.flatten(), "ViewBackward0"),
    (lambda a: a.unflatten(0, (1, 3)), "ViewBackward0"), (lambda a: a.squeeze(), "SqueezeBackward0"),
    (lambda a: a.squeeze(0), "SqueezeBackward1"), (lambda a: a.squeeze((0, 1)), "SqueezeBackward2"),
    (lambda a: a.unsqueeze(0), "UnsqueezeBackward0"), (lambda a: a.transpose(0, 1), "TransposeBackward0"),
    (lambda a: a.swapaxes(0, 1), "TransposeBackward0"), (lambda a: a.permute(1, 0), "PermuteBackward0"),
    (lambda a: a.t(), "TBackward0"), (lambda a: a.T, "PermuteBackward0"), (lambda a: a.mT, "TransposeBackward0"),
    (lambda a: a.expand(2, 3, 4), "ExpandBackward0"), (lambda a: a.broadcast_to((2, 3, 4)), "ExpandBackward0"),
    (lambda a: a.repeat(2, 1), "RepeatBackward0"), (lambda a: a.tile(2), "RepeatBackward0"),
    (lambda a: a.flip(0), "FlipBackward0"), (lambda a: a.roll(1, 0), "RollBackward0"),
    (lambda a: a.movedim(0, 1), "PermuteBackward0"), (lambda a: a.narrow(0, 1, 2), "SliceBackward0"),
    (lambda a: a.t().contiguous(), "CloneBackward0"),
]


@pytest.mark.parametrize("fn,name", NAMES)
def test_grad_fn_names(fn, name):
    x = ember.tensor(rand((3, 4)), requires_grad=True) * 1
    assert fn(x).grad_fn.name() == name


def test_views_share_memory_and_version():
    base = ember.tensor(rand((3, 4)))
    for v in (base.view(12), base.t(), base.unsqueeze(0), base.expand(2, 3, 4), base.narrow(1, 0, 2),
              base.permute(1, 0), base.squeeze(), base.reshape(4, 3)):
        assert np.shares_memory(v.numpy(), base.numpy())
        before = v._version_counter
        base.add_(1)
        assert v._version_counter == before + 1
    assert not np.shares_memory(base.flip(0).numpy(), base.numpy())
    assert not np.shares_memory(base.t().reshape(-1).numpy(), base.numpy())


def test_contiguous_copies_only_when_needed():
    x = ember.tensor(rand((3, 4)))
    assert x.contiguous() is x
    y = x.t()
    assert not y.is_contiguous()
    c = y.contiguous()
    assert c.is_contiguous() and np.array_equal(c.numpy(), y.numpy())
    assert not np.shares_memory(c.numpy(), x.numpy())


def test_T_warns_off_two_dims():
    with pytest.warns(UserWarning, match="x.mT"):
        ember.tensor(np.zeros((2, 3, 4))).T
    check(lambda m, a: a.T, [(2, 3, 4)])


def test_double_backward_through_views():
    x = ember.tensor(rand((3, 4), "float64"), requires_grad=True)
    y = (x.t().unsqueeze(0).expand(2, 4, 3).flip(1).permute(2, 0, 1).reshape(-1) ** 2).sum()
    (g,) = ember.autograd.grad(y, x, create_graph=True)
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((3, 4), 4.0))


@pytest.mark.parametrize("fn,shapes", [
    (lambda m, a: a.t().reshape(-1) * m.tensor(np.arange(12.0)), [(3, 4)]),
    (lambda m, a: a.permute(2, 0, 1).flatten(1) ** 2, [(2, 3, 4)]),
    (lambda m, a: (a.expand(2, 3, 4) ** 2).unsqueeze(1).squeeze(), [(2, 1, 4)]),
    (lambda m, a: a.repeat(2, 3, 1).flip(0, 2).roll(1, 1) ** 2, [(2, 2)]),
    (lambda m, a: a.narrow(1, 1, 2).movedim(0, 1).unflatten(0, (2, 1)) ** 2, [(3, 4)]),
])
def test_gradcheck(fn, shapes):
    gradcheck64(fn, shapes)

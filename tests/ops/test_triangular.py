"""tril/triu, diag and trace against torch: values, dtypes, gradients, grad_fn names, errors."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand, torch

import ember


@pytest.mark.parametrize("name", ["tril", "triu"])
@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 2), (2, 3, 4), (0, 3), (3, 0)])
@pytest.mark.parametrize("diagonal", [0, 1, -2, 7])
def test_tril_triu(name, shape, diagonal):
    out = check(lambda m, a: getattr(m, name)(a, diagonal), [shape])
    assert out.grad_fn.name() == name.capitalize() + "Backward0"
    check(lambda m, a: getattr(a, name)(diagonal=diagonal), [shape])


@pytest.mark.parametrize("dtype", ["int64", "bool", "float64"])
def test_tril_triu_dtypes(dtype):
    check(lambda m, a: (m.tril(a), m.triu(a, -1)), [rand((3, 4), dtype)], grad=False)


def test_tril_non_contiguous_and_inplace():
    check(lambda m, a: m.tril(a.t(), 1), [(4, 3)])
    check(lambda m, a: (a * 1).tril_(-1), [(3, 3)])
    check(lambda m, a: (a * 1).triu_(), [(2, 3, 3)])
    x = ember.ones(3, 3)
    assert x.tril_() is x and x._version[0] == 1


def test_causal_mask_idiom():
    def attend(m, q, k):
        wei = q @ k.transpose(-2, -1)
        wei = wei.masked_fill(m.tril(m.ones(4, 4)) == 0, float("-inf"))
        return m.nn.functional.softmax(wei, dim=-1)

    check(attend, [(2, 4, 3), (2, 4, 3)])


@pytest.mark.parametrize("shape", [(4,), (0,), (1,)])
@pytest.mark.parametrize("diagonal", [0, 2, -1])
def test_diag_of_vector(shape, diagonal):
    out = check(lambda m, a: m.diag(a, diagonal), [shape])
    assert out.grad_fn.name() == "DiagEmbedBackward0"


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 2), (0, 3)])
@pytest.mark.parametrize("diagonal", [0, 1, -1, 6])
def test_diag_of_matrix(shape, diagonal):
    out = check(lambda m, a: m.diag(a, diagonal), [shape])
    assert out.grad_fn.name() == "DiagonalBackward0_copy"
    check(lambda m, a: a.t().diag(diagonal), [shape])


def test_diag_is_a_copy():
    x = ember.zeros(3, 3)
    d = x.diag()
    d += 1
    assert x.sum().item() == 0


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (5, 2), (0, 0)])
def test_trace(shape):
    out = check(lambda m, a: m.trace(a), [shape])
    assert out.grad_fn.name() == "TraceBackward0"
    check(lambda m, a: a.trace(), [rand(shape, "int32")], grad=False)


def test_errors():
    for m in (ember, torch):
        with pytest.raises(RuntimeError, match="tril: input tensor must have at least 2 dimensions"):
            m.tril(m.ones(3))
        with pytest.raises(RuntimeError, match="triu: input tensor must have at least 2 dimensions"):
            m.ones(3).triu_()
        with pytest.raises(RuntimeError, match=r"diag\(\): Supports 1D or 2D tensors. Got 3D"):
            m.diag(m.ones(2, 2, 2))
        with pytest.raises(RuntimeError, match="trace: expected a matrix, but got tensor with dim 1"):
            m.trace(m.ones(3))


def test_gradcheck():
    gradcheck64(lambda m, a: m.tril(a, -1), [(3, 4)])
    gradcheck64(lambda m, a: m.triu(a, 1), [(2, 3, 3)])
    gradcheck64(lambda m, a: m.diag(a, 1), [(3,)])
    gradcheck64(lambda m, a: m.diag(a, -1), [(3, 4)])
    gradcheck64(lambda m, a: m.trace(a), [(3, 4)])


def test_second_derivatives():
    x = ember.tensor(rand((3, 3), "float64"), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda a: (ember.tril(a) ** 2).sum() + ember.diag(a ** 2).sum(), [x])
    t = torch.tensor(x.detach().numpy(), requires_grad=True)
    (g,) = torch.autograd.grad((torch.trace(t ** 3)), t, create_graph=True)
    (e,) = ember.autograd.grad(ember.trace(x ** 3), x, create_graph=True)
    np.testing.assert_allclose(e.detach().numpy(), g.detach().numpy())
    (gg,) = torch.autograd.grad(g.sum(), t)
    (ee,) = ember.autograd.grad(e.sum(), x)
    np.testing.assert_allclose(ee.numpy(), gg.numpy())

"""gradcheck and gradgradcheck."""
import pytest

import ember
from ember.autograd import GradcheckError, gradcheck, gradgradcheck
from diff import gradcheck64, rand


def t64(shape, positive=False):
    return ember.tensor(rand(shape, "float64", positive=positive), requires_grad=True)


def test_passes_for_correct_gradients():
    x, w = t64((3, 4)), t64((4, 2))
    assert gradcheck(lambda a, b: ember.tanh(a @ b), (x, w))
    assert gradcheck(lambda a: (a.exp(), a * a), x)  # several outputs
    assert gradcheck(lambda a, k: a * k, (x, 3.0))  # non-tensor input
    assert gradcheck(lambda a, b: a * b, (x, ember.tensor(rand((3, 4), "float64"))))  # one input without grad


def test_through_the_shared_helper():
    gradcheck64(lambda m, a, b: (a * b).sum(1) / (1 + b.exp().mean()), [(2, 3), (2, 3)])


class WrongSquare(ember.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x  # should be 2 * x


def test_wrong_gradient_raises_or_returns_false():
    x = t64((3,))
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 0,\nnumerical:"):
        gradcheck(WrongSquare.apply, (x,))
    assert issubclass(GradcheckError, RuntimeError)
    assert gradcheck(WrongSquare.apply, (x,), raise_exception=False) is False


def test_warns_for_single_precision_and_needs_a_grad_input():
    x = ember.tensor(rand((3,), "float32"), requires_grad=True)
    with pytest.warns(UserWarning, match="Input #0 requires gradient and is not a double precision floating point"):
        gradcheck(lambda a: a * 2, (x,), eps=1e-3, atol=1e-2, rtol=1e-2)
    with pytest.raises(ValueError, match="gradcheck expects at least one input tensor to require gradient"):
        gradcheck(lambda a: a * 2, (ember.ones(2, dtype=ember.float64),))


def test_non_reentrant_backward_is_caught():
    calls = [0]

    class Flaky(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            calls[0] += 1
            return g * 2 + (1e-3 if calls[0] > 3 else 0)

    with pytest.raises(GradcheckError, match="Backward is not reentrant"):
        gradcheck(Flaky.apply, (t64((3,)),))


def test_gradgradcheck():
    x, w = t64((2, 3)), t64((3, 2))
    assert gradgradcheck(lambda a, b: ember.sin(a @ b), (x, w))
    assert gradgradcheck(lambda a: (a ** 3).sum(), (x,))
    assert gradgradcheck(lambda a: a.exp() * a, (x,), (t64((2, 3)),))


def test_gradgradcheck_catches_a_wrong_second_derivative():
    class BadCube(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * (x.detach() ** 2)  # detached: the second derivative is lost

    x = t64((3,))
    assert gradcheck(BadCube.apply, (x,))
    assert gradgradcheck(BadCube.apply, (x,), raise_exception=False) is False

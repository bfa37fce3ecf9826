"""autograd.Function: custom forward/backward, ctx features, double backward."""
import re

import numpy as np
import pytest

import ember
from diff import rand, torch


def make(m):
    """The same custom Functions written against module m (ember or torch)."""

    class Cube(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale=1.0):
            assert not m.is_grad_enabled()
            ctx.save_for_backward(x)
            ctx.scale = scale
            return x ** 3 * scale

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2 * ctx.scale, None

    class SplitMax(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            values, idx = x.max(dim=1)
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(x, idx)
            return values, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            x, idx = ctx.saved_tensors
            out = m.zeros_like(x)
            out[m.arange(x.shape[0]), idx] = g
            return out

    class MulAdd(m.autograd.Function):
        @staticmethod
        def forward(ctx, a, b, c):
            ctx.save_for_backward(a, b)
            return a * b + c, a - b

        @staticmethod
        def backward(ctx, g1, g2):
            a, b = ctx.saved_tensors
            need = ctx.needs_input_grad
            return (g1 * b + g2 if need[0] else None, g1 * a - g2 if need[1] else None,
                    g1 if need[2] else None)

    class AddOneInPlace(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    return Cube, SplitMax, MulAdd, AddOneInPlace


def both(fn):
    return fn(ember, *make(ember)), fn(torch, *make(torch))


def close(e, t):
    for a, b in zip(e, t):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-8)


A = rand((3, 4), "float64")


def test_forward_backward_and_non_tensor_args():
    def run(m, Cube, *_):
        x = m.tensor(A, requires_grad=True)
        y = Cube.apply(x, 2.0)
        y.sum().backward()
        assert type(y.grad_fn).__name__ == "CubeBackward" and y.grad_fn.name() == "CubeBackward"
        assert len(y.grad_fn.next_functions) == 1  # only tensor arguments get an edge
        assert y.grad_fn.needs_input_grad == (True, False)
        return y, x.grad

    close(*both(run))


def test_repr_and_next_functions():
    Cube = make(ember)[0]
    x = ember.ones(2, requires_grad=True)
    y = Cube.apply(x)
    assert re.fullmatch(r"<CubeBackward object at 0x[0-9a-f]+>", repr(y.grad_fn))
    assert y.grad_fn.next_functions[0][0].variable is x


def test_multiple_outputs_and_non_differentiable():
    def run(m, _, SplitMax, MulAdd, __):
        x = m.tensor(A, requires_grad=True)
        v, idx = SplitMax.apply(x)
        assert not idx.requires_grad and v.requires_grad
        a = m.tensor(A, requires_grad=True)
        b = m.tensor(A * 2, requires_grad=True)
        s, d = MulAdd.apply(a, b, m.tensor(A))
        (v.sum() + (s * d).sum()).backward()
        return x.grad, a.grad, b.grad

    close(*both(run))


def test_unused_output_gets_zero_or_none():
    def run(m, _, __, MulAdd, ___):
        a = m.tensor(A, requires_grad=True)
        b = m.tensor(A, requires_grad=True)
        s, d = MulAdd.apply(a, b, m.tensor(A))
        s.sum().backward()
        return a.grad, b.grad

    close(*both(run))

    class Seen(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            assert g2 is None
            return g1 * 2

    x = ember.ones(2, requires_grad=True)
    Seen.apply(x)[0].sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_mark_dirty():
    def run(m, *fns):
        AddOneInPlace = fns[3]
        x = m.tensor(A, requires_grad=True)
        h = x * 2
        y = AddOneInPlace.apply(h)
        assert y is h and y.grad_fn.name() == "AddOneInPlaceBackward"
        (y * y).sum().backward()
        return y, x.grad

    close(*both(run))
    AddOneInPlace = make(ember)[3]
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        AddOneInPlace.apply(ember.ones(2, requires_grad=True))


def test_wrong_number_of_gradients():
    class Bad(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g

    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=re.escape("function BadBackward returned an incorrect number of "
                                                     "gradients (expected 2, got 1)")):
        Bad.apply(x, 3).sum().backward()


def test_invalid_gradient_shape():
    class Bad(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return ember.ones(5)

    with pytest.raises(RuntimeError, match="returned an invalid gradient at index 0"):
        Bad.apply(ember.ones(3, requires_grad=True)).sum().backward()


def test_double_backward_through_function():
    def run(m, Cube, *_):
        x = m.tensor(A, requires_grad=True)
        (g,) = m.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
        (gg,) = m.autograd.grad(g.sum(), x)
        return g, gg

    close(*both(run))


def test_saved_tensor_modified_in_place_raises():
    Cube = make(ember)[0]
    x = ember.ones(2, requires_grad=True)
    h = x * 1
    y = Cube.apply(h)
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_no_grad_apply_records_nothing():
    Cube = make(ember)[0]
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        y = Cube.apply(x)
    assert not y.requires_grad and y.grad_fn is None


def test_setup_context_style():
    class Square(ember.autograd.Function):
        @staticmethod
        def forward(x):
            return x * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            (x,) = inputs
            ctx.save_for_backward(x)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = ember.tensor([1.0, 3.0], requires_grad=True)
    Square.apply(x).sum().backward()
    assert x.grad.tolist() == [2.0, 6.0]


def test_input_returned_unchanged_is_a_new_tensor():
    class Identity(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 5

    x = ember.ones(2, requires_grad=True)
    y = Identity.apply(x)
    assert y is not x and x.grad_fn is None and y.grad_fn is not None
    y.sum().backward()
    assert x.grad.tolist() == [5.0, 5.0]


@pytest.mark.parametrize("m", [ember, torch])
def test_once_differentiable(m):
    class Sq(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @m.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = m.tensor([1.0, 2.0], requires_grad=True)
    (g,) = m.autograd.grad(Sq.apply(x).sum(), x, create_graph=True)
    assert g.tolist() == [2.0, 4.0] and not g.requires_grad  # backward ran without recording
    v = m.ones(2, requires_grad=True)
    (g,) = m.autograd.grad(Sq.apply(x), x, grad_outputs=v, create_graph=True)
    assert g.requires_grad
    with pytest.raises(RuntimeError, match="trying to differentiate twice a function that was marked with "
                                           "@once_differentiable"):
        g.sum().backward()


def test_legacy_instance_call_raises():
    Cube = make(ember)[0]
    with pytest.raises(RuntimeError, match="Legacy autograd function with non-static forward method"):
        Cube()(ember.ones(2))

"""autograd.grad, create_graph and higher derivatives."""
import numpy as np
import pytest

import ember
from diff import rand, torch


def both(fn):
    return fn(ember), fn(torch)


def close(e, t, rtol=1e-5):
    e = e if isinstance(e, (tuple, list)) else (e,)
    t = t if isinstance(t, (tuple, list)) else (t,)
    assert len(e) == len(t)
    for a, b in zip(e, t):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=1e-6)


A = rand((4,), "float64")
M = rand((3, 4), "float64")


def test_grad_leaves_dot_grad_alone():
    def run(m):
        x = m.tensor(A, requires_grad=True)
        (g,) = m.autograd.grad((x ** 3).sum(), x)
        return g, x.grad

    (eg, ex), (tg, tx) = both(run)
    close(eg, tg)
    assert ex is None and tx is None


def test_grad_of_non_leaf_and_multiple_outputs():
    def run(m):
        x = m.tensor(A, requires_grad=True)
        h = x.exp()
        y1, y2 = (h * 2).sum(), (h * x).sum()
        return m.autograd.grad([y1, y2], [h, x])

    close(*both(run))


def test_grad_outputs_and_unused():
    def run(m):
        x = m.tensor(A, requires_grad=True)
        z = m.tensor(A, requires_grad=True)
        y = x * 2
        return m.autograd.grad(y, [x, z], grad_outputs=m.tensor(A), allow_unused=True)

    close(*both(run))
    x = ember.ones(2, requires_grad=True)
    z = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="The differentiated Tensor at index 1 appears to not have been used"):
        ember.autograd.grad((x * 2).sum(), [x, z])
    with pytest.raises(RuntimeError, match="One of the differentiated Tensors does not require grad"):
        ember.autograd.grad((x * 2).sum(), [ember.ones(2)])
    (g,) = ember.autograd.grad((x * 2).sum(), z, allow_unused=True, materialize_grads=True)
    assert g.tolist() == [0.0, 0.0]


def test_grad_runs_only_the_part_of_the_graph_needed():
    def run(m):
        calls = []
        x = m.ones(2, requires_grad=True)
        h = x * 2
        h.grad_fn.register_prehook(lambda g: calls.append("pre"))
        h.register_hook(lambda g: calls.append("tensor"))
        h.grad_fn.register_hook(lambda gi, go: calls.append("post"))
        m.autograd.grad((h * 3).sum(), h)
        return calls

    e, t = both(run)
    assert e == t == ["tensor"]  # h's own node is not run for d(y)/d(h)


@pytest.mark.parametrize("f", [
    lambda m, x: (x ** 3).sum(),
    lambda m, x: m.sin(x).sum(),
    lambda m, x: (m.exp(x) * x).sum(),
    lambda m, x: m.tanh(x).sum(),
    lambda m, x: (x / (x * x + 1)).sum(),
    lambda m, x: m.log(x * x + 1).mean(),
])
def test_hessian_vector_products(f):
    v = rand((4,), "float64")

    def run(m):
        x = m.tensor(A, requires_grad=True)
        (g,) = m.autograd.grad(f(m, x), x, create_graph=True)
        assert g.requires_grad
        (hv,) = m.autograd.grad((g * m.tensor(v)).sum(), x)
        return g, hv

    close(*both(run))


def test_matmul_chain_second_derivative():
    w0 = rand((4, 5), "float64")

    def run(m):
        x = m.tensor(M, requires_grad=True)
        w = m.tensor(w0, requires_grad=True)
        y = m.tanh(x @ w) @ w.t()
        (gx,) = m.autograd.grad((y * y).sum(), x, create_graph=True)
        return m.autograd.grad((gx * gx).sum(), [x, w])

    close(*both(run))


def test_gradient_penalty_pattern():
    w0, b0 = rand((4, 1), "float64"), rand((1,), "float64")

    def run(m):
        x = m.tensor(M, requires_grad=True)
        w = m.tensor(w0, requires_grad=True)
        b = m.tensor(b0, requires_grad=True)
        out = m.sigmoid(x @ w + b)
        (gx,) = m.autograd.grad(out.sum(), x, create_graph=True)
        penalty = ((gx.norm(2, dim=1) - 1) ** 2).mean()
        loss = out.mean() + 10 * penalty
        loss.backward()
        return w.grad, b.grad, x.grad

    close(*both(run))


def test_saved_output_is_differentiable_after_its_tensor_is_gone():
    # exp saves its output; the output tensor itself is not kept alive by the graph
    def run(m):
        x = m.tensor(A, requires_grad=True)
        (g,) = m.autograd.grad(x.exp().sum(), x, create_graph=True)
        (gg,) = m.autograd.grad(g.sum(), x)
        return gg

    close(*both(run))


def test_third_derivative():
    def run(m):
        x = m.tensor(A, requires_grad=True)
        (g1,) = m.autograd.grad((x ** 4).sum(), x, create_graph=True)
        (g2,) = m.autograd.grad(g1.sum(), x, create_graph=True)
        (g3,) = m.autograd.grad(g2.sum(), x)
        return g3

    close(*both(run))


def test_backward_create_graph_accumulates_differentiable_grad():
    def run(m):
        x = m.tensor(A, requires_grad=True)
        (x ** 3).sum().backward(create_graph=True)
        g = x.grad
        assert g.requires_grad
        (hv,) = m.autograd.grad(g.sum(), x)
        return hv

    close(*both(run))

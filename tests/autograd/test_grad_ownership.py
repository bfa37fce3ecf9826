"""The engine hands a new gradient array straight to ``.grad`` instead of copying it; no two
``.grad`` tensors, and no ``.grad`` and a caller's array, may end up sharing memory."""
import numpy as np

import ember
import ember.nn.functional as F


def _separate(*tensors):
    arrays = [t.grad.numpy() for t in tensors]
    return not any(np.shares_memory(a, b) for i, a in enumerate(arrays) for b in arrays[i + 1:])


def test_bias_gradient_of_1d_linear_is_not_shared_with_a_sibling_leaf():
    x = ember.randn(4)
    w = ember.randn(3, 4, requires_grad=True)
    b = ember.randn(3, requires_grad=True)
    c = ember.randn(3, requires_grad=True)
    (F.linear(x, w, b) + c).sum().backward()  # Add passes one gradient array to both b's path and c
    assert _separate(b, c)
    b.grad += 1
    np.testing.assert_array_equal(c.grad.numpy(), np.ones(3, np.float32))


def test_gradient_a_hook_kept_is_not_handed_to_a_leaf():
    x = ember.randn(4)
    w = ember.randn(3, 4, requires_grad=True)
    b = ember.randn(3, requires_grad=True)
    out = F.linear(x, w, b)
    seen = []
    out.register_hook(seen.append)
    (out * 2).sum().backward()
    assert not np.shares_memory(seen[0].numpy(), b.grad.numpy())
    b.grad += 1
    np.testing.assert_array_equal(seen[0].numpy(), np.full(3, 2, np.float32))


def test_callers_gradient_passed_through_to_a_bias_is_copied():
    x = ember.randn(4)
    w = ember.randn(3, 4, requires_grad=True)
    b = ember.randn(3, requires_grad=True)
    g = ember.ones(3)
    F.linear(x, w, b).backward(g)  # a 1-D linear passes its output gradient on to the bias unchanged
    b.grad += 1
    np.testing.assert_array_equal(g.numpy(), np.ones(3, np.float32))


def test_parameter_used_twice_gets_the_sum_and_later_steps_accumulate():
    w = ember.randn(3, 4, requires_grad=True)
    b = ember.randn(3, requires_grad=True)
    x = ember.randn(5, 4)
    for step in range(3):
        (F.linear(x, w, b).sum() + F.linear(2 * x, w, b).sum()).backward()
        expected = (step + 1) * 3 * x.numpy().sum(0)
        np.testing.assert_allclose(w.grad.numpy(), np.broadcast_to(expected, (3, 4)), rtol=1e-5)
        np.testing.assert_allclose(b.grad.numpy(), np.full(3, (step + 1) * 10.0), rtol=1e-6)


def test_user_supplied_gradient_is_never_adopted():
    w = ember.randn(3, requires_grad=True)
    g = ember.ones(3)
    w.backward(g)  # the leaf itself is the root: its gradient is the caller's tensor
    w.grad += 1
    np.testing.assert_array_equal(g.numpy(), np.ones(3, np.float32))


def test_zero_grad_then_backward_gives_fresh_gradients():
    lin = ember.nn.Linear(4, 2)
    opt = ember.optim.SGD(lin.parameters(), lr=0.1)
    x = ember.randn(8, 4)
    lin(x).sum().backward()
    first = lin.weight.grad
    kept = first.numpy().copy()
    opt.zero_grad()
    lin(x).sum().backward()
    np.testing.assert_array_equal(first.numpy(), kept)  # the old gradient tensor is untouched
    np.testing.assert_allclose(lin.weight.grad.numpy(), kept, rtol=1e-6)

"""In-place safety: version counters, leaf checks, saved values kept intact."""
import re

import numpy as np
import pytest

import ember
from diff import check, gradcheck64, torch


def outcome(fn):
    """fn(m) with ember and torch: both return the same gradient, or both raise the same message."""
    results = []
    for m in (ember, torch):
        try:
            results.append(("ok", [g.detach().numpy().copy() for g in fn(m)]))
        except RuntimeError as e:
            results.append(("error", str(e)))
    (ek, ev), (tk, tv) = results
    assert ek == tk, f"ember: {ev}\ntorch: {tv}"
    if ek == "ok":
        for a, b in zip(ev, tv):
            np.testing.assert_allclose(a, b, rtol=1e-6)
    return ev


def test_saved_input_modified_raises_with_torch_message():
    def f(m):
        a = m.ones(2, 3, requires_grad=True)
        b = a * 1
        c = b * b
        b.add_(1)
        c.sum().backward()
        return [a.grad]

    msg = outcome(f)
    assert msg.startswith("one of the variables needed for gradient computation has been modified by an "
                          "inplace operation: [torch.FloatTensor [2, 3]], which is output 0 of Add, is at "
                          "version 1; expected version 0 instead. Hint:")


def test_saved_output_modified_raises():
    def f(m):
        a = m.ones(3, requires_grad=True)
        b = a.exp()
        b.add_(1)
        b.sum().backward()
        return [a.grad]

    assert "which is output 0 of Exp, is at version 1; expected version 0" in outcome(f)


def test_saved_leaf_modified_under_no_grad_raises():
    def f(m):
        a = m.ones(3, requires_grad=True)
        w = m.ones(3, requires_grad=True)
        c = a * w
        with m.no_grad():
            a.mul_(2)
        c.sum().backward()
        return [a.grad]

    assert re.search(r"\[torch.FloatTensor \[3\]\] is at version 1; expected version 0", outcome(f))


def test_modifying_through_a_view_bumps_the_shared_version():
    def f(m):
        a = m.ones(2, 3, requires_grad=True)
        b = a * 1
        c = b * b
        b.view(6).mul_(2)
        c.sum().backward()
        return [a.grad]

    assert "modified by an inplace operation" in outcome(f)


def test_detach_shares_the_version_counter():
    def f(m):
        a = m.ones(3, requires_grad=True)
        b = a * 1
        c = b * b
        b.detach().add_(1)
        c.sum().backward()
        return [a.grad]

    assert "modified by an inplace operation" in outcome(f)


def test_unsaved_tensor_may_be_modified():
    def f(m):
        a = m.ones(3, requires_grad=True)
        b = a * 2
        c = b + 1  # add saves nothing
        b.mul_(3)
        (c * 2).sum().backward()
        return [a.grad]

    outcome(f)


def test_in_place_ops_on_non_leaves_give_torch_gradients():
    def f(m):
        a = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        w = m.tensor([2.0, -1.0, 0.5], requires_grad=True)
        b = a * 1
        b.mul_(w)  # saves b's old value, which the in-place write must not destroy
        b.exp_()
        b.add_(w, alpha=2)
        (b * b).sum().backward()
        return [a.grad, w.grad]

    outcome(f)


def test_in_place_result_is_version_checked_later():
    def f(m):
        a = m.ones(3, requires_grad=True)
        b = a * 1
        b.exp_()  # exp_ saves its result, which is b itself
        b.add_(1)
        b.sum().backward()
        return [a.grad]

    assert "is at version 2; expected version 1" in outcome(f)


def test_leaf_and_view_of_leaf_in_place_errors():
    for m in (ember, torch):
        a = m.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError, match=re.escape("a leaf Variable that requires grad is being used in "
                                                         "an in-place operation.")):
            a.mul_(2)
        with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in "
                                               "an in-place operation."):
            a.view(3).mul_(2)
        with m.no_grad():
            a.mul_(2)  # allowed: the usual optimizer update
        assert a.tolist() == [2.0, 2.0, 2.0]


def test_retain_grad_follows_in_place_op():
    def f(m):
        a = m.ones(3, requires_grad=True)
        b = a * 2
        b.retain_grad()
        b.mul_(3)
        (b * b).sum().backward()
        return [a.grad, b.grad]

    outcome(f)


def test_version_counter_values():
    a = ember.ones(3)
    assert a._version_counter == 0
    a.add_(1)
    a.mul_(2)
    assert a._version_counter == 2
    v = a.view(3)
    v.add_(1)
    assert a._version_counter == 3 and v._version_counter == 3


# ----------------------------------------------------------------- in-place writes into views of non-leaves
# The base's value changes with the view's, so its gradient must see the write (PyTorch's CopySlices).

VIEW_WRITES = {
    "row mul_": lambda m, a, w: _base_and_view(a, lambda b: b[1].mul_(3)),
    "transposed column add_": lambda m, a, w: _base_and_view(a, lambda b: b.t()[0].add_(w[:3])),
    "flat slice copy_": lambda m, a, w: _base_and_view(a, lambda b: b.view(12)[2:6].copy_(w * 2)),
    "setitem into a view": lambda m, a, w: _base_and_view(a, lambda b: b[:, 1:3].__setitem__(0, w[:2])),
    "view of a view relu_": lambda m, a, w: _base_and_view(a, lambda b: b[0][1:3].relu_()),
    "zero_ of a column": lambda m, a, w: _base_and_view(a, lambda b: b[:, 2].zero_()),
    "two writes": lambda m, a, w: _base_and_view(a, lambda b: (b[0].mul_(w), b[:, 1].add_(1))),
}


def _base_and_view(a, write):
    b = a * 2 - 1  # a non-leaf base
    write(b)
    return b.sin(), b[1] * 3


@pytest.mark.parametrize("case", sorted(VIEW_WRITES))
def test_in_place_write_into_a_view_reaches_the_base_gradient(case):
    check(VIEW_WRITES[case], [(3, 4), (4,)])


def test_view_write_where_only_the_written_value_needs_grad():
    # the base needs no grad until a tensor that does is written into its view
    for m in (torch, ember):
        w = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        b = m.zeros(2, 3)
        b[1].add_(w * w)
        (b * m.tensor([[1.0, 1.0, 1.0], [2.0, 3.0, 4.0]])).sum().backward()
        assert b.grad_fn is not None
        np.testing.assert_allclose(w.grad.numpy(), [4.0, 12.0, 24.0])


def test_view_write_node_is_named_like_pytorchs():
    a = ember.randn(2, 3, requires_grad=True)
    b = a * 1
    b[0].mul_(2)
    assert b.grad_fn.name() == "torch::autograd::CopySlices"
    assert b[0]._base is b and b._base is None


def test_view_write_gradient_matches_finite_differences():
    def fn(m, a, w):
        b = a * a
        b.t()[1:3].mul_(w)  # a transposed, sliced view: strides unlike the base's
        return (b.sin() * b).sum()

    gradcheck64(fn, [(4, 3), (4,)])


def test_view_write_into_a_convolution_output():
    # a convolution's output is laid out channel-major in memory: the gradient follows that layout
    def fn(m, x, w):
        y = m.nn.functional.conv2d(x, w)
        y[:, 1].mul_(2)
        return y * y

    check(fn, [(2, 1, 5, 5), (3, 1, 3, 3)], grad_atol=1e-3)  # sums of terms ~100 in float32

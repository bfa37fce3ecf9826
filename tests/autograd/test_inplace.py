"""In-place safety: version counters, leaf checks, saved values kept intact."""
import re

import numpy as np
import pytest

import ember
from diff import torch


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

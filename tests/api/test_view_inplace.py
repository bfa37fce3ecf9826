"""In-place view methods against PyTorch: shapes, strides, shared memory, gradients, errors."""
import numpy as np
import pytest

from tests.diff import check

torch = pytest.importorskip("torch")


def test_in_place_views():
    def run(m, a):
        y = a * 2
        out = [y.t_() is y, tuple(y.shape), y.stride()]
        y.unsqueeze_(0)
        out += [tuple(y.shape)]
        y.squeeze_()
        y.transpose_(0, 1)
        y.swapaxes_(0, 1)
        y.swapdims_(1, 0)
        out += [tuple(y.shape), y.stride(), y.is_contiguous()]
        return out + [y]
    check(run, [(2, 3)])
    check(lambda m, a: (a * 1).squeeze_(1), [(2, 1, 3)])
    check(lambda m, a: (a * 1).as_strided_((2, 2), (1, 2)), [(2, 3)])


def test_leaf_requiring_grad_is_refused_and_memory_is_shared():
    check(lambda m, a: a.unsqueeze_(0), [(2, 3)])
    check(lambda m, a: a.detach().t_(), [(2, 3)])
    for m in (torch, __import__("ember")):
        c = m.arange(6.0).reshape(2, 3)
        c.t_()
        c[0, 1] = 100.0
        assert c.reshape(-1)[3].item() == 4.0 and c[0, 1].item() == 100.0

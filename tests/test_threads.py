"""set_num_threads/get_num_threads: PyTorch's argument checks; a real BLAS limit with threadpoolctl."""
import numpy as np
import pytest
from diff import torch

import ember


@pytest.fixture
def restore_threads():
    before = ember.get_num_threads()
    yield
    ember.set_num_threads(before)


@pytest.mark.parametrize("bad", [0, -1, 2.5, "2", True, None])
def test_rejects_what_pytorch_rejects(bad):
    with pytest.raises(RuntimeError) as expected:
        torch.set_num_threads(bad)
    with pytest.raises(RuntimeError) as got:
        ember.set_num_threads(bad)
    assert str(got.value) == str(expected.value)


def test_accepts_integer_likes(restore_threads):
    ember.set_num_threads(np.int64(1))
    assert ember.get_num_threads() == 1


def test_limits_blas_threads(restore_threads):
    threadpoolctl = pytest.importorskip("threadpoolctl", reason="the BLAS limit needs the optional threadpoolctl")
    blas = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    if not blas:
        pytest.skip("NumPy's BLAS is not one threadpoolctl can control")
    ember.set_num_threads(1)
    assert all(p["num_threads"] == 1 for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas")
    assert ember.get_num_threads() == 1
    ember.set_num_threads(2)
    assert ember.get_num_threads() == 2


def test_without_threadpoolctl_the_value_is_recorded(monkeypatch, restore_threads):
    monkeypatch.setattr(ember._threads, "_threadpoolctl", None)
    ember.set_num_threads(3)
    assert ember.get_num_threads() == 3

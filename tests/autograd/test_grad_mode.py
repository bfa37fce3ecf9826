"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode."""
import threading

import pytest

import ember


def test_no_grad_records_nothing():
    x = ember.ones(3, requires_grad=True)
    with ember.no_grad():
        assert not ember.is_grad_enabled()
        y = x * 2
    assert ember.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None


def test_nesting_and_enable_grad():
    x = ember.ones(3, requires_grad=True)
    with ember.no_grad():
        with ember.enable_grad():
            assert (x * 2).requires_grad
        assert not (x * 2).requires_grad
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
        with ember.set_grad_enabled(True):
            assert (x * 2).requires_grad
    assert ember.is_grad_enabled()


def test_set_grad_enabled_as_a_call():
    ember.set_grad_enabled(False)
    try:
        assert not ember.is_grad_enabled()
    finally:
        ember.set_grad_enabled(True)
    assert ember.is_grad_enabled()


def test_decorators():
    x = ember.ones(2, requires_grad=True)

    @ember.no_grad()
    def f():
        return x * 2

    @ember.no_grad
    def g():
        return x * 2

    @ember.enable_grad()
    def h():
        return x * 2

    @ember.inference_mode()
    def i():
        return x * 2

    assert not f().requires_grad and not g().requires_grad and not i().requires_grad
    with ember.no_grad():
        assert h().requires_grad
    assert f.__name__ == "f"


def test_mode_restored_after_exception():
    with pytest.raises(ValueError):
        with ember.no_grad():
            raise ValueError
    assert ember.is_grad_enabled()


def test_inference_mode():
    x = ember.ones(2, requires_grad=True)
    with ember.inference_mode():
        assert not ember.is_grad_enabled()
        assert ember.autograd.grad_mode.is_inference_mode_enabled()
        assert not (x * 2).requires_grad
        with ember.inference_mode(False):
            assert ember.is_grad_enabled()
    assert not ember.autograd.grad_mode.is_inference_mode_enabled()


def test_grad_mode_is_thread_local():
    seen = []
    with ember.no_grad():
        t = threading.Thread(target=lambda: seen.append(ember.is_grad_enabled()))
        t.start()
        t.join()
        assert not ember.is_grad_enabled()
    assert seen == [True]


def test_backward_inside_no_grad_still_works():
    x = ember.ones(2, requires_grad=True)
    y = (x * x).sum()
    with ember.no_grad():
        y.backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_anomaly_and_inference_mode_queries_at_top_level():
    import ember

    assert ember.is_anomaly_enabled() is False and ember.is_inference_mode_enabled() is False
    ember.set_detect_anomaly(True)
    try:
        assert ember.is_anomaly_enabled() is True
    finally:
        ember.set_detect_anomaly(False)
    with ember.inference_mode():
        assert ember.is_inference_mode_enabled() is True

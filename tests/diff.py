"""The differential-test helper: run the same code on Ember and on PyTorch, compare everything.

``check(lambda m, a, b: m.add(a, b), [(3, 4), (4,)])`` builds random inputs of
those shapes, runs the lambda with ``m = ember`` and with ``m = torch``, and
compares values, dtypes and shapes, then the gradients of every float input
for the same random upstream gradient. Where PyTorch raises, Ember must raise
the same exception type.

Ember runs on ``device`` (by default ``DEVICE``, which tests/conftest.py sets to each array
backend in turn for every test of a module that uses this helper, as Chainer's
``inject_backend_tests`` does): the inputs and every tensor the lambda creates live there,
and results come back to the host to be compared.
"""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch", reason="PyTorch is the reference for differential tests: "
                                            "pip install torch==2.13.0")

_rng = np.random.default_rng(0)
DEVICE = "cpu"  # the device Ember's side runs on; see tests/conftest.py


def rand(shape, dtype="float32", low=-2.0, high=2.0, positive=False):
    """A random NumPy array; ``positive`` keeps floats away from 0 (for log, sqrt, division)."""
    if dtype == "bool":
        return _rng.random(shape) > 0.5
    if np.dtype(dtype).kind in "iu":
        lo = 0 if np.dtype(dtype).kind == "u" or positive else int(low) - 3
        return _rng.integers(lo if not positive else 1, int(high) + 4, size=shape).astype(dtype)
    a = _rng.uniform(low, high, size=shape)
    if positive:
        a = np.abs(a) + 0.5
    return a.astype(dtype)


def _to_np(x):
    if isinstance(x, ember.Tensor):
        return x.detach().cpu().numpy()
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    return np.asarray(x)


def _flatten(out):
    if isinstance(out, (tuple, list)):
        return [o for x in out for o in _flatten(x)]
    return [out]


def assert_same(e, t, rtol=1e-5, atol=1e-6, what="value"):
    """One Ember result against one PyTorch result: type, shape, dtype, values."""
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"{what}: expected a Tensor, got {type(e).__name__}"
        assert tuple(e.shape) == tuple(t.shape), f"{what}: shape {tuple(e.shape)} != torch {tuple(t.shape)}"
        assert str(e.dtype) == str(t.dtype), f"{what}: dtype {e.dtype} != torch {t.dtype}"
        ev, tv = _to_np(e), _to_np(t)
        if ev.dtype.kind == "f":
            np.testing.assert_allclose(ev, tv, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
        else:
            np.testing.assert_array_equal(ev, tv, err_msg=what)
    else:
        assert not isinstance(e, ember.Tensor), f"{what}: Ember returned a Tensor where torch returned {t!r}"
        if isinstance(t, float):
            assert e == pytest.approx(t, rel=rtol, abs=atol), what
        else:
            assert e == t, f"{what}: {e!r} != {t!r}"


def check(fn, inputs, grad=True, rtol=1e-5, atol=1e-6, grad_rtol=None, grad_atol=None, dtype="float32",
          positive=False, device=None):
    """Compare ``fn(ember, *inputs)`` on ``device`` (default ``DEVICE``) with ``fn(torch, *inputs)``.

    ``inputs``: shapes (tuples, given ``dtype``), or NumPy arrays used as they are."""
    with ember.device(device or DEVICE):
        return _check(fn, inputs, grad, rtol, atol, grad_rtol, grad_atol, dtype, positive)


def _check(fn, inputs, grad, rtol, atol, grad_rtol, grad_atol, dtype, positive):
    arrays = [rand(x, dtype, positive=positive) if isinstance(x, tuple) else np.asarray(x) for x in inputs]

    def build(m):
        ts = []
        for a in arrays:
            t = m.tensor(a.copy())
            if grad and a.dtype.kind == "f":
                t.requires_grad_(True)
            ts.append(t)
        return ts

    et, tt = build(ember), build(torch)
    try:
        t_out = fn(torch, *tt)
    except Exception as exc:  # PyTorch rejects it: Ember must reject it with the same type
        with pytest.raises(type(exc)):
            fn(ember, *et)
        return None
    e_out = fn(ember, *et)
    e_flat, t_flat = _flatten(e_out), _flatten(t_out)
    assert len(e_flat) == len(t_flat)
    for i, (e, t) in enumerate(zip(e_flat, t_flat)):
        assert_same(e, t, rtol, atol, what=f"output {i}")
    if not grad:
        return e_out
    # one scalar loss from every float output that carries a gradient, with the same random weights
    e_loss = t_loss = None
    for e, t in zip(e_flat, t_flat):
        if isinstance(t, torch.Tensor) and t.requires_grad and t.dtype.is_floating_point:
            w = rand(tuple(t.shape), "float64").astype(_to_np(t).dtype)
            e_term = (e * ember.tensor(w, device=e.device)).sum()
            t_term = (t * torch.tensor(w)).sum()
            e_loss = e_term if e_loss is None else e_loss + e_term
            t_loss = t_term if t_loss is None else t_loss + t_term
    if t_loss is None:
        return e_out
    t_loss.backward()
    e_loss.backward()
    for i, (e, t) in enumerate(zip(et, tt)):
        if t.grad is None:
            assert e.grad is None or not np.any(_to_np(e.grad)), f"grad {i}: torch has none"
            continue
        assert e.grad is not None, f"grad {i}: Ember computed no gradient"
        assert_same(e.grad, t.grad, grad_rtol or max(rtol, 1e-4), grad_atol or max(atol, 1e-5), what=f"grad {i}")
    return e_out


def gradcheck64(fn, shapes, positive=False):
    """Finite differences in float64 through ``ember.autograd.gradcheck``."""
    ts = [ember.tensor(rand(s, "float64", positive=positive), requires_grad=True) for s in shapes]
    assert ember.autograd.gradcheck(lambda *xs: fn(ember, *xs), ts, eps=1e-6, atol=1e-5, rtol=1e-3)

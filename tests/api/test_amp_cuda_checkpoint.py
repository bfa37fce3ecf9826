"""torch.amp (autocast, GradScaler), torch.cuda's helpers without a GPU, torch.accelerator and
torch.utils.checkpoint, against PyTorch's behaviour on this CPU-only machine."""
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
no_gpu = pytest.mark.skipif(ember.cuda.is_available(), reason="checks the behaviour without a GPU")


def both(fn):
    """``fn(module)`` on ember and torch: equal results, or the same exception type."""
    try:
        expected = fn(torch)
    except Exception as exc:
        with pytest.raises(type(exc)):
            fn(ember)
        return None
    got = fn(ember)
    assert repr(got) == repr(expected), (got, expected)
    return got


def test_autocast_regions_report_their_state():
    for m in (ember, torch):
        assert not m.is_autocast_enabled("cpu")
        with m.autocast(device_type="cpu", dtype=m.bfloat16):
            assert m.is_autocast_enabled("cpu") and m.get_autocast_dtype("cpu") == m.bfloat16
            with m.autocast("cpu", enabled=False):
                assert not m.is_autocast_enabled("cpu")
            assert m.is_autocast_enabled("cpu")
        assert not m.is_autocast_enabled("cpu")
    both(lambda m: m.autocast("xyz"))
    both(lambda m: repr(m.bfloat16))


def test_autocast_runs_in_float32_and_decorates():
    lin = ember.nn.Linear(3, 2)
    x = ember.randn(4, 3)

    @ember.autocast("cpu")
    def run(t):
        return lin(t)

    with ember.amp.autocast("cpu", dtype=ember.bfloat16):
        y = lin(x)
    assert y.dtype == ember.float32 and ember.equal(y, lin(x)) and ember.equal(run(x), y)


@no_gpu
def test_cuda_autocast_without_gpu_warns_and_disables():
    for m in (ember, torch):
        with pytest.warns(UserWarning, match="CUDA is not available"):
            with m.autocast("cuda"):
                assert not m.is_autocast_enabled("cuda")


def _train(m, scaler, steps=3, blow_up_at=None):
    m.manual_seed(0)
    w = m.nn.Parameter(m.tensor([[0.5, -0.25], [1.0, 2.0]]))
    opt = m.optim.SGD([w], lr=0.1)
    x = m.tensor([[1.0, 2.0], [3.0, -1.0]])
    scales = []
    for step in range(steps):
        opt.zero_grad()
        loss = (x @ w).pow(2).sum()
        if step == blow_up_at:
            loss = loss * float("inf")
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        scales.append(scaler.get_scale())
    return w.detach().numpy(), scales, scaler.state_dict()


@pytest.mark.parametrize("blow_up_at", [None, 1])
def test_grad_scaler_on_cpu_matches_pytorch(blow_up_at):
    kw = dict(init_scale=1024.0, growth_interval=2)
    ew, es, ed = _train(ember, ember.amp.GradScaler("cpu", **kw), 4, blow_up_at)
    tw, ts, td = _train(torch, torch.amp.GradScaler("cpu", **kw), 4, blow_up_at)
    np.testing.assert_allclose(ew, tw, rtol=1e-6)
    assert es == ts and ed == td


def test_grad_scaler_disabled_passes_through_and_errors():
    for m in (ember, torch):
        s = m.amp.GradScaler("cpu", enabled=False)
        assert not s.is_enabled() and s.get_scale() == 1.0 and s.state_dict() == {}
        t = m.tensor(2.0)
        assert s.scale(t) is t
    both(lambda m: m.amp.GradScaler("cpu", growth_factor=0.5))

    def twice(m):
        w = m.nn.Parameter(m.ones(2))
        opt = m.optim.SGD([w], lr=0.1)
        s = m.amp.GradScaler("cpu")
        s.scale(w.sum()).backward()
        s.unscale_(opt)
        s.unscale_(opt)
    both(twice)


@no_gpu
def test_cuda_grad_scaler_without_gpu():
    for m in (ember, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            s = m.cuda.amp.GradScaler()
        assert not s.is_enabled()
        assert any("deprecated" in str(w.message) for w in caught)
        assert any("CUDA is not available" in str(w.message) for w in caught)


@no_gpu
@pytest.mark.parametrize("name", ["synchronize", "current_device", "get_device_name", "get_device_properties",
                                  "init", "memory_allocated", "max_memory_allocated", "memory_reserved",
                                  "max_memory_reserved", "empty_cache", "is_initialized", "device_count",
                                  "is_available", "is_bf16_supported", "get_arch_list", "seed", "seed_all",
                                  "get_rng_state_all", "get_device_capability", "mem_get_info"])
def test_cuda_helpers_without_gpu(name):
    both(lambda m: getattr(m.cuda, name)())


@no_gpu
@pytest.mark.parametrize("name", ["is_available", "current_accelerator", "device_count", "current_device_index",
                                  "synchronize", "empty_cache", "memory_allocated", "memory_stats"])
def test_accelerator_without_gpu(name):
    both(lambda m: getattr(m.accelerator, name)())


def _model(m):
    m.manual_seed(0)
    return m.nn.Sequential(m.nn.Linear(4, 8), m.nn.Tanh(), m.nn.Dropout(0.3), m.nn.Linear(8, 3), m.nn.ReLU(),
                           m.nn.Linear(3, 2))


@pytest.mark.parametrize("use_reentrant", [True, False])
def test_checkpoint_gives_the_gradients_of_the_plain_run(use_reentrant):
    model = _model(ember)
    x = ember.randn(5, 4, requires_grad=True)
    ember.manual_seed(1)
    plain = model(x).pow(2).sum()
    plain.backward()
    expected = [p.grad.clone() for p in model.parameters()] + [x.grad.clone()]
    for p in list(model.parameters()) + [x]:
        p.grad = None
    ember.manual_seed(1)  # the same dropout mask, which the recomputation must reproduce
    out = ember.utils.checkpoint.checkpoint(model, x, use_reentrant=use_reentrant)
    assert out.pow(2).sum().item() == pytest.approx(plain.item())
    out.pow(2).sum().backward()
    for got, want in zip([p.grad for p in model.parameters()] + [x.grad], expected):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_checkpoint_recomputes_in_backward_and_warns_like_pytorch():
    calls = []

    def f(a, scale):
        calls.append(1)
        return (a * scale).sin()

    x = ember.randn(3, requires_grad=True)
    y = ember.utils.checkpoint.checkpoint(f, x, 2.0, use_reentrant=True)
    assert len(calls) == 1 and y.grad_fn is not None
    y.sum().backward()
    assert len(calls) == 2
    np.testing.assert_allclose(x.grad.numpy(), (2 * (2 * x).cos()).detach().numpy(), rtol=1e-6)
    for m in (ember, torch):
        with pytest.warns(UserWarning, match="use_reentrant"):
            m.utils.checkpoint.checkpoint(lambda a: a * 2, m.ones(2, requires_grad=True))


def test_checkpoint_sequential_matches_pytorch():
    results = []
    for m in (ember, torch):
        m.manual_seed(0)
        model = m.nn.Sequential(*[m.nn.Linear(3, 3) for _ in range(4)])
        with m.no_grad():
            for i, p in enumerate(model.parameters()):
                p.copy_(m.tensor(np.random.default_rng(i).normal(size=tuple(p.shape)).astype("float32")))
        x = m.tensor(np.arange(6.0, dtype="float32").reshape(2, 3), requires_grad=True)
        out = m.utils.checkpoint.checkpoint_sequential(model, 2, x, use_reentrant=False)
        out.sum().backward()
        results.append((out.detach().numpy(), x.grad.numpy(), model[0].weight.grad.numpy()))
    for e, t in zip(*results):
        np.testing.assert_allclose(e, t, rtol=1e-5, atol=1e-6)


def test_top_level_forms_of_nn_functions_load_lazily():
    from tests.diff import check
    # float64: a group of two values normalises to +-1, whose float32 gradient is ill-conditioned
    check(lambda m, a, w, b: (m.layer_norm(a, (4,), w, b), m.group_norm(a.reshape(2, 2, 2), 2)), [(2, 4), (4,), (4,)],
          dtype="float64")
    check(lambda m, a, b, w: m.bilinear(a, b, w), [(2, 3), (2, 4), (5, 3, 4)])

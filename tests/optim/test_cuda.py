"""Optimizers on CUDA parameters (CuPy arrays): the same trajectory as on the CPU, state kept on the GPU."""
import numpy as np
import pytest

import ember

pytestmark = pytest.mark.skipif(not ember.cuda.is_available(), reason="needs a CUDA device and CuPy")

CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    ("Adam", dict(lr=0.02, amsgrad=True, weight_decay=0.05, maximize=True)),
    ("AdamW", dict(lr=0.02)),
    ("RMSprop", dict(lr=0.005, centered=True, momentum=0.5)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("Adadelta", dict(weight_decay=0.01)),
]
SHAPES = [(64, 32), (32,), ()]


def run(name, opts, device, steps=30):
    rng = np.random.default_rng(0)
    params = [ember.tensor(rng.uniform(-1, 1, s).astype("float32"), device=device, requires_grad=True)
              for s in SHAPES]
    opt = getattr(ember.optim, name)(params, **opts)
    for _ in range(steps):
        for p, s in zip(params, SHAPES):
            p.grad = ember.tensor(rng.normal(size=s).astype("float32"), device=device)
        opt.step()
    return params, opt


@pytest.mark.parametrize("name,opts", CASES, ids=[c[0] for c in CASES])
def test_cuda_matches_cpu(name, opts):
    on_gpu, opt = run(name, opts, "cuda")
    on_cpu, _ = run(name, opts, "cpu")
    for g, c in zip(on_gpu, on_cpu):
        assert g.device.type == "cuda" and g.dtype == ember.float32
        np.testing.assert_allclose(ember._arraylib.to_numpy(g._data), c._data, rtol=1e-5, atol=1e-6)
    for state in opt.state.values():
        for key, value in state.items():
            assert value.device.type == ("cpu" if key == "step" else "cuda"), key


def test_state_dict_from_cpu_loads_onto_cuda_parameters():
    _, cpu_opt = run("Adam", dict(lr=0.01), "cpu", steps=5)
    gpu_params, gpu_opt = run("Adam", dict(lr=0.01), "cuda", steps=1)
    gpu_opt.load_state_dict(cpu_opt.state_dict())
    for p in gpu_params:
        assert gpu_opt.state[p]["exp_avg"].device.type == "cuda"
        assert float(gpu_opt.state[p]["step"]) == 5.0


def test_zero_grad_in_place_on_cuda():
    p = ember.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    p.grad = ember.tensor([3.0, 4.0], device="cuda")
    ember.optim.SGD([p], lr=0.1).zero_grad(set_to_none=False)
    np.testing.assert_array_equal(ember._arraylib.to_numpy(p.grad._data), [0.0, 0.0])

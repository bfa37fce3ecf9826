"""The tutorial's GPU path end to end: runs where ``ember.cuda.is_available()`` (CuPy and a GPU)."""
import numpy as np
import pytest

import ember

pytestmark = pytest.mark.skipif(not ember.cuda.is_available(), reason="needs a CUDA device and CuPy")


def test_legacy_cuda_types_and_round_trip():
    x = ember.randn(10, 20).type(ember.cuda.FloatTensor)
    assert x.is_cuda and x.device == ember.device("cuda:0") and isinstance(x, ember.cuda.FloatTensor)
    cpu = x.cpu()
    assert cpu.device.type == "cpu"
    np.testing.assert_array_equal(cpu.numpy(), x.cpu().numpy())
    assert "device='cuda:0'" in repr(ember.ones(2).cuda())


def _train(device, steps=50):
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.random((400, 784), dtype=np.float32))
    y = ember.tensor(rng.integers(0, 10, 400))
    ember.manual_seed(0)
    model = ember.nn.Linear(784, 10)
    loss_fn = ember.nn.CrossEntropyLoss()
    if device == "cuda":
        model.cuda()
        loss_fn.cuda()
    opt = ember.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)  # the tutorial's rate: no chaotic blow-up
    losses = []
    for i in range(steps):
        xb, yb = x[(i * 8) % 400:(i * 8) % 400 + 8], y[(i * 8) % 400:(i * 8) % 400 + 8]
        if device == "cuda":
            xb, yb = xb.cuda(), yb.cuda()
        opt.zero_grad()
        out = model(xb)
        loss = loss_fn(out, yb)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        assert out.is_cuda == (device == "cuda")
    return losses, model.weight.detach().cpu().numpy()


def test_training_on_gpu_matches_cpu():
    cpu_losses, cpu_w = _train("cpu")
    gpu_losses, gpu_w = _train("cuda")
    np.testing.assert_allclose(gpu_losses, cpu_losses, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(gpu_w, cpu_w, rtol=1e-4, atol=1e-5)

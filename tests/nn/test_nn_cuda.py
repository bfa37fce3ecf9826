"""ember.nn on a GPU (CuPy): layers, losses and a training step give the CPU's results.
Runs where ``ember.cuda.is_available()``."""
import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

pytestmark = pytest.mark.skipif(not ember.cuda.is_available(), reason="needs a CUDA device and CuPy")


def cpu_and_cuda(make):
    cpu = make()
    gpu = make()
    gpu.load_state_dict(cpu.state_dict())
    params = list(gpu.parameters())
    assert gpu.cuda() is gpu and all(a is b for a, b in zip(params, gpu.parameters()))
    assert all(p.is_cuda for p in gpu.parameters())
    return cpu, gpu


def close(a, b, tol=1e-5):
    np.testing.assert_allclose(a.detach().cpu().numpy(), b.detach().cpu().numpy(), rtol=tol, atol=tol)


def test_mlp_training_step_matches_cpu():
    cpu, gpu = cpu_and_cuda(lambda: nn.Sequential(nn.Flatten(), nn.Linear(12, 16), nn.ReLU(), nn.Linear(16, 16),
                                                  nn.GELU(), nn.Linear(16, 4), nn.LogSoftmax(1)))
    x = ember.randn(8, 3, 4)
    y = ember.randint(0, 4, (8,))
    for model, xs, ys in ((cpu, x, y), (gpu, x.cuda(), y.cuda())):
        F.nll_loss(model(xs), ys).backward()
    for a, b in zip(cpu.parameters(), gpu.parameters()):
        close(a.grad, b.grad)
    assert gpu[1].weight.grad.is_cuda


@pytest.mark.parametrize("loss", [
    lambda x, y, p: F.cross_entropy(x, y), lambda x, y, p: F.cross_entropy(x, y, label_smoothing=0.1),
    lambda x, y, p: F.cross_entropy(x, p.softmax(1)), lambda x, y, p: F.mse_loss(x, p),
    lambda x, y, p: F.binary_cross_entropy_with_logits(x, p.sigmoid()), lambda x, y, p: F.smooth_l1_loss(x, p),
    lambda x, y, p: F.kl_div(x.log_softmax(1), p.softmax(1), reduction="batchmean"),
    lambda x, y, p: F.binary_cross_entropy(x.sigmoid(), p.sigmoid()),
])
def test_losses_match_cpu(loss):
    x, p, y = ember.randn(6, 5), ember.randn(6, 5), ember.randint(0, 5, (6,))
    xc = x.clone().requires_grad_()
    xg = x.cuda().requires_grad_()
    lc, lg = loss(xc, y, p), loss(xg, y.cuda(), p.cuda())
    assert lg.is_cuda
    close(lc, lg)
    lc.backward(), lg.backward()
    close(xc.grad, xg.grad)


def test_cross_entropy_ignore_index_and_bounds_on_gpu():
    x = ember.randn(4, 3, device="cuda")
    y = ember.tensor([0, -100, 2, 1], device="cuda")
    close(F.cross_entropy(x, y), F.cross_entropy(x.cpu(), y.cpu()))
    with pytest.raises(IndexError, match="Target 7 is out of bounds."):
        F.cross_entropy(x, ember.tensor([0, 7, 1, 1], device="cuda"))


def test_functional_ops_on_gpu():
    x = ember.randn(2, 3, 5)
    for fn in (lambda t: F.pad(t, (1, 2), mode="reflect"), lambda t: F.pad(t, (1, -1, 0, 1), value=2.0),
               lambda t: F.softplus(t), lambda t: F.silu(t), lambda t: F.elu(t), lambda t: F.softmax(t, -1),
               lambda t: F.leaky_relu(t), lambda t: F.hardtanh(t)):
        close(fn(x), fn(x.cuda()))
    y = ember.tensor([1, 0, 3])
    assert F.one_hot(y.cuda(), 4).is_cuda and F.one_hot(y.cuda(), 4).tolist() == F.one_hot(y, 4).tolist()
    d = F.dropout(ember.ones(100, 100, device="cuda"), 0.5)
    assert d.is_cuda and 0.4 < (d.cpu().numpy() == 0).mean() < 0.6


def test_init_on_gpu():
    lin = nn.Linear(64, 32).cuda()
    nn.init.kaiming_normal_(lin.weight)
    nn.init.zeros_(lin.bias)
    w, b = lin.weight.detach().cpu().numpy(), lin.bias.detach().cpu().numpy()
    assert lin.weight.is_cuda and b.sum() == 0 and w.std() > 0

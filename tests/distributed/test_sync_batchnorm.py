"""SyncBatchNorm on one process (no process group): conversion and behaviour as in PyTorch. Its
statistics across ranks are proven in test_ddp.py (the "bn" training against one process)."""
import numpy as np
import pytest

import ember


def _convert_and_run(torch):
    m = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2),
                            torch.nn.Sequential(torch.nn.BatchNorm1d(3)))
    rng = np.random.default_rng(0)
    with torch.no_grad():  # the same weights in both frameworks
        m[0].weight.copy_(torch.from_numpy(rng.standard_normal((2, 1, 3, 3)).astype(np.float32)))
        m[0].bias.copy_(torch.from_numpy(rng.standard_normal(2).astype(np.float32)))
    c = torch.nn.SyncBatchNorm.convert_sync_batchnorm(m)
    x = torch.from_numpy(rng.standard_normal((4, 1, 5, 5)).astype(np.float32))
    train_out = c[:2](x).detach().numpy()  # no process group: the batch's own statistics
    c.eval()
    eval_out = c[:2](x).detach().numpy()
    try:
        torch.nn.SyncBatchNorm(3)(torch.zeros(3))
        error = None
    except ValueError as e:
        error = str(e)
    return {"repr": repr(c), "same weight": c[1].weight is m[1].weight, "same stats": c[1].running_mean is
            m[1].running_mean, "training": c[2][0].training, "train": train_out, "eval": eval_out,
            "running_var": c[1].running_var.numpy(), "error": error}


def test_convert_sync_batchnorm_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = _convert_and_run(ember), _convert_and_run(torch)
    for key in ["repr", "same weight", "same stats", "training", "error"]:
        assert ours[key] == theirs[key], key
    for key in ["train", "eval", "running_var"]:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, atol=1e-6)

"""Muon against PyTorch's over 50 steps on matrices (its Newton-Schulz iteration in bfloat16 reproduced
bit for bit), for each option, and its errors."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("opts", [{}, {"lr": 0.02, "nesterov": False, "weight_decay": 0.0},
                                  {"lr": 0.01, "momentum": 0.8, "adjust_lr_fn": "match_rms_adamw", "ns_steps": 3}],
                         ids=str)
def test_muon_matches_torch(opts):
    rng = np.random.default_rng(0)
    init = [rng.uniform(-1, 1, s).astype("float32") for s in ((6, 4), (3, 5))]
    ours = [ember.tensor(a, requires_grad=True) for a in init]
    theirs = [torch.tensor(a, requires_grad=True) for a in init]
    opt_e, opt_t = ember.optim.Muon(ours, **opts), torch.optim.Muon(theirs, **opts)
    for step in range(50):
        grads = [rng.standard_normal(a.shape).astype("float32") for a in init]
        for e, t, g in zip(ours, theirs, grads):
            e.grad, t.grad = ember.tensor(g), torch.tensor(g)
        opt_e.step()
        opt_t.step()
        for e, t in zip(ours, theirs):
            np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6,
                                       err_msg=f"step {step}")
    assert list(opt_e.state_dict()["state"][0]) == list(opt_t.state_dict()["state"][0])


def test_muon_errors():
    with pytest.raises(ValueError, match="Muon only supports 2D parameters"):
        ember.optim.Muon([ember.zeros(3, requires_grad=True)])
    with pytest.raises(ValueError, match="not supported"):
        ember.optim.Muon([ember.zeros(2, 2, requires_grad=True)], adjust_lr_fn="other")

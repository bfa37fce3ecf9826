"""Optimizers and schedulers inside a real training loop (the tutorial's logistic regression)."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")


def train(lib, make_opt, make_sched=None, steps=30):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.normal(size=(8, 20)).astype("float32"))
    y = lib.tensor(rng.integers(0, 5, 8))
    model = lib.nn.Linear(20, 5)
    with lib.no_grad():
        model.weight.copy_(lib.tensor(np.linspace(-0.2, 0.2, 100).reshape(5, 20).astype("float32")))
        model.bias.copy_(lib.tensor(np.linspace(-0.1, 0.1, 5).astype("float32")))
    opt = make_opt(lib.optim, model.parameters())
    sched = make_sched(lib.optim.lr_scheduler, opt) if make_sched else None
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        if sched:
            sched.step()
        losses.append(loss.item())
    return losses, [p.detach().numpy().copy() for p in model.parameters()]


@pytest.mark.parametrize("make_opt,make_sched", [
    (lambda O, ps: O.SGD(ps, lr=0.1), None),
    (lambda O, ps: O.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
     lambda L, o: L.StepLR(o, step_size=10, gamma=0.5)),
    (lambda O, ps: O.Adam(ps, lr=0.01), lambda L, o: L.OneCycleLR(o, max_lr=0.05, total_steps=30)),
    (lambda O, ps: O.AdamW(ps, lr=0.01, amsgrad=True), lambda L, o: L.CosineAnnealingLR(o, T_max=30)),
    (lambda O, ps: O.RMSprop(ps, lr=0.01, centered=True), None),
    (lambda O, ps: O.Adagrad(ps, lr=0.1), None),
    (lambda O, ps: O.Adadelta(ps), None),
], ids=["SGD", "SGD-nesterov-StepLR", "Adam-OneCycle", "AdamW-Cosine", "RMSprop", "Adagrad", "Adadelta"])
def test_training_loop_matches_torch(make_opt, make_sched):
    ours, theirs = train(ember, make_opt, make_sched), train(torch, make_opt, make_sched)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-5, atol=1e-6)
    for a, b in zip(ours[1], theirs[1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert ours[0][-1] < ours[0][0]

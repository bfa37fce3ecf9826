"""Learning-rate schedules against PyTorch's: the same rates (and momenta), bit for bit."""
import copy
import warnings

import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")

LRS = (0.1, 0.02)


def make_optimizer(lib, name="SGD", **kwargs):
    params = [lib.zeros(2, requires_grad=True) for _ in LRS]
    for p in params:
        p.grad = lib.ones(2)
    kwargs = {"momentum": 0.9} if name == "SGD" and not kwargs else kwargs
    return getattr(lib.optim, name)([{"params": [p], "lr": lr} for p, lr in zip(params, LRS)], **kwargs)


def trajectory(lib, make, steps, optimizer="SGD", metrics=None):
    """Rates, momenta and ``get_last_lr()`` after construction and after each step."""
    opt = make_optimizer(lib, optimizer)
    sched = make(lib.optim.lr_scheduler, opt)

    def snapshot():
        moms = [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]
        return [g["lr"] for g in opt.param_groups], moms, list(sched.get_last_lr())

    out = [snapshot()]
    for i in range(steps):
        opt.step()
        sched.step() if metrics is None else sched.step(metrics[i])
        out.append(snapshot())
    return out


SCHEDULES = {
    "StepLR": (lambda L, o: L.StepLR(o, step_size=3, gamma=0.5), 30),
    "MultiStepLR": (lambda L, o: L.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3), 15),
    "ExponentialLR": (lambda L, o: L.ExponentialLR(o, gamma=0.93), 60),
    "CosineAnnealingLR": (lambda L, o: L.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 65),
    "CosineAnnealingLR-odd": (lambda L, o: L.CosineAnnealingLR(o, T_max=7), 40),
    "LambdaLR": (lambda L, o: L.LambdaLR(o, lambda e: 0.95 ** e), 30),
    "LambdaLR-per-group": (lambda L, o: L.LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: 0.5 * (e % 3)]), 20),
    "MultiplicativeLR": (lambda L, o: L.MultiplicativeLR(o, lambda e: 0.9 if e < 10 else 1.01), 25),
    "LinearLR": (lambda L, o: L.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=8), 20),
    "ConstantLR": (lambda L, o: L.ConstantLR(o, factor=0.5, total_iters=4), 10),
    "PolynomialLR": (lambda L, o: L.PolynomialLR(o, total_iters=10, power=2.0), 15),
    "SequentialLR": (lambda L, o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=5),
                                                      L.CosineAnnealingLR(o, T_max=20)], milestones=[5]), 40),
    "ChainedScheduler": (lambda L, o: L.ChainedScheduler([L.ExponentialLR(o, gamma=0.9),
                                                          L.StepLR(o, step_size=3, gamma=0.5)]), 20),
    "CyclicLR": (lambda L, o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4), 30),
    "CyclicLR-triangular2": (lambda L, o: L.CyclicLR(o, base_lr=[0.01, 0.001], max_lr=0.1, step_size_up=3,
                                                     step_size_down=5, mode="triangular2"), 40),
    "CyclicLR-exp_range": (lambda L, o: L.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4, mode="exp_range",
                                                   gamma=0.97, cycle_momentum=False), 40),
    "CosineAnnealingWarmRestarts": (lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=1e-4),
                                    50),
    "OneCycleLR": (lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=60), 60),
    "OneCycleLR-epochs-linear": (lambda L, o: L.OneCycleLR(o, max_lr=[0.1, 0.05], epochs=4, steps_per_epoch=10,
                                                           anneal_strategy="linear", pct_start=0.25), 40),
    "OneCycleLR-three-phase": (lambda L, o: L.OneCycleLR(o, max_lr=0.2, total_steps=50, three_phase=True,
                                                         div_factor=10.0, final_div_factor=100.0), 50),
    "OneCycleLR-no-momentum": (lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=20, cycle_momentum=False), 20),
}


@pytest.mark.parametrize("key", list(SCHEDULES))
def test_schedule_matches_torch(key):
    make, steps = SCHEDULES[key]
    assert trajectory(ember, make, steps) == trajectory(torch, make, steps)


@pytest.mark.parametrize("key", ["OneCycleLR", "OneCycleLR-three-phase", "CyclicLR", "CosineAnnealingLR"])
def test_schedule_with_adam_cycles_beta1(key):
    make, steps = SCHEDULES[key]
    ours, theirs = trajectory(ember, make, steps, "Adam"), trajectory(torch, make, steps, "Adam")
    assert ours == theirs


PLATEAUS = [
    dict(),
    dict(mode="max", factor=0.5, patience=2),
    dict(patience=1, threshold=0.1, threshold_mode="abs", cooldown=2),
    dict(mode="max", patience=0, threshold_mode="abs", min_lr=[0.05, 0.001], factor=0.5),
    dict(patience=0, factor=0.5, min_lr=0.015, eps=1e-3),
]


@pytest.mark.parametrize("kwargs", PLATEAUS, ids=[str(k) for k in PLATEAUS])
def test_reduce_on_plateau_matches_torch(kwargs):
    rng = np.random.default_rng(5)
    metrics = list(np.concatenate([np.linspace(1.0, 0.5, 10), 0.5 + 0.01 * rng.normal(size=50),
                                   np.linspace(0.5, 0.2, 10), np.full(20, 0.2)]))
    make = lambda L, o: L.ReduceLROnPlateau(o, **kwargs)  # noqa: E731
    ours = trajectory(ember, make, len(metrics), metrics=metrics)
    assert ours == trajectory(torch, make, len(metrics), metrics=metrics)
    assert ours[-1][0] != ours[0][0]  # the rate did drop


def test_reduce_on_plateau_accepts_tensor_metrics_and_keeps_state():
    opt = make_optimizer(ember)
    sched = ember.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
    sched.step(ember.tensor(1.0))
    sched.step(ember.tensor(2.0))
    assert sched.best == 1.0 and sched.get_last_lr() == [0.1 * 0.1, 0.02 * 0.1]
    clone = ember.optim.lr_scheduler.ReduceLROnPlateau(make_optimizer(ember))
    clone.load_state_dict(sched.state_dict())
    assert clone.best == 1.0 and clone.patience == 0 and clone.num_bad_epochs == 0


@pytest.mark.parametrize("key", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
                                 "ConstantLR", "PolynomialLR"])
def test_step_with_epoch_uses_the_closed_form(key):
    make, _ = SCHEDULES[key]
    results = []
    for lib in (ember, torch):
        opt = make_optimizer(lib)
        sched = make(lib.optim.lr_scheduler, opt)
        seq = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in [3, 7, 1, 12, 12, 5]:
                opt.step()
                sched.step(epoch)
                seq.append(sched.get_last_lr())
        results.append(seq)
    assert results[0] == results[1]


def test_warm_restarts_with_fractional_epochs():
    results = []
    for lib in (ember, torch):
        opt = make_optimizer(lib)
        sched = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2)
        seq = []
        for epoch in range(12):
            for i in range(4):
                opt.step()
                sched.step(epoch + i / 4)
                seq.append(sched.get_last_lr())
        results.append(seq)
    assert results[0] == results[1]


@pytest.mark.parametrize("key", ["StepLR", "CosineAnnealingLR", "OneCycleLR", "CyclicLR", "LambdaLR",
                                 "SequentialLR", "MultiplicativeLR"])
def test_state_dict_round_trip(key):
    make, steps = SCHEDULES[key]
    straight = trajectory(ember, make, steps)

    opt = make_optimizer(ember)
    sched = make(ember.optim.lr_scheduler, opt)
    half = steps // 2
    for _ in range(half):
        opt.step()
        sched.step()
    saved_opt, saved_sched = copy.deepcopy(opt.state_dict()), sched.state_dict()
    assert "optimizer" not in saved_sched

    opt2 = make_optimizer(ember)
    sched2 = make(ember.optim.lr_scheduler, opt2)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved_sched)
    rest = []
    for _ in range(steps - half):
        opt2.step()
        sched2.step()
        rest.append([g["lr"] for g in opt2.param_groups])
    assert rest == [lrs for lrs, _, _ in straight[half + 1:]]


def test_scheduler_drives_the_optimizer_updates():
    p = ember.tensor([1.0], requires_grad=True)
    opt = ember.optim.SGD([p], lr=1.0)
    sched = ember.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        p.grad = ember.tensor([1.0])
        opt.step()
        sched.step()
    np.testing.assert_allclose(p.detach().numpy(), [1.0 - 1.0 - 0.5 - 0.25])
    assert opt.param_groups[0]["initial_lr"] == 1.0 and sched.base_lrs == [1.0]


# ---------------------------------------------------------------- warnings
def test_warns_when_scheduler_steps_before_optimizer():
    opt = make_optimizer(ember)
    sched = ember.optim.lr_scheduler.StepLR(opt, 2)
    with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
        sched.step()


def test_no_warning_in_the_right_order():
    opt = make_optimizer(ember)
    sched = ember.optim.lr_scheduler.ExponentialLR(opt, 0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(3):
            opt.step()
            sched.step()


def test_get_lr_outside_step_warns():
    sched = ember.optim.lr_scheduler.StepLR(make_optimizer(ember), 2)
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        sched.get_lr()


def test_step_with_epoch_warns_deprecation():
    opt = make_optimizer(ember)
    sched = ember.optim.lr_scheduler.StepLR(opt, 2)
    opt.step()
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` was not necessary"):
        sched.step(3)


# ---------------------------------------------------------------- errors
def both_raise(fn, exc):
    with pytest.raises(exc) as theirs:
        fn(torch)
    with pytest.raises(exc) as ours:
        fn(ember)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("make,exc", [
    (lambda L, o: L.StepLR("not an optimizer", 2), TypeError),
    (lambda L, o: L.ExponentialLR(o, 0.9, last_epoch=3), KeyError),
    (lambda L, o: L.LambdaLR(o, [lambda e: 1.0]), ValueError),
    (lambda L, o: L.MultiplicativeLR(o, 0.9), TypeError),
    (lambda L, o: L.ConstantLR(o, factor=1.5), ValueError),
    (lambda L, o: L.LinearLR(o, start_factor=0), ValueError),
    (lambda L, o: L.LinearLR(o, end_factor=1.5), ValueError),
    (lambda L, o: L.ReduceLROnPlateau(o, factor=1.0), ValueError),
    (lambda L, o: L.ReduceLROnPlateau(o, mode="maximum"), ValueError),
    (lambda L, o: L.ReduceLROnPlateau(o, threshold_mode="relative"), ValueError),
    (lambda L, o: L.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError),
    (lambda L, o: L.OneCycleLR(o, max_lr=0.1), ValueError),
    (lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=0), ValueError),
    (lambda L, o: L.OneCycleLR(o, max_lr=0.1, epochs=0, steps_per_epoch=10), ValueError),
    (lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1.5), ValueError),
    (lambda L, o: L.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy="exp"), ValueError),
    (lambda L, o: L.OneCycleLR(o, max_lr=[0.1, 0.2, 0.3], total_steps=10), ValueError),
    (lambda L, o: L.CyclicLR(o, 0.01, 0.1, mode="sawtooth"), ValueError),
    (lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=0), ValueError),
    (lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0), ValueError),
    (lambda L, o: L.SequentialLR(o, [L.StepLR(o, 2), L.StepLR(o, 3)], milestones=[]), ValueError),
    (lambda L, o: L.ChainedScheduler([L.StepLR(o, 2), L.ReduceLROnPlateau(o)]), ValueError),
])
def test_errors_match_torch(make, exc):
    both_raise(lambda lib: make(lib.optim.lr_scheduler, make_optimizer(lib)), exc)


def test_cycle_momentum_needs_momentum():
    both_raise(lambda lib: lib.optim.lr_scheduler.OneCycleLR(make_optimizer(lib, "Adagrad"), 0.1, 10), ValueError)


def test_one_cycle_past_the_last_step():
    def run(lib):
        opt = make_optimizer(lib)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
        for _ in range(4):
            opt.step()
            sched.step()

    both_raise(run, ValueError)

"""Training N steps, checkpointing, and resuming in fresh objects (or a fresh process) for M more steps gives
bit-identical weights to N+M steps straight: model, optimizer, LR schedule, dropout RNG and the shuffling
DataLoader's position all come back exactly."""
import os
import subprocess
import sys

import numpy as np
import pytest

import ember
from ember import nn
from ember.utils.data import DataLoader, TensorDataset

BATCHES_PER_EPOCH = 5  # 40 samples, batches of 8


def _dataset():
    rng = np.random.default_rng(0)
    return TensorDataset(ember.tensor(rng.standard_normal((40, 6)).astype(np.float32)),
                         ember.tensor(rng.integers(0, 3, 40)))


class Run:
    """A small training run whose whole state is a checkpoint.

    Mid-epoch resume follows the usual recipe: the checkpoint keeps the sampler's RNG state from the start of
    the epoch and the number of batches done; resuming replays the epoch's shuffle and skips those batches."""

    def __init__(self, optimizer, own_generator=True):
        ember.manual_seed(0)
        self.model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 3))
        if optimizer == "sgd":
            self.opt = ember.optim.SGD(self.model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
        else:
            self.opt = ember.optim.Adam(self.model.parameters(), lr=0.01)
        self.sched = ember.optim.lr_scheduler.StepLR(self.opt, step_size=1, gamma=0.7)
        self.gen = ember.Generator().manual_seed(123) if own_generator else None
        self.loader = DataLoader(_dataset(), batch_size=8, shuffle=True, generator=self.gen)
        self.epoch, self.batch = 0, 0
        self.epoch_start = self._sampler_state()

    def _sampler_state(self):
        return (self.gen or ember.default_generator).get_state()

    def _batches(self):
        """This epoch's remaining batches, in the order a straight run sees them."""
        now = ember.get_rng_state()
        (self.gen or ember.default_generator).set_state(self.epoch_start)
        batches = iter(self.loader)
        for _ in range(self.batch):
            next(batches)
        if self.batch:  # replaying the shuffle rewound the generator: the global one also drives dropout
            ember.set_rng_state(now)
        return batches

    def train(self, steps):
        while steps:
            for x, y in self._batches():
                self.opt.zero_grad()
                nn.functional.cross_entropy(self.model(x), y).backward()
                self.opt.step()
                self.batch += 1
                steps -= 1
                if not steps:
                    break
            if self.batch == BATCHES_PER_EPOCH:
                self.epoch, self.batch = self.epoch + 1, 0
                self.sched.step()
                self.epoch_start = self._sampler_state()

    def checkpoint(self):
        return {"epoch": self.epoch, "batch": self.batch, "model": self.model.state_dict(),
                "optimizer": self.opt.state_dict(), "lr_scheduler": self.sched.state_dict(),
                "rng": ember.get_rng_state(), "sampler_epoch_start": self.epoch_start}

    def restore(self, ckpt):
        self.model.load_state_dict(ckpt["model"])
        self.opt.load_state_dict(ckpt["optimizer"])
        self.sched.load_state_dict(ckpt["lr_scheduler"])
        self.epoch, self.batch, self.epoch_start = ckpt["epoch"], ckpt["batch"], ckpt["sampler_epoch_start"]
        ember.set_rng_state(ckpt["rng"])

    def weights(self):
        return {k: v.numpy().copy() for k, v in self.model.state_dict().items()}


def _assert_identical(a, b):
    assert list(a) == list(b)
    for k in a:
        assert a[k].tobytes() == b[k].tobytes(), f"{k} differs"


def _resumed(path, optimizer, steps, own_generator=True):
    ember.manual_seed(999)  # a fresh process would start elsewhere: the checkpoint must set everything
    run = Run(optimizer, own_generator)
    ember.manual_seed(4242)
    run.restore(ember.load(path))
    run.train(steps)
    return run


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("n", [7, 10])  # mid-epoch, and at an epoch boundary
def test_resume_in_fresh_objects_is_bit_identical(tmp_path, optimizer, n):
    m = 9
    straight = Run(optimizer)
    straight.train(n + m)
    straight_rng = ember.get_rng_state()
    first = Run(optimizer)
    first.train(n)
    ember.save(first.checkpoint(), tmp_path / "ck.pt")
    resumed = _resumed(tmp_path / "ck.pt", optimizer, m)
    _assert_identical(resumed.weights(), straight.weights())
    assert resumed.sched.get_last_lr() == straight.sched.get_last_lr()
    for p, q in zip(resumed.model.parameters(), straight.model.parameters()):
        for k, v in straight.opt.state[q].items():
            assert resumed.opt.state[p][k].numpy().tobytes() == v.numpy().tobytes()
    assert ember.get_rng_state().numpy().tobytes() == straight_rng.numpy().tobytes()  # dropout's stream too


def test_resume_with_the_global_generator_shuffling(tmp_path):
    straight = Run("sgd", own_generator=False)
    straight.train(16)
    first = Run("sgd", own_generator=False)
    first.train(7)
    ember.save(first.checkpoint(), tmp_path / "ck.pt")
    resumed = _resumed(tmp_path / "ck.pt", "sgd", 9, own_generator=False)
    _assert_identical(resumed.weights(), straight.weights())


def test_resume_in_a_fresh_process_is_bit_identical(tmp_path):
    straight = Run("adam")
    straight.train(17)
    first = Run("adam")
    first.train(8)
    ember.save(first.checkpoint(), tmp_path / "ck.pt")
    here = os.path.dirname(os.path.abspath(__file__))
    script = (f"import sys; sys.path.insert(0, {here!r}); import ember, test_resume_exact as t; "
              f"ember.save(t._resumed({str(tmp_path / 'ck.pt')!r}, 'adam', 9).model.state_dict(), "
              f"{str(tmp_path / 'out.pt')!r})")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    resumed = {k: v.numpy() for k, v in ember.load(tmp_path / "out.pt").items()}
    _assert_identical(resumed, straight.weights())


def test_the_comparison_would_see_a_missing_piece(tmp_path):
    """Resuming without the dropout RNG state diverges: the test above compares something real."""
    straight = Run("sgd")
    straight.train(16)
    first = Run("sgd")
    first.train(7)
    ckpt = first.checkpoint()
    ckpt["rng"] = ember.Generator().manual_seed(5).get_state()
    ember.save(ckpt, tmp_path / "ck.pt")
    resumed = _resumed(tmp_path / "ck.pt", "sgd", 9)
    with pytest.raises(AssertionError):
        _assert_identical(resumed.weights(), straight.weights())

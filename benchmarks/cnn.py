"""One training step of the classic MNIST CNN, Ember vs PyTorch in one process.

    python -m benchmarks.cnn [--repeat N] [--batch B]

The model is PyTorch's MNIST example (conv 1->32 3x3, conv 32->64 3x3, max-pool 2,
dropout, fc 9216->128->10) and a step is zero_grad, forward, nll_loss, backward and
an Adadelta update, on random 28x28 images. The two frameworks' steps are timed
alternately so that load on the machine hits both alike; the ratio is Ember's time
over PyTorch's (below 1.0: Ember is faster)."""
import argparse
import statistics
import time

import numpy as np

from .common import load_average


def model(m):
    nn, F = m.nn, m.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 32, 3, 1)
            self.conv2 = nn.Conv2d(32, 64, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(9216, 128)
            self.fc2 = nn.Linear(128, 10)

        def forward(self, x):
            x = F.relu(self.conv1(x))
            x = F.relu(self.conv2(x))
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = m.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = self.dropout2(x)
            return F.log_softmax(self.fc2(x), dim=1)

    return Net()


def bn_model(m):
    """A CIFAR-10-style network: three conv 3x3 (padding 1) + BatchNorm + ReLU + max-pool blocks, then a
    linear layer, on 3x32x32 images."""
    nn, F = m.nn, m.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.convs = nn.ModuleList([nn.Conv2d(c, d, 3, padding=1) for c, d in ((3, 32), (32, 64), (64, 128))])
            self.norms = nn.ModuleList([nn.BatchNorm2d(d) for d in (32, 64, 128)])
            self.fc = nn.Linear(128 * 4 * 4, 10)

        def forward(self, x):
            for conv, norm in zip(self.convs, self.norms):
                x = F.max_pool2d(F.relu(norm(conv(x))), 2)
            return self.fc(m.flatten(x, 1))

    return Net()


def stepper(m, batch):
    rng = np.random.default_rng(0)
    net = model(m)
    opt = m.optim.Adadelta(net.parameters(), lr=1.0)
    x = m.tensor(rng.standard_normal((batch, 1, 28, 28), dtype=np.float32))
    y = m.tensor(rng.integers(0, 10, batch))

    def step():
        opt.zero_grad()
        loss = m.nn.functional.nll_loss(net(x), y)
        loss.backward()
        opt.step()

    return step


def main(argv=None):
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--repeat", type=int, default=10)
    args.add_argument("--batch", type=int, default=64)
    opts = args.parse_args(argv)
    import torch

    import ember

    steps = {"ember": stepper(ember, opts.batch), "torch": stepper(torch, opts.batch)}
    times = {name: [] for name in steps}
    for name, step in steps.items():  # warm up
        step()
    for _ in range(opts.repeat):
        for name, step in steps.items():
            t0 = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - t0)
    for name, ts in times.items():
        print(f"{name:6s} min {min(ts) * 1e3:8.1f} ms   median {statistics.median(ts) * 1e3:8.1f} ms")
    print(f"ratio ember/torch: min {min(times['ember']) / min(times['torch']):.2f}   median "
          f"{statistics.median(times['ember']) / statistics.median(times['torch']):.2f}   "
          f"(batch {opts.batch}, {opts.repeat} steps each, load average {load_average():.1f}, "
          f"torch threads {torch.get_num_threads()})")


if __name__ == "__main__":
    main()

"""The tutorial's training step in one process: microseconds per step and Python function calls per step.

    PYTHONPATH=<checkout> python -m benchmarks.step_overhead

Linear(784, 10), cross-entropy and SGD on a batch of 8, as in W1b without the data. After 200 warm-up steps it
prints the best of 5 runs of 2000 steps and, from cProfile over 100 more, the calls per step: a count that does
not move with the machine's load, for telling a slower per-op path from a noisy run."""
import cProfile
import pstats
import time

import ember as torch


def main():
    torch.manual_seed(0)
    x, y = torch.rand(8, 784), torch.randint(0, 10, (8,))
    model, loss_fn = torch.nn.Linear(784, 10), torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    for _ in range(200):
        step()
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(2000):
            step()
        best = min(best, (time.perf_counter() - t0) / 2000 * 1e6)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(100):
        step()
    profile.disable()
    print(f"{torch.__file__}: best {best:.1f} us per step, {pstats.Stats(profile).total_calls / 100:.0f} calls per step")


if __name__ == "__main__":
    main()

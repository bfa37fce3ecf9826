"""A writer killed with SIGKILL at any moment leaves the previous checkpoint or the new one, never a torn file."""
import multiprocessing
import os
import random
import signal
import time

import numpy as np
import pytest

import ember

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork() and SIGKILL (POSIX)")

KILLS = 40


def _contents(version):
    """One of two distinct checkpoints of about 4 MB: big enough that a kill often lands mid-write."""
    rng = np.random.default_rng(version)
    return {"version": version, "w": ember.tensor(rng.standard_normal(1 << 20).astype(np.float32)),
            "layers": [ember.tensor(rng.integers(0, 100, 1000)) for _ in range(4)]}


def _write_forever(path, versions):
    while True:
        for obj in versions[1], versions[0]:
            ember.save(obj, path)


def _assert_same(back, expected):
    assert back["version"] == expected["version"]
    np.testing.assert_array_equal(back["w"].numpy(), expected["w"].numpy())
    for a, b in zip(back["layers"], expected["layers"], strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_sigkill_at_random_moments_never_leaves_a_torn_file(tmp_path):
    path = tmp_path / "ck.pt"
    expected = [_contents(0), _contents(1)]
    ember.save(expected[0], path)
    fork = multiprocessing.get_context("fork")
    rng = random.Random(1234)
    seen, mid_write, kill_points = set(), 0, []
    for _ in range(KILLS):
        writer = fork.Process(target=_write_forever, args=(str(path), expected), daemon=True)
        writer.start()
        delay = rng.uniform(0.0, 0.15)
        time.sleep(delay)
        os.kill(writer.pid, signal.SIGKILL)
        writer.join()
        leftovers = [n for n in os.listdir(tmp_path) if n != "ck.pt"]
        # the next writer removes what a killed one left: never more than the one just interrupted
        assert len(leftovers) <= 1, leftovers
        mid_write += len(leftovers)
        kill_points.append(round(delay * 1000))
        back = ember.load(path)  # must not raise: old or new, complete
        _assert_same(back, expected[back["version"]])
        seen.add(back["version"])
    assert seen == {0, 1}
    assert mid_write >= KILLS // 4, f"only {mid_write} of {KILLS} kills interrupted a write"
    print(f"{KILLS} kills at {sorted(kill_points)} ms: all left a loadable file; {mid_write} interrupted a write")
    ember.save(expected[1], path)  # a live writer's save cleans up after the last killed one
    assert os.listdir(tmp_path) == ["ck.pt"]

"""The ``ember`` command: training, its outputs, its fallbacks and its errors."""
import json
import os
import subprocess
import sys

import pytest


def ember(*args, env=None, cwd=None):
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "ember", *map(str, args)], capture_output=True, text=True,
                          timeout=900, env=full_env, cwd=cwd)


def test_train_on_mnist_writes_weights_metrics_and_plots(mnist_dir, tmp_path):
    out = tmp_path / "run"
    proc = ember("train", "--data-dir", mnist_dir, "--epochs", "1", "--out", out, "--no-progress")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "training logreg on MNIST" in proc.stdout
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test_accuracy"] > 84.0  # one epoch of the tutorial's settings
    for name in ("model.pt", "curves.png", "predictions.png"):
        assert (out / name).stat().st_size > 0
    import ember as em

    state = em.load(out / "model.pt")
    assert sorted(state) == ["linear.bias", "linear.weight"] and tuple(state["linear.weight"].shape) == (10, 784)


def test_falls_back_to_digits_offline(tmp_path):
    pytest.importorskip("sklearn")
    env = {"EMBER_DATA": str(tmp_path / "empty"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = ember("train", "--no-download", "--out", tmp_path / "run", "--no-progress", env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "training on scikit-learn's bundled 8x8 digits instead" in proc.stderr
    assert "lr=0.05" in proc.stdout  # the fallback's own default rate
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["test_accuracy"] > 85.0


def test_explicit_mnist_never_falls_back(tmp_path):
    env = {"EMBER_DATA": str(tmp_path / "empty"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = ember("train", "--dataset", "mnist", "--no-download", "--out", tmp_path / "run", env=env)
    assert proc.returncode != 0
    assert "MNIST not found" in proc.stderr and "--data-dir" in proc.stderr
    assert not (tmp_path / "run").exists()


def test_bad_batch_size_is_refused(tmp_path):
    proc = ember("train", "--batch-size", "-1", "--out", tmp_path / "run")
    assert proc.returncode != 0 and "--batch-size must be positive" in proc.stderr


def test_info_lists_versions_and_dataset_locations():
    proc = ember("info", env={"EMBER_DATA": "/some/where"})
    assert proc.returncode == 0
    assert "numpy" in proc.stdout and "$EMBER_DATA" in proc.stdout and "/some/where" in proc.stdout

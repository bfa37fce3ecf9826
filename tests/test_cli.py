"""The ``ember`` command: training, its outputs, its fallbacks, its help and ``ember info``; and the
PyTorch version ``torch.__version__`` reports under the alias."""
import argparse
import importlib.metadata
import json
import operator
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

# A proxy on a closed local port makes every download fail the same way, network or not.
OFFLINE = {"http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9",
           "HTTPS_PROXY": "http://127.0.0.1:9", "no_proxy": "", "NO_PROXY": ""}


def ember(*args, env=None, cwd=None):
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "ember", *map(str, args)], capture_output=True, text=True,
                          timeout=900, env=full_env, cwd=cwd)


def python(code, env=None):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, **(env or {})))


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


def test_offline_fallback_says_why_in_one_line_and_leaves_no_folders(tmp_path):
    data = tmp_path / "data" / "here"  # does not exist: the download attempt would create it
    env = {"EMBER_DATA": str(data), "XDG_CACHE_HOME": str(tmp_path / "cache"), **OFFLINE}
    proc = ember("train", "--out", tmp_path / "run", "--no-progress", "--epochs", "2", env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stderr.count("\n") == 1, proc.stderr  # one line, nothing from the per-mirror attempts
    assert "Connection refused" in proc.stderr and "training on Ember's bundled 8x8 digits instead" in proc.stderr
    assert "Downloading" not in proc.stdout + proc.stderr and "Failed" not in proc.stdout + proc.stderr
    assert not (tmp_path / "data").exists() and not (tmp_path / "cache" / "ember").exists()
    assert "lr=0.05" in proc.stdout  # the fallback's own default rate
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["test_accuracy"] > 85.0
    assert (tmp_path / "run" / "curves.png").stat().st_size > 0


def test_no_download_fallback_and_no_plots(tmp_path):
    env = {"EMBER_DATA": str(tmp_path / "empty"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = ember("train", "--no-download", "--no-plots", "--no-progress", "--epochs", "1", "--out",
                 tmp_path / "run", env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stderr.count("\n") == 1 and "MNIST not found in" in proc.stderr and "downloading it failed" not in proc.stderr
    assert sorted(os.listdir(tmp_path / "run")) == ["metrics.json", "model.pt"]


def test_bundled_digits_are_scikit_learns():
    sklearn_datasets = pytest.importorskip("sklearn.datasets", reason="scikit-learn is the digits' source")
    from ember.cli import data

    bunch = sklearn_datasets.load_digits()
    with np.load(data.DIGITS) as archive:
        np.testing.assert_array_equal(archive["images"], bunch.images)
        np.testing.assert_array_equal(archive["labels"], bunch.target)
    train, test = data.digits()
    assert len(train) + len(test) == 1797 and len(test) == 359
    image, label = train[0]
    import ember as em

    assert tuple(image.shape) == (1, 8, 8) and image.dtype == em.float32 and 0 <= int(label) <= 9
    images = np.concatenate([train.tensors[0].numpy(), test.tensors[0].numpy()])
    assert np.isclose(np.sort(images.ravel()), np.sort(bunch.images.ravel() / 16)).all()


def test_progress_bar_is_shown_in_logs_unless_turned_off(tmp_path):
    env = {"EMBER_DATA": str(tmp_path / "empty"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = ("train", "--no-download", "--no-plots", "--epochs", "1", "--out", tmp_path / "run")
    shown = ember(*args, env=env)  # stderr is a pipe here, as in a log file
    assert shown.returncode == 0 and "epoch 1/1: 100%" in shown.stderr and "180/180" in shown.stderr
    hidden = ember(*args, "--no-progress", env=env)
    assert hidden.returncode == 0 and "180/180" not in hidden.stderr


def test_explicit_mnist_never_falls_back(tmp_path):
    env = {"EMBER_DATA": str(tmp_path / "empty"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = ember("train", "--dataset", "mnist", "--no-download", "--out", tmp_path / "run", env=env)
    assert proc.returncode != 0
    assert "MNIST not found" in proc.stderr and "--data-dir" in proc.stderr
    assert not (tmp_path / "run").exists()


def test_bad_batch_size_is_refused(tmp_path):
    proc = ember("train", "--batch-size", "-1", "--out", tmp_path / "run")
    assert proc.returncode != 0 and "--batch-size must be positive" in proc.stderr


def _subparsers():
    from ember.cli import HelpFormatter, info, train

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    train.add_parser(sub, HelpFormatter)
    info.add_parser(sub, HelpFormatter)
    return sub.choices


@pytest.mark.parametrize("command", ["train", "info"])
def test_help_shows_every_default_and_no_markup(command):
    proc = ember(command, "--help")
    assert proc.returncode == 0
    text = " ".join(proc.stdout.split())  # argparse wraps lines to the terminal's width
    assert "``" not in text and ":func:" not in text
    for action in _subparsers()[command]._actions:
        if action.option_strings and action.help != argparse.SUPPRESS:
            assert action.help and " ".join(action.help.split()[:3]) in text
            if action.default not in (None, argparse.SUPPRESS):
                assert f"default: {action.default}" in text, action.option_strings


def test_info_reads_versions_from_metadata_without_importing():
    proc = python("""
        import sys
        from ember.cli import main
        main(["info"])
        print("imported:", sorted(m for m in ("PIL", "matplotlib", "tqdm", "threadpoolctl", "mpi4py") if m in sys.modules))
    """, env={"EMBER_DATA": "/some/where"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "imported: []"
    lines = {line.split()[0]: line.split(None, 1)[1] for line in proc.stdout.splitlines() if line[:1].isalnum()}
    assert lines["numpy"] == importlib.metadata.version("numpy") == np.__version__
    for module, dist in (("threadpoolctl", "threadpoolctl"), ("matplotlib", "matplotlib"), ("tqdm", "tqdm")):
        try:
            expected = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            expected = "not installed"
        assert lines[module] == expected
    assert "$EMBER_DATA" in proc.stdout and "/some/where" in proc.stdout


# ----------------------------------------------------------------------- torch.__version__ under the alias
VERSION_GATES = """
    import packaging.version
    import torch
    import ember
    v = torch.__version__
    print(v, torch.version.__version__, ember.__version__, ember.version.__version__)
    print(v >= "1.10", v >= "2.2", v > (1, 10), v < "10.0",
          packaging.version.parse(v) >= packaging.version.parse("1.10"),
          tuple(int(part) for part in v.split(".")[:2]) >= (1, 10),
          torch.nn is ember.nn, torch.Tensor is ember.Tensor)
"""


def _version_gates_hold(stdout):
    versions, gates = stdout.splitlines()[-2:]
    from ember.version import __version__, pytorch_api

    assert versions.split() == [pytorch_api, pytorch_api, __version__, __version__]
    assert gates.split() == ["True"] * 8  # a plain "2.13.0" string fails v >= "2.2"


def test_torch_version_under_ember_run_is_pytorchs(tmp_path):
    script = tmp_path / "gates.py"
    script.write_text(textwrap.dedent(VERSION_GATES))
    proc = ember("run", script)
    assert proc.returncode == 0, proc.stderr
    _version_gates_hold(proc.stdout)


def test_torch_version_under_compat_install_then_uninstall():
    proc = python("import ember.compat\nember.compat.install()\n" + textwrap.dedent(VERSION_GATES) + """
import sys
import torch.version  # binds torch.version on the view, not on ember
assert ember.version.__name__ == "ember.version" and ember.version.__version__ == ember.__version__
torch.some_flag = 1  # names other than the version are Ember's own
assert ember.some_flag == 1
ember.compat.uninstall()
assert not any(name == "torch" or name.startswith("torch.") for name in sys.modules)
""")
    assert proc.returncode == 0, proc.stderr
    _version_gates_hold(proc.stdout)


def test_pytorch_api_version_is_the_torch_the_tests_compare_against():
    torch = pytest.importorskip("torch")
    from ember.version import pytorch_api

    assert pytorch_api == torch.__version__.split("+")[0]


@pytest.mark.parametrize("version", ["2.13.0", "1.10.2", "2.0"])
def test_torch_version_compares_like_torchs(version):
    pytest.importorskip("torch")
    from torch.torch_version import TorchVersion as Theirs

    from ember.version import TorchVersion as Ours

    others = ["2.13", "2.13.0", "2.13.1", "2.2", "1.10", "1.9.1", "10.0", "2.13.0a0", "2.13.0rc1", "2.13.0.dev2",
              "2.13.0+cpu", "2.13.0.post1", "2.13.0.post1.dev0", "2.12.9+cu121", (2, 13), (1, 10), (2, 13, 0, "a")]
    for other in others:
        for op in (operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge):
            assert op(Ours(version), other) == op(Theirs(version), other), (version, op.__name__, other)
    assert hash(Ours(version)) == hash(version) and Ours(version).split(".") == version.split(".")


def test_tensorboard_logs_the_curves_tensorboard_reads(tmp_path):
    pytest.importorskip("tensorboardX", reason="--tensorboard writes through tensorboardX ('tensorboard' extra)")
    reader = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator",
                                 reason="TensorBoard's own event reader checks the files")
    env = {"EMBER_DATA": str(tmp_path / "empty"), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    logs = tmp_path / "tb"
    proc = ember("train", "--no-download", "--no-plots", "--no-progress", "--epochs", "2", "--out", tmp_path / "run",
                 "--tensorboard", logs, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    events = reader.EventAccumulator(str(logs)).Reload()
    assert {"train/loss", "train/accuracy", "test/accuracy"} <= set(events.Tags()["scalars"])
    loss = events.Scalars("train/loss")
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    steps_per_epoch = -(-1438 // 8)  # the bundled digits' training split, batch 8
    assert [e.step for e in loss] == list(range(1, 2 * steps_per_epoch + 1))
    assert loss[-1].value == pytest.approx(metrics["final_loss"], rel=1e-6)
    (test_accuracy,) = events.Scalars("test/accuracy")
    assert test_accuracy.value == pytest.approx(metrics["test_accuracy"], rel=1e-6)
    early = np.mean([e.value for e in loss[:50]])
    late = np.mean([e.value for e in loss[-50:]])
    assert late < early  # the logged curve is the run's learning curve
    hparam_runs = [d for d in os.listdir(logs) if (logs / d).is_dir()]
    assert len(hparam_runs) == 1  # add_hparams' run, as PyTorch's writer makes it
    hp = reader.EventAccumulator(str(logs / hparam_runs[0])).Reload()
    assert hp.Scalars("hparam/test_accuracy")[0].value == pytest.approx(metrics["test_accuracy"], rel=1e-6)


def test_tensorboard_without_tensorboardx_stops_before_training(tmp_path):
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "tensorboardX.py").write_text("raise ImportError('blocked')\n")
    env = {"EMBER_DATA": str(tmp_path / "empty"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "PYTHONPATH": os.pathsep.join([str(blocker), os.environ.get("PYTHONPATH", "")])}
    proc = ember("train", "--no-download", "--no-progress", "--out", tmp_path / "run", "--tensorboard",
                 tmp_path / "tb", env=env)
    assert proc.returncode != 0
    assert proc.stderr.strip() == "ember train: --tensorboard needs tensorboardX: pip install 'ember[tensorboard]'"
    assert not (tmp_path / "run").exists() and not (tmp_path / "tb").exists()

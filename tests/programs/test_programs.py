"""PyTorch programs run unchanged on Ember.

Each script in this folder is an ordinary PyTorch program (``import torch``,
``torchvision``, argparse, ``if __name__ == "__main__"``) written in the style
of the tutorials and examples of 2017-2024. Every test runs one through
``python -m ember run`` and checks what it prints: losses below a bound,
accuracies above one, files it wrote. Where PyTorch is installed the same
program also runs on real PyTorch and must meet the same bounds (programs that
print only deterministic values must print exactly what PyTorch prints), so
the expected behaviour is PyTorch's own. The runs start together in parallel
subprocesses the first time a test asks for one.
"""
import concurrent.futures
import importlib.util
import os
import re
import subprocess
import sys

import pytest

from paths import mnist_root

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
HAVE_TORCH = importlib.util.find_spec("torch") is not None
HAVE_TORCHVISION = importlib.util.find_spec("torchvision") is not None
HAVE_MNIST = os.path.isdir(os.path.join(mnist_root(), "MNIST", "raw"))

# name: (script, arguments, needs MNIST, needs torchvision); the slowest first, so they start first.
PROGRAMS = {
    "mnist_cnn": ("mnist_cnn.py", ["--epochs", "1", "--train-size", "640", "--batch-size", "32", "--test-size", "500",
                                   "--test-batch-size", "250", "--save-model"], True, True),
    "vae": ("vae.py", ["--epochs", "2", "--train-size", "1024", "--test-size", "256"], True, True),
    "tiny_gpt": ("tiny_gpt.py", ["--max-iters", "150", "--eval-iters", "5", "--eval-interval", "75"], False, False),
    "char_transformer": ("char_transformer.py", [], False, False),
    "dcgan": ("dcgan.py", [], False, False),
    "transformer_lm": ("transformer_lm.py", [], False, False),
    "lbfgs_time_series": ("lbfgs_time_series.py", [], False, False),
    "hooks_walkthrough": ("hooks_walkthrough.py", [], False, False),
    "char_lstm": ("char_rnn.py", ["--model", "LSTM", "--steps", "100"], False, False),
    "char_gru": ("char_rnn.py", ["--model", "GRU", "--steps", "100"], False, False),
    "mlp": ("mlp_classifier.py", ["--epochs", "12"], False, False),
    "norm_layers": ("norm_layers.py", [], False, False),
    "two_layer_function": ("two_layer_function.py", [], False, False),
    "linear_regression": ("linear_regression.py", [], False, False),
    "checkpoint": ("checkpoint.py", [], False, False),
    "tensor_idioms": ("tensor_idioms.py", [], False, False),
    "module_idioms": ("module_idioms.py", [], False, False),
    "image_grid": ("image_grid.py", [], False, True),
}

NUMBER = re.compile(r"^([A-Za-z][\w ()/-]*): (-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*$", re.MULTILINE)


class Run:
    def __init__(self, proc, cwd):
        self.returncode, self.stdout, self.stderr, self.cwd = proc.returncode, proc.stdout, proc.stderr, cwd
        self.values = {k: float(v) for k, v in NUMBER.findall(proc.stdout)}

    def __getitem__(self, key):
        assert key in self.values, f"the program printed no '{key}: <number>' line:\n{self.stdout}\n{self.stderr}"
        return self.values[key]


def _run(command, cwd):
    env = dict(os.environ, MNIST_ROOT=mnist_root(), OMP_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join(filter(None, [REPO, os.environ.get("PYTHONPATH")])))
    os.makedirs(cwd, exist_ok=True)
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    return Run(proc, cwd)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """``runs(name, engine)``: the finished run of a program on "ember" or "torch"; all start on first use."""
    base = tmp_path_factory.mktemp("programs")
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))
    futures = {}
    for name, (script, args, needs_mnist, needs_torchvision) in PROGRAMS.items():
        if needs_mnist and not HAVE_MNIST:
            continue
        path = os.path.join(HERE, script)
        futures[name, "ember"] = pool.submit(_run, [sys.executable, "-m", "ember", "run", path, *args],
                                             str(base / name / "ember"))
        if HAVE_TORCH and (HAVE_TORCHVISION or not needs_torchvision):
            futures[name, "torch"] = pool.submit(_run, [sys.executable, path, *args], str(base / name / "torch"))

    def result(name, engine):
        run = futures[name, engine].result()
        assert run.returncode == 0, f"{name} on {engine} exited with {run.returncode}:\n{run.stdout}\n{run.stderr}"
        return run

    yield result
    pool.shutdown(cancel_futures=True)


def engines(torchvision=False):
    """Ember always; PyTorch too where it (and torchvision, if the program needs it) is installed."""
    extra = HAVE_TORCH and (HAVE_TORCHVISION or not torchvision)
    return pytest.mark.parametrize("engine", ["ember", "torch"] if extra else ["ember"])


@engines()
def test_mlp_classifier(runs, engine):
    run = runs("mlp", engine)
    assert run["Final loss"] < 0.1
    assert run["Test accuracy"] > 0.95
    assert "threads 1" in run.stdout  # torch.set_num_threads(1) took effect


@engines(torchvision=True)
def test_mnist_cnn(runs, engine, mnist_dir):
    run = runs("mnist_cnn", engine)
    assert run["Test accuracy"] > 0.6
    assert run["Test loss"] < 1.5
    assert run["Final lr"] == pytest.approx(0.7)  # StepLR stepped once with gamma 0.7
    import ember
    state = ember.load(os.path.join(run.cwd, "mnist_cnn.pt"))
    assert list(state) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias",
                           "fc2.weight", "fc2.bias"]
    assert tuple(state["fc1.weight"].shape) == (128, 9216)


@engines(torchvision=True)
def test_vae(runs, engine, mnist_dir):
    from PIL import Image

    run = runs("vae", engine)
    assert run["Last epoch loss"] < run["First epoch loss"] < 550
    assert run["Test loss"] < 260
    for image, size in (("sample_2.png", (242, 242)), ("reconstruction_2.png", (242, 62))):
        with Image.open(os.path.join(run.cwd, "results", image)) as im:
            assert im.size == size and im.mode == "RGB"


@engines()
def test_linear_regression(runs, engine):
    run = runs("linear_regression", engine)
    assert run["Weight"] == pytest.approx(2.0, abs=0.1)
    assert run["Bias"] == pytest.approx(1.0, abs=0.05)
    assert run["Final loss"] < 0.01


@engines()
def test_custom_function_two_layer_net(runs, engine):
    run = runs("two_layer_function", engine)
    assert run["Initial loss"] > 1e6
    assert run["Loss ratio"] < 1e-6


@pytest.mark.parametrize("model", ["lstm", "gru"])
@engines()
def test_char_rnn(runs, engine, model):
    run = runs(f"char_{model}", engine)
    assert run["Final loss"] < 0.1
    assert run["Sample matches text"] == 1, run.stdout


@engines()
def test_tiny_gpt(runs, engine):
    run = runs("tiny_gpt", engine)
    assert run["Initial val loss"] > 2.5
    assert run["Final val loss"] < 1.3
    assert re.search(r"^Sample: ['\"]to be", run.stdout, re.MULTILINE), run.stdout


@engines()
def test_transformer_word_language_model(runs, engine):
    run = runs("transformer_lm", engine)
    assert run["Initial val loss"] > 2.0
    assert run["Final val loss"] < 1.0
    assert run["Final val ppl"] < 2.7


@engines()
def test_char_transformer(runs, engine):
    run = runs("char_transformer", engine)
    assert run["Initial loss"] > 3.0
    assert run["Final loss"] < 1.0
    assert re.search(r"^Sample: 'hello ", run.stdout, re.MULTILINE), run.stdout


@engines()
def test_lbfgs_time_series(runs, engine):
    run = runs("lbfgs_time_series", engine)
    assert run["First loss"] > 0.1
    assert run["Final test loss"] < 0.01
    assert "Prediction shape: (3, 79)" in run.stdout


@engines()
def test_dcgan(runs, engine):
    run = runs("dcgan", engine)
    assert "Sample shape: (4, 1, 16, 16)" in run.stdout
    assert run["Sample range"] > 0.1
    assert 0.2 < run["Final D loss"] < 2.0
    assert 0.1 < run["Final G loss"] < 3.0


@engines()
def test_norm_layers(runs, engine):
    run = runs("norm_layers", engine)
    assert run["Final loss"] < 0.1
    assert run["Test accuracy"] > 0.85
    assert run["Eval batch independence"] < 1e-4
    assert run["Running mean"] > 0.1  # the offset of the inputs was tracked
    assert run["Batches tracked"] == 8 * 16


@engines()
def test_checkpoint_round_trip(runs, engine):
    run = runs("checkpoint", engine)
    assert run["Restored weights differ by"] == 0
    assert run["Resumed run drift"] == 0
    assert run["Loss difference"] == 0
    assert run["Final loss"] < 0.1
    assert "Resumed epoch 1 lr 0.1 momentum 0.9" in run.stdout
    assert "Keys: net.0.weight net.0.bias net.2.weight net.2.bias" in run.stdout


def test_image_grid(runs):
    run = runs("image_grid", "ember")
    assert "Grid shape: (3, 74, 74)" in run.stdout
    assert "Saved size: 74x74 mode RGB" in run.stdout
    assert "Corner pixel: (255, 0, 0)" in run.stdout
    assert run["Gray grid channels"] == 3
    assert os.path.getsize(os.path.join(run.cwd, "single.png")) > 0


@pytest.mark.parametrize("name", ["tensor_idioms", "module_idioms", "hooks_walkthrough"])
def test_idioms_print_what_pytorch_prints(runs, name):
    run = runs(name, "ember")
    assert run.stderr == ""
    assert "threads: 1" in run.stdout or name != "tensor_idioms"
    if not HAVE_TORCH:
        pytest.skip("PyTorch, the reference for the printed values, is not installed")
    expected = runs(name, "torch").stdout
    assert run.stdout.splitlines() == expected.splitlines()

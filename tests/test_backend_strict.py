"""The strict array backend (tests/strict_backend.py) itself, and whole PyTorch programs on it.

Standing in for CuPy as the ``cuda`` device, the strict backend computes with NumPy's own kernels
and draws random numbers on the host as the CPU does, so a program that moves its model and data
with ``.to(device)`` must print exactly what it prints on the CPU: any host array that reaches
device data on the way is a TypeError there.
"""
import os
import subprocess
import sys

import numpy as np
import pytest
import strict_backend
from paths import mnist_root

import ember

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PROGRAMS = os.path.join(HERE, "programs")


def test_strict_arrays_refuse_host_arrays():
    xp = strict_backend.xp
    a = xp.ones(3)
    assert isinstance(a + 1, strict_backend.StrictArray) and isinstance(np.exp(a), strict_backend.StrictArray)
    for mix in (lambda: a + np.ones(3), lambda: np.where(a > 0, a, np.zeros(3)), lambda: xp.stack([a, np.ones(3)]),
                lambda: a.__setitem__(0, np.ones(())), lambda: a[np.array([0, 1])]):
        with pytest.raises(TypeError, match="host"):
            mix()
    assert type(xp.asarray(np.ones(2))) is strict_backend.StrictArray  # an explicit transfer is allowed


def test_tensors_on_the_strict_device():
    t = ember.tensor([1.0, 2.0], device="strict", requires_grad=True)
    assert t.device == ember.device("strict") and t.cpu().device == ember.device("cpu")
    (t * t).sum().backward()
    assert t.grad.device == t.device and t.grad.tolist() == [2.0, 4.0]
    with ember.device("strict"):
        assert ember.zeros(2).device == t.device and ember.nn.Linear(2, 3).weight.device == t.device
    assert ember.zeros(2).device == ember.device("cpu")


def _run(script, args, strict, cwd):
    command = [sys.executable, os.path.join(HERE, "strict_backend.py")] if strict else [sys.executable, "-m",
                                                                                        "ember", "run"]
    env = {**os.environ, "PYTHONPATH": REPO, "OMP_NUM_THREADS": "1", "MNIST_ROOT": mnist_root()}
    run = subprocess.run(command + [os.path.join(PROGRAMS, script), *args], cwd=cwd, capture_output=True, text=True,
                         env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


# mnist_cnn loads with a worker process and pinned memory on CUDA only, which shifts the random stream (the
# workers' seed is drawn from it), so its numbers differ from the CPU run's: it must train as well instead.
PROGRAM_RUNS = [
    ("mlp_classifier.py", ["--epochs", "2"], False),
    ("char_rnn.py", ["--model", "LSTM", "--steps", "20"], False),
    ("char_rnn.py", ["--model", "GRU", "--steps", "20"], False),
    ("tiny_gpt.py", ["--max-iters", "20", "--eval-iters", "2", "--eval-interval", "10"], False),
    ("mnist_cnn.py", ["--epochs", "1", "--train-size", "320", "--batch-size", "32", "--test-size", "100",
                      "--test-batch-size", "100"], True),
    ("vae.py", ["--epochs", "1", "--train-size", "256", "--test-size", "128"], True),
]


@pytest.mark.parametrize("script,args,needs_mnist", PROGRAM_RUNS)
def test_programs_print_on_the_strict_device_what_they_print_on_the_cpu(script, args, needs_mnist, request, tmp_path):
    if needs_mnist:
        request.getfixturevalue("mnist_dir")  # skips without the real MNIST files
    strict, cpu = tmp_path / "strict", tmp_path / "cpu"
    strict.mkdir()
    cpu.mkdir()
    on_strict, on_cpu = _run(script, args, True, strict), _run(script, args, False, cpu)
    if script != "mnist_cnn.py":
        assert on_strict == on_cpu
    else:
        accuracy = [float(out.rsplit("Test accuracy: ", 1)[1].split()[0]) for out in (on_strict, on_cpu)]
        assert min(accuracy) >= 0.5 and abs(accuracy[0] - accuracy[1]) <= 0.1, accuracy


def test_the_cuda_tests_pass_on_the_strict_backend_standing_in_for_cupy():
    """The tests that run where ``ember.cuda.is_available()`` (skipped without a GPU), on the strict backend."""
    suites = ["tests/test_tensor_cuda.py", "tests/nn/test_nn_cuda.py", "tests/optim/test_cuda.py",
              "tests/test_gpu_training.py"]
    code = ("import sys; sys.path.insert(0, 'tests'); import strict_backend; strict_backend.install('cuda'); "
            f"import pytest; sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', *{suites!r}]))")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=600,
                         env={**os.environ, "PYTHONPATH": REPO})
    assert run.returncode == 0, run.stdout[-3000:]
    assert " failed" not in run.stdout and " passed" in run.stdout


def test_default_device_as_in_pytorch():
    ember.set_default_device("strict")
    try:
        assert ember.get_default_device() == ember.device("strict")
        assert ember.ones(2).device == ember.device("strict") and ember.tensor([1]).device == ember.device("strict")
        assert ember.from_numpy(np.ones(2)).device == ember.device("cpu")  # from_numpy shares host memory
    finally:
        ember.set_default_device(None)
    assert ember.get_default_device() == ember.device("cpu") and ember.ones(2).device == ember.device("cpu")

"""examples/tutorial.ipynb runs from top to bottom in a Jupyter kernel, on MNIST where it is present and
on the bundled digits elsewhere, and draws its plots."""
import os
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOTEBOOK = os.path.join(ROOT, "examples", "tutorial.ipynb")


def execute(cwd, env):
    nbformat = pytest.importorskip("nbformat", reason="the notebook runner needs nbformat (pip install -e '.[test]')")
    nbclient = pytest.importorskip("nbclient", reason="the notebook runner is nbclient (pip install -e '.[test]')")
    pytest.importorskip("ipykernel", reason="the notebook runs in an IPython kernel (pip install -e '.[test]')")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(cwd)}})
    client.execute(env={**os.environ, **env})  # the kernel's environment
    return notebook


def _outputs(notebook):
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]


def _text(notebook):
    return "".join(o.get("text", "") for o in _outputs(notebook) if o.output_type == "stream")


def _accuracy(text):
    return float(text.split("Test set: Accuracy: ")[1].split("%")[0])


def _env():
    """The kernel imports this checkout's ember, and draws inline."""
    path = os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p)
    return {"PYTHONPATH": path, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}


def test_notebook_on_the_bundled_digits(tmp_path):
    notebook = execute(tmp_path, {**_env(), "MNIST_ROOT": str(tmp_path / "no-mnist-here")})
    text = _text(notebook)
    assert "Training Data Size: 1438 - Testing Data Size: 359" in text
    assert _accuracy(text) > 80.0
    assert sum("image/png" in o.get("data", {}) for o in _outputs(notebook)) == 3  # samples, curves, predictions
    from ember.version import pytorch_api

    assert f"torch.__version__ = {pytorch_api} | ember.__version__ = " in text
    assert "torch.nn is ember.nn: True | version check passes: True" in text


def test_notebook_on_mnist(mnist_dir, tmp_path):
    notebook = execute(tmp_path, {**_env(), "MNIST_ROOT": mnist_dir})
    text = _text(notebook)
    assert "Training Data Size: 60000 - Testing Data Size: 10000" in text
    assert _accuracy(text) > 84.0  # one epoch of the tutorial's settings

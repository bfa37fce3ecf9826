"""The API reference (docs/) builds with Sphinx, warnings as errors, and covers the public API."""
import functools
import html
import importlib
import inspect
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Each documented module and the page that holds it.
PAGES = {"ember": "ember", "ember.autograd": "autograd", "ember.nn": "nn", "ember.nn.functional": "nn.functional",
         "ember.nn.init": "nn", "ember.nn.utils": "nn", "ember.nn.utils.rnn": "nn", "ember.nn.utils.parametrize": "nn",
         "ember.nn.utils.parametrizations": "nn", "ember.nn.utils.prune": "nn", "ember.nn.parallel": "nn",
         "ember.linalg": "linalg", "ember.fft": "fft", "ember.special": "special",
         "ember.distributions": "distributions", "ember.distributed": "distributed",
         "ember.multiprocessing": "distributed", "ember.amp": "devices", "ember.cuda": "devices",
         "ember.optim": "optim", "ember.optim.lr_scheduler": "optim", "ember.utils.data": "utils.data",
         "ember.utils.checkpoint": "utils", "ember.utils.tensorboard": "utils", "ember.serialization": "serialization",
         "ember.hub": "serialization", "ember.onnx": "serialization", "ember.vision.models": "vision",
         "ember.vision.datasets": "vision", "ember.vision.transforms": "vision",
         "ember.vision.transforms.functional": "vision", "ember.vision.utils": "vision", "ember.vision.io": "vision"}
# Documented once, on the top-level page, though ember.autograd exports them too.
AUTOGRAD_ON_EMBER_PAGE = {"no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "set_detect_anomaly"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("sphinx", reason="the reference is built with Sphinx (pip install -e '.[test]')")
    out = tmp_path_factory.mktemp("html")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-E", "-W", "--keep-going", "-q", "-b", "html",
                           os.path.join(ROOT, "docs"), str(out)], capture_output=True, text=True, timeout=600,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "WARNING" not in proc.stderr, proc.stderr[-4000:]
    return out


@functools.lru_cache(maxsize=None)
def _anchors(site, page):
    with open(os.path.join(site, "api", f"{page}.html"), encoding="utf-8") as f:
        text = f.read()
    return set(re.findall(r'id="([\w.]+)"', text)), html.unescape(re.sub(r"<[^>]+>", "", text))


def _documented_elsewhere(site, obj, name):
    """Whether ``obj`` has its entry under another module that exports it by the same name (one entry per
    object: Sphinx warns about the same object described twice)."""
    for other, page in PAGES.items():
        if getattr(importlib.import_module(other), name, None) is obj and f"{other}.{name}" in _anchors(site, page)[0]:
            return True
    return False


@pytest.mark.parametrize("module_name", sorted(PAGES))
def test_every_public_callable_has_an_entry(site, module_name):
    module = importlib.import_module(module_name)
    anchors, _ = _anchors(site, PAGES[module_name])
    if module_name == "ember.autograd":
        anchors |= {f"ember.autograd.{n}" for n in AUTOGRAD_ON_EMBER_PAGE}
    if module_name == "ember":  # Tensor has a page of its own
        anchors |= _anchors(site, "tensor")[0]
    names = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    public = [n for n in names if callable(getattr(module, n)) and not inspect.ismodule(getattr(module, n))]
    assert public
    missing = [n for n in public if f"{module_name}.{n}" not in anchors]
    assert [n for n in missing if not _documented_elsewhere(site, getattr(module, n), n)] == []


def test_tensor_methods_have_entries(site):
    import ember

    anchors, _ = _anchors(site, "tensor")
    methods = [n for n in dir(ember.Tensor) if not n.startswith("_")]
    assert len(methods) > 300 and [n for n in methods if f"ember.Tensor.{n}" not in anchors] == []


def _opening(obj):
    """The first words of a docstring as the page shows them (inline literals lose their backquotes)."""
    return " ".join(inspect.getdoc(obj).replace("``", "").split()[:8])


def test_docstrings_are_rendered(site):
    from ember.utils.data import DataLoader, TensorDataset
    from ember.vision.io import ImageReadMode

    _, text = _anchors(site, "utils.data")
    for obj in (DataLoader, TensorDataset, DataLoader.multiprocessing_context):
        assert _opening(obj) in " ".join(text.split())
    _, text = _anchors(site, "vision")
    assert _opening(ImageReadMode) in " ".join(text.split())

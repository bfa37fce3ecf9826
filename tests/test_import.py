"""``import ember`` loads the tensor core only; the library on top loads on first use.

Each check runs in a fresh interpreter, where sys.modules shows exactly what an
import brought in. Modules that NumPy (or the interpreter's start-up) loads
anyway are not Ember's doing, so what is compared is what ``import ember`` adds
after ``import numpy``.
"""
import json
import subprocess
import sys

import pytest

LAZY = ["ember.nn", "ember.optim", "ember.utils", "ember.vision", "ember.serialization", "ember.cuda",
        "ember.backends", "ember.compat", "ember.cli", "ember.special", "ember.distributions", "ember.amp",
        "ember.accelerator"]
# Standard modules that only downloading, saving, data loading in worker processes or a debugger need.
HEAVY_STDLIB = ["urllib", "urllib.request", "http", "http.client", "socket", "ssl", "email", "multiprocessing",
                "subprocess", "gzip", "zipfile", "hashlib", "json", "inspect", "tokenize", "dataclasses", "typing",
                "threadpoolctl", "numpy.random"]


def run(code):
    """Run ``code`` in a fresh interpreter; it prints one JSON value, which is returned."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def added_by_import():
    return set(run("import sys, json, numpy\n"
                   "before = set(sys.modules)\n"
                   "import ember\n"
                   "print(json.dumps(sorted(set(sys.modules) - before)))"))


@pytest.mark.parametrize("name", LAZY)
def test_import_ember_leaves_the_library_unloaded(added_by_import, name):
    assert name not in added_by_import


@pytest.mark.parametrize("name", HEAVY_STDLIB)
def test_import_ember_loads_no_heavy_standard_module(added_by_import, name):
    assert name not in added_by_import


def test_tensor_methods_and_functions_are_bound_at_import():
    got = run("import json, ember\n"
              "t = ember.ones(2, 3, requires_grad=True)\n"
              "(t.relu().sum(1) * 2).mean().backward()\n"
              "print(json.dumps([t.grad.tolist(), ember.cat([t, t]).shape[0], callable(ember.Tensor.softmax),\n"
              "                  callable(ember.conv2d), ember.__version__]))")
    assert got[0] == [[1.0] * 3] * 2
    assert got[1:4] == [4, True, True]
    assert isinstance(got[4], str)


def test_lazy_attributes_resolve_to_the_submodules():
    got = run("import json, sys, ember\n"
              "import ember.nn as nn\n"
              "from ember import optim, vision\n"
              "checks = [nn is sys.modules['ember.nn'], ember.nn.Linear is nn.Linear,\n"
              "          optim.SGD is ember.optim.SGD, vision is sys.modules['ember.vision'],\n"
              "          ember.utils.data.DataLoader.__name__ == 'DataLoader', ember.cuda.is_available() in (True, False),\n"
              "          ember.backends.cudnn is sys.modules['ember.backends.cudnn'],\n"
              "          ember.save is sys.modules['ember.serialization'].save, ember.load.__name__ == 'load',\n"
              "          ember.compat.ember_name('torch.nn') == 'ember.nn']\n"
              "print(json.dumps(checks))")
    assert got == [True] * len(got)


def test_save_and_load_work_through_the_lazy_names(tmp_path):
    path = tmp_path / "t.pt"
    got = run(f"import json, ember\n"
              f"ember.save({{'w': ember.arange(3)}}, {str(path)!r})\n"
              f"print(json.dumps(ember.load({str(path)!r})['w'].tolist()))")
    assert got == [0, 1, 2]


def test_dir_lists_the_lazy_names_and_unknown_names_raise():
    got = run("import json, ember\n"
              "names = dir(ember)\n"
              "try:\n"
              "    ember.no_such_thing\n"
              "    error = None\n"
              "except AttributeError as e:\n"
              "    error = str(e)\n"
              "print(json.dumps([[n in names for n in ('nn', 'optim', 'utils', 'vision', 'cuda', 'save', 'load',\n"
              "                                        'Tensor', 'tensor', 'float32')], hasattr(ember, 'nn'), error]))")
    assert got[0] == [True] * 10
    assert got[1] is True
    assert got[2] == "module 'ember' has no attribute 'no_such_thing'"


def test_torch_style_imports_through_the_compat_hook():
    got = run("import json, ember.compat\n"
              "ember.compat.install()\n"
              "import torch\n"
              "from torch import nn\n"
              "import torch.nn.functional as F\n"
              "import torchvision.transforms as T\n"
              "print(json.dumps([torch.__name__, nn.__name__, F.__name__, T.__name__, torch.optim.__name__]))")
    assert got == ["torch", "ember.nn", "ember.nn.functional", "ember.vision.transforms", "ember.optim"]


def test_star_import_gives_the_functions_and_save_load():
    got = run("import json\n"
              "from ember import *\n"
              "print(json.dumps([callable(save), callable(load), Tensor.__name__, str(float32), callable(no_grad)]))")
    assert got == [True, True, "Tensor", "torch.float32", True]

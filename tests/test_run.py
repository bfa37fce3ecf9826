"""``ember run``: unmodified PyTorch scripts with torch resolved to Ember."""
import subprocess
import sys
import textwrap

import pytest


def _script(tmp_path, body, name="script.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "ember", "run", *map(str, args)], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def test_torch_resolves_to_ember_with_argv_and_main(tmp_path):
    path = _script(tmp_path, """
        import sys
        import torch, torch.nn, torchvision.transforms
        import ember
        assert torch.nn is ember.nn and torch.manual_seed is ember.manual_seed
        assert torchvision.transforms is ember.vision.transforms
        print("name", __name__, "argv", sys.argv[1:])
    """)
    proc = _run(path, "--epochs", "3")
    assert proc.returncode == 0, proc.stderr
    assert "name __main__ argv ['--epochs', '3']" in proc.stdout


def test_missing_api_is_one_clear_line(tmp_path):
    path = _script(tmp_path, """
        import torch
        x = torch.ones(2)
        y = torch.frobnicate(x)
    """)
    proc = _run(path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"ember run: torch.frobnicate is not supported by Ember yet ({path}, line 4)"


def test_missing_module_is_named(tmp_path):
    path = _script(tmp_path, "import torch.frobnication\n")
    proc = _run(path)
    assert proc.returncode == 2
    assert "torch.frobnication is not supported by Ember yet" in proc.stderr


def test_script_errors_propagate_unchanged(tmp_path):
    path = _script(tmp_path, "class A: pass\nA().missing\n")
    proc = _run(path)
    assert proc.returncode == 1 and "AttributeError" in proc.stderr


def test_exit_code_of_the_script_is_kept(tmp_path):
    assert _run(_script(tmp_path, "import sys; sys.exit(3)\n")).returncode == 3


def test_alias_only_inside_the_run():
    pytest.importorskip("torch")
    import ember.compat as compat

    compat.install()
    try:
        import torch

        import ember
        assert torch.Tensor is ember.Tensor and torch.__version__ == ember.version.pytorch_api
    finally:
        compat.uninstall()
    import torch as real

    assert real.__name__ == "torch" and hasattr(real, "_C")


@pytest.mark.parametrize("body, missing, line", [
    ("x = torch.ones(2)\ny = x.some_missing_method()\n", "torch.Tensor.some_missing_method", 3),
    ("p = torch.nn.Parameter(torch.ones(2))\np.some_missing_method()\n", "torch.Tensor.some_missing_method", 3),
    ("d = torch.sparse.mm(torch.ones(1, 1), torch.ones(1, 1))\n", "torch.sparse", 2),
    ("import torch.sparse as S\n", "torch.sparse", 2),
    ("from torch.sparse import mm\n", "torch.sparse", 2),
    ("from torch.nn import SomeMissingLayer\n", "torch.nn.SomeMissingLayer", 2),
    ("from torch import some_missing_function\n", "torch.some_missing_function", 2),
    ("import torch.nn.functional as F\n\nF.some_missing_function(1)\n", "torch.nn.functional.some_missing_function", 4),
    ("layer = torch.nn.Linear(2, 2)\nlayer.some_missing_method()\n", "torch.nn.Linear.some_missing_method", 3),
    ("opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)\nopt.some_missing_method()\n",
     "torch.optim.SGD.some_missing_method", 3),
    ("torch.ones(2).shape.some_missing_method()\n", "torch.Size.some_missing_method", 2),
    ("def f(x):\n    return x.some_missing_method()\n\n\nf(torch.ones(1))\n", "torch.Tensor.some_missing_method", 3),
])
def test_missing_methods_and_submodules_are_named(tmp_path, body, missing, line):
    path = _script(tmp_path, "import torch\n" + body)
    proc = _run(path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == f"ember run: {missing} is not supported by Ember yet ({path}, line {line})"


def test_missing_torchvision_module_is_named(tmp_path):
    path = _script(tmp_path, "from torchvision import some_missing_module\n")
    proc = _run(path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (f"ember run: torchvision.some_missing_module is not supported by Ember yet "
                                   f"({path}, line 1)")


def test_missing_api_in_a_helper_module_names_that_module(tmp_path):
    helper = _script(tmp_path, "import torch\n\n\ndef build():\n    return torch.some_missing_function()\n",
                     name="helper.py")
    path = _script(tmp_path, "import helper\nhelper.build()\n")
    proc = _run(path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (f"ember run: torch.some_missing_function is not supported by Ember yet "
                                   f"({helper}, line 5)")


def test_mistakes_in_the_users_own_classes_are_not_blamed_on_ember(tmp_path):
    path = _script(tmp_path, """
        import torch.nn as nn

        class Net(nn.Module):
            pass

        Net().some_attribute_the_user_forgot
    """)
    proc = _run(path)
    assert proc.returncode == 1 and "AttributeError" in proc.stderr and "not supported" not in proc.stderr

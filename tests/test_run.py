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
        assert torch is ember and torch.nn is ember.nn
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
        assert torch is ember
    finally:
        compat.uninstall()
    import torch as real

    assert real.__name__ == "torch" and hasattr(real, "_C")

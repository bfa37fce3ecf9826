"""The layering of docs/DESIGN.md holds: import-linter's ``layers`` contract (pyproject.toml) finds no
module importing a layer above its own, function-local imports included."""
import os
import subprocess
import sys

import pytest

pytest.importorskip("importlinter", reason="the layers contract is checked by import-linter: pip install import-linter")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_each_layer_imports_only_the_layers_below_it():
    run = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports; "
                          "raise SystemExit(lint_imports(no_cache=True))"],
                         cwd=REPO, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": REPO})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout

"""Sphinx configuration of Ember's API reference (``sphinx-build -W docs docs/_build/html``)."""
import os
import sys

sys.path.insert(0, os.path.abspath(".."))  # document this checkout, installed or not

import ember  # noqa: E402

project = "Ember"
author = "The Ember developers"
release = ember.__version__
version = release

extensions = ["sphinx.ext.autodoc", "sphinx.ext.autosummary"]
autodoc_default_options = {"members": True, "undoc-members": True, "member-order": "groupwise"}
autodoc_typehints = "none"  # Ember has no annotations; signatures carry names and defaults
autosummary_generate = False  # the tables link into the module pages, which autodoc fills
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_theme_options = {"description": "PyTorch's API on NumPy", "fixed_sidebar": True}
smartquotes = False  # keep quotes as written: docstrings quote code

"""Every public function, class and Tensor method of Ember carries a docstring of its own, as counted by
``tools/docstring_report.py`` (the reference's text comes from them)."""
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _report():
    spec = importlib.util.spec_from_file_location("docstring_report", os.path.join(ROOT, "tools", "docstring_report.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.report()


def test_every_public_name_has_a_docstring():
    rows = _report()
    assert sum(public for _, public, _ in rows) > 1500  # the modules were found and read
    assert {label: missing for label, _, missing in rows if missing} == {}


def test_a_slot_counts_by_its_slots_text():
    import ember

    assert "gradient" in importlib.import_module("inspect").getdoc(ember.Tensor.grad)

"""Every name torchvision's datasets and transforms modules export is in ember.vision or left out with a
stated reason (tests/vision/coverage_report.py prints the table)."""
import pytest

import coverage_report
from reference import reference_python


def test_every_torchvision_name_is_present_or_left_out_with_a_reason():
    python = reference_python()
    if python is None:
        pytest.skip("no torchvision to list names from")
    rows, missing = coverage_report.report(python)
    unexplained = {module: [n for n, why in names.items() if why is None] for module, names in missing.items()}
    assert not any(unexplained.values()), unexplained
    shares = {name: have / total for name, have, total in rows}
    assert shares["torchvision.transforms"] == 1.0 and shares["torchvision.transforms.functional"] == 1.0

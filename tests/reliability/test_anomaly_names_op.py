"""Anomaly mode names the backward function that produced NaN, in PyTorch's words."""
import warnings

import pytest

import ember

torch = pytest.importorskip("torch")


def _first_nan_message(m, build, enable):
    x = m.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch warns that anomaly mode is slow; NumPy about 0 * inf
        with enable(m):
            with pytest.raises(RuntimeError) as info:
                build(x).sum().backward()
    return str(info.value).splitlines()[0]


CASES = {
    "SqrtBackward0": lambda x: x.sqrt() * 0,
    "LogBackward0": lambda x: x.log() * 0,
    "PowBackward0": lambda x: x.pow(0.5) * 0,
    "DivBackward0": lambda x: (x / x) * 1,  # NaN in the divisor's gradient: PyTorch says "its 1th output"
}
MODES = {"detect_anomaly": lambda m: m.autograd.detect_anomaly(),
         "set_detect_anomaly": lambda m: m.autograd.set_detect_anomaly(True)}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", CASES)
def test_names_the_op_whose_backward_made_nan(name, mode):
    expected = _first_nan_message(torch, CASES[name], MODES[mode])
    assert expected.startswith(f"Function '{name}' returned nan values in its ")
    assert _first_nan_message(ember, CASES[name], MODES[mode]) == expected
    assert not ember.autograd.is_anomaly_enabled()  # restored on exit


def test_the_culprit_is_named_not_the_ops_around_it():
    def build(x):
        return ((x * 2).sqrt() * 0).exp()  # NaN appears in SqrtBackward0, then flows through MulBackward0
    assert _first_nan_message(ember, build, MODES["detect_anomaly"]) == \
        "Function 'SqrtBackward0' returned nan values in its 0th output."


def test_without_anomaly_mode_nan_passes_silently_as_in_pytorch():
    for m in (torch, ember):
        x = m.zeros(2, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (x.sqrt() * 0).sum().backward()
        assert x.grad.isnan().all()


def test_check_nan_false_and_decorator_form():
    x = ember.zeros(2, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ember.autograd.detect_anomaly(check_nan=False):
            (x.sqrt() * 0).sum().backward()
    assert x.grad.isnan().all()

    @ember.autograd.detect_anomaly()
    def step():
        assert ember.autograd.is_anomaly_enabled()
        (ember.zeros(1, requires_grad=True).log() * 0).sum().backward()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="'LogBackward0' returned nan"):
            step()
    assert not ember.autograd.is_anomaly_enabled()


def test_a_finite_backward_passes_under_anomaly_mode():
    x = ember.tensor([1.0, 4.0], requires_grad=True)
    with ember.autograd.detect_anomaly():
        x.sqrt().sum().backward()
    assert x.grad.tolist() == [0.5, 0.25]

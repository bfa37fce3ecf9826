"""In-place forms and Tensor methods that mirror an ``ember`` function get a docstring pointing at it
(``registry.derive_docstrings``), and only those: an own docstring stays, a method whose function
takes another argument first gets none."""
import ember
from ember._ops.registry import derive_docstrings


def _undocumented(name, *params):
    namespace = {}
    exec(f"def {name}({', '.join(params)}): pass", namespace)
    return namespace[name]


def test_in_place_form_and_mirroring_method_point_at_their_function():
    add, add_, add_method = (_undocumented("add", "input", "other"), _undocumented("add_", "self", "other"),
                             _undocumented("add", "self", "other"))
    derive_docstrings({"add": add}, {"add": add_method, "add_": add_}, "ember")
    assert add.__doc__ is None  # the function itself is documented where it is defined
    assert add_.__doc__.startswith("In-place form of :func:`ember.add`")
    assert add_method.__doc__.startswith("Method form of :func:`ember.add`")


def test_own_docstrings_and_other_argument_orders_are_left_alone():
    where, where_method = _undocumented("where", "condition", "input", "other"), _undocumented("w", "self", "c", "o")
    own_ = _undocumented("exp_", "self")
    own_.__doc__ = "Its own words."
    lone_ = _undocumented("zero_", "self")
    derive_docstrings({"where": where, "exp": _undocumented("exp", "input")},
                      {"where": where_method, "exp_": own_, "zero_": lone_}, "ember")
    assert where_method.__doc__ is None  # where(condition, input, ...) is not a method of its first argument
    assert own_.__doc__ == "Its own words."
    assert lone_.__doc__ is None  # no ember.zero to point at


def test_ember_tensor_methods_carry_their_derived_docstrings():
    assert ember.Tensor.exp_.__doc__.startswith("In-place form of :func:`ember.exp`")
    assert ember.Tensor.exp.__doc__ == ember.exp.__doc__  # the same function: its own docstring
    assert "ember.where" in ember.Tensor.where.__doc__ and "Method form" not in ember.Tensor.where.__doc__
    assert ember.nn.functional.elu_.__doc__.startswith("In-place form of :func:`ember.nn.functional.elu`")

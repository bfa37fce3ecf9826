"""The named tuples that ops returning values and indices give back (``torch.return_types``).

``x.max(dim=1)`` returns ``max(values=..., indices=...)``: a tuple that unpacks
and indexes like ``(values, indices)`` and also names its fields."""
from collections import namedtuple


def _values_indices(name):
    cls = namedtuple(name, ("values", "indices"))
    cls.__module__ = __name__  # pickles by reference to this module
    cls.__repr__ = lambda self: f"torch.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"
    return cls


max = _values_indices("max")  # noqa: A001 - PyTorch's public names
min = _values_indices("min")  # noqa: A001
median = _values_indices("median")
kthvalue = _values_indices("kthvalue")
sort = _values_indices("sort")
topk = _values_indices("topk")
mode = _values_indices("mode")
cummax = _values_indices("cummax")
cummin = _values_indices("cummin")
nanmedian = _values_indices("nanmedian")


def _named(name, fields):
    cls = namedtuple(name, fields)
    cls.__module__ = __name__
    cls.__repr__ = lambda self: f"torch.return_types.{name}(\n" + ",\n".join(
        f"{f}={getattr(self, f)!r}" for f in fields) + ")"
    return cls


aminmax = _named("aminmax", ("min", "max"))
frexp = _named("frexp", ("mantissa", "exponent"))
histogram = _named("histogram", ("hist", "bin_edges"))

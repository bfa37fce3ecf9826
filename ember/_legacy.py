"""PyTorch's legacy tensor types (``FloatTensor``, ``cuda.LongTensor``, ...) and their names."""
from . import _arraylib as B
from ._tensor import Tensor

_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
          "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}


class _LegacyMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == cls._device

    def __repr__(cls):
        return f"<class '{cls.__qualname__}'>"


def _make(dt, device):
    prefix = "torch.cuda." if device == "cuda" else "torch."

    def __new__(cls, *args, **kwargs):
        if device == "cuda" and B.cuda_module() is None:
            raise TypeError(f"type {prefix}{name} not available. Torch not compiled with CUDA enabled.")
        return Tensor(*args, dtype=dt, device=None if device == "cpu" else "cuda", **kwargs)

    name = _NAMES[dt.name] + "Tensor"
    doc = (f"Legacy type of {dt.name} tensors on {'a CUDA device' if device == 'cuda' else 'the CPU'}: calling it "
           f"builds one, and ``isinstance`` checks dtype and device.")
    return _LegacyMeta(name, (), {"__new__": __new__, "dtype": dt, "_device": device, "is_cuda": device == "cuda",
                                  "__qualname__": prefix + name, "__doc__": doc})


CPU_TYPES = {dt: _make(dt, "cpu") for dt in B._ALL}
CUDA_TYPES = {dt: _make(dt, "cuda") for dt in B._ALL}


def legacy_type_name(t):
    """The legacy type name of tensor ``t`` (``"torch.FloatTensor"``, ``"torch.cuda.LongTensor"``, ...)."""
    return ("torch.cuda." if t.device.type == "cuda" else "torch.") + _NAMES[t.dtype.name] + "Tensor"


def resolve_type(spec):
    """A dtype, legacy type or type string -> (dtype, device or None)."""
    if isinstance(spec, _LegacyMeta):
        return spec.dtype, spec._device
    if isinstance(spec, str):
        name = spec.replace("torch.", "")
        dev = None
        if name.startswith("cuda."):
            dev, name = "cuda", name[5:]
        for dt in B._ALL:
            if name == _NAMES[dt.name] + "Tensor":
                return dt, dev or "cpu"
        raise ValueError(f"invalid type: '{spec}'")
    return B.to_dtype(spec), None

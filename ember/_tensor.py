"""The Tensor object: an array plus what autograd needs to know about it.

Only what concerns the object itself lives here (construction, conversion,
printing, autograd bookkeeping). Arithmetic and other methods are the op
functions themselves, attached by ``ember._ops`` so that ``x.add(y)`` calls
``ember.add(x, y)`` with no extra layer in between.
"""
import warnings

import numpy as np

from . import _arraylib as B
from ._tensor_str import tensor_repr

_new = object.__new__
_np_array = np.ndarray


_SHORT_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
                "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
                "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool",
            "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``torch.Size([10, 5])``."""

    def __repr__(self):
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        """The number of elements a tensor of this shape holds (the product of the sizes)."""
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))


def _array_from_data(data):
    """Python data, arrays or tensors -> an array, with PyTorch's dtype inference:
    bools -> bool, ints -> int64, floats -> the default dtype, NumPy arrays and
    tensors keep their dtype. Arrays and tensors come back uncopied."""
    if isinstance(data, Tensor):
        return data._data
    if type(data) is _np_array or isinstance(data, np.generic):
        B.from_np(data.dtype)  # rejects unsupported dtypes with PyTorch's message
        return np.asarray(data)
    if isinstance(data, (list, tuple)) and isinstance(_first_scalar(data), (Tensor, np.generic, _np_array)):
        # typed leaves decide the dtype (PyTorch promotes over all of them); NumPy would upcast to float64
        return np.asarray(data, dtype=_sequence_dtype(data).np)
    arr = np.asarray(data)
    kind = arr.dtype.kind
    if kind == "f":
        return arr.astype(B.get_default_dtype().np, copy=False)
    if kind in "iu":
        return arr.astype(np.int64, copy=False)
    if kind == "c":
        return arr.astype(B.complex_of(B.get_default_dtype()).np, copy=False)
    if kind != "b":
        _reject(data)
    return arr


def _sequence_dtype(data):
    if isinstance(data, (list, tuple)):
        dt = None
        for x in data:
            d = _sequence_dtype(x)
            dt = d if dt is None else B.promote_types(dt, d)
        return dt or B.get_default_dtype()
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, (np.generic, _np_array)):
        return B.from_np(data.dtype)
    if isinstance(data, (bool, np.bool_)):
        return B.bool
    if isinstance(data, int):
        return B.int64
    if isinstance(data, float):
        return B.get_default_dtype()
    _reject(data)


def _reject(data):
    """Raise PyTorch's error for data holding something that is not a number."""
    leaf = data
    stack = [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(reversed(x))
        elif not isinstance(x, (bool, int, float, np.generic, Tensor)):
            leaf = x
            break
    if isinstance(leaf, str):
        raise TypeError(f"new(): invalid data type '{type(leaf).__name__}'")
    raise RuntimeError(f"Could not infer dtype of {type(leaf).__name__}")


def _first_scalar(data):
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


class Tensor:
    """A multi-dimensional array with autograd, PyTorch's ``torch.Tensor``.

    ``Tensor(5, 3)`` allocates (uninitialised); ``Tensor(data)`` copies data into
    the default float dtype, as PyTorch's legacy constructor does."""

    # A dict of slots gives the public ones docstrings at no cost: they stay C-level member descriptors.
    __slots__ = {"_data": None,
                 "requires_grad": "Whether autograd records operations on this tensor and computes its gradient.",
                 "grad": "The gradient that ``backward()`` accumulated into this tensor, or ``None`` until then.",
                 "grad_fn": "The graph node that produced this tensor (``None`` for a leaf).",
                 "_out_idx": None, "_version": None, "_hooks": None, "_retains": None, "__weakref__": None,
                 "__dict__": None}
    __array_priority__ = 1000  # NumPy defers ``ndarray + tensor`` to Tensor.__radd__
    _accumulator = None  # a leaf's AccumulateGrad node, set by autograd on first use
    _base = None  # for a view, the tensor whose memory it shows (PyTorch's ``Tensor._base``)
    _volatile = False  # legacy Variable(volatile=True), see autograd.variable

    def __init__(self, *args, device=None, dtype=None):
        # ``dtype`` is not PyTorch's: the legacy types (LongTensor, ...) construct through it
        dt = B.get_default_dtype() if dtype is None else B.to_dtype(dtype)
        if len(args) == 1 and not isinstance(args[0], (int, np.integer, Size)):
            data = args[0]
            if isinstance(data, Tensor) and dtype is None:
                arr = data._data  # Tensor(t) is an alias of t, as in PyTorch
            elif isinstance(data, (list, tuple, _np_array, Tensor)):
                arr = np.array(_array_from_data(data), dtype=dt.np)
            else:
                raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        else:
            sizes = tuple(args[0]) if len(args) == 1 and isinstance(args[0], Size) else args
            if not all(isinstance(s, (int, np.integer)) for s in sizes):
                bad = next(s for s in sizes if not isinstance(s, (int, np.integer)))
                raise TypeError(f"new(): argument 'size' failed to unpack the object at pos {sizes.index(bad) + 1} "
                                f"with error \"type must be tuple of ints,but got {type(bad).__name__}\"")
            arr = np.empty(sizes if args else (0,), dt.np)
        device = device or B.default_device()
        if device is not None:
            arr = B.to_device(arr, device)
        Tensor._init(self, arr)

    def _init(self, data, requires_grad=False):
        self._data = data
        self.requires_grad = requires_grad
        self.grad = None
        self.grad_fn = None
        self._out_idx = 0
        self._version = [0]
        self._hooks = None
        self._retains = False

    @staticmethod
    def _wrap(data):
        """Wrap an array without copying (the fast internal constructor)."""
        t = _new(Tensor)
        t._data = data
        t.requires_grad = False
        t.grad = None
        t.grad_fn = None
        t._out_idx = 0
        t._version = [0]
        t._hooks = None
        t._retains = False
        return t

    # ------------------------------------------------------------ attributes
    @property
    def shape(self):
        """The size of each dimension, as an :class:`ember.Size`."""
        return Size(self._data.shape)

    def size(self, dim=None):
        """The shape as an :class:`ember.Size`, or the size of dimension ``dim`` as an int."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[self._dim(dim)]

    @property
    def dtype(self):
        """The element type, an :class:`ember.dtype`."""
        return B.from_np(self._data.dtype)

    @property
    def device(self):
        """The device that holds the data: ``cpu``, or ``cuda`` when CuPy backs the tensor."""
        return B.device_of(self._data)

    @property
    def is_cuda(self):
        """Whether the data lives on a CUDA device."""
        return self.device.type == "cuda"

    @property
    def is_cpu(self):
        """Whether the data lives in host memory."""
        return self.device.type == "cpu"

    @property
    def ndim(self):
        """The number of dimensions."""
        return self._data.ndim

    def dim(self):
        """The number of dimensions (``ndimension`` is the same method)."""
        return self._data.ndim

    ndimension = dim

    def numel(self):
        """The number of elements (``nelement`` is the same method)."""
        return self._data.size

    nelement = numel

    def element_size(self):
        """The size of one element in bytes."""
        return self._data.itemsize

    @property
    def itemsize(self):
        """The size of one element in bytes."""
        return self._data.itemsize

    @property
    def nbytes(self):
        """The size of the data in bytes (elements times element size)."""
        return self._data.nbytes

    @property
    def is_leaf(self):
        """Whether the tensor is a leaf of the graph: created by the user rather than by a recorded op."""
        return self.grad_fn is None

    def dtype_short(self, c_name=False):
        """The dtype as PyTorch's error messages spell it ('Float', or 'float' with ``c_name``)."""
        if c_name:
            return _C_NAMES[self._data.dtype.name]
        return _SHORT_NAMES[self._data.dtype.name]

    def is_floating_point(self):
        """Whether the dtype is a floating-point type."""
        return self._data.dtype.kind == "f"

    def is_complex(self):
        """Whether the dtype is a complex type."""
        return self._data.dtype.kind == "c"

    def is_contiguous(self, memory_format=None):
        """Whether the elements lie in memory in row-major order without gaps."""
        return self._data.flags.c_contiguous

    def stride(self, dim=None):
        """The step in elements between neighbours along each dimension, or along ``dim``."""
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        return st if dim is None else st[self._dim(dim)]

    def data_ptr(self):
        """The address of the first element (NumPy's, or CuPy's device pointer)."""
        return self._data.__array_interface__["data"][0] if type(self._data) is _np_array else self._data.data.ptr

    @property
    def output_nr(self):
        """Which output of the op that produced it this tensor is (0 for a single-output op)."""
        return self._out_idx

    @property
    def _version_counter(self):
        return self._version[0]

    def _dim(self, dim, ndim=None):
        """Wrap a possibly negative dim, raising PyTorch's IndexError when it is out of range."""
        n = self._data.ndim if ndim is None else ndim
        lo, hi = (-1, 0) if n == 0 else (-n, n - 1)
        if not lo <= dim <= hi:
            raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")
        return dim % n if n else 0

    # ------------------------------------------------------------ data and grad
    @property
    def data(self):
        """A tensor sharing this one's memory, outside the graph (changes to it are not tracked)."""
        t = Tensor._wrap(self._data)
        if self._data.ndim == 0:
            t._legacy_item = True  # lets 2017's `loss.data[0]` read the number (see _ops/indexing.py)
        return t

    @data.setter
    def data(self, value):
        self._data = value._data if isinstance(value, Tensor) else np.asarray(value)

    def detach(self):
        """A tensor sharing this one's memory and version counter, outside the graph."""
        t = Tensor._wrap(self._data)
        t._version = self._version  # detach() shares the version counter, unlike .data
        return t

    def detach_(self):
        """Cut this tensor out of the graph in place, making it a leaf that does not require grad."""
        self.grad_fn = None
        self.requires_grad = False
        return self

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` in place (only on leaves, and only to True for floating-point or
        complex dtypes) and return the tensor."""
        if self.grad_fn is not None and not requires_grad:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                               "computed variable in a subgraph that doesn't require differentiation use "
                               "var_no_grad = var.detach().")
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self.requires_grad = requires_grad
        return self

    @property
    def retains_grad(self):
        """Whether :meth:`ember.Tensor.retain_grad` asked this non-leaf to keep its ``grad``."""
        return self._retains

    # ------------------------------------------------------------ conversion
    def share_memory_(self):
        """Move the data to shared memory (a no-op if it is there): other processes then see the same values."""
        from .multiprocessing.sharing import share_memory_

        return share_memory_(self)

    def is_shared(self):
        """Whether the data lives in shared memory, visible to other processes."""
        from .multiprocessing.sharing import is_shared

        return is_shared(self)

    def numpy(self, force=False):
        """The data as a NumPy array sharing its memory. ``force=True`` allows a tensor that requires grad,
        and copies a CUDA tensor to the host."""
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                               "instead.")
        if type(self._data) is not _np_array:
            if not force:
                raise TypeError("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy "
                                "the tensor to host memory first.")
            return B.to_numpy(self._data)
        return self._data

    def __array__(self, dtype=None, copy=None):
        a = B.to_numpy(self._data)
        return a if dtype is None else a.astype(dtype, copy=False)

    def tolist(self):
        """The data as nested Python lists of Python numbers (a number for a 0-d tensor)."""
        return B.to_numpy(self._data).tolist()

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item() if type(self._data) is _np_array else self._data.item()

    def __float__(self):
        return float(self._scalar())

    def __int__(self):
        return int(self._scalar())

    def _scalar(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __complex__(self):
        return complex(self.item())

    def __bool__(self):
        if self._data.size != 1:
            what = "no values" if self._data.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {what} is ambiguous")
        return bool(self._data.reshape(()).item())

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self.item(), spec)
        if spec:
            raise TypeError("unsupported format string passed to Tensor.__format__")
        return str(self)

    def __repr__(self, *, tensor_contents=None):
        return tensor_repr(self)

    def __reduce_ex__(self, proto):
        # Pickling (DataLoader workers, copy.deepcopy) carries data and requires_grad, never the graph.
        return (_rebuild, (B.to_numpy(self._data), self.requires_grad, type(self)))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.")
        new = _rebuild(self._data.copy(), self.requires_grad, type(self))
        if self.grad is not None:
            new.grad = Tensor._wrap(self.grad._data.copy())
        memo[id(self)] = new
        return new


def _rebuild(array, requires_grad, cls=Tensor):
    t = Tensor._wrap(array)
    if cls is not Tensor:
        t = cls(t, requires_grad) if requires_grad is not None else cls(t)
    t.requires_grad = requires_grad
    return t


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Copy ``data`` into a new leaf tensor, inferring the dtype as PyTorch does."""
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
                      "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    arr = _array_from_data(data)
    # data that is already an array gets copied; lists were just converted and need no second copy
    fresh = not isinstance(data, (Tensor, _np_array, np.generic))
    arr = arr.astype(arr.dtype if dtype is None else B.to_dtype(dtype).np, copy=not fresh)
    device = device or B.default_device()
    if device is not None:
        arr = B.to_device(arr, device)
    t = Tensor._wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def numel(input):
    """The number of elements of ``input``."""
    return input._data.size


def is_tensor(obj):
    """Whether ``obj`` is an :class:`ember.Tensor`."""
    return isinstance(obj, Tensor)

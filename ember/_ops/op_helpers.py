"""Two helpers of the op families added with linear algebra, FFT and complex numbers: the array
module of an input (so formulas run on NumPy and CuPy alike) and PyTorch's ``out=`` argument."""
import functools

from .. import _arraylib as B
from .._tensor import Tensor
from .op import write_out


def xp_of(a):
    """The array module that holds ``a``. Backward formulas handed Tensors (``create_graph=True``) stop
    here: those written with it compute on arrays only."""
    if isinstance(a, Tensor):
        raise RuntimeError("Ember computes this derivative on arrays only: backward with create_graph=True "
                           "(a second derivative) through it is not supported")
    return B.get_array_module(a)


def accepts_out(fn):
    """Give ``fn`` PyTorch's ``out=``: a tensor, or a tuple of tensors for a function returning several,
    each resized to its result and written into (``out`` is then what the call returns)."""
    @functools.wraps(fn)
    def with_out(*args, out=None, **kwargs):
        result = fn(*args, **kwargs)
        if out is None:
            return result
        if not isinstance(result, tuple):
            return write_out(result, out)
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(f"{fn.__name__}(): argument 'out' must be tuple of {len(result)} Tensors")
        written = [write_out(r, o) for r, o in zip(result, out)]
        return type(result)(*written) if hasattr(result, "_fields") else tuple(written)
    return with_out

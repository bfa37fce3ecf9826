"""Complex tensors: ``real``/``imag``, ``angle``, ``conj``, ``view_as_real``/``view_as_complex``,
``complex``/``polar`` and ``is_complex``.

Gradients follow PyTorch's convention for a real loss L of z = x + iy: the gradient
held for z is dL/dx + i dL/dy (the conjugate Wirtinger derivative, times two).
"""
import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from .comparison import where
from .op import Op
from .op_helpers import accepts_out, xp_of

_wrap = Tensor._wrap


def _complex_only(name, t):
    if t._data.dtype.kind != "c":
        raise RuntimeError(f"{name} is not implemented for tensors with non-complex dtypes.")


class Real(Op):
    is_view = True

    def forward(ctx, z):
        return z.real

    def backward(ctx, g):
        return g + 0j  # the real part moves with x only (NumPy keeps float32 + 0j in complex64)


class Imag(Op):
    is_view = True

    def forward(ctx, z):
        return z.imag

    def backward(ctx, g):
        return 1j * g


class Conj(Op):
    def forward(ctx, z):
        return z.conj()

    def backward(ctx, g):
        return g.conj()


class Angle(Op):
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return xp_of(z).angle(z).astype(z.real.dtype)

    def backward(ctx, g):
        """angle = atan2(y, x): its gradient is (-y + i x) / |z|^2 = i z / |z|^2 (zero at z = 0)."""
        z, = ctx.saved_tensors
        xp = xp_of(z)
        sq = (z * z.conj()).real
        return xp.where(sq == 0, 0, g * 1j * z / xp.where(sq == 0, 1, sq))


class ViewAsReal(Op):
    is_view = True

    def forward(ctx, z):
        re = z.real  # a view with z's strides: the imaginary part is one real item further on
        return xp_of(z).lib.stride_tricks.as_strided(re, z.shape + (2,), re.strides + (re.itemsize,))

    def backward(ctx, g):
        return _as_complex(xp_of(g).ascontiguousarray(g))


def _as_complex(a):
    return a.view(np.result_type(a.dtype, np.complex64)).reshape(a.shape[:-1])


class ViewAsComplex(Op):
    is_view = True

    def forward(ctx, a):
        return _as_complex(a)

    def backward(ctx, g):
        return xp_of(g).ascontiguousarray(g).view(g.real.dtype).reshape(g.shape + (2,))


class Complex(Op):
    def forward(ctx, re, im):
        return re + 1j * im

    def backward(ctx, g):
        return g.real, g.imag


class Polar(Op):
    def forward(ctx, r, theta):
        xp = xp_of(r)
        unit = xp.cos(theta) + 1j * xp.sin(theta)
        ctx.save_for_backward(r, unit)
        return r * unit

    def backward(ctx, g):
        """z = r e^(i theta): dL/dr = Re(conj(g) e^(i theta)), dL/dtheta = Re(conj(g) i r e^(i theta))."""
        r, unit = ctx.saved_tensors
        gu = g.conj() * unit
        return gu.real, -(r * gu.imag)


def real(input):
    """Real part of a complex tensor, as a view; a real tensor is returned as it is."""
    return Real.apply(input) if input._data.dtype.kind == "c" else input


def imag(input):
    """Imaginary part of a complex tensor, as a view (an error for real tensors)."""
    _complex_only("imag", input)
    return Imag.apply(input)


def conj(input):
    """Complex conjugate; a real tensor is returned as it is. Ember computes it at once: there is no lazy conjugate
    bit."""
    return Conj.apply(input) if input._data.dtype.kind == "c" else input


@accepts_out
def conj_physical(input):
    """Complex conjugate, computed into a new tensor (the same as :func:`ember.conj` in Ember)."""
    return conj(input)


def resolve_conj(input):
    """``input`` itself: Ember's conjugates are never lazy, so there is nothing to resolve."""
    return input


def is_conj(input):
    """Always False: Ember computes conjugates at once instead of setting a conjugate bit."""
    return False


@accepts_out
def angle(input):
    """Argument (phase) of each element in radians; for real tensors pi where negative, else 0."""
    if input._data.dtype.kind == "c":
        return Angle.apply(input)
    # a real number's angle is pi for negatives and 0 otherwise (nan stays nan); its gradient is zero
    x = input if input._data.dtype.kind == "f" else input.to(B.get_default_dtype())
    return where(x < 0, np.pi, x * 0.0)


def view_as_real(input):
    """A real view of a complex tensor with a last dimension of size 2 holding the real and imaginary parts."""
    if input._data.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return ViewAsReal.apply(input)


def view_as_complex(input):
    """A complex view of a float32/float64 tensor whose last dimension (of size 2) holds real and imaginary parts."""
    shape, dt = input._data.shape, input._data.dtype
    if dt not in (np.float32, np.float64):
        raise RuntimeError(f"view_as_complex is only supported for float and double tensors, but got a tensor of "
                           f"scalar type: {input.dtype_short()}")
    if not shape or shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    return ViewAsComplex.apply(input)


def _real_pair(a, b):
    for t in (a, b):
        if t._data.dtype == np.float16:
            raise RuntimeError("Ember has no complex32 (ComplexHalf) dtype: use float32 or float64 parts")
        if t._data.dtype not in (np.float32, np.float64):
            raise RuntimeError(f"Expected both inputs to be Half, Float or Double tensors but got "
                               f"{a.dtype_short()} and {b.dtype_short()}")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"Expected object of scalar type {a.dtype_short()} but got scalar type "
                           f"{b.dtype_short()} for second argument")


@accepts_out
def complex(real, imag):  # noqa: A001 - PyTorch's public name
    """The complex tensor ``real + 1j * imag`` from two float tensors of the same dtype (no complex32 in Ember)."""
    _real_pair(real, imag)
    return Complex.apply(real, imag)


@accepts_out
def polar(abs, angle):  # noqa: A002
    """The complex tensor ``abs * (cos(angle) + 1j * sin(angle))`` from float magnitudes and angles."""
    _real_pair(abs, angle)
    return Polar.apply(abs, angle)


def is_complex(input):
    """Whether ``input`` has a complex dtype."""
    return input._data.dtype.kind == "c"


def adjoint(input):
    """The conjugate transpose of the last two dims (``A.mH``)."""
    return conj(input.mT)


def _matrix_adjoint(input):
    """Conjugate transpose of a matrix (2-D tensors only)."""
    if input._data.ndim != 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {input._data.ndim}-D tensor.")
    return adjoint(input)


FUNCTIONS = dict(real=real, imag=imag, conj=conj, conj_physical=conj_physical, resolve_conj=resolve_conj,
                 is_conj=is_conj, angle=angle, view_as_real=view_as_real, view_as_complex=view_as_complex,
                 complex=complex, polar=polar, is_complex=is_complex, adjoint=adjoint)
TENSOR_METHODS = dict(real=property(real), imag=property(imag), conj=conj, conj_physical=conj_physical,
                      resolve_conj=resolve_conj, is_conj=is_conj, angle=angle, adjoint=adjoint, mH=property(adjoint),
                      H=property(_matrix_adjoint))

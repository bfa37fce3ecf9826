"""``ember.fft``: PyTorch's torch.fft. Real inputs of complex transforms become complex64 (complex128 from
float64); ``norm`` is "backward" (default: the inverse scales by 1/n), "ortho" or "forward"."""
import numpy as np

from .. import _arraylib as B
from .._ops.complex_ops import conj
from .._ops.fft_ops import FFTShift, c2c, c2r, opposite, r2c
from .._ops.op_helpers import accepts_out
from .._tensor import Tensor

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
           "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]


def _one(n):
    return None if n is None else [n]


@accepts_out
def fft(input, n=None, dim=-1, norm=None):
    """One-dimensional discrete Fourier transform along ``dim``, the signal cut or zero-padded to ``n``."""
    return c2c(input, _one(n), dim, norm, inverse=False)


@accepts_out
def ifft(input, n=None, dim=-1, norm=None):
    """Inverse of :func:`ember.fft.fft`: the one-dimensional inverse transform along ``dim``."""
    return c2c(input, _one(n), dim, norm, inverse=True)


@accepts_out
def fft2(input, s=None, dim=(-2, -1), norm=None):
    """Two-dimensional discrete Fourier transform over ``dim`` (the last two by default)."""
    return c2c(input, s, dim, norm, inverse=False)


@accepts_out
def ifft2(input, s=None, dim=(-2, -1), norm=None):
    """Inverse of :func:`ember.fft.fft2`."""
    return c2c(input, s, dim, norm, inverse=True)


@accepts_out
def fftn(input, s=None, dim=None, norm=None):
    """N-dimensional discrete Fourier transform over ``dim`` (every dimension by default), sizes ``s``."""
    return c2c(input, s, dim, norm, inverse=False)


@accepts_out
def ifftn(input, s=None, dim=None, norm=None):
    """Inverse of :func:`ember.fft.fftn`."""
    return c2c(input, s, dim, norm, inverse=True)


@accepts_out
def rfft(input, n=None, dim=-1, norm=None):
    """Fourier transform of a real signal along ``dim``: only the ``n // 2 + 1`` non-negative frequencies."""
    return r2c("rfft", input, _one(n), dim, norm)


@accepts_out
def irfft(input, n=None, dim=-1, norm=None):
    """Inverse of :func:`ember.fft.rfft`: the real signal of length ``n`` from its ``m`` non-negative frequencies
    (by default ``n = 2 * (m - 1)``)."""
    return c2r(input, _one(n), dim, norm)


@accepts_out
def rfft2(input, s=None, dim=(-2, -1), norm=None):
    """Two-dimensional :func:`ember.fft.rfft`: the last of ``dim`` keeps only its non-negative frequencies."""
    return r2c("rfftn", input, s, dim, norm)


@accepts_out
def irfft2(input, s=None, dim=(-2, -1), norm=None):
    """Inverse of :func:`ember.fft.rfft2`."""
    return c2r(input, s, dim, norm)


@accepts_out
def rfftn(input, s=None, dim=None, norm=None):
    """N-dimensional :func:`ember.fft.rfft`: the last of ``dim`` keeps only its non-negative frequencies."""
    return r2c("rfftn", input, s, dim, norm)


@accepts_out
def irfftn(input, s=None, dim=None, norm=None):
    """Inverse of :func:`ember.fft.rfftn`."""
    return c2r(input, s, dim, norm)


# The Hermitian transforms are the real ones seen from the other side: hfft(x) = irfft(conj(x)) and
# ihfft(x) = conj(rfft(x)), each with the opposite normalisation.

@accepts_out
def hfft(input, n=None, dim=-1, norm=None):
    """Fourier transform of a Hermitian-symmetric signal given by its first half: a real result along ``dim``."""
    return c2r(conj(input), _one(n), dim, opposite(norm))


@accepts_out
def ihfft(input, n=None, dim=-1, norm=None):
    """Inverse of :func:`ember.fft.hfft`: the first half of the Hermitian-symmetric transform of a real signal."""
    return conj(r2c("ihfft", input, _one(n), dim, opposite(norm)))


@accepts_out
def hfft2(input, s=None, dim=(-2, -1), norm=None):
    """Two-dimensional :func:`ember.fft.hfft`."""
    return c2r(conj(input), s, dim, opposite(norm))


@accepts_out
def ihfft2(input, s=None, dim=(-2, -1), norm=None):
    """Inverse of :func:`ember.fft.hfft2`."""
    return conj(r2c("ihfftn", input, s, dim, opposite(norm)))


@accepts_out
def hfftn(input, s=None, dim=None, norm=None):
    """N-dimensional :func:`ember.fft.hfft`."""
    return c2r(conj(input), s, dim, opposite(norm))


@accepts_out
def ihfftn(input, s=None, dim=None, norm=None):
    """Inverse of :func:`ember.fft.hfftn`."""
    return conj(r2c("ihfftn", input, s, dim, opposite(norm)))


def _frequencies(values, dtype, requires_grad):
    dt = B.get_default_dtype() if dtype is None else B.to_dtype(dtype)
    t = Tensor._wrap(np.asarray(values, dt.np))
    return t.requires_grad_(requires_grad) if requires_grad else t


@accepts_out
def fftfreq(n, d=1.0, *, dtype=None, layout=None, device=None, requires_grad=False):
    """The sample frequencies of an n-point transform: 0, 1, ..., -1 over n * d."""
    return _frequencies(np.fft.fftfreq(n, d), dtype, requires_grad)


@accepts_out
def rfftfreq(n, d=1.0, *, dtype=None, layout=None, device=None, requires_grad=False):
    """The non-negative sample frequencies of an ``n``-point real transform: ``0, 1, ..., n // 2`` over ``n * d``."""
    return _frequencies(np.fft.rfftfreq(n, d), dtype, requires_grad)


def _shift_axes(input, dim):
    nd = input._data.ndim
    if dim is None:
        return tuple(range(nd))
    return tuple(d % nd for d in ((dim,) if isinstance(dim, int) else dim))


def fftshift(input, dim=None):
    """Move the zero frequency to the centre (along ``dim``, every dim by default)."""
    return FFTShift.apply(input, axes=_shift_axes(input, dim), inverse=False)


def ifftshift(input, dim=None):
    """Undo :func:`ember.fft.fftshift`: move the zero frequency back to the start along ``dim``."""
    return FFTShift.apply(input, axes=_shift_axes(input, dim), inverse=True)

"""Discrete Fourier transforms on the array module's ``fft`` (NumPy's pocketfft keeps float32 as complex64).

Three ops carry every transform of ``ember.fft``: complex-to-complex, real-to-complex (one-sided) and
complex-to-real. Each gradient is the adjoint transform: the inverse transform with the opposite
normalisation ("backward" <-> "forward", "ortho" unchanged), fitted back to the input's sizes.
"""
from .. import _arraylib as B
from .._tensor import Tensor
from .op import Op
from .op_helpers import xp_of

_wrap = Tensor._wrap
_OPPOSITE = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def fit(a, axes, sizes):
    """Crop or zero-pad ``a`` along ``axes`` to ``sizes`` (the signal sizes a transform reads)."""
    xp = xp_of(a)
    crop = [slice(None)] * a.ndim
    pad = [(0, 0)] * a.ndim
    for ax, n in zip(axes, sizes):
        if a.shape[ax] > n:
            crop[ax] = slice(0, n)
        elif a.shape[ax] < n:
            pad[ax] = (0, n - a.shape[ax])
    a = a[tuple(crop)]
    return xp.pad(a, pad) if any(p != (0, 0) for p in pad) else a


class FFTC2C(Op):
    def forward(ctx, x, sizes, axes, norm, inverse):
        xp = xp_of(x)
        ctx.params = x.shape, axes, norm, inverse
        return (xp.fft.ifftn if inverse else xp.fft.fftn)(x, sizes, axes, norm)

    def backward(ctx, g):
        shape, axes, norm, inverse = ctx.params
        xp = xp_of(g)
        adjoint = (xp.fft.fftn if inverse else xp.fft.ifftn)(g, None, axes, _OPPOSITE[norm])
        return fit(adjoint, axes, [shape[a] for a in axes])


class FFTR2C(Op):
    """The one-sided transform of a real signal: the first n // 2 + 1 bins along the last axis."""

    def forward(ctx, x, sizes, axes, norm):
        ctx.params = x.shape, sizes, axes, norm
        return xp_of(x).fft.rfftn(x, sizes, axes, norm)

    def backward(ctx, g):
        """The bins left out are zero in the adjoint: place g in a full spectrum, transform back, keep the real part."""
        shape, sizes, axes, norm = ctx.params
        xp = xp_of(g)
        full = fit(g, axes[-1:], sizes[-1:])
        x = xp.fft.ifftn(full, None, axes, _OPPOSITE[norm]).real
        return fit(x, axes, [shape[a] for a in axes])


class FFTC2R(Op):
    """The real signal of n points whose one-sided spectrum is the input (imaginary parts of the
    bins that are their own mirror image are ignored)."""

    def forward(ctx, y, sizes, axes, norm):
        ctx.params = y.shape, sizes, axes, norm
        return xp_of(y).fft.irfftn(y, sizes, axes, norm)

    def backward(ctx, g):
        """The adjoint one-sided transform, with the bins that stand for two (a bin and its mirror) doubled."""
        shape, sizes, axes, norm = ctx.params
        gy = xp_of(g).fft.rfftn(g, None, axes, _OPPOSITE[norm])
        n, half = sizes[-1], gy.shape[axes[-1]]
        doubled = [slice(None)] * gy.ndim
        doubled[axes[-1]] = slice(1, 1 + n - half)
        gy[tuple(doubled)] *= 2
        return fit(gy, axes, [shape[a] for a in axes])


# ----------------------------------------------------------------- arguments as PyTorch reads them


def _norm(norm):
    norm = "backward" if norm is None else norm
    if norm not in _OPPOSITE:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return norm


def _axes(x, s, dim, default_last):
    """The axes and signal sizes of an n-dimensional transform (``s``/``dim`` as torch.fft takes them)."""
    nd = x._data.ndim
    if dim is None:
        axes = list(range(nd - len(s), nd)) if s is not None else list(range(nd - default_last, nd)) \
            if default_last else list(range(nd))
    else:
        axes = [dim] if isinstance(dim, int) else list(dim)
        for d in axes:
            if not -max(nd, 1) <= d < max(nd, 1):
                raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but got {d})")
        axes = [d % nd for d in axes]
        if len(set(axes)) != len(axes):
            raise RuntimeError("FFT dims must be unique")
    if s is not None:
        s = [s] if isinstance(s, int) else list(s)
        if len(s) != len(axes):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    sizes = list(s) if s is not None else [x._data.shape[a] for a in axes]
    sizes = [x._data.shape[a] if n == -1 else n for a, n in zip(axes, sizes)]
    for n in sizes:
        if n < 1:
            raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return axes, sizes


def _complex_input(x):
    """Real and integer inputs of a complex transform become the default (or their own float) precision."""
    dt = x._data.dtype
    if dt.kind == "c":
        return x
    if dt == "float16":
        raise RuntimeError("Unsupported dtype Half")
    return x.to(B.float64 if dt == "float64" else B.get_default_dtype())


def _real_input(name, x):
    dt = x._data.dtype
    if dt.kind == "c":
        raise RuntimeError(f"{name} expects a real input tensor, but got {x.dtype_short()}")
    if dt == "float16":
        raise RuntimeError("Unsupported dtype Half")
    return x if dt.kind == "f" else x.to(B.get_default_dtype())


def c2c(x, s, dim, norm, inverse, default_last=0):
    axes, sizes = _axes(x, s, dim, default_last)
    return FFTC2C.apply(_complex_input(x), sizes=sizes, axes=axes, norm=_norm(norm), inverse=inverse)


def r2c(name, x, s, dim, norm, default_last=0):
    x = _real_input(name, x)
    axes, sizes = _axes(x, s, dim, default_last)
    return FFTR2C.apply(x, sizes=sizes, axes=axes, norm=_norm(norm))


def c2r(x, s, dim, norm, default_last=0):
    """The inverse of r2c; without ``s`` the last axis gives 2 * (m - 1) points."""
    x = _complex_input(x)
    axes, sizes = _axes(x, s, dim, default_last)
    if s is None:
        sizes[-1] = 2 * (x._data.shape[axes[-1]] - 1)
        if sizes[-1] < 1:
            raise RuntimeError(f"Invalid number of data points ({sizes[-1]}) specified")
    return FFTC2R.apply(x, sizes=sizes, axes=axes, norm=_norm(norm))


def opposite(norm):
    """The normalisation of the Hermitian transforms' inner real transform."""
    return _OPPOSITE[_norm(norm)]


class FFTShift(Op):
    def forward(ctx, x, axes, inverse):
        ctx.axes, ctx.inverse = axes, inverse
        fft = xp_of(x).fft
        return (fft.ifftshift if inverse else fft.fftshift)(x, axes)

    def backward(ctx, g):
        fft = xp_of(g).fft
        return (fft.fftshift if ctx.inverse else fft.ifftshift)(g, ctx.axes)

"""Short-time Fourier transforms (``torch.stft``/``torch.istft``), composed of indexing, products and
``ember.fft`` transforms, which gives them their gradients.

Frames are gathered with one index array that also carries the centring padding (reflect,
replicate, circular or constant); the inverse adds the windowed frames back together and divides
by the summed squared window, as PyTorch does.
"""
import warnings

import numpy as np

from .._tensor import Tensor
from .complex_ops import view_as_complex, view_as_real
from .creation import ones, zeros
from .fft_ops import c2c, c2r, r2c
from .join import cat

_wrap = Tensor._wrap


def _padded_window(window, n_fft, win_length, dtype, what):
    if window is None:
        warnings.warn(f"A window was not provided. A rectangular window will be applied. {what}",
                      UserWarning, stacklevel=3)
        window = ones(win_length, dtype=dtype)
    if window._data.shape != (win_length,):
        raise RuntimeError(f"stft: expected a 1D window tensor of size equal to win_length={win_length}, but got "
                           f"window with size {list(window.shape)}")
    if win_length == n_fft:
        return window
    left, dt = (n_fft - win_length) // 2, window.dtype
    return cat([zeros(left, dtype=dt), window, zeros(n_fft - left - win_length, dtype=dt)])


def _source_positions(length, pad, mode):
    """For each position of the signal padded by ``pad`` on both sides, the position it reads (-1: a zero)."""
    p = np.arange(-pad, length + pad)
    if mode == "reflect":
        if pad >= length:
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({pad}, {pad}) at dimension 1 of input [{length}]")
        return np.abs(np.where(p >= length, 2 * (length - 1) - p, p))
    if mode == "replicate":
        return np.clip(p, 0, length - 1)
    if mode == "circular":
        return p % length
    if mode == "constant":
        return np.where((p < 0) | (p >= length), -1, p)
    raise RuntimeError(f"stft: unsupported pad_mode '{mode}'")


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, pad_mode="reflect",
         normalized=False, onesided=None, return_complex=None):
    """The short-time Fourier transform of a 1-D signal or a batch of them: one column of frequencies per
    frame of ``n_fft`` samples every ``hop_length``. Real input needs ``return_complex`` given, as in PyTorch."""
    complex_input = input._data.dtype.kind == "c"
    if return_complex is None and not (complex_input or (window is not None and window.is_complex())):
        raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will further "
                           "require that return_complex=True in a future PyTorch release.")
    if input._data.ndim not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {input._data.ndim}D")
    hop = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    if not 0 < win_length <= n_fft:
        raise RuntimeError(f"stft: expected 0 < win_length <= n_fft, but got win_length={win_length}")
    if hop <= 0:
        raise RuntimeError(f"stft: expected hop_length > 0, but got hop_length={hop}")
    length = input._data.shape[-1]
    pad = n_fft // 2 if center else 0
    positions = _source_positions(length, pad, pad_mode)
    if len(positions) < n_fft:
        raise RuntimeError(f"stft: expected 0 < n_fft < {len(positions) + 1}, but got n_fft={n_fft}")
    frames_start = np.arange(0, len(positions) - n_fft + 1, hop)
    index = positions[frames_start[:, None] + np.arange(n_fft)]
    frames = input[..., np.where(index < 0, 0, index)]
    if (index < 0).any():
        frames = frames * _wrap((index >= 0).astype(input.dtype.to_real().np))
    w = _padded_window(window, n_fft, win_length, input.dtype.to_real() if complex_input else input.dtype,
                       "Other windows such as torch.hann_window or torch.hamming_window are recommended to reduce "
                       "spectral leakage.")
    frames = frames * w
    norm = "ortho" if normalized else "backward"
    one = (not complex_input and not w.is_complex()) if onesided is None else onesided
    spec = (r2c("stft", frames, None, -1, norm) if one else c2c(frames, None, -1, norm, inverse=False)).mT
    if return_complex is False:
        warnings.warn("stft with return_complex=False is deprecated: call torch.view_as_real on the complex output "
                      "instead.", UserWarning, stacklevel=2)
        return view_as_real(spec)
    return spec


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True, normalized=False,
          onesided=None, length=None, return_complex=False):
    """The inverse of :func:`ember.stft`: the signal rebuilt from its frames by overlap-add (trimmed to
    ``length`` when given)."""
    if input._data.dtype.kind != "c":
        if input._data.shape[-1:] != (2,):
            raise RuntimeError("istft requires a complex-valued input tensor")
        input = view_as_complex(input)
    hop = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    n_frames = input._data.shape[-1]
    one = input._data.shape[-2] != n_fft if onesided is None else onesided
    norm = "ortho" if normalized else "backward"
    frames = input.mT
    if one and not return_complex:
        frames = c2r(frames, [n_fft], -1, norm)
    else:  # a two-sided spectrum; a real result (return_complex=False) takes it as conjugate-symmetric
        frames = c2c(frames, None, -1, norm, True)
        frames = frames if return_complex else frames.real
    w = _padded_window(window, n_fft, win_length, frames.dtype.to_real(),
                       "Please provide the same window used by stft to make the inversion lossless.")
    frames = frames * w
    total = n_fft + hop * (n_frames - 1)
    index = (np.arange(n_frames)[:, None] * hop + np.arange(n_fft)).reshape(-1)
    batch = frames.shape[:-2]
    signal = zeros(*batch, total, dtype=frames.dtype).index_add(-1, _wrap(index), frames.reshape(*batch, -1))
    squares = (w * w).expand(n_frames, n_fft).reshape(-1)
    envelope = zeros(total, dtype=w.dtype).index_add(0, _wrap(index), squares)  # a function of the window too
    start = n_fft // 2 if center else 0
    end = total - (n_fft // 2 if center else 0) if length is None else start + length
    kept = envelope[start:min(end, total)]
    if kept._data.size and np.abs(kept._data).min() < 1e-11:
        raise RuntimeError("istft: window overlap add min: 0 (the window's squares must not sum to zero anywhere)")
    y = signal[..., start:min(end, total)] / kept
    if end > total:  # a requested length beyond the frames: zeros, as PyTorch pads
        y = cat([y, zeros(*batch, end - total, dtype=y.dtype)], -1)
    return y


FUNCTIONS = dict(stft=stft, istft=istft)
TENSOR_METHODS = dict(FUNCTIONS)

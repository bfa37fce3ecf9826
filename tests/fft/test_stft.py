"""torch.stft / torch.istft against PyTorch: framing, padding modes, windows, normalisation, one- and
two-sided spectra, the inverse's lengths, and gradients through both."""
import numpy as np
import pytest
from diff import check, gradcheck64

torch = pytest.importorskip("torch")

HANN = (np.hanning(14)[1:-1]).astype(np.float32)  # a periodic-free Hann window of 12 points, nonzero everywhere


def vr(m, z):
    return m.view_as_real(z)


@pytest.mark.parametrize("kw", [dict(), dict(hop_length=5), dict(center=False), dict(pad_mode="constant"),
                                dict(pad_mode="replicate"), dict(pad_mode="circular"), dict(normalized=True),
                                dict(onesided=False)])
@pytest.mark.parametrize("shape", [(50,), (2, 40)])
def test_stft(kw, shape):
    check(lambda m, x: vr(m, m.stft(x, 16, return_complex=True, window=m.ones(16), **kw)), [shape], atol=1e-5)


def test_stft_windows_and_formats():
    check(lambda m, x, w: vr(m, m.stft(x, 16, hop_length=4, win_length=12, window=w, return_complex=True)),
          [(2, 40), HANN], atol=1e-5)
    check(lambda m, x: m.stft(x, 16, window=m.ones(16), return_complex=False), [(30,)], atol=1e-5)
    check(lambda m, x: vr(m, m.stft(m.view_as_complex(x), 8, window=m.ones(8), return_complex=True)), [(30, 2)],
          atol=1e-5)
    check(lambda m, x: m.stft(x, 16), [(30,)], grad=False)  # return_complex must be given for real input
    check(lambda m, x: m.stft(x, 64, window=m.ones(64), return_complex=True), [(20,)], grad=False)


@pytest.mark.parametrize("kw", [dict(), dict(length=45), dict(length=70), dict(center=False), dict(normalized=True)])
def test_istft(kw):
    def fn(m, x, w):
        spec = m.stft(x, 16, hop_length=4, window=w, return_complex=True, normalized=kw.get("normalized", False),
                      center=kw.get("center", True))
        return m.istft(spec, 16, hop_length=4, window=w, **kw)
    window = np.hanning(18)[1:-1].astype(np.float32)
    check(fn, [(2, 50), window], atol=1e-5, grad_atol=1e-3)  # the window's true gradient is 0: float32 noise


def test_istft_two_sided_and_errors():
    check(lambda m, x: m.istft(m.stft(x, 8, window=m.ones(8), return_complex=True, onesided=False), 8,
                               window=m.ones(8), onesided=False), [(30,)], atol=1e-5)
    check(lambda m, x: m.istft(x, 8), [(5, 3)], grad=False)


@pytest.mark.parametrize("fn", [
    lambda m, x: m.view_as_real(m.stft(x, 8, hop_length=3, window=m.ones(8), return_complex=True)),
    lambda m, x: m.stft(x, 8, window=m.ones(8) * 0.5, return_complex=True, pad_mode="reflect").abs(),
    lambda m, x: m.istft(m.stft(x, 8, hop_length=2, window=m.ones(8), return_complex=True), 8, hop_length=2,
                         window=m.ones(8)),
])
def test_gradcheck(fn):
    gradcheck64(fn, [(20,)])

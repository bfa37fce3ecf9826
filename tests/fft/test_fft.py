"""ember.fft against torch.fft: values, dtypes, shapes and gradients of real -> complex -> real chains.

Complex results are compared through view_as_real (a real view whose gradient flows back through
the transform), and complex inputs are built from real ones with view_as_complex, so the whole
chain, its dtypes and its gradients are checked by the shared differential helper."""
import pytest
from diff import check, gradcheck64

torch = pytest.importorskip("torch")

NORMS = [None, "backward", "ortho", "forward"]


def vr(m, z):
    """A complex result as a real tensor (PyTorch may hand back a lazily conjugated one)."""
    return m.view_as_real(z.resolve_conj()) if z.is_complex() else z


def cplx(m, a):
    return m.view_as_complex(a)


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("name,kw", [("fft", {}), ("fft", {"n": 5}), ("fft", {"n": 9, "dim": 0}),
                                     ("ifft", {}), ("ifft", {"n": 4, "dim": -2})])
def test_c2c_1d(name, kw, norm):
    check(lambda m, x: vr(m, getattr(m.fft, name)(x, norm=norm, **kw)), [(6, 7)], atol=1e-5)
    check(lambda m, a: vr(m, getattr(m.fft, name)(cplx(m, a), norm=norm, **kw)), [(6, 7, 2)], atol=1e-5)


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("name,kw", [("fft2", {}), ("ifft2", {}), ("fft2", {"s": (3, 8)}), ("fftn", {}),
                                     ("ifftn", {"dim": (0, 2)}), ("fftn", {"s": (4, 4)}),
                                     ("ifftn", {"s": (2, 3, 9), "dim": (2, 0, 1)})])
def test_c2c_nd(name, kw, norm):
    check(lambda m, x: vr(m, getattr(m.fft, name)(x, norm=norm, **kw)), [(3, 5, 6)], atol=1e-5)
    check(lambda m, a: vr(m, getattr(m.fft, name)(cplx(m, a), norm=norm, **kw)), [(3, 5, 6, 2)], atol=1e-5)


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("name,kw,shape", [
    ("rfft", {}, (4, 8)), ("rfft", {}, (4, 7)), ("rfft", {"n": 5}, (3, 8)), ("rfft", {"n": 12, "dim": 0}, (6, 3)),
    ("rfft2", {}, (3, 6, 5)), ("rfftn", {}, (4, 6)), ("rfftn", {"s": (3, 7), "dim": (0, 2)}, (4, 5, 6)),
    ("ihfft", {}, (4, 7)), ("ihfft", {"n": 6}, (2, 9)), ("ihfft2", {}, (3, 4, 6)), ("ihfftn", {}, (4, 5)),
])
def test_real_to_complex(name, kw, shape, norm):
    check(lambda m, x: vr(m, getattr(m.fft, name)(x, norm=norm, **kw)), [shape], atol=1e-5)


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("name,kw,shape", [
    ("irfft", {}, (4, 5, 2)), ("irfft", {"n": 7}, (3, 5, 2)), ("irfft", {"n": 4}, (3, 6, 2)),
    ("irfft", {"n": 10, "dim": 0}, (4, 3, 2)), ("irfft2", {}, (3, 4, 5, 2)), ("irfftn", {"s": (5, 6)}, (4, 4, 2)),
    ("irfftn", {}, (3, 4, 5, 2)), ("hfft", {}, (4, 5, 2)), ("hfft", {"n": 9}, (2, 5, 2)), ("hfft2", {}, (3, 4, 2)),
    ("hfftn", {"s": (4, 7)}, (3, 4, 2)),
])
def test_complex_to_real(name, kw, shape, norm):
    check(lambda m, a: getattr(m.fft, name)(cplx(m, a), norm=norm, **kw), [shape], atol=1e-5)


def test_round_trips_and_chains():
    check(lambda m, x: m.fft.irfft(m.fft.rfft(x), n=x.shape[-1]), [(3, 7)], atol=1e-5)
    check(lambda m, x: m.fft.ifft(m.fft.fft(x)).real, [(3, 8)], atol=1e-5)
    check(lambda m, x: m.fft.rfft(x).abs(), [(2, 16)], atol=1e-4)
    check(lambda m, x: m.fft.fft2(x).angle(), [(4, 5)], atol=1e-4, grad_atol=1e-3)
    check(lambda m, x: (m.fft.rfft(x).abs() ** 2).sum(-1), [(3, 10)], rtol=1e-4)
    check(lambda m, x: m.fft.fftn(x).imag, [(2, 3, 4)], atol=1e-5)


@pytest.mark.parametrize("dtype", ["float64", "int64", "bool"])
def test_dtypes(dtype):
    check(lambda m, x: vr(m, m.fft.fft(x)), [(3, 4)], dtype=dtype, atol=1e-6)
    check(lambda m, x: vr(m, m.fft.rfft2(x)), [(3, 4)], dtype=dtype, atol=1e-6)
    check(lambda m, x: m.fft.irfft(m.fft.rfft(x)), [(3, 4)], dtype=dtype, atol=1e-6)


def test_errors():
    check(lambda m, x: m.fft.fft(x, n=0), [(4,)], grad=False)
    check(lambda m, x: m.fft.fft(x, dim=2), [(4, 3)], grad=False)
    check(lambda m, x: m.fft.fft(x, norm="bogus"), [(4,)], grad=False)
    check(lambda m, x: m.fft.fftn(x, s=(2, 3), dim=(0,)), [(4, 3)], grad=False)
    check(lambda m, x: m.fft.fftn(x, dim=(0, 0)), [(4, 3)], grad=False)
    check(lambda m, a: m.fft.rfft(cplx(m, a)), [(4, 2)], grad=False)
    check(lambda m, x: m.fft.irfft(x[:1]), [(4,)], grad=False)
    check(lambda m, x: m.fft.fft(x.half()), [(4,)], grad=False)


@pytest.mark.parametrize("args", [(8,), (7, 0.5), (1,), (10, 2.0)])
def test_frequencies(args):
    check(lambda m: m.fft.fftfreq(*args), [], grad=False)
    check(lambda m: m.fft.rfftfreq(*args), [], grad=False)
    check(lambda m: m.fft.fftfreq(*args, dtype=m.float64), [], grad=False)
    check(lambda m: m.fft.rfftfreq(*args, requires_grad=True).requires_grad, [], grad=False)


@pytest.mark.parametrize("dim", [None, 0, -1, (0, 1)])
def test_shifts(dim):
    check(lambda m, x: m.fft.fftshift(x, dim), [(5, 4)])
    check(lambda m, x: m.fft.ifftshift(x, dim), [(5, 4)])
    check(lambda m, a: vr(m, m.fft.fftshift(cplx(m, a), dim)), [(3, 5, 2)])


@pytest.mark.parametrize("fn,shape", [
    (lambda m, x: m.view_as_real(m.fft.fft(x, n=6, norm="ortho")), (3, 5)),
    (lambda m, x: m.view_as_real(m.fft.ifft2(x, s=(2, 7))), (3, 5)),
    (lambda m, x: m.view_as_real(m.fft.rfft(x, n=9)), (2, 7)),
    (lambda m, x: m.view_as_real(m.fft.rfftn(x, norm="forward")), (4, 6)),
    (lambda m, a: m.fft.irfft(m.view_as_complex(a), n=8), (3, 5, 2)),
    (lambda m, a: m.fft.irfftn(m.view_as_complex(a), s=(3, 7)), (4, 4, 2)),
    (lambda m, a: m.fft.hfft(m.view_as_complex(a), norm="ortho"), (5, 2)),
    (lambda m, x: m.view_as_real(m.fft.ihfft(x)), (6,)),
    (lambda m, x: m.fft.rfft(x).abs(), (9,)),
    (lambda m, x: m.fft.fft(x).angle(), (5,)),
])
def test_gradcheck(fn, shape):
    gradcheck64(fn, [shape])

"""Distances, shuffles, fold/unfold, instance/RMS/local-response norm, LP pooling and max unpooling against
PyTorch: values and gradients through the functional forms and the modules, gradcheck in float64, reprs."""
import numpy as np
import pytest
from diff import check, rand, torch

import ember

FUNCTIONAL = {
    "pairwise_distance": (lambda F, a, b: F.pairwise_distance(a, b), [(5, 4), (5, 4)]),
    "pairwise_distance_p1_keepdim": (lambda F, a, b: F.pairwise_distance(a, b, 1.0, 1e-3, True), [(5, 4), (1, 4)]),
    "cosine_similarity": (lambda F, a, b: F.cosine_similarity(a, b), [(5, 4), (5, 4)]),
    "cosine_similarity_dim0": (lambda F, a, b: F.cosine_similarity(a, b, 0), [(5, 4, 2), (5, 1, 2)]),
    "pdist": (lambda F, a: F.pdist(a), [(6, 3)]),
    "pdist_p1": (lambda F, a: F.pdist(a, 1.0), [(5, 3)]),
    "pixel_shuffle": (lambda F, a: F.pixel_shuffle(a, 2), [(2, 8, 3, 3)]),
    "pixel_unshuffle": (lambda F, a: F.pixel_unshuffle(a, 2), [(2, 3, 4, 6)]),
    "pixel_shuffle_nobatch": (lambda F, a: F.pixel_shuffle(a, 3), [(9, 2, 2)]),
    "channel_shuffle": (lambda F, a: F.channel_shuffle(a, 3), [(2, 6, 2, 2)]),
    "unfold": (lambda F, a: F.unfold(a, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), [(2, 3, 6, 7)]),
    "unfold_nobatch": (lambda F, a: F.unfold(a, 2), [(3, 4, 4)]),
    "fold": (lambda F, a: F.fold(a, (5, 6), (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)), [(2, 12, 15)]),
    "fold_nobatch": (lambda F, a: F.fold(a, 4, 2), [(8, 9)]),
    "instance_norm": (lambda F, a: F.instance_norm(a), [(3, 4, 5, 5)]),
    "instance_norm_affine": (lambda F, a, w, b: F.instance_norm(a, weight=w, bias=b), [(3, 4, 7), (4,), (4,)]),
    "rms_norm": (lambda F, a, w: F.rms_norm(a, (4,), w), [(3, 5, 4), (4,)]),
    "rms_norm_eps_2d": (lambda F, a: F.rms_norm(a, (5, 4), eps=1e-3), [(3, 5, 4)]),
    "local_response_norm": (lambda F, a: F.local_response_norm(a, 3), [(2, 6, 4, 4)]),
    "local_response_norm_even_3d": (lambda F, a: F.local_response_norm(a, 4, 0.1, 0.5, 2.0), [(2, 5, 7)]),
    "lp_pool1d": (lambda F, a: F.lp_pool1d(a, 2, 3, 2), [(2, 3, 9)]),
    "lp_pool2d": (lambda F, a: F.lp_pool2d(a, 3, (2, 2)), [(2, 3, 6, 6)]),
}


@pytest.mark.parametrize("name", list(FUNCTIONAL))
def test_functional_matches_torch(name):
    fn, shapes = FUNCTIONAL[name]
    inputs = [rand(s, positive=name.startswith("lp_pool")) for s in shapes]
    check(lambda m, *xs: fn(m.nn.functional, *xs), inputs)


@pytest.mark.parametrize("name", [n for n in FUNCTIONAL if not n.startswith("pdist")])
def test_gradcheck(name):
    fn, shapes = FUNCTIONAL[name]
    ts = [ember.tensor(rand(s, "float64", positive=name.startswith("lp_pool")), requires_grad=True) for s in shapes]
    assert ember.autograd.gradcheck(lambda *xs: fn(ember.nn.functional, *xs), ts)


def test_pdist_gradcheck_and_errors():
    x = ember.tensor(rand((5, 3), "float64"), requires_grad=True)
    assert ember.autograd.gradcheck(ember.nn.functional.pdist, (x,))
    with pytest.raises(RuntimeError, match="pdist only supports 2D tensors"):
        ember.nn.functional.pdist(ember.randn(2, 3, 4))
    with pytest.raises(RuntimeError, match="divisible by the square of upscale_factor"):
        ember.nn.functional.pixel_shuffle(ember.randn(1, 3, 2, 2), 2)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_max_unpool(dims):
    shape = (2, 3) + (6,) * dims
    x = rand(shape)
    results = []
    for m in (ember, torch):
        pool = getattr(m.nn.functional, f"max_pool{dims}d") if dims < 3 else None
        if pool is None:  # 3-D pooling: take torch's indices for both
            t_out, idx = torch.nn.functional.max_pool3d(torch.tensor(x), 2, return_indices=True)
            out, ind = m.tensor(t_out.numpy(), requires_grad=True), m.tensor(idx.numpy())
        else:
            out, ind = pool(m.tensor(x), 2, return_indices=True)
            out = out.detach().requires_grad_(True)
        un = getattr(m.nn.functional, f"max_unpool{dims}d")(out, ind, 2)
        (un * m.tensor(np.arange(un.numel()).reshape(tuple(un.shape)).astype("float32"))).sum().backward()
        results.append((un.detach().numpy(), out.grad.numpy()))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b)


def test_instance_norm_running_stats():
    results = []
    data = rand((3, 4, 5, 5))
    for m in (ember, torch):
        layer = m.nn.InstanceNorm2d(4, affine=True, track_running_stats=True)
        x = m.tensor(data)
        y1 = layer(x)
        layer.eval()
        y2 = layer(x)
        results.append([y1.detach().numpy(), y2.detach().numpy(), layer.running_mean.numpy(),
                        layer.running_var.numpy()])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


MODULES = [
    lambda m: m.nn.PairwiseDistance(p=1.0), lambda m: m.nn.CosineSimilarity(dim=0), lambda m: m.nn.PixelShuffle(2),
    lambda m: m.nn.PixelUnshuffle(2), lambda m: m.nn.ChannelShuffle(2), lambda m: m.nn.Unfold(3, padding=1),
    lambda m: m.nn.Fold((4, 5), 2), lambda m: m.nn.InstanceNorm1d(3), lambda m: m.nn.InstanceNorm2d(3, affine=True),
    lambda m: m.nn.InstanceNorm3d(3, track_running_stats=True), lambda m: m.nn.LocalResponseNorm(2),
    lambda m: m.nn.RMSNorm([3, 4]), lambda m: m.nn.RMSNorm(4, eps=1e-5, elementwise_affine=False),
    lambda m: m.nn.LPPool1d(2, 3), lambda m: m.nn.LPPool2d(1.5, 2, stride=1), lambda m: m.nn.MaxUnpool1d(2),
    lambda m: m.nn.MaxUnpool2d(3, stride=2, padding=1), lambda m: m.nn.MaxUnpool3d((2, 1, 2)),
]


@pytest.mark.parametrize("make", MODULES)
def test_module_repr_and_state(make):
    e, t = make(ember), make(torch)
    assert repr(e) == repr(t)
    assert [(k, tuple(v.shape)) for k, v in e.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in t.state_dict().items()]


@pytest.mark.parametrize("make, shape", [(MODULES[8], (2, 3, 4, 4)), (MODULES[9], (3, 5, 4, 4)),
                                         (MODULES[7], (3, 6)), (MODULES[11], (2, 3, 4)), (MODULES[14], (2, 3, 5, 5)),
                                         (MODULES[10], (2, 3, 4))])
def test_module_forward(make, shape):
    e, t = make(ember), make(torch)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    x = rand(shape, positive=True)
    np.testing.assert_allclose(e(ember.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name, padding, shape", [
    ("ConstantPad3d", (1, 2, 0, 1, 2, 0), (2, 3, 3, 4, 4)), ("ZeroPad3d", 1, (1, 2, 3, 3)),
    ("ReflectionPad3d", (1, 0, 2, 1, 1, 1), (1, 2, 3, 4, 4)), ("ReplicationPad3d", 2, (2, 3, 3, 3)),
    ("CircularPad1d", (2, 1), (2, 3, 4)), ("CircularPad2d", 1, (1, 2, 3, 3)), ("CircularPad3d", (1, 1, 0, 2, 1, 0),
                                                                                (1, 2, 3, 3, 3))])
def test_padding_modules(name, padding, shape):
    args = (padding, 0.5) if name == "ConstantPad3d" else (padding,)
    e, t = getattr(ember.nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(e) == repr(t)
    check(lambda m, x: (e if m is ember else t)(x), [rand(shape)])


def test_alpha_dropout_and_nllloss2d():
    F = ember.nn.functional
    x = ember.randn(4000, 8)
    y = F.alpha_dropout(x, 0.3, training=True)
    assert abs(y.mean().item()) < 0.05 and abs(y.std().item() - 1) < 0.05  # SELU's fixed point kept
    assert ember.equal(F.alpha_dropout(x, 0.3), x)  # training=False by default, as in PyTorch
    z = F.feature_alpha_dropout(ember.randn(500, 6, 4), 0.5, training=True).numpy()
    a = (0.5 * (1 + 0.5 * 1.7580993408473766 ** 2)) ** -0.5
    dropped = np.isclose(z, a * -1.7580993408473766 * 0.5)  # where a dropped value lands: a * alpha' + b
    assert np.all(dropped.all(2) | ~dropped.any(2))  # whole channels dropped or kept
    assert 0.4 < dropped.all(2).mean() < 0.6
    for m in (ember, torch):
        assert repr(m.nn.AlphaDropout(0.2)) == "AlphaDropout(p=0.2, inplace=False)"
        with pytest.warns(FutureWarning, match="NLLLoss2d"):
            m.nn.NLLLoss2d()


@pytest.mark.parametrize("kw", [{"kernel_size": 2, "output_size": 4}, {"kernel_size": (3, 2), "output_size": (5, 3)},
                                {"kernel_size": 2, "output_ratio": (0.5, 0.4)}])
def test_fractional_max_pool2d_with_the_same_samples(kw):
    samples = rand((2, 3, 2), low=0, high=1)
    check(lambda m, x, s: m.nn.functional.fractional_max_pool2d(x, return_indices=True, _random_samples=s, **kw),
          [rand((2, 3, 9, 8)), samples], grad=False)
    check(lambda m, x: m.nn.functional.fractional_max_pool2d(x, _random_samples=m.tensor(samples), **kw),
          [rand((2, 3, 9, 8))])
    e = ember.nn.FractionalMaxPool2d(2, output_ratio=0.5)
    assert tuple(e(ember.randn(1, 2, 8, 10)).shape) == (1, 2, 4, 5)


@pytest.mark.parametrize("kw", [{"kernel_size": 2, "output_size": 3},
                                {"kernel_size": (2, 3, 2), "output_size": (3, 2, 4)},
                                {"kernel_size": 2, "output_ratio": (0.5, 0.6, 0.7)}])
def test_fractional_max_pool3d_with_the_same_samples(kw):
    samples = rand((2, 3, 3), low=0, high=1)
    check(lambda m, x, s: m.nn.functional.fractional_max_pool3d(x, return_indices=True, _random_samples=s, **kw),
          [rand((2, 3, 6, 7, 8)), samples], grad=False)
    check(lambda m, x: m.nn.functional.fractional_max_pool3d(x, _random_samples=m.tensor(samples), **kw),
          [rand((2, 3, 6, 7, 8))])
    e, t = ember.nn.FractionalMaxPool3d(2, output_ratio=0.5), torch.nn.FractionalMaxPool3d(2, output_ratio=0.5)
    assert repr(e) == repr(t) and tuple(e(ember.randn(1, 2, 8, 10, 6)).shape) == (1, 2, 4, 5, 3)

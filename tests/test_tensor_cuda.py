"""Tensors on a GPU (CuPy): creation, printing, conversion and random draws.
Runs where ``ember.cuda.is_available()``; the CPU-only errors are tested in test_tensor.py."""
import numpy as np
import pytest

import ember

pytestmark = pytest.mark.skipif(not ember.cuda.is_available(), reason="needs a CUDA device and CuPy")


def test_creation_on_the_device():
    for t in (ember.zeros(2, 3, device="cuda"), ember.ones(2, device="cuda:0", dtype=ember.int64),
              ember.full((2,), 1.5, device="cuda"), ember.eye(3, device="cuda"), ember.empty(4, device="cuda"),
              ember.tensor([1.0, 2.0], device="cuda"), ember.Tensor(2, 3, device="cuda"),
              ember.rand(3, device="cuda"), ember.randn(2, 2, device="cuda"), ember.randint(5, (3,), device="cuda"),
              ember.arange(5, device="cuda"), ember.linspace(0, 1, 4, device="cuda")):
        assert t.device == "cuda:0" and t.is_cuda and not t.is_cpu
    assert ember.zeros(2, device="cuda").tolist() == [0.0, 0.0]
    like = ember.zeros_like(ember.ones(3, device="cuda"))
    assert like.device == "cuda:0" and like.tolist() == [0.0, 0.0, 0.0]
    assert ember.ones(3, device="cuda").new_full((2,), 4).tolist() == [4.0, 4.0]
    assert ember.rand_like(ember.ones(3, device="cuda")).device == "cuda:0"


def test_printing_shows_the_device():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("torch without CUDA here")
    for a in (np.array([1.5, 2.0], np.float32), np.arange(6).reshape(2, 3), np.zeros((0, 3), np.float32),
              np.array(3.5), np.random.default_rng(0).standard_normal((40, 50)).astype(np.float32)):
        assert repr(ember.tensor(a, device="cuda")) == repr(torch.tensor(a, device="cuda"))
    e = ember.tensor([1.0], device="cuda", requires_grad=True)
    t = torch.tensor([1.0], device="cuda", requires_grad=True)
    assert repr(e) == repr(t)


def test_conversions_between_devices():
    x = ember.tensor([1.5, 2.5])
    g = x.cuda()
    assert g.device == "cuda:0" and g.tolist() == [1.5, 2.5] and g.cuda() is g
    assert g.cpu().device == "cpu" and g.to("cpu").tolist() == [1.5, 2.5]
    assert x.to("cuda", ember.float64).dtype is ember.float64
    assert x.to(g).device == "cuda:0"
    d = x.type(ember.cuda.DoubleTensor)
    assert d.device == "cuda:0" and d.dtype is ember.float64 and d.type() == "torch.cuda.DoubleTensor"
    assert x.type("torch.cuda.LongTensor").tolist() == [1, 2]
    assert isinstance(g, ember.cuda.FloatTensor) and not isinstance(g, ember.FloatTensor)
    assert isinstance(ember.cuda.LongTensor([1, 2]), ember.cuda.LongTensor)
    assert float(ember.tensor([2.5], device="cuda")) == 2.5 and ember.tensor(3, device="cuda").item() == 3
    assert f"{ember.tensor(0.5, device='cuda'):.2f}" == "0.50"
    with pytest.raises(TypeError, match="Use Tensor.cpu"):
        g.numpy()
    assert np.asarray(g).tolist() == [1.5, 2.5]


def test_gradient_crosses_devices():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.cuda()
    assert y.grad_fn.name() == "ToCopyBackward0"
    y.cpu().backward(ember.tensor([3.0, 4.0]))
    assert x.grad.device == "cpu" and x.grad.tolist() == [3.0, 4.0]


def test_random_draws_match_the_cpu_stream():
    ember.manual_seed(0)
    a = ember.rand(5).tolist()
    ember.manual_seed(0)
    assert ember.rand(5, device="cuda").tolist() == a
    w = ember.tensor([0.0, 1.0, 3.0], device="cuda")
    assert set(ember.multinomial(w, 2).tolist()) == {1, 2}
    assert ember.multinomial(w, 2).device == "cuda:0"
    assert ember.bernoulli(ember.ones(4, device="cuda")).tolist() == [1.0] * 4
    n = ember.normal(ember.zeros(3, device="cuda"), 1.0)
    assert n.device == "cuda:0" and n.shape == (3,)
    t = ember.zeros(1000, device="cuda").uniform_(2, 3)
    assert t.device == "cuda:0" and 2 <= min(t.tolist()) and max(t.tolist()) < 3

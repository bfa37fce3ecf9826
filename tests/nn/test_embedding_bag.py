"""EmbeddingBag against PyTorch: every mode, 2-D and offset inputs, padding_idx, per-sample weights,
include_last_offset, empty bags; gradients of the weight and of the per-sample weights."""
import numpy as np
import pytest
from diff import rand, torch

import ember

ROWS, DIM = 10, 3
rng = np.random.default_rng(3)


def compare(kwargs, input, offsets=None, psw=None):
    w = rand((ROWS, DIM))
    results = []
    for m in (ember, torch):
        weight = m.tensor(w, requires_grad=True)
        ps = None if psw is None else m.tensor(psw, requires_grad=True)
        off = None if offsets is None else m.tensor(offsets)
        out = m.nn.functional.embedding_bag(m.tensor(input), weight, off, per_sample_weights=ps, **kwargs)
        (out * m.tensor(np.arange(out.numel(), dtype="float32").reshape(tuple(out.shape)))).sum().backward()
        results.append([out.detach().numpy(), weight.grad.numpy()] + ([] if psw is None else [ps.grad.numpy()]))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 2])
def test_2d_input(mode, padding_idx):
    idx = rng.integers(0, ROWS, (4, 5))
    idx[1, :] = 2  # a bag of nothing but padding
    compare(dict(mode=mode, padding_idx=padding_idx), idx)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("include_last_offset", [False, True])
def test_offsets(mode, include_last_offset):
    idx = rng.integers(0, ROWS, 12)
    offsets = np.array([0, 3, 3, 7, 12] if include_last_offset else [0, 3, 3, 7, 11])  # an empty bag
    compare(dict(mode=mode, include_last_offset=include_last_offset, padding_idx=4), idx, offsets)


def test_per_sample_weights_and_module():
    idx = rng.integers(0, ROWS, 9)
    compare(dict(mode="sum"), idx, np.array([0, 4, 6]), rand((9,)))
    e = ember.nn.EmbeddingBag(ROWS, DIM, mode="max", padding_idx=1)
    t = torch.nn.EmbeddingBag(ROWS, DIM, mode="max", padding_idx=1)
    assert repr(e) == repr(t) and list(e.state_dict()) == list(t.state_dict())
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    x = rng.integers(0, ROWS, (3, 4))
    np.testing.assert_allclose(e(ember.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy())
    with pytest.raises(NotImplementedError, match="per_sample_weights"):
        ember.nn.functional.embedding_bag(ember.tensor(idx), e.weight, ember.tensor([0, 4]), mode="mean",
                                          per_sample_weights=ember.ones(9))
    with pytest.raises(ValueError, match="offsets has to be None"):
        ember.nn.functional.embedding_bag(ember.tensor(x), e.weight, ember.tensor([0, 1]))

"""Embedding against torch: lookups of any index shape, padding_idx, max_norm, scale_grad_by_freq, errors, layer."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand, torch

import ember


def F_(m):
    return m.nn.functional


@pytest.mark.parametrize("indices", [np.array([1, 4, 1, 0]), np.array([[0, 2], [2, 2], [4, 1]]), np.array(3),
                                     np.zeros((0,), np.int64), np.array([[1, 2]], np.int32)])
@pytest.mark.parametrize("padding_idx", [None, 2, -1])
def test_embedding(indices, padding_idx):
    out = check(lambda m, w, i: F_(m).embedding(i, w, padding_idx=padding_idx), [(5, 3), indices])
    if indices.size:
        assert out.grad_fn.name() == "EmbeddingBackward0"


def test_embedding_scale_grad_by_freq_and_max_norm():
    idx = np.array([[1, 3, 1], [1, 0, 3]])
    check(lambda m, w, i: F_(m).embedding(i, w, scale_grad_by_freq=True, padding_idx=0), [(4, 3), idx])

    def renormed(m, w, i):
        w = w.detach().clone()  # max_norm rescales the weight in place
        return F_(m).embedding(i, w, max_norm=1.5, norm_type=1.0), w

    check(renormed, [rand((5, 3)) * 3, idx], grad=False)


def test_embedding_errors():
    for m in (torch, ember):
        with pytest.raises(IndexError, match="index out of range in self"):
            F_(m).embedding(m.tensor([1, 5]), m.randn(5, 3))
        with pytest.raises(IndexError, match="index out of range in self"):
            F_(m).embedding(m.tensor([1, -1]), m.randn(5, 3))
        with pytest.raises(RuntimeError, match="Expected tensor for argument #1 'indices' to have one of the following "
                                               "scalar types: Long, Int; but got torch.FloatTensor instead"):
            F_(m).embedding(m.tensor([1.0, 2.0]), m.randn(5, 3))
        with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
            m.nn.Embedding(5, 3, padding_idx=-7)
        with pytest.raises(AssertionError, match="Shape of weight does not match num_embeddings and embedding_dim"):
            m.nn.Embedding(3, 2, _weight=m.randn(3, 3))


@pytest.mark.parametrize("kwargs", [{}, dict(padding_idx=0), dict(padding_idx=-2, max_norm=1.0),
                                    dict(norm_type=1.0, scale_grad_by_freq=True), dict(sparse=True)])
def test_embedding_layer(kwargs):
    e_layer, t_layer = ember.nn.Embedding(6, 4, **kwargs), torch.nn.Embedding(6, 4, **kwargs)
    assert repr(e_layer) == repr(t_layer)
    assert list(e_layer.state_dict()) == list(t_layer.state_dict())
    if "padding_idx" in kwargs:
        assert not e_layer.weight[kwargs["padding_idx"]].detach().numpy().any()
    e_layer.weight.data = ember.tensor(t_layer.weight.detach().numpy())
    idx = np.array([[0, 4, 4], [1, 2, 0]])
    e_out, t_out = e_layer(ember.tensor(idx)), t_layer(torch.tensor(idx))
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-6)
    if not kwargs.get("sparse"):
        e_out.sum().backward()
        t_out.sum().backward()
        np.testing.assert_allclose(e_layer.weight.grad.numpy(), t_layer.weight.grad.numpy())


def test_embedding_from_pretrained():
    w = rand((4, 3))
    for m in (ember, torch):
        frozen = m.nn.Embedding.from_pretrained(m.tensor(w))
        assert not frozen.weight.requires_grad and repr(frozen) == "Embedding(4, 3)"
        trainable = m.nn.Embedding.from_pretrained(m.tensor(w), freeze=False, padding_idx=1)
        assert trainable.weight.requires_grad and trainable.padding_idx == 1
        np.testing.assert_array_equal(trainable(m.tensor([3, 1])).detach().numpy(), w[[3, 1]])


def test_embedding_gradcheck():
    idx = ember.tensor([[0, 2, 2], [3, 0, 1]])
    gradcheck64(lambda m, w: F_(m).embedding(idx, w), [(4, 3)])

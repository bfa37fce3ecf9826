"""Transformer layers, stacks and nn.Transformer against PyTorch given the same weights: outputs and
gradients with every mask kind, pre- and post-norm, batch_first, activations by name and as callables."""
import warnings

import numpy as np
import pytest
from diff import rand, torch
from test_attention import compare_module, twin

import ember

D, H, FF, L, S, N = 8, 2, 16, 5, 4, 3


def _layer_kw(m, activation, **kw):
    act = {"relu": "relu", "gelu": "gelu", "callable": m.nn.functional.silu, "module": m.nn.GELU(),
           "default": None}[activation]
    out = dict(dim_feedforward=FF, dropout=0.0, **kw)
    if act is not None:
        out["activation"] = act
    return out


def _src_masks(kind, length, batch_first=False):
    rng = np.random.default_rng(7)
    kpm = rng.random((N, length)) > 0.7
    kpm[:, 0] = False
    causal = np.triu(np.full((length, length), -np.inf, "float32"), 1)
    return {"none": (None, None), "causal": (causal, None), "bool": (rng.random((length, length)) > 0.8, None),
            "float": (rand((length, length)), None), "kpm": (None, kpm), "causal_kpm": (causal, kpm)}[kind]


def _seq(length, batch_first):
    return (N, length, D) if batch_first else (length, N, D)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu", "callable", "module"])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("mask", ["none", "causal", "bool", "float", "kpm", "causal_kpm"])
def test_encoder_layer(norm_first, activation, batch_first, mask):
    e, t = twin(lambda m: m.nn.TransformerEncoderLayer(D, H, norm_first=norm_first, batch_first=batch_first,
                                                        **_layer_kw(m, activation)))
    attn, kpm = _src_masks(mask, L)
    compare_module(e, t, [rand(_seq(L, batch_first))], {"src_mask": attn, "src_key_padding_mask": kpm},
                   lambda mod, xs, ms: mod(xs[0], **ms))


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("mask", ["none", "causal", "bool", "float", "kpm", "causal_kpm"])
def test_decoder_layer(norm_first, batch_first, mask):
    e, t = twin(lambda m: m.nn.TransformerDecoderLayer(D, H, norm_first=norm_first, batch_first=batch_first,
                                                        **_layer_kw(m, "gelu")))
    tgt_mask, tgt_kpm = _src_masks(mask, L)
    rng = np.random.default_rng(8)
    mem_kpm = rng.random((N, S)) > 0.7
    mem_kpm[:, 0] = False
    masks = {"tgt_mask": tgt_mask, "tgt_key_padding_mask": tgt_kpm,
             "memory_mask": rand((L, S)) if mask == "float" else None,
             "memory_key_padding_mask": mem_kpm if mask == "kpm" else None}
    compare_module(e, t, [rand(_seq(L, batch_first)), rand(_seq(S, batch_first))], masks,
                   lambda mod, xs, ms: mod(xs[0], xs[1], **ms))


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("mask, is_causal", [("none", None), ("causal", None), ("kpm", None), ("causal_kpm", None),
                                              ("causal", True), ("causal_kpm", True)])  # True: a hint, given a mask
def test_encoder_stack(training, mask, is_causal):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e, t = twin(lambda m: m.nn.TransformerEncoder(
            m.nn.TransformerEncoderLayer(D, H, dropout=0.2 if not training else 0.0, dim_feedforward=FF,
                                         batch_first=True), 3, norm=m.nn.LayerNorm(D)))
    if not training:
        e.eval(), t.eval()
    attn, kpm = _src_masks(mask, L)
    compare_module(e, t, [rand(_seq(L, True))], {"mask": attn, "src_key_padding_mask": kpm},
                   lambda mod, xs, ms: mod(xs[0], is_causal=is_causal, **ms))


def test_decoder_stack_and_transformer():
    e, t = twin(lambda m: m.nn.TransformerDecoder(m.nn.TransformerDecoderLayer(D, H, FF, 0.0), 2, m.nn.LayerNorm(D)))
    causal = np.triu(np.full((L, L), -np.inf, "float32"), 1)
    compare_module(e, t, [rand(_seq(L, False)), rand(_seq(S, False))], {"tgt_mask": causal},
                   lambda mod, xs, ms: mod(xs[0], xs[1], **ms))
    for batch_first in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            e, t = twin(lambda m: m.nn.Transformer(D, H, 2, 2, FF, 0.0, batch_first=batch_first))
        masks = {"tgt_mask": causal, "src_key_padding_mask": _src_masks("kpm", S)[1],
                 "memory_key_padding_mask": _src_masks("kpm", S)[1]}
        compare_module(e, t, [rand(_seq(S, batch_first)), rand(_seq(L, batch_first))], masks,
                       lambda mod, xs, ms: mod(xs[0], xs[1], **ms))
        e.eval(), t.eval()
        compare_module(e, t, [rand(_seq(S, batch_first)), rand(_seq(L, batch_first))], masks,
                       lambda mod, xs, ms: mod(xs[0], xs[1], **ms))


def test_structure_masks_and_warnings():
    for m in (ember, torch):
        assert [k for k in m.nn.Transformer(D, H, 1, 1, FF).state_dict()] == \
            [k for k in torch.nn.Transformer(D, H, 1, 1, FF).state_dict()]
    np.testing.assert_array_equal(ember.nn.Transformer.generate_square_subsequent_mask(4).numpy(),
                                  torch.nn.Transformer.generate_square_subsequent_mask(4).numpy())
    assert ember.nn.Transformer.generate_square_subsequent_mask(3).dtype == ember.float32
    assert repr(ember.nn.TransformerEncoderLayer(D, H, FF)) == repr(torch.nn.TransformerEncoderLayer(D, H, FF))
    for layer_kw in ({}, {"batch_first": True, "norm_first": True}, {"batch_first": True, "nhead": 1},
                     {"batch_first": True}):
        kw = {"nhead": H, **layer_kw}
        msgs = []
        for m in (ember, torch):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(D, dim_feedforward=FF, **kw), 1)
            msgs.append([str(x.message) for x in w])
        assert msgs[0] == msgs[1]
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        ember.nn.TransformerEncoderLayer(D, H, activation="tanh")
    tr = ember.nn.Transformer(D, H, 1, 1, FF)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        tr(ember.randn(L, N, D), ember.randn(L, N + 1, D))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
        tr(ember.randn(L, N, D + 1), ember.randn(L, N, D + 1))


def test_module_paths():
    from ember.nn.modules.activation import MultiheadAttention
    from ember.nn.modules.linear import NonDynamicallyQuantizableLinear
    from ember.nn.modules.transformer import Transformer, TransformerEncoderLayer
    assert MultiheadAttention is ember.nn.MultiheadAttention and Transformer is ember.nn.Transformer
    assert TransformerEncoderLayer is ember.nn.TransformerEncoderLayer
    assert issubclass(NonDynamicallyQuantizableLinear, ember.nn.Linear)


def test_encoder_inference_zeroes_padding_as_nested_tensors_do():
    """PyTorch runs an inference-mode batch_first encoder with a key padding mask on nested tensors, whose
    padded positions come back as zeros; Ember gives the same output."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e, t = twin(lambda m: m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(D, H, FF, batch_first=True), 2,
                                                      norm=m.nn.LayerNorm(D)))
    e.eval(), t.eval()
    x = rand((N, L, D))
    for kpm in (np.array([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0], [0, 1, 1, 1, 1]], bool),  # left aligned
                np.array([[0, 1, 0, 1, 1], [0, 0, 0, 0, 0], [0, 0, 0, 0, 1]], bool)):  # not: no nested path
        with torch.no_grad():
            expected = t(torch.tensor(x), src_key_padding_mask=torch.tensor(kpm)).numpy()
        with ember.no_grad():
            got = e(ember.tensor(x), src_key_padding_mask=ember.tensor(kpm)).numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)

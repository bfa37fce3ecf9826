"""scaled_dot_product_attention and MultiheadAttention against PyTorch: values and gradients for every mask
kind, grouped heads, unbatched inputs; gradcheck and gradgradcheck in float64."""
import numpy as np
import pytest
from diff import rand, torch

import ember

F_E, F_T = ember.nn.functional, torch.nn.functional


def _weighted_backward(m, out):
    """Backward of a random weighting of ``out`` (the same weights for both frameworks)."""
    w = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(str(out.dtype).split(".")[-1])
    (out * m.tensor(w)).sum().backward()


def _compare_sdpa(shapes, mask=None, mask_grad=False, rtol=1e-5, atol=1e-5, **kw):
    arrays = [rand(s) for s in shapes]
    results = []
    for m, F in ((ember, F_E), (torch, F_T)):
        ts = [m.tensor(a, requires_grad=True) for a in arrays]
        mk = None if mask is None else m.tensor(mask, requires_grad=mask_grad)
        out = F.scaled_dot_product_attention(*ts, attn_mask=mk, **kw)
        _weighted_backward(m, out)
        results.append([out] + [t.grad for t in ts] + ([mk.grad] if mask_grad else []))
    for i, (e, t) in enumerate(zip(*results)):
        assert tuple(e.shape) == tuple(t.shape), i
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol, err_msg=str(i))


SHAPES = [((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7)), ((4, 5), (6, 5), (6, 7)), ((3, 5, 8), (3, 5, 8), (3, 5, 8))]


@pytest.mark.parametrize("shapes", SHAPES)
@pytest.mark.parametrize("kind", ["none", "causal", "bool", "float", "scale"])
def test_sdpa_matches_torch(shapes, kind):
    L, S = shapes[0][-2], shapes[1][-2]
    bool_mask = np.random.default_rng(2).random((L, S)) > 0.4
    bool_mask[0] = False  # a row that sees nothing: zeros, as in PyTorch's CPU kernel
    kw = {"none": {}, "causal": {"is_causal": True}, "bool": {"mask": bool_mask},
          "float": {"mask": rand((L, S)), "mask_grad": True}, "scale": {"scale": 0.37}}[kind]
    _compare_sdpa(shapes, **kw)


def test_sdpa_broadcast_masks_and_gqa():
    _compare_sdpa(((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5)), mask=rand((2, 1, 4, 6)), mask_grad=True)
    _compare_sdpa(((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5)), mask=np.random.default_rng(3).random((3, 1, 6)) > .3)
    _compare_sdpa(((2, 6, 4, 5), (2, 2, 6, 5), (2, 2, 6, 3)), enable_gqa=True)
    _compare_sdpa(((2, 6, 4, 5), (2, 3, 6, 5), (2, 3, 6, 3)), enable_gqa=True, is_causal=True)


def test_sdpa_gradcheck_float64():
    rng = np.random.default_rng(4)
    q, k, v = (ember.tensor(rng.standard_normal(s), requires_grad=True) for s in ((2, 3, 4), (2, 5, 4), (2, 5, 3)))
    mask = ember.tensor(rng.standard_normal((3, 5)), requires_grad=True)
    assert ember.autograd.gradcheck(lambda *a: F_E.scaled_dot_product_attention(*a), (q, k, v, mask))
    assert ember.autograd.gradgradcheck(lambda *a: F_E.scaled_dot_product_attention(*a), (q, k, v, mask))
    bool_mask = ember.tensor(rng.random((3, 5)) > 0.3)
    causal = lambda a, b, c: F_E.scaled_dot_product_attention(a, b, c, is_causal=True, scale=0.5)  # noqa: E731
    assert ember.autograd.gradcheck(causal, (q, k, v))
    assert ember.autograd.gradgradcheck(causal, (q, k, v))
    masked = lambda a, b, c: F_E.scaled_dot_product_attention(a, b, c, attn_mask=bool_mask)  # noqa: E731
    assert ember.autograd.gradgradcheck(masked, (q, k, v))


def test_sdpa_dropout():
    q, k, v = (ember.randn(2, 4, 64, 8) for _ in range(3))
    assert (F_E.scaled_dot_product_attention(q, k, v, dropout_p=1.0) == 0).all()
    ember.manual_seed(0)
    a = F_E.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    ember.manual_seed(0)
    b = F_E.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    assert ember.equal(a, b) and not ember.allclose(a, F_E.scaled_dot_product_attention(q, k, v))
    # each kept probability is scaled by 1/(1-p): the mean output stays that of no dropout
    ones = ember.ones(1, 1, 400, 400)
    assert abs(F_E.scaled_dot_product_attention(ones, ones, ones, dropout_p=0.3).mean().item() - 1) < 0.02


def test_sdpa_errors():
    q = ember.randn(2, 3, 4)
    with pytest.raises(RuntimeError, match="Explicit attn_mask should not be set when is_causal=True"):
        F_E.scaled_dot_product_attention(q, q, q, attn_mask=ember.ones(3, 3, dtype=ember.bool), is_causal=True)
    with pytest.raises(RuntimeError, match="same dtype"):
        F_E.scaled_dot_product_attention(q, q.double(), q)
    with pytest.raises(RuntimeError, match="attn_mask dtype"):
        F_E.scaled_dot_product_attention(q, q, q, attn_mask=ember.ones(3, 3, dtype=ember.int64))
    with pytest.raises(RuntimeError):
        F_E.scaled_dot_product_attention(ember.randn(2, 6, 4, 5), ember.randn(2, 3, 4, 5), ember.randn(2, 3, 4, 5))


# ----------------------------------------------------------------- MultiheadAttention

E, H, L, S, N = 8, 2, 4, 5, 3


def twin(make):
    t, e = make(torch), make(ember)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return e, t


def compare_module(e_mod, t_mod, arrays, masks=None, call=None, rtol=1e-5, atol=1e-5):
    """Outputs, input gradients and parameter gradients of two modules given the same inputs and masks."""
    masks = masks or {}
    call = call or (lambda mod, xs, ms: mod(*xs, **ms))
    results = []
    for m, mod in ((ember, e_mod), (torch, t_mod)):
        xs = [m.tensor(a, requires_grad=True) for a in arrays]
        ms = {k: (None if v is None else m.tensor(v)) for k, v in masks.items()}
        out = call(mod, xs, ms)
        outs = [o for o in (out if isinstance(out, tuple) else (out,)) if o is not None]
        loss = 0
        rng = np.random.default_rng(5)
        for o in outs:
            loss = loss + (o * m.tensor(rng.standard_normal(tuple(o.shape)).astype("float32"))).sum()
        loss.backward()
        results.append((outs, xs, dict(mod.named_parameters())))
    (e_outs, e_xs, e_ps), (t_outs, t_xs, t_ps) = results
    assert len(e_outs) == len(t_outs)
    for i, (eo, to) in enumerate(zip(e_outs, t_outs)):
        assert tuple(eo.shape) == tuple(to.shape)
        np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol, atol, err_msg=f"output {i}")
    for i, (ex, tx) in enumerate(zip(e_xs, t_xs)):
        np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol, atol, err_msg=f"grad of input {i}")
    assert list(e_ps) == list(t_ps)
    for name, p in e_ps.items():
        tg = t_ps[name].grad
        assert (p.grad is None) == (tg is None), name
        if tg is not None:
            np.testing.assert_allclose(p.grad.numpy(), tg.numpy(), rtol, atol, err_msg=name)


def _masks(kind, batch=True):
    rng = np.random.default_rng(6)
    kpm = rng.random((N, S) if batch else (S,)) > 0.7
    kpm[..., 0] = False
    attn_bool = rng.random((L, S)) > 0.7
    attn_bool[:, 0] = False
    return {"none": {}, "kpm_bool": {"key_padding_mask": kpm},
            "kpm_float": {"key_padding_mask": np.where(kpm, -np.inf, 0).astype("float32")},
            "attn_bool": {"attn_mask": attn_bool}, "attn_float": {"attn_mask": rand((L, S))},
            "attn_3d": {"attn_mask": rand((N * H, L, S)) if batch else rand((H, L, S))},
            "both": {"attn_mask": attn_bool, "key_padding_mask": kpm}}[kind]


CONFIGS = {
    "plain": {}, "batch_first": {"batch_first": True}, "kvdim": {"kdim": 6, "vdim": 7},
    "bias_kv": {"add_bias_kv": True}, "zero_attn": {"add_zero_attn": True}, "no_bias": {"bias": False},
    "all": {"add_bias_kv": True, "add_zero_attn": True, "kdim": 6, "vdim": 7, "batch_first": True},
}


@pytest.mark.parametrize("config", list(CONFIGS))
@pytest.mark.parametrize("mask", ["none", "kpm_bool", "kpm_float", "attn_bool", "attn_float", "attn_3d", "both"])
@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention(config, mask, need_weights):
    kw = CONFIGS[config]
    e, t = twin(lambda m: m.nn.MultiheadAttention(E, H, **kw))
    kd, vd = kw.get("kdim", E), kw.get("vdim", E)
    seq = (lambda n, d: (N, n, d)) if kw.get("batch_first") else (lambda n, d: (n, N, d))
    arrays = [rand(seq(L, E)), rand(seq(S, kd)), rand(seq(S, vd))]
    compare_module(e, t, arrays, _masks(mask), lambda mod, xs, ms: mod(*xs, need_weights=need_weights, **ms))


@pytest.mark.parametrize("mode", ["eval", "average_off", "unbatched", "self_attention", "causal_hint"])
def test_multihead_attention_modes(mode):
    e, t = twin(lambda m: m.nn.MultiheadAttention(E, H, dropout=0.3 if mode == "eval" else 0.0))
    if mode == "eval":
        e.eval(), t.eval()
        compare_module(e, t, [rand((L, N, E)), rand((S, N, E)), rand((S, N, E))], _masks("kpm_bool"))
    elif mode == "average_off":
        compare_module(e, t, [rand((L, N, E)), rand((S, N, E)), rand((S, N, E))], _masks("attn_bool"),
                       lambda mod, xs, ms: mod(*xs, average_attn_weights=False, **ms))
    elif mode == "unbatched":
        compare_module(e, t, [rand((L, E)), rand((S, E)), rand((S, E))], _masks("both", batch=False))
    elif mode == "self_attention":
        compare_module(e, t, [rand((L, N, E))], {}, lambda mod, xs, ms: mod(xs[0], xs[0], xs[0]))
    else:
        causal = np.triu(np.full((L, L), -np.inf, "float32"), 1)
        for need in (True, False):
            compare_module(e, t, [rand((L, N, E))], {"attn_mask": causal},
                           lambda mod, xs, ms: mod(xs[0], xs[0], xs[0], is_causal=True, need_weights=need, **ms))


def test_multihead_attention_structure_and_errors():
    m = ember.nn.MultiheadAttention(E, H, kdim=3, vdim=4)
    tm = torch.nn.MultiheadAttention(E, H, kdim=3, vdim=4)
    assert [(k, tuple(v.shape)) for k, v in m.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in tm.state_dict().items()]
    assert m.in_proj_weight is None and repr(m) == repr(tm)
    assert type(m.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    from ember.nn.modules.linear import NonDynamicallyQuantizableLinear
    assert isinstance(m.out_proj, NonDynamicallyQuantizableLinear)
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        ember.nn.MultiheadAttention(7, 2)
    x = ember.randn(L, N, E)
    with pytest.raises(RuntimeError, match="Need attn_mask"):
        ember.nn.MultiheadAttention(E, H)(x, x, x, is_causal=True)
    with pytest.raises(RuntimeError, match="2D attn_mask"):
        ember.nn.MultiheadAttention(E, H)(x, x, x, attn_mask=ember.zeros(L, L + 1))
    with pytest.warns(UserWarning, match="mismatched key_padding_mask and attn_mask"):
        ember.nn.MultiheadAttention(E, H)(x, x, x, attn_mask=ember.zeros(L, L),
                                          key_padding_mask=ember.zeros(N, L, dtype=ember.bool))

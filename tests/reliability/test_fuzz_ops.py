"""Random chains of ops on random small tensors agree with PyTorch: same values, dtype and shape, or the same
exception type.

Each example builds one or two tensors of random shape (empty and 0-dim included) and dtype, then applies up to
five ops drawn from a pool of unary, binary, reduction and shape ops, each to inputs drawn from what exists so
far, running the very same calls on Ember and on PyTorch. ``EMBER_FUZZ_EXAMPLES`` raises the number of examples
for a deeper run than CI's.
"""
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember

torch = pytest.importorskip("torch")

EXAMPLES = int(os.environ.get("EMBER_FUZZ_EXAMPLES", "0")) or None  # None: CI's fixed, repeatable sample
DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def _dim(x, p):
    """A dim drawn from ``p``: usually valid for ``x``, sometimes one past either end (an error to match)."""
    n = max(x.dim(), 1)
    return p % (2 * n + 2) - n - 1


UNARY = {
    "neg": lambda m, x, p: m.neg(x), "abs": lambda m, x, p: m.abs(x), "exp": lambda m, x, p: m.exp(x),
    "log": lambda m, x, p: m.log(x), "sqrt": lambda m, x, p: m.sqrt(x), "sin": lambda m, x, p: m.sin(x),
    "tanh": lambda m, x, p: m.tanh(x), "sigmoid": lambda m, x, p: m.sigmoid(x), "relu": lambda m, x, p: m.relu(x),
    "floor": lambda m, x, p: m.floor(x), "ceil": lambda m, x, p: m.ceil(x), "round": lambda m, x, p: m.round(x),
    "trunc": lambda m, x, p: m.trunc(x), "sign": lambda m, x, p: m.sign(x),
    "reciprocal": lambda m, x, p: m.reciprocal(x), "square": lambda m, x, p: m.square(x),
    "rsqrt": lambda m, x, p: m.rsqrt(x), "log1p": lambda m, x, p: m.log1p(x), "expm1": lambda m, x, p: m.expm1(x),
    "clamp": lambda m, x, p: m.clamp(x, -1, 2), "clamp_min": lambda m, x, p: m.clamp(x, min=0.5),
    "logical_not": lambda m, x, p: m.logical_not(x), "bitwise_not": lambda m, x, p: m.bitwise_not(x),
    "isnan": lambda m, x, p: m.isnan(x), "isfinite": lambda m, x, p: m.isfinite(x),
    "to_float": lambda m, x, p: x.float(), "to_long": lambda m, x, p: x.long(), "to_bool": lambda m, x, p: x.bool(),
    "to_int8": lambda m, x, p: x.to(m.int8), "to_half": lambda m, x, p: x.half(),
    "add_int": lambda m, x, p: x + (p % 5 - 2), "mul_float": lambda m, x, p: x * 1.5,
    "rsub_int": lambda m, x, p: 3 - x, "div_int": lambda m, x, p: x / (p % 3 + 1),
    "floordiv_int": lambda m, x, p: x // (p % 3 - 1), "mod_int": lambda m, x, p: x % (p % 3 - 1),
    "pow_int": lambda m, x, p: x ** (p % 4), "pow_float": lambda m, x, p: x ** 0.5,
    "rpow": lambda m, x, p: 2 ** x, "and_true": lambda m, x, p: x & True, "gt_scalar": lambda m, x, p: x > 0.5,
    "eq_int": lambda m, x, p: x == 1, "where_scalar": lambda m, x, p: m.where(x > 0, x, 0.0),
    # reductions
    "sum": lambda m, x, p: x.sum(), "sum_dim": lambda m, x, p: x.sum(_dim(x, p)),
    "sum_keepdim": lambda m, x, p: x.sum(_dim(x, p), keepdim=True), "mean": lambda m, x, p: x.mean(),
    "mean_dim": lambda m, x, p: x.mean(_dim(x, p)), "prod_dim": lambda m, x, p: x.prod(_dim(x, p)),
    "max": lambda m, x, p: x.max(), "max_dim": lambda m, x, p: tuple(x.max(_dim(x, p))),
    "min_dim": lambda m, x, p: tuple(x.min(_dim(x, p))), "argmax": lambda m, x, p: x.argmax(),
    "argmin_dim": lambda m, x, p: x.argmin(_dim(x, p)), "amax_dim": lambda m, x, p: x.amax(_dim(x, p)),
    "std": lambda m, x, p: x.std(), "var_dim": lambda m, x, p: x.var(_dim(x, p)), "all": lambda m, x, p: x.all(),
    "any_dim": lambda m, x, p: x.any(_dim(x, p)), "cumsum": lambda m, x, p: x.cumsum(_dim(x, p)),
    "cumprod": lambda m, x, p: x.cumprod(_dim(x, p)), "logsumexp": lambda m, x, p: m.logsumexp(x, _dim(x, p)),
    "count_nonzero": lambda m, x, p: m.count_nonzero(x), "norm": lambda m, x, p: x.norm(),
    "softmax": lambda m, x, p: m.softmax(x, _dim(x, p)),
    # shape ops
    "reshape": lambda m, x, p: x.reshape(-1), "reshape_2": lambda m, x, p: x.reshape(p % 3 + 1, -1),
    "transpose": lambda m, x, p: x.transpose(0, -1), "unsqueeze": lambda m, x, p: x.unsqueeze(_dim(x, p)),
    "squeeze": lambda m, x, p: x.squeeze(), "squeeze_dim": lambda m, x, p: x.squeeze(_dim(x, p)),
    "flatten": lambda m, x, p: x.flatten(), "t": lambda m, x, p: x.t(), "flip": lambda m, x, p: x.flip(_dim(x, p)),
    "permute": lambda m, x, p: x.permute(*reversed(range(x.dim()))), "contiguous_t": lambda m, x, p: x.mT.contiguous(),
    "narrow": lambda m, x, p: x.narrow(0, p % 2, 1), "roll": lambda m, x, p: m.roll(x, p % 3 - 1, _dim(x, p)),
    "repeat": lambda m, x, p: x.repeat(*([2] + [1] * max(x.dim() - 1, 0))),
    "tile": lambda m, x, p: m.tile(x, (2,)), "chunk": lambda m, x, p: tuple(x.chunk(2, _dim(x, p))),
    "split": lambda m, x, p: tuple(x.split(1, _dim(x, p))), "sort": lambda m, x, p: tuple(m.sort(x, stable=True)),
    "topk": lambda m, x, p: m.topk(x, 1).values, "getitem_step": lambda m, x, p: x[::2],
    "getitem_neg": lambda m, x, p: x[-1], "getitem_mask": lambda m, x, p: x[x > 0],
    "index_select": lambda m, x, p: m.index_select(x, 0, m.tensor([0, 0])),
    "expand": lambda m, x, p: x.expand(2, *x.shape), "clone": lambda m, x, p: x.clone(),
}

BINARY = {
    "add": lambda m, a, b, p: a + b, "sub": lambda m, a, b, p: a - b, "mul": lambda m, a, b, p: a * b,
    "div": lambda m, a, b, p: a / b, "floor_divide": lambda m, a, b, p: a // b,
    "remainder": lambda m, a, b, p: a % b, "fmod": lambda m, a, b, p: m.fmod(a, b), "pow": lambda m, a, b, p: a ** b,
    "maximum": lambda m, a, b, p: m.maximum(a, b), "minimum": lambda m, a, b, p: m.minimum(a, b),
    "eq": lambda m, a, b, p: a == b, "lt": lambda m, a, b, p: a < b, "ge": lambda m, a, b, p: a >= b,
    "logical_and": lambda m, a, b, p: m.logical_and(a, b), "logical_xor": lambda m, a, b, p: m.logical_xor(a, b),
    "bitwise_and": lambda m, a, b, p: a & b, "bitwise_or": lambda m, a, b, p: a | b,
    "bitwise_xor": lambda m, a, b, p: a ^ b, "atan2": lambda m, a, b, p: m.atan2(a, b),
    "where": lambda m, a, b, p: m.where(a > 0, a, b), "matmul": lambda m, a, b, p: a @ b,
    "cat": lambda m, a, b, p: m.cat([a, b], _dim(a, p)), "stack": lambda m, a, b, p: m.stack([a, b]),
    "add_alpha": lambda m, a, b, p: m.add(a, b, alpha=2), "lerp": lambda m, a, b, p: m.lerp(a, b, 0.25),
    "masked_fill": lambda m, a, b, p: a.masked_fill(b > 0, 1), "gather": lambda m, a, b, p: m.gather(
        a, 0, m.zeros(b.shape, dtype=m.int64)),
}
OPS = sorted(UNARY) + sorted(BINARY)


def _zero_dim(args, p):
    return any(a.dim() == 0 for a in args)


def _empty(args, p):
    return any(a.numel() == 0 for a in args)


def _has(dtype):
    return lambda args, p: any(a.dtype == dtype for a in args)


# Differences from PyTorch that this fuzzing found and that are not fixed yet. A chain stops when it reaches one
# (so the rest of the pool is still checked); test_known_divergence below shows each on its smallest example and
# is expected to fail until the op is fixed, at which point its entry here should go.
KNOWN = [
    ({"clamp"}, _has(torch.uint8), "clamp of uint8 by -1: PyTorch wraps the bound to 255, Ember clips to 0",
     ("clamp", [np.array([0, 1, 5], np.uint8)], 0)),
    ({"softmax"}, lambda args, p: not args[0].dtype.is_floating_point, "softmax of integers: PyTorch checks the dim "
     "first (IndexError) and accepts empty input; Ember raises NotImplementedError", ("softmax", [np.zeros((2, 0),
                                                                                               np.int16)], 9)),
    ({"index_select", "gather", "matmul", "roll", "cat"}, _empty, "empty inputs: PyTorch skips checks (roll, gather, "
     "cat of (0,) tensors, bool matmul) or raises RuntimeError (index_select) where Ember raises or checks",
     ("index_select", [np.zeros((0, 3), np.float32)], 0)),
    ({"gather"}, lambda args, p: min(args[0].dim(), 1) != min(args[1].dim(), 1), "gather between a 0-dim and a 1-D "
     "tensor: PyTorch accepts it", ("gather", [np.ones(1, np.float32), np.array(1.0, np.float32)], 0)),
    ({"pow_float"}, _has(torch.float16), "(-inf) ** 0.5 in float16: PyTorch gives inf (nan in float32), Ember nan",
     ("pow_float", [np.array([-np.inf], np.float16)], 0)),
]


def _known(name, args, p):
    return any(name in ops and when(args, p) for ops, when, _, _ in KNOWN)


def _array(data, dtype, shape):
    if dtype == "bool":
        return np.array(data.draw(st.lists(st.booleans(), min_size=int(np.prod(shape)),
                                           max_size=int(np.prod(shape)))), dtype=bool).reshape(shape)
    if dtype.startswith("float"):
        values = st.one_of(st.floats(-3, 3, width=16), st.sampled_from([0.0, -0.0, 0.5, -1.0, float("inf"),
                                                                         float("-inf"), float("nan")]))
    else:
        lo = 0 if dtype == "uint8" else -4
        values = st.integers(lo, 5)
    n = int(np.prod(shape))
    return np.array(data.draw(st.lists(values, min_size=n, max_size=n)), dtype=dtype).reshape(shape)


def _tensor(data):
    shape = tuple(data.draw(st.lists(st.integers(0, 3), max_size=3), label="shape"))
    dtype = data.draw(st.sampled_from(DTYPES), label="dtype")
    a = _array(data, dtype, shape)
    return ember.tensor(a.copy()), torch.tensor(a.copy())


def _run(m, fn, args, p):
    """fn's result, or the exception it raised (any Exception: the types are compared)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(m, *args, p), None
    except Exception as e:  # noqa: BLE001 - the point is to compare exception types
        return None, e


def _same(e, t, what):
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"{what}: Ember gave {type(e).__name__}"
        assert tuple(e.shape) == tuple(t.shape), f"{what}: shape {tuple(e.shape)} != torch {tuple(t.shape)}"
        assert str(e.dtype) == str(t.dtype), f"{what}: dtype {e.dtype} != torch {t.dtype}"
        ev, tv = e.detach().numpy(), t.detach().numpy()
        if t.dtype.is_floating_point:
            tol = 2e-2 if t.dtype == torch.float16 else 1e-4
            np.testing.assert_allclose(ev.astype(np.float64), tv.astype(np.float64), rtol=tol, atol=tol,
                                       equal_nan=True, err_msg=what)
        else:
            np.testing.assert_array_equal(ev, tv, err_msg=what)
    elif isinstance(t, (tuple, list)):
        assert isinstance(e, (tuple, list)) and len(e) == len(t), f"{what}: {type(e).__name__} of other length"
        for i, (a, b) in enumerate(zip(e, t)):
            _same(a, b, f"{what}[{i}]")
    else:
        assert e == t or (e != e and t != t), f"{what}: {e!r} != {t!r}"


def run_chain(data):
    """Draw and run one chain; returns the ops applied (for the caller's statistics)."""
    pool = [_tensor(data) for _ in range(data.draw(st.integers(1, 2), label="inputs"))]
    applied = []
    for _ in range(data.draw(st.integers(1, 5), label="length")):
        name = data.draw(st.sampled_from(OPS), label="op")
        p = data.draw(st.integers(0, 11), label="param")
        fn, arity = (UNARY[name], 1) if name in UNARY else (BINARY[name], 2)
        picks = [pool[data.draw(st.integers(0, len(pool) - 1), label="operand")] for _ in range(arity)]
        what = f"{name}({', '.join(f'{tuple(t.shape)} {t.dtype}' for _, t in picks)}, p={p})"
        if _known(name, [t for _, t in picks], p):
            break
        t_out, t_err = _run(torch, fn, [t for _, t in picks], p)
        e_out, e_err = _run(ember, fn, [e for e, _ in picks], p)
        applied.append(name)
        if t_err is not None:
            assert e_err is not None, f"{what}: torch raised {type(t_err).__name__}: {t_err}; Ember returned"
            assert isinstance(e_err, type(t_err)), \
                f"{what}: torch raised {type(t_err).__name__}, Ember {type(e_err).__name__}: {e_err}"
            continue
        assert e_err is None, f"{what}: torch returned, Ember raised {type(e_err).__name__}: {e_err}"
        _same(e_out, t_out, what)
        outs = t_out if isinstance(t_out, (tuple, list)) else (t_out,)
        eouts = e_out if isinstance(e_out, (tuple, list)) else (e_out,)
        pool += [(e, t) for e, t in zip(eouts, outs) if isinstance(t, torch.Tensor)]
    return applied


@settings(max_examples=EXAMPLES or 150, derandomize=EXAMPLES is None, deadline=None,
                   suppress_health_check=list(HealthCheck))
@given(st.data())
def test_random_op_chains_match_pytorch(data):
    run_chain(data)


def _compare_once(name, arrays, p):
    fn = UNARY[name] if name in UNARY else BINARY[name]
    t_out, t_err = _run(torch, fn, [torch.tensor(a) for a in arrays], p)
    e_out, e_err = _run(ember, fn, [ember.tensor(a) for a in arrays], p)
    if t_err is not None or e_err is not None:
        assert t_err is not None and isinstance(e_err, type(t_err)), f"torch: {t_err!r}, Ember: {e_err!r}"
    else:
        _same(e_out, t_out, name)


@pytest.mark.parametrize("example", [pytest.param(k[3], marks=pytest.mark.xfail(strict=True, reason=k[2]),
                                                  id=k[3][0]) for k in KNOWN])
def test_known_divergence(example):
    """Each known difference, on its smallest example: fails until fixed (then drop it from KNOWN)."""
    _compare_once(*example)


def test_fixed_divergences_stay_fixed():
    """Found by this fuzzing and fixed: 0-dim reductions checking their dim, argmin of a vector, narrow at the end,
    division's error for shapes that do not broadcast."""
    _compare_once("argmin_dim", [np.array(1.0, np.float32)], 0)  # dim -2 of a 0-dim tensor: IndexError
    for p in range(12):
        _compare_once("sum_dim", [np.array(1.0, np.float32)], p)
        _compare_once("cumprod", [np.array(2, np.int64)], p)
    e = ember.tensor([3.0, 1.0, 2.0]).argmin(0)
    assert e.item() == 1 and e.numpy().shape == ()
    _compare_once("narrow", [np.ones((1, 3, 1), np.float32)], 5)
    _compare_once("div", [np.ones((1, 3, 0), np.float32), np.ones(3, np.float32)], 0)

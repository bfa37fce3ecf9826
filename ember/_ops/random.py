"""Random tensors: rand, randn, randint, randperm, normal, bernoulli, multinomial,
their ``*_like`` forms and the in-place fills (``uniform_``, ``normal_``, ...).

Every draw comes from an Ember ``Generator`` (the ``generator=`` argument or the
default one), on the CPU, in the target float dtype where NumPy can (float32
directly, no float64 detour), so a seed gives the same numbers on every device.
"""
import numpy as np

from .. import _arraylib as B
from .._tensor import Tensor
from ..autograd import grad_mode
from .creation import finish, shape_of, size_error
from .op import Op
from .promotion import broadcast_error

_wrap = Tensor._wrap


def _float_dtype(dtype, kernel):
    dt = B.get_default_dtype() if dtype is None else B.to_dtype(dtype)
    if not dt.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_wrap(np.empty(0, dt.np)).dtype_short()}'")
    return dt


def _draw(fn, uniform, shape, dt, generator):
    """Uniform [0, 1) or standard normal numbers of a float dtype."""
    g = B.rng(generator)
    work = dt.np if dt is B.float32 or dt is B.float64 else np.float32  # NumPy draws only these two
    try:
        arr = g.random(shape, work) if uniform else g.standard_normal(shape, work)
    except (TypeError, ValueError) as e:
        raise size_error(fn, shape, e) from None
    return arr if arr.dtype == dt.np else arr.astype(dt.np)


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, **kwargs):
    """A tensor of ``size`` drawn uniformly from [0, 1). Ember draws with NumPy's generator: a seed gives other
    values than PyTorch's."""
    dt = _float_dtype(dtype, "check_uniform_bounds")
    return finish(_draw("rand", True, shape_of("rand", size, kwargs), dt, generator), device, requires_grad, out)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, **kwargs):
    """A tensor of ``size`` drawn from the standard normal distribution (NumPy's generator, so values differ from
    PyTorch's for a seed)."""
    dt = _float_dtype(dtype, "normal_kernel_cpu")
    return finish(_draw("randn", False, shape_of("randn", size, kwargs), dt, generator), device, requires_grad,
                  out)


def _integers(fn, low, high, shape, dt, generator):
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    g = B.rng(generator)
    try:
        if high - low <= 1 << 32:
            # scaling a double in [0, 1) is several times faster than Generator.integers, and its
            # 53 bits leave a bias below 2**-21 for ranges this small
            arr = (g.random(shape) * (high - low)).astype(np.int64)
            arr += low
        else:
            arr = g.integers(low, high, shape, dtype=np.int64)
    except (TypeError, ValueError) as e:
        raise size_error(fn, shape, e) from None
    return arr if dt is B.int64 else arr.astype(dt.np)


def randint(*args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False, low=None, high=None):
    """``randint(high, size)``, ``randint(low, high, size)``: integers in [low, high)."""
    args = list(args)
    if size is None and args and isinstance(args[-1], (tuple, list)):
        size = args.pop()
    if high is None and args:
        high = args.pop()
    if low is None:
        low = args.pop() if args else 0
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"randint(): argument 'size' (position {len(args) + 2}) must be tuple of ints, not "
                        f"{type(size).__name__}")
    dt = B.int64 if dtype is None else B.to_dtype(dtype)
    return finish(_integers("randint", int(low), int(high), size, dt, generator), device, requires_grad, out)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """A random permutation of the integers ``0 .. n - 1``."""
    if n < 0:
        raise size_error("randperm", (n,), None)
    arr = B.rng(generator).permutation(int(n))
    dt = B.int64 if dtype is None else B.to_dtype(dtype)
    return finish(arr if dt is B.int64 else arr.astype(dt.np), device, requires_grad, out)


# ----------------------------------------------------------------- *_like


def _like_args(input, dtype, device):
    if device is None and type(input._data) is not np.ndarray:
        device = input.device
    return (input.dtype if dtype is None else B.to_dtype(dtype)), device


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
              generator=None):
    """:func:`ember.rand` with ``input``'s shape, and its dtype and device unless given."""
    dt, dev = _like_args(input, dtype, device)
    dt = _float_dtype(dt, "check_uniform_bounds")
    return finish(_draw("rand_like", True, input._data.shape, dt, generator), dev, requires_grad)


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None,
               generator=None):
    """:func:`ember.randn` with ``input``'s shape, and its dtype and device unless given."""
    dt, dev = _like_args(input, dtype, device)
    dt = _float_dtype(dt, "normal_kernel_cpu")
    return finish(_draw("randn_like", False, input._data.shape, dt, generator), dev, requires_grad)


def randint_like(input, low=0, high=None, *, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None, generator=None):
    """Random integers in [``low``, ``high``) (or [0, ``low``) with one bound) with ``input``'s shape, dtype and
    device."""
    if high is None:
        low, high = 0, low
    dt, dev = _like_args(input, dtype, device)
    return finish(_integers("randint_like", int(low), int(high), input._data.shape, dt, generator), dev,
                  requires_grad)


# ----------------------------------------------------------------- distributions


def _on_device_of(arr, like):
    """A draw (always made on the CPU, so that a seed means one stream) moved to ``like``'s device."""
    return arr if type(like) is np.ndarray else B.to_device(arr, B.device_of(like))


class Normal(Op):
    """``mean + std * noise``. PyTorch defines its gradient as zero for mean and std alike."""

    def forward(ctx, mean, std, np_dtype=None, generator=None):
        ctx.tensors = (not isinstance(mean, float), not isinstance(std, float))
        shape = np.broadcast_shapes(np.shape(mean), np.shape(std))
        noise = B.rng(generator).standard_normal(shape, np.float32 if np_dtype == np.float32 else np.float64)
        out = _on_device_of(noise, mean if ctx.tensors[0] else std) * std
        out += mean
        return out.astype(np_dtype, copy=False)

    def backward(ctx, g):
        return g * 0, g * 0

    def name(self):
        return {(True, False): "NormalBackward1", (False, True): "NormalBackward2"}.get(self.tensors,
                                                                                      "NormalBackward3")


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    """``normal(mean_tensor, std_tensor)``, ``normal(mean_tensor, std=1.)``, ``normal(mean, std_tensor)``
    or ``normal(mean, std, size)``."""
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (mt or st):
        if size is None:
            raise TypeError(f"normal() received an invalid combination of arguments - got ({type(mean).__name__}, "
                            f"{type(std).__name__}), but expected a Tensor mean or std, or a size")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
        dt = _float_dtype(dtype, "normal_kernel_cpu")
        arr = _draw("normal", False, shape_of("normal", (size,)), dt, generator)
        if std != 1:
            arr *= std
        if mean != 0:
            arr += mean
        return finish(arr, device, requires_grad, out)
    dt = B.result_type(*(x for x in (mean, std) if isinstance(x, Tensor)))
    _float_dtype(dt, "normal_kernel_cpu")
    if st and (std._data < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not st and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    try:
        result = Normal.apply(mean if mt else float(mean), std if st else float(std), np_dtype=dt.np,
                              generator=generator)
    except ValueError:
        raise broadcast_error(mean, std) from None
    return result if out is None else finish(result._data, out=out)


class Bernoulli(Op):
    """1 with probability p, else 0; PyTorch defines the gradient as zero."""

    def forward(ctx, p, generator=None):
        u = B.rng(generator).random(p.shape, np.float32 if p.dtype == np.float32 else np.float64)
        return (_on_device_of(u, p) < p).astype(p.dtype, copy=False)

    def backward(ctx, g):
        return g * 0


def bernoulli(input, p=None, *, generator=None, out=None):
    """Draw 0/1 with the probabilities in ``input`` (or with ``p`` for every element)."""
    if p is not None:
        return bernoulli_(input.new_empty(input.shape), p, generator=generator)
    _float_dtype(input.dtype, "bernoulli_tensor_cpu_p_")
    probs = input._data
    if not ((probs >= 0) & (probs <= 1)).all():
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.")
    result = Bernoulli.apply(input, generator=generator)
    return result if out is None else finish(result._data, out=out)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices drawn from each row's (unnormalised) weights; without replacement an index appears once."""
    p = B.to_numpy(input._data)
    if p.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if p.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype_short()}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n = p.shape[-1]
    if not replacement and num_samples > n:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    rows = p.reshape(-1, n).astype(np.float64)
    total = rows.sum(axis=1, keepdims=True)
    if not (rows.min() >= 0 and np.isfinite(total).all()):  # a nan fails the first test, an inf the second
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (total <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    g = B.rng(generator)
    r = len(rows)
    if replacement:
        # inverse CDF for all rows at once: row k's CDF is shifted into [k, k + 1]
        offsets = np.arange(r, dtype=np.float64)[:, None]
        cdf = (np.cumsum(rows, axis=1) / total + offsets).ravel()
        u = g.random((r, num_samples)) + offsets
        idx = np.searchsorted(cdf, u.ravel(), side="right").reshape(r, num_samples) - offsets.astype(np.int64) * n
        idx = np.minimum(idx, n - 1)
    else:
        # exponential race: the first num_samples finishers of times E/p are a draw without replacement
        with np.errstate(divide="ignore"):
            keys = rows / g.standard_exponential(rows.shape)
        idx = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    idx = idx.reshape(p.shape[:-1] + (num_samples,)).astype(np.int64, copy=False)
    return finish(idx, None if type(input._data) is np.ndarray else input.device, out=out)


# ----------------------------------------------------------------- in-place fills


def _fill(self, arr):
    """Write random values into ``self`` (under ``no_grad`` for leaves that require grad, as in PyTorch)."""
    if grad_mode.state.enabled and self.requires_grad and self.grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    self._data[...] = arr if type(self._data) is np.ndarray else B.to_device(arr, self.device)
    self._version[0] += 1
    return self


def uniform_(self, a=0.0, b=1.0, *, generator=None, **kwargs):
    """Fill ``self`` with draws from the uniform distribution on [``from``, ``to``), by default [0, 1)."""
    a, b = kwargs.get("from", a), kwargs.get("to", b)
    dt = _float_dtype(self.dtype, "check_uniform_bounds")
    arr = _draw("uniform_", True, self._data.shape, dt, generator)
    if (a, b) != (0.0, 1.0):
        arr *= b - a
        arr += a
    return _fill(self, arr)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill ``self`` with draws from the normal distribution of the given ``mean`` and ``std``."""
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    arr = _draw("normal_", False, self._data.shape, _float_dtype(self.dtype, "normal_kernel_cpu"), generator)
    if std != 1:
        arr *= std
    if mean != 0:
        arr += mean
    return _fill(self, arr)


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill ``self`` with 1 with probability ``p`` (a number, or a tensor broadcast to ``self``), else 0."""
    probs = p._data if isinstance(p, Tensor) else p
    if not (np.all(probs >= 0) and np.all(probs <= 1)):
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return _fill(self, B.rng(generator).random(self.shape, np.float32) < probs)


def random_(self, a=None, b=None, *, generator=None, **kwargs):
    """Integers in [from, to); with one bound, [0, to); with none, [0, 2**mantissa] for floats."""
    a, b = kwargs.get("from", a), kwargs.get("to", b)
    if b is None:
        a, b = (0, a) if a is not None else (0, _random_top(self.dtype))
    return _fill(self, _integers("random_", int(a), int(b), self._data.shape, self.dtype, generator))


def _random_top(dt):
    if dt.is_floating_point:
        return 2 ** (np.finfo(dt.np).nmant + 1) + 1
    return 2 if dt is B.bool else int(np.iinfo(dt.np).max) + 1


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill ``self`` with draws from the exponential distribution of rate ``lambd``."""
    dt = _float_dtype(self.dtype, "exponential_cpu")
    g = B.rng(generator)
    arr = g.standard_exponential(self.shape, np.float32 if dt.np == np.float32 else np.float64)
    return _fill(self, arr / lambd)


TENSOR_METHODS = dict(bernoulli=bernoulli, multinomial=multinomial, uniform_=uniform_, normal_=normal_,
                      bernoulli_=bernoulli_, random_=random_, exponential_=exponential_)
FUNCTIONS = dict(rand=rand, randn=randn, randint=randint, randperm=randperm, rand_like=rand_like,
                 randn_like=randn_like, randint_like=randint_like, normal=normal, bernoulli=bernoulli,
                 multinomial=multinomial)


def _get_state(self):
    """``Generator.get_state()``: the stream's state as a uint8 tensor (the Generator itself lives
    below Tensor, in the backend)."""
    return _wrap(self._state_bytes())


B.Generator.get_state = _get_state

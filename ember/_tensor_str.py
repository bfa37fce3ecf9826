"""PyTorch's tensor printing, character for character.

One width and one notation serve a whole tensor, chosen from its nonzero
finite values (of the summarised part when it is large):

* all of them whole numbers: ``tensor([1., 2.])`` (a trailing dot marks the float dtype);
* otherwise fixed point with ``precision`` decimals: ``tensor([0.1234, 1.5000])``;
* scientific notation when the largest magnitude is over 1e8, the ratio of the
  largest to the smallest over 1000, or (for non-integers) the smallest under 1e-4.

Rows wrap at ``linewidth``, nested rows are indented under their bracket, and
tensors of more than ``threshold`` elements show ``edgeitems`` items at each end
of every dimension around ``...``.
"""
import math
from contextlib import contextmanager

import numpy as np

from . import _arraylib as B


class _PrintOptions:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


PRINT_OPTS = _PrintOptions()
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """Set how tensors print. ``profile`` ('default', 'short', 'full') resets the four
    sizes first; ``sci_mode`` is set on every call (None: choose automatically)."""
    if profile in _PROFILES:
        PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current print options (precision, threshold, edgeitems, linewidth, sci_mode) as a dict."""
    return {k: getattr(PRINT_OPTS, k) for k in ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")}


@contextmanager
def printoptions(**kwargs):
    """``with printoptions(precision=2): ...`` restores the previous options afterwards."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ----------------------------------------------------------------- formatting values


class _Formatter:
    """Picks the notation and width of one tensor from its values."""

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        flat = values.reshape(-1)
        if not floating:
            if flat.size:  # the longest integer is the smallest or the largest one
                self.width = max(len(str(flat.min().item())), len(str(flat.max().item())))
        else:
            flat = flat.astype(np.float64)
            shown = flat[np.isfinite(flat) & (flat != 0)]
            if shown.size:
                mags = np.abs(shown)
                lo, hi = mags.min(), mags.max()
                self.int_mode = bool(np.all(shown == np.ceil(shown)))
                auto = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
                self.sci_mode = auto if PRINT_OPTS.sci_mode is None else PRINT_OPTS.sci_mode
                p = PRINT_OPTS.precision
                if self.sci_mode:
                    self.width = max(len(f"{v:.{p}e}") for v in shown.tolist())
                elif self.int_mode:
                    self.width = max(len(f"{v:.0f}") for v in shown.tolist()) + 1  # + the trailing dot
                else:
                    self.width = max(len(f"{v:.{p}f}") for v in shown.tolist())

    def format(self, value):
        if not self.floating:
            s = str(value)
        elif self.sci_mode:
            s = f"{value:{self.width}.{PRINT_OPTS.precision}e}"
        elif self.int_mode:
            s = f"{value:.0f}" + ("." if math.isfinite(value) else "")
        else:
            s = f"{value:.{PRINT_OPTS.precision}f}"
        return s.rjust(self.width)


def _summarized(a):
    """The items a summarised print shows: ``edgeitems`` at each end of every dimension."""
    e = PRINT_OPTS.edgeitems
    if a.ndim > 1 and not e:
        return a[(slice(0, 0),) * a.ndim]
    for axis, n in enumerate(a.shape):
        if n > 2 * e:
            a = np.concatenate([a.take(range(e), axis), a.take(range(n - e, n), axis)], axis)
    return a


def _vector_str(a, indent, summarize, fmt):
    per_line = max(1, int((PRINT_OPTS.linewidth - indent) // (fmt.width + 2)))
    e = PRINT_OPTS.edgeitems
    if summarize and not e:
        items = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        items = [fmt.format(v) for v in a[:e].tolist()] + [" ..."] + [fmt.format(v) for v in a[-e:].tolist()]
    else:
        items = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(a, indent, summarize, fmt):
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt)
    e = PRINT_OPTS.edgeitems
    n = a.shape[0]
    if summarize and n > 2 * e:
        rows = [_nested_str(a[i], indent + 1, summarize, fmt) for i in range(e)] + ["..."] + [
            _nested_str(a[i], indent + 1, summarize, fmt) for i in range(n - e, n)]
    else:
        rows = [_nested_str(row, indent + 1, summarize, fmt) for row in a]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def array_str(a, indent):
    """The bracketed body of a non-empty array as PyTorch prints it."""
    if a.dtype == np.float16:
        a = a.astype(np.float32)
    summarize = a.size > PRINT_OPTS.threshold
    shown = _summarized(a) if summarize else a
    if a.dtype.kind == "c":
        from ._complex_str import ComplexFormatter

        fmt = ComplexFormatter(shown)
    else:
        fmt = _Formatter(shown, a.dtype.kind == "f")
    return _nested_str(a, indent, summarize, fmt)


# ----------------------------------------------------------------- the whole repr


def _add_suffixes(body, suffixes, indent):
    """Append ``, dtype=...``-style suffixes, each on a new line when it would pass linewidth."""
    parts = [body]
    line = len(body) - body.rfind("\n") + 1
    for s in suffixes:
        if line + len(s) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + s)
            line = indent + len(s)
        else:
            parts.append(", " + s)
            line += len(s) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t, tensor_contents=None):
    """How ``t`` prints: ``tensor(...)`` with its values, and device, dtype, size and grad suffixes
    where PyTorch shows them."""
    prefix = "tensor("
    indent = len(prefix)
    a = t._data
    dt = t.dtype
    suffixes = []
    if type(a) is not np.ndarray:
        suffixes.append(f"device='{t.device}'")
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if dt is not B.get_default_dtype():
            suffixes.append(f"dtype={dt}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(a.shape)}")
        if dt not in (B.get_default_dtype(), B.int64, B.bool, B.complex_of(B.get_default_dtype())):
            suffixes.append(f"dtype={dt}")
        body = array_str(B.to_numpy(a), indent)
    if tensor_contents is not None:
        body = tensor_contents
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)

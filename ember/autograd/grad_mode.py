"""Grad modes: one thread-local flag that every op reads once per call."""
import functools
import threading


class _State(threading.local):
    enabled = True  # class default: every new thread starts with grad enabled, as in PyTorch
    inference = False


state = _State()


def is_grad_enabled():
    """Whether ops record the graph for autograd in the current thread."""
    return state.enabled


def is_inference_mode_enabled():
    """Whether the current thread is inside :class:`ember.inference_mode`."""
    return state.inference


class _Mode:
    """Base of the context managers below; each also works as a decorator."""

    def __call__(self, fn):
        if isinstance(fn, type):
            raise TypeError(f"{type(self).__name__} can decorate functions, not classes")

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args):
                return fn(*args, **kwargs)

        return wrapper

    _args = ()

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self._mode
        return self

    def __exit__(self, *exc):
        state.enabled = self._prev
        return False

    def clone(self):
        """A fresh, unentered copy of this mode with the same arguments."""
        return self.__class__(*self._args)


class no_grad(_Mode):
    """Ops inside record no graph: results have ``requires_grad=False``."""

    _mode = False

    def __new__(cls, orig_func=None):
        self = super().__new__(cls)
        if callable(orig_func):  # used bare as ``@no_grad`` without parentheses
            return self(orig_func)
        return self


class enable_grad(_Mode):
    """Context manager and decorator that turns graph recording back on inside a ``no_grad`` region."""
    _mode = True

    def __new__(cls, orig_func=None):
        self = super().__new__(cls)
        if callable(orig_func):
            return self(orig_func)
        return self


class set_grad_enabled(_Mode):
    """``set_grad_enabled(False)`` switches at once (as a call) and restores on exit (as a context)."""

    def __init__(self, mode):
        self._mode = bool(mode)
        self._args = (mode,)
        self._prev = state.enabled
        state.enabled = self._mode

    def __enter__(self):
        return self


class inference_mode(_Mode):
    """Like ``no_grad`` (Ember keeps no extra bookkeeping that inference mode could skip)."""

    def __new__(cls, mode=True):
        self = super().__new__(cls)
        if callable(mode):
            self._mode, self._args = False, (True,)
            return self(mode)
        return self

    def __init__(self, mode=True):
        if callable(mode):
            return
        self._mode = not mode
        self._args = (mode,)

    def __enter__(self):
        self._prev_inf = state.inference
        state.inference = not self._mode
        return super().__enter__()

    def __exit__(self, *exc):
        state.inference = self._prev_inf
        return super().__exit__(*exc)

"""Anomaly detection: name the backward function that produced NaN."""
from .graph import anomaly


def is_anomaly_enabled():
    """Whether anomaly detection (see :class:`ember.autograd.detect_anomaly`) is on."""
    return anomaly.enabled


class set_detect_anomaly:
    """``set_detect_anomaly(True)`` switches at once; as a context manager it restores on exit."""

    def __init__(self, mode, check_nan=True):
        self._prev = anomaly.enabled
        anomaly.enabled = bool(mode) and check_nan

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        anomaly.enabled = self._prev
        return False


class detect_anomaly(set_detect_anomaly):
    """Context manager (and decorator) that checks every backward function's results for NaN."""

    def __init__(self, check_nan=True):
        self._check_nan = check_nan

    def __enter__(self):
        super().__init__(True, self._check_nan)
        return self

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self._check_nan):
                return fn(*args, **kwargs)

        return wrapper

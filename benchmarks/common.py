"""Timing helpers shared by the benchmarks: repeat, report min and median, never a single number."""
import os
import statistics
import time


def per_call(fn, number=None, repeat=7, budget=0.2):
    """Seconds per call of ``fn``: ``repeat`` runs of ``number`` calls; returns (min, median)."""
    fn()
    if number is None:  # size one run to about ``budget`` seconds
        number, t = 1, 0.0
        while t < budget / 4:
            number *= 4
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            t = time.perf_counter() - t0
        number = max(1, int(number * budget / max(t, 1e-9)))
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        runs.append((time.perf_counter() - t0) / number)
    return min(runs), statistics.median(runs)


def load_average():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def table(rows, headers):
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    out = [line, "-" * len(line)]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def us(seconds):
    return f"{seconds * 1e6:.1f}"

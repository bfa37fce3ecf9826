"""The pictures ``ember train`` leaves under --out (matplotlib, optional).

Figures are drawn with matplotlib's object API straight to PNG files: no pyplot, so no GUI backend
is chosen or started and the process's matplotlib state is left as it was."""
import importlib.util

import numpy as np


def available():
    """Whether matplotlib is installed (found without importing it)."""
    return importlib.util.find_spec("matplotlib") is not None


def _figure(**kwargs):
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def _smooth(values, window):
    values = np.asarray(values, dtype=np.float64)
    if len(values) < window or window < 2:
        return values
    kernel = np.ones(window) / window
    return np.convolve(values, kernel, mode="valid")


def curves(path, losses, accuracies, steps_per_epoch, title):
    """Training loss and accuracy per step (smoothed over about a tenth of an epoch)."""
    window = max(1, steps_per_epoch // 10)
    fig = _figure(figsize=(11, 4), layout="tight")
    for ax, values, label in zip(fig.subplots(1, 2), (losses, accuracies), ("loss", "accuracy (%)")):
        smooth = _smooth(values, window)
        ax.plot(np.arange(len(smooth)) / steps_per_epoch, smooth)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.savefig(path, dpi=100)


def predictions(path, images, labels, predicted, title, columns=8):
    """A grid of test images, each titled with its predicted label (red where wrong).

    The grid is one mosaic image in one set of axes: a set of axes per image would take most of the
    command's time to lay out."""
    n, h, w = images.shape
    rows = -(-n // columns)
    gap_x, gap_y = max(1, w // 4), max(2, h // 2)  # the vertical gap holds the label
    mosaic = np.full((rows * (h + gap_y), columns * (w + gap_x) - gap_x), np.nan)  # NaN shows as background
    fig = _figure(figsize=(columns * 1.2, rows * 1.4 + 0.5), layout="tight")
    ax = fig.subplots()
    for k in range(n):
        top, left = (k // columns) * (h + gap_y) + gap_y, (k % columns) * (w + gap_x)
        mosaic[top:top + h, left:left + w] = images[k]
        ax.text(left + w / 2 - 0.5, top - 0.7, str(predicted[k]), ha="center", va="bottom", fontsize=10,
                color="black" if predicted[k] == labels[k] else "red")
    ax.imshow(mosaic, cmap="gray", interpolation="nearest")
    ax.axis("off")
    fig.suptitle(title)
    fig.savefig(path, dpi=100)

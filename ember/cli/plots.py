"""The pictures ``ember train`` leaves under --out (matplotlib, optional)."""
import numpy as np


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no display is needed
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


def _smooth(values, window):
    values = np.asarray(values, dtype=np.float64)
    if len(values) < window or window < 2:
        return values
    kernel = np.ones(window) / window
    return np.convolve(values, kernel, mode="valid")


def curves(path, losses, accuracies, steps_per_epoch, title):
    """Training loss and accuracy per step (smoothed over about a tenth of an epoch)."""
    plt = _pyplot()
    if plt is None:
        return False
    window = max(1, steps_per_epoch // 10)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for ax, values, label in ((ax1, losses, "loss"), (ax2, accuracies, "accuracy (%)")):
        smooth = _smooth(values, window)
        ax.plot(np.arange(len(smooth)) / steps_per_epoch, smooth)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def predictions(path, images, labels, predicted, title, columns=8):
    """A grid of test images, each titled with its predicted label (red where wrong)."""
    plt = _pyplot()
    if plt is None:
        return False
    n = len(images)
    rows = (n + columns - 1) // columns
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 1.2, rows * 1.4))
    for ax, k in zip(np.ravel(axes), range(rows * columns)):
        ax.axis("off")
        if k < n:
            ax.imshow(images[k], cmap="gray")
            ok = predicted[k] == labels[k]
            ax.set_title(str(predicted[k]), color="black" if ok else "red", fontsize=10)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True

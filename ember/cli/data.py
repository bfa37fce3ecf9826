"""Finding the training data for ``ember train``: MNIST-style datasets, or the bundled digits."""
import contextlib
import io
import os
import sys

DATASETS = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST", "digits": None}
DIGITS = os.path.join(os.path.dirname(__file__), "digits", "digits.npz")
DIGITS_NAME = "Ember's bundled 8x8 digits"


def cache_dir():
    """The user cache for datasets: ``$XDG_CACHE_HOME/ember/datasets`` (``~/.cache`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "ember", "datasets")


def search_roots(data_dir):
    """(label, directory) pairs searched in order: --data-dir, $EMBER_DATA, the user cache."""
    roots = []
    if data_dir:
        roots.append(("--data-dir", data_dir))
    if os.environ.get("EMBER_DATA"):
        roots.append(("$EMBER_DATA", os.environ["EMBER_DATA"]))
    roots.append(("user cache", cache_dir()))
    return roots


def _found(root, folder):
    raw = os.path.join(root, folder, "raw")
    return os.path.isdir(raw) and any(n.startswith("train-images") for n in os.listdir(raw))


def load(name, data_dir, download, transform, explicit):
    """Return (train_set, test_set, description).

    Falls back to the bundled digits only when the dataset was not asked for explicitly and can be
    neither found nor downloaded; the reason is then printed as one line on stderr."""
    from ..vision import datasets

    if name == "digits":
        return digits() + (DIGITS_NAME,)
    folder = DATASETS[name]
    cls = getattr(datasets, folder)
    for _, root in search_roots(data_dir):
        if _found(root, folder):
            return cls(root, train=True, transform=transform), cls(root, train=False, transform=transform), (
                f"{folder} from {root}")
    target = data_dir or os.environ.get("EMBER_DATA") or cache_dir()
    reason = f"{folder} not found in " + ", ".join(root for _, root in search_roots(data_dir))
    if download:
        try:
            train, test = _download(cls, os.path.join(target, folder, "raw"), target, transform)
            return train, test, f"{folder} downloaded to {target}"
        except Exception as e:  # offline, mirrors down, checksum mismatch: all end in the fallback below
            reason += f", and downloading it failed: {_reason(e)}"
    if explicit:
        raise SystemExit(f"ember train: {reason}. Put the IDX files under <dir>/{folder}/raw/ and pass "
                         f"--data-dir <dir>, or use --download with network access.")
    print(f"{reason}; training on {DIGITS_NAME} instead.", file=sys.stderr)
    return digits() + (f"{DIGITS_NAME} (fallback)",)


def _download(cls, raw_folder, root, transform):
    """Download into ``root`` without the per-mirror chatter; on failure remove the folders this call
    made, so a failed attempt leaves nothing behind."""
    made = _missing_parents(raw_folder)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the reason is reported once, by the caller
            train = cls(root, train=True, transform=transform, download=True)
        return train, cls(root, train=False, transform=transform)
    except Exception:
        for folder in made:  # deepest first; a folder holding a partial download is kept
            with contextlib.suppress(OSError):
                os.rmdir(folder)
        raise


def _missing_parents(path):
    """``path`` and its ancestors that do not exist yet, deepest first."""
    missing = []
    path = os.path.abspath(path)
    while not os.path.exists(path):
        missing.append(path)
        path = os.path.dirname(path)
    return missing


def _reason(error):
    """What went wrong, on one line: the errors each mirror gave (a download failure lists them one per
    line after "got:"), else the whole message joined."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    causes = [line for previous, line in zip(lines, lines[1:]) if previous.endswith("got:")]
    return "; ".join(dict.fromkeys(causes or lines)) or type(error).__name__


def digits(test_fraction=0.2, seed=0):
    """The bundled handwritten digits (1797 images, 8x8, 10 classes) as (train, test) TensorDatasets.

    Images are float32 in [0, 1] with shape N x 1 x 8 x 8, as ToTensor gives; a fixed permutation
    (``seed``) holds out ``test_fraction`` of them for testing."""
    import numpy as np

    import ember

    from ..utils.data import TensorDataset

    with np.load(DIGITS) as archive:
        images = (archive["images"] / np.float32(16)).astype(np.float32)[:, None]
        labels = archive["labels"]
    order = np.random.default_rng(seed).permutation(len(labels))
    n_test = int(len(labels) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    make = lambda idx: TensorDataset(ember.from_numpy(images[idx]), ember.from_numpy(labels[idx]))  # noqa: E731
    return make(train), make(test)

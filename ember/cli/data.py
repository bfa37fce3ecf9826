"""Finding the training data for ``ember train``: MNIST-style datasets, or a bundled fallback."""
import os
import sys

DATASETS = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST", "digits": None}


def cache_dir():
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
    """Return (train_set, test_set, description). Falls back to scikit-learn's digits only when the
    dataset was not asked for explicitly and cannot be found or downloaded."""
    from ..vision import datasets

    if name == "digits":
        return digits() + ("scikit-learn's 8x8 digits",)
    folder = DATASETS[name]
    cls = getattr(datasets, folder)
    for label, root in search_roots(data_dir):
        if _found(root, folder):
            return cls(root, train=True, transform=transform), cls(root, train=False, transform=transform), (
                f"{folder} from {root}")
    target = data_dir or os.environ.get("EMBER_DATA") or cache_dir()
    error = None
    if download:
        try:
            os.makedirs(target, exist_ok=True)
            train = cls(target, train=True, transform=transform, download=True)
            return train, cls(target, train=False, transform=transform), f"{folder} downloaded to {target}"
        except Exception as e:  # offline, mirrors down, checksum mismatch: explained below
            error = e
    where = ", ".join(r for _, r in search_roots(data_dir))
    reason = f"{folder} not found in {where}" + (f" and could not be downloaded ({_short(error)})" if error else "")
    if explicit:
        raise SystemExit(f"ember train: {reason}. Put the IDX files under <dir>/{folder}/raw/ and pass "
                         f"--data-dir <dir>, or use --download with network access.")
    try:
        train, test = digits()
    except ImportError:
        raise SystemExit(f"ember train: {reason}, and the fallback dataset needs scikit-learn "
                         "(pip install 'ember[cli]').") from None
    print(f"{reason}; training on scikit-learn's bundled 8x8 digits instead.", file=sys.stderr)
    return train, test, "scikit-learn's 8x8 digits (fallback)"


def _short(error):
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def digits(test_fraction=0.2, seed=0):
    """scikit-learn's bundled handwritten digits (1797 images, 8x8, 10 classes) as tensor datasets."""
    import numpy as np
    from sklearn.datasets import load_digits

    import ember
    from ..utils.data import TensorDataset

    bunch = load_digits()
    images = (bunch.images / 16.0).astype(np.float32)[:, None]  # N x 1 x 8 x 8, in [0, 1] like ToTensor
    labels = bunch.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(labels))
    n_test = int(len(labels) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    make = lambda idx: TensorDataset(ember.from_numpy(images[idx]), ember.from_numpy(labels[idx]))  # noqa: E731
    return make(train), make(test)

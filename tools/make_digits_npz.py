"""Write ember/cli/digits/digits.npz from scikit-learn's bundled copy of the UCI handwritten digits.

Run once, with scikit-learn installed, when the file has to be rebuilt:
    python tools/make_digits_npz.py
The archive holds ``images`` (1797 x 8 x 8 uint8, values 0..16) and ``labels`` (1797 int64), in
scikit-learn's order. See ember/cli/digits/README.md for the source and licence.
"""
import os

import numpy as np
from sklearn.datasets import load_digits

OUT = os.path.join(os.path.dirname(__file__), "..", "ember", "cli", "digits", "digits.npz")


def main():
    bunch = load_digits()
    images = bunch.images.astype(np.uint8)
    if not np.array_equal(images, bunch.images):  # the counts are integers 0..16: nothing may be lost
        raise SystemExit("scikit-learn's digits are not whole numbers any more; refusing to round them")
    np.savez_compressed(OUT, images=images, labels=bunch.target.astype(np.int64))
    print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()

"""Pretrained weights by URL (torch.hub): a local cache in torch.hub's layout, checksummed downloads.

Files live in ``<hub dir>/checkpoints/<file name>``, the hub dir being
``$TORCH_HOME/hub``, else ``$EMBER_HOME/hub``, else ``$XDG_CACHE_HOME/torch/hub``
or ``~/.cache/torch/hub``: weights PyTorch has already downloaded are found
where it left them. A download goes to a temporary file beside its target, is
checked against the SHA-256 prefix in its name (``resnet18-f37072fd.pth``) when
asked, and only then renamed into place. Files are read with ``ember.load``,
which runs no code from them.
"""
import contextlib
import hashlib
import os
import re
import shutil
import sys
import tempfile
import urllib.parse
import urllib.request

__all__ = ["download_url_to_file", "get_dir", "load_state_dict_from_url", "set_dir"]

_HASH_IN_NAME = re.compile(r"-([a-f0-9]*)\.")  # torch.hub's convention: <name>-<sha256 prefix>.<ext>
_hub_dir = None


def get_dir():
    """The directory that holds the cache (``checkpoints/`` is inside it)."""
    if _hub_dir is not None:
        return _hub_dir
    for var in ("TORCH_HOME", "EMBER_HOME"):
        if os.environ.get(var):
            return os.path.join(os.path.expanduser(os.environ[var]), "hub")
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
    return os.path.join(os.path.expanduser(cache), "torch", "hub")


def set_dir(d):
    """Use ``d`` as the hub directory for the rest of this process."""
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Fetch ``url`` into ``dst`` atomically; with ``hash_prefix``, refuse a file whose SHA-256 does not
    start with it (nothing is left at ``dst`` then)."""
    dst = os.path.expanduser(dst)
    directory = os.path.dirname(os.path.abspath(dst))
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=directory, prefix=os.path.basename(dst) + ".", suffix=".partial",
                                     delete=False) as out:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": "ember.hub"})) as src:
                size = src.headers.get("Content-Length")
                if progress:
                    print(f"Downloading: {url!r} to {dst}" + (f" ({int(size)} bytes)" if size else ""),
                          file=sys.stderr)
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
            out.close()
            if hash_prefix is not None and not digest.hexdigest().startswith(hash_prefix):
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest.hexdigest()}")')
            shutil.move(out.name, dst)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(out.name)
            raise


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=False):
    """The object saved at ``url`` (a ``torch.save`` file or an Ember checkpoint), from the cache
    when it is there, downloaded into it otherwise. ``check_hash`` verifies a download against the
    SHA-256 prefix in its file name. ``weights_only`` is accepted: Ember never unpickles code."""
    from .serialization import load

    model_dir = model_dir or os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name or os.path.basename(urllib.parse.urlparse(url).path)
    cached = os.path.join(model_dir, filename)
    if not os.path.exists(cached):
        match = _HASH_IN_NAME.search(filename) if check_hash else None
        download_url_to_file(url, cached, match.group(1) if match else None, progress=progress)
    return load(cached, map_location=map_location)

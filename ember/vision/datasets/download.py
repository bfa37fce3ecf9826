"""Downloading dataset files: verified, atomic, with a progress bar where tqdm is installed.

A file only ever appears under its final name complete and with the expected
MD5: it is streamed into a temporary file beside it and renamed afterwards.

The network, hashing and archive modules are imported in the functions that use
them: every MNIST script imports this module, few of them download.
"""
import os

USER_AGENT = "ember"
CHUNK = 1 << 20
TIMEOUT_S = 60

class ChecksumError(OSError):
    """A downloaded file's MD5 is not the expected one."""


def calculate_md5(fpath, chunk_size=CHUNK):
    """The MD5 hex digest of the file ``fpath``, read in chunks."""
    import hashlib

    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5, **kwargs):
    """Whether the file ``fpath`` has the MD5 digest ``md5``."""
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5=None):
    """Whether ``fpath`` is a file and, when ``md5`` is given, has that MD5."""
    if not os.path.isfile(fpath):
        return False
    return md5 is None or check_md5(fpath, md5)


def _progress(total, desc):
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=desc, leave=False)


def _write_atomically(fpath, write):
    """Call ``write(file)`` on a temporary file beside ``fpath``; rename it to ``fpath`` only if
    ``write`` returns without raising, else remove it."""
    import tempfile

    directory = os.path.dirname(fpath) or "."
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=os.path.basename(fpath) + ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, fpath)
    except BaseException:
        os.unlink(tmp)
        raise


def download_url(url, root, filename=None, md5=None, max_redirect_hops=3):
    """Download ``url`` to ``root/filename`` unless a file with the right MD5 is already there.

    Raises URLError/HTTPException/OSError when the fetch fails and ChecksumError
    when the bytes have the wrong MD5; in every case nothing is left behind."""
    import hashlib
    import urllib.request

    root = os.path.expanduser(root)
    fpath = os.path.join(root, filename or os.path.basename(url))
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})

    def fetch(f):
        digest = hashlib.md5(usedforsecurity=False)
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            total = response.length
            bar = _progress(total, os.path.basename(fpath))
            try:
                for chunk in iter(lambda: response.read(CHUNK), b""):
                    f.write(chunk)
                    digest.update(chunk)
                    if bar is not None:
                        bar.update(len(chunk))
            finally:
                if bar is not None:
                    bar.close()
        if md5 is not None and digest.hexdigest() != md5:
            raise ChecksumError(f"MD5 mismatch for {url}: expected {md5}, got {digest.hexdigest()}")

    _write_atomically(fpath, fetch)


def _safe_member(name, to_path):
    """Whether an archive member named ``name`` lands inside ``to_path`` (no ``..``, no absolute path)."""
    root = os.path.realpath(to_path)
    return os.path.realpath(os.path.join(root, name)).startswith(root + os.sep)


def _extract_tar(from_path, to_path):
    import tarfile

    with tarfile.open(from_path) as tar:
        tar.extractall(to_path, filter="data")  # refuses links out of to_path, devices and absolute names


def _extract_zip(from_path, to_path):
    import zipfile

    with zipfile.ZipFile(from_path) as archive:
        for name in archive.namelist():
            if not _safe_member(name, to_path):
                raise RuntimeError(f"{from_path} holds {name!r}, which would be written outside {to_path}")
        archive.extractall(to_path)


def _decompressor(suffix):
    import bz2
    import gzip
    import lzma

    return {".gz": gzip.open, ".xz": lzma.open, ".bz2": bz2.open}[suffix]


def _decompress(from_path, to_path, suffix):
    import shutil

    target = os.path.join(to_path, os.path.basename(from_path)[:-len(suffix)])

    def decompress(f):
        with _decompressor(suffix)(from_path, "rb") as src:
            shutil.copyfileobj(src, f, CHUNK)

    _write_atomically(target, decompress)


def extract_archive(from_path, to_path=None, remove_finished=False):
    """Unpack a .tar(.gz/.xz/.bz2)/.tgz/.zip archive, or decompress a .gz/.xz/.bz2 file, into ``to_path``
    (the archive's directory by default); returns ``to_path``. Members that would land outside
    ``to_path`` are refused."""
    to_path = to_path or os.path.dirname(from_path)
    name = from_path.lower()
    if name.endswith((".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".tbz", ".tbz2")):
        _extract_tar(from_path, to_path)
    elif name.endswith(".zip"):
        _extract_zip(from_path, to_path)
    elif name.endswith((".gz", ".xz", ".bz2")):
        _decompress(from_path, to_path, os.path.splitext(name)[1])
    else:
        raise RuntimeError(f"Extraction of {from_path} not supported: archives are .tar(.gz/.xz/.bz2), .tgz, "
                           f".zip, .gz, .xz or .bz2 files")
    if remove_finished:
        os.remove(from_path)
    return to_path


def download_and_extract_archive(url, download_root, extract_root=None, filename=None, md5=None,
                                 remove_finished=False):
    """Downloads ``url`` into ``download_root`` (checking ``md5`` when given) and unpacks it into
    ``extract_root`` (default: the same folder)."""
    download_root = os.path.expanduser(download_root)
    filename = filename or os.path.basename(url)
    download_url(url, download_root, filename, md5)
    return extract_archive(os.path.join(download_root, filename), extract_root or download_root, remove_finished)


def download_from_mirrors(filename, mirrors, root, md5=None):
    """Fetch ``filename`` from the first mirror that serves it with the right MD5, then extract it.

    Raises RuntimeError naming what went wrong at each mirror when none does."""
    import http.client
    import urllib.error

    fetch_errors = (urllib.error.URLError, http.client.HTTPException, OSError)  # the next mirror may still work
    errors = []
    for mirror in mirrors:
        url = f"{mirror}{filename}"
        try:
            print(f"Downloading {url}")
            download_and_extract_archive(url, download_root=root, filename=filename, md5=md5)
            return
        except fetch_errors as error:
            print(f"Failed to download (trying next):\n{error}\n")
            errors.append((mirror, error))
    tried = "".join(f"Tried {mirror}, got:\n{error}\n" for mirror, error in errors)
    raise RuntimeError(f"Error downloading {filename}:\n{tried}"
                       f"No mirror could provide it: check the network connection, or put the file in {root} "
                       f"yourself.")

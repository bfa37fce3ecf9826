"""Helpers datasets share (torchvision.datasets.utils): argument checks, directory listings, and the
download functions of ``download``."""
import os

from .download import (calculate_md5, check_integrity, check_md5, download_and_extract_archive,  # noqa: F401
                       download_url, extract_archive)


def iterable_to_str(iterable):
    """The items quoted and joined by commas, for error messages."""
    return "'" + "', '".join(str(item) for item in iterable) + "'"


def verify_str_arg(value, arg=None, valid_values=None, custom_msg=None):
    """``value`` if it is a string among ``valid_values``; ValueError naming the choices otherwise."""
    if not isinstance(value, str):
        what = "" if arg is None else f" for argument {arg}"
        raise ValueError(f"Expected type str{what}, but got type {type(value)}.")
    if valid_values is not None and value not in valid_values:
        raise ValueError(custom_msg or f"Unknown value '{value}' for argument {arg}. Valid values are "
                                       f"{{{iterable_to_str(valid_values)}}}.")
    return value


def list_dir(root, prefix=False):
    """The sorted names of the directories in ``root`` (joined to ``root`` when ``prefix``)."""
    root = os.path.expanduser(root)
    names = sorted(entry.name for entry in os.scandir(root) if entry.is_dir())
    return [os.path.join(root, n) for n in names] if prefix else names


def list_files(root, suffix, prefix=False):
    """The sorted names of the files in ``root`` ending with ``suffix`` (a string or tuple)."""
    root = os.path.expanduser(root)
    names = sorted(entry.name for entry in os.scandir(root) if entry.is_file() and entry.name.endswith(suffix))
    return [os.path.join(root, n) for n in names] if prefix else names


NOT_FOUND = "Dataset not found or corrupted. You can use download=True to download it"


def download_file_from_google_drive(file_id, root, filename=None, md5=None):
    """Fetch a Google Drive file to ``root/filename`` with gdown (Drive's confirmation pages need it), then
    check its MD5; nothing is fetched when a file with that MD5 is already there."""
    path = os.path.join(os.path.expanduser(root), filename or file_id)
    if check_integrity(path, md5):
        return
    try:
        import gdown
    except ImportError:
        raise RuntimeError(f"{os.path.basename(path)} is on Google Drive, which needs gdown to download from: pip "
                           f"install gdown, or put the file in {os.path.dirname(path)} yourself") from None
    os.makedirs(os.path.dirname(path), exist_ok=True)
    gdown.download(id=file_id, output=path, quiet=False)
    if not check_integrity(path, md5):
        raise RuntimeError(f"{os.path.basename(path)} downloaded from Google Drive does not have the MD5 {md5}")


def all_intact(folder, files):
    """Whether every (name, md5) in ``files`` is in ``folder`` with that MD5."""
    return all(check_integrity(os.path.join(folder, name), md5) for name, md5 in files)


class ArchiveDataset:
    """For datasets unpacked from one archive (``url``, ``filename``, ``tgz_md5``) into
    ``root/base_folder``, whose files ``train_list + test_list`` have known MD5s."""

    def _check_integrity(self):
        return all_intact(os.path.join(self.root, self.base_folder), self.train_list + self.test_list)

    def download(self):
        if not self._check_integrity():
            download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.tgz_md5)

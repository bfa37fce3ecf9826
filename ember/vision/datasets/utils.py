"""Helpers datasets share (torchvision.datasets.utils): argument checks, directory listings, and the
download functions of ``download``."""
import os

from .download import (calculate_md5, check_integrity, check_md5, download_and_extract_archive,  # noqa: F401
                       download_url, extract_archive)


def iterable_to_str(iterable):
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

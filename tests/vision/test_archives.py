"""extract_archive: the archive kinds torchvision's datasets ship in, and members that would escape refused."""
import gzip
import io
import lzma
import os
import tarfile
import zipfile

import pytest

from ember.vision.datasets.utils import extract_archive, list_dir, list_files

FILES = {"a/one.txt": b"one", "a/b/two.bin": bytes(range(256)), "three": b""}


def write_tar(path, mode, files):
    with tarfile.open(path, mode) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def write_zip(path, files):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("suffix", [".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".zip"])
def test_archives_unpack(tmp_path, suffix):
    path = str(tmp_path / ("archive" + suffix))
    if suffix == ".zip":
        write_zip(path, FILES)
    else:
        write_tar(path, "w:" + {".tar": "", ".tar.gz": "gz", ".tgz": "gz", ".tar.xz": "xz", ".tar.bz2": "bz2"}[suffix],
                  FILES)
    out = tmp_path / "out"
    assert extract_archive(path, str(out), remove_finished=True) == str(out)
    for name, data in FILES.items():
        assert (out / name).read_bytes() == data
    assert not os.path.exists(path)
    assert list_dir(str(out)) == ["a"] and list_files(str(out / "a"), ".txt") == ["one.txt"]


@pytest.mark.parametrize("suffix, opener", [(".gz", gzip.open), (".xz", lzma.open)])
def test_single_files_decompress(tmp_path, suffix, opener):
    path = str(tmp_path / ("data.bin" + suffix))
    with opener(path, "wb") as f:
        f.write(b"payload" * 100)
    extract_archive(path)
    assert (tmp_path / "data.bin").read_bytes() == b"payload" * 100


@pytest.mark.parametrize("kind", ["tar", "zip"])
def test_members_outside_the_target_are_refused(tmp_path, kind):
    path = str(tmp_path / f"evil.{kind}")
    evil = {"../escaped.txt": b"x"}
    write_zip(path, evil) if kind == "zip" else write_tar(path, "w", evil)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises((RuntimeError, tarfile.TarError), match="outside"):
        extract_archive(path, str(out))
    assert not (tmp_path / "escaped.txt").exists()


def test_unknown_kind(tmp_path):
    with pytest.raises(RuntimeError, match="not supported"):
        extract_archive(str(tmp_path / "x.rar"))

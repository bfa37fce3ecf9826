"""download=True against a local HTTP server: mirrors in turn, MD5 checks, atomic files, clear failures."""
import gzip
import hashlib
import http.server
import os
import socket
import threading

import numpy as np
import pytest

from ember.vision.datasets import MNIST
from ember.vision.datasets.download import ChecksumError, check_integrity, download_url

from conftest import FILES, idx_bytes

NAMES = [name + ".gz" for split in ("train", "test") for name in FILES[split]]


def gz_payloads():
    rng = np.random.default_rng(1)
    arrays = {"train-images-idx3-ubyte": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
              "train-labels-idx1-ubyte": rng.integers(0, 10, 6).astype(np.uint8),
              "t10k-images-idx3-ubyte": rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
              "t10k-labels-idx1-ubyte": rng.integers(0, 10, 4).astype(np.uint8)}
    return {name + ".gz": gzip.compress(idx_bytes(a), mtime=0) for name, a in arrays.items()}, arrays


class Handler(http.server.BaseHTTPRequestHandler):
    """/good/<file> serves the file, /corrupt/<file> flipped bytes, /short/<file> a cut-off body,
    anything else 404."""

    def do_GET(self):
        self.server.requests.append(self.path)
        _, kind, name = self.path.split("/", 2)
        body = self.server.payloads.get(name)
        if body is None or kind not in ("good", "corrupt", "short"):
            self.send_error(404, "Not Found")
            return
        if kind == "corrupt":
            body = bytes(b ^ 0xFF for b in body)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[:len(body) // 2] if kind == "short" else body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.payloads, srv.arrays = gz_payloads()
    srv.requests = []
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}"
    yield srv
    srv.shutdown()
    srv.server_close()


def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/"


@pytest.fixture
def mirrors(monkeypatch, server):
    """Point MNIST at the local server (its mirror list and MD5s are class attributes, as in torchvision)."""
    resources = [(name, hashlib.md5(server.payloads[name]).hexdigest()) for name in NAMES]
    monkeypatch.setattr(MNIST, "resources", resources)

    def use(*kinds):
        urls = [closed_port_url() if k == "refused" else f"{server.url}/{k}/" for k in kinds]
        monkeypatch.setattr(MNIST, "mirrors", urls)
        return urls

    return use


def leftovers(root):
    raw = os.path.join(root, "MNIST", "raw")
    return sorted(os.listdir(raw)) if os.path.isdir(raw) else []


def test_download_then_load(tmp_path, server, mirrors, capsys):
    mirrors("good")
    ds = MNIST(str(tmp_path), download=True)
    np.testing.assert_array_equal(ds.data.numpy(), server.arrays["train-images-idx3-ubyte"])
    assert ds.targets.tolist() == server.arrays["train-labels-idx1-ubyte"].tolist()
    assert leftovers(tmp_path) == sorted(NAMES + [n[:-3] for n in NAMES])  # archives and extracted files only
    assert f"Downloading {server.url}/good/train-images-idx3-ubyte.gz" in capsys.readouterr().out
    count = len(server.requests)
    MNIST(str(tmp_path), train=False, download=True)  # everything is there: nothing is fetched again
    assert len(server.requests) == count == 4


def test_a_missing_mirror_is_skipped(tmp_path, server, mirrors, capsys):
    mirrors("missing", "good")
    assert len(MNIST(str(tmp_path), download=True)) == 6
    out = capsys.readouterr().out
    assert "HTTP Error 404" in out and "trying next" in out
    assert [p.split("/")[1] for p in server.requests] == ["missing", "good"] * 4


def test_corrupt_bytes_move_on_to_the_next_mirror(tmp_path, server, mirrors):
    mirrors("corrupt", "good")
    assert len(MNIST(str(tmp_path), download=True)) == 6
    assert not [f for f in leftovers(tmp_path) if f.endswith(".part")]


def test_every_mirror_failing_names_each_failure(tmp_path, server, mirrors):
    urls = mirrors("missing", "refused", "corrupt", "short")
    with pytest.raises(RuntimeError) as err:
        MNIST(str(tmp_path), download=True)
    msg = str(err.value)
    assert msg.startswith("Error downloading train-images-idx3-ubyte.gz:\n")
    assert f"Tried {urls[0]}, got:\nHTTP Error 404: Not Found" in msg
    assert f"Tried {urls[1]}, got:\n<urlopen error" in msg and "refused" in msg
    assert f"Tried {urls[2]}, got:\nMD5 mismatch for {urls[2]}train-images-idx3-ubyte.gz" in msg
    assert f"Tried {urls[3]}, got:\n" in msg
    assert "check the network connection" in msg
    assert leftovers(tmp_path) == []  # no half file, under its name or any other


def test_download_url_verifies_and_replaces_atomically(tmp_path, server):
    name = NAMES[1]
    md5 = hashlib.md5(server.payloads[name]).hexdigest()
    with pytest.raises(ChecksumError):
        download_url(f"{server.url}/corrupt/{name}", str(tmp_path), md5=md5)
    assert os.listdir(tmp_path) == []
    download_url(f"{server.url}/good/{name}", str(tmp_path), md5=md5)
    assert check_integrity(str(tmp_path / name), md5) and not check_integrity(str(tmp_path / name), "0" * 32)
    requests = len(server.requests)
    download_url(f"{server.url}/good/{name}", str(tmp_path), md5=md5)  # already verified: not fetched again
    assert len(server.requests) == requests


def test_torchvision_mirrors_and_md5s():
    assert MNIST.mirrors == ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    assert dict(MNIST.resources)["train-images-idx3-ubyte.gz"] == "f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert dict(MNIST.resources)["t10k-labels-idx1-ubyte.gz"] == "ec29112dd5afa0611ce80d1b7f02629c"

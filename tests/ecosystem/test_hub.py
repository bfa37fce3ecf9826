"""ember.hub against torch.hub: cache layout, downloads from a server on 127.0.0.1, checksums."""
import collections
import functools
import hashlib
import http.server
import os
import threading

import numpy as np
import pytest

import ember
from ember import hub

torch = pytest.importorskip("torch")


@pytest.fixture
def server(tmp_path):
    """An HTTP server on 127.0.0.1 serving ``tmp_path / "www"``; ``server.requests`` lists the paths asked for."""
    root = tmp_path / "www"
    root.mkdir()
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.root, httpd.requests = root, requests
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _publish(root, stem, sd, hash_ok=True):
    """Save ``sd`` with torch.save as torch.hub names files: ``<stem>-<first 8 hex of its SHA-256>.pth``."""
    tmp = root / "tmp.pth"
    torch.save(sd, tmp)
    digest = hashlib.sha256(tmp.read_bytes()).hexdigest()[:8] if hash_ok else "deadbeef"
    name = f"{stem}-{digest}.pth"
    tmp.rename(root / name)
    return name


def _state():
    torch.manual_seed(0)
    return collections.OrderedDict(weight=torch.randn(3, 4), bias=torch.randn(3), steps=torch.tensor(5))


def test_download_checks_the_hash_and_caches_like_torch_hub(server, tmp_path):
    name = _publish(server.root, "tiny", _state())
    ours = hub.load_state_dict_from_url(server.url + name, model_dir=tmp_path / "ember", check_hash=True,
                                        progress=False)
    theirs = torch.hub.load_state_dict_from_url(server.url + name, model_dir=str(tmp_path / "torch"),
                                                check_hash=True, progress=False)
    assert list(ours) == list(theirs)
    for k in theirs:
        np.testing.assert_array_equal(ours[k].numpy(), theirs[k].numpy())
    assert os.listdir(tmp_path / "ember") == os.listdir(tmp_path / "torch") == [name]
    served = len(server.requests)
    hub.load_state_dict_from_url(server.url + name, model_dir=tmp_path / "ember", check_hash=True)
    assert len(server.requests) == served  # the second call reads the cache


def test_a_wrong_hash_is_refused_and_nothing_is_cached(server, tmp_path):
    name = _publish(server.root, "tiny", _state(), hash_ok=False)
    with pytest.raises(RuntimeError, match='invalid hash value \\(expected "deadbeef"'):
        hub.load_state_dict_from_url(server.url + name, model_dir=tmp_path / "ember", check_hash=True)
    with pytest.raises(RuntimeError, match='invalid hash value \\(expected "deadbeef"'):
        torch.hub.load_state_dict_from_url(server.url + name, model_dir=str(tmp_path / "torch"), check_hash=True)
    assert os.listdir(tmp_path / "ember") == os.listdir(tmp_path / "torch") == []
    # without check_hash the name is not a promise, as in torch.hub
    assert hub.load_state_dict_from_url(server.url + name, model_dir=tmp_path / "ember")["steps"].item() == 5


def test_file_urls_and_file_name(tmp_path):
    src = tmp_path / "src.pt"
    ember.save({"w": ember.arange(3.0)}, src)
    sd = hub.load_state_dict_from_url(src.as_uri(), model_dir=tmp_path / "cache", file_name="renamed.pt")
    assert sd["w"].tolist() == [0.0, 1.0, 2.0] and os.listdir(tmp_path / "cache") == ["renamed.pt"]


def test_download_url_to_file(server, tmp_path):
    (server.root / "blob.bin").write_bytes(b"x" * 5000)
    prefix = hashlib.sha256(b"x" * 5000).hexdigest()[:10]
    hub.download_url_to_file(server.url + "blob.bin", str(tmp_path / "a.bin"), hash_prefix=prefix, progress=False)
    assert (tmp_path / "a.bin").read_bytes() == b"x" * 5000
    with pytest.raises(RuntimeError, match="invalid hash value"):
        hub.download_url_to_file(server.url + "blob.bin", str(tmp_path / "b.bin"), hash_prefix="0000")
    assert sorted(os.listdir(tmp_path)) == ["a.bin", "www"]


@pytest.mark.parametrize("env", [{"TORCH_HOME": "th"}, {"XDG_CACHE_HOME": "xdg"}, {}])
def test_hub_dir_follows_torch_hub(env, tmp_path, monkeypatch):
    for var in ("TORCH_HOME", "XDG_CACHE_HOME", "EMBER_HOME"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, str(tmp_path / value))
    assert hub.get_dir() == torch.hub.get_dir()


def test_ember_home_and_set_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("TORCH_HOME", raising=False)
    monkeypatch.setenv("EMBER_HOME", str(tmp_path / "eh"))
    assert hub.get_dir() == str(tmp_path / "eh" / "hub")
    monkeypatch.setattr(hub, "_hub_dir", None)
    hub.set_dir(str(tmp_path / "mine"))
    assert hub.get_dir() == str(tmp_path / "mine")

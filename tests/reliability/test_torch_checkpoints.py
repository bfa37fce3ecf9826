"""ember.load reads files written by PyTorch's own torch.save, zip and legacy formats alike."""
import collections
import io
import zipfile

import numpy as np
import pytest

import ember
import ember.nn.functional as F

torch = pytest.importorskip("torch")

FORMATS = [True, False]  # torch.save's _use_new_zipfile_serialization: zip, then the legacy format


def _round_trip(obj, tmp_path, zip_format=True):
    path = tmp_path / "t.pt"
    torch.save(obj, path, _use_new_zipfile_serialization=zip_format)
    return ember.load(path)


def _same(e, t):
    assert str(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


class ConvNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3)
        self.bn = torch.nn.BatchNorm2d(4)
        self.fc = torch.nn.Linear(4 * 4 * 4, 3)

    def forward(self, x):
        return self.fc(torch.relu(self.bn(self.conv(x))).flatten(1))


def _ember_convnet(sd, x):
    """ConvNet's forward in Ember, from its state dict."""
    y = F.conv2d(x, sd["conv.weight"], sd["conv.bias"])
    y = F.batch_norm(y, sd["bn.running_mean"], sd["bn.running_var"], sd["bn.weight"], sd["bn.bias"], training=False,
                     eps=1e-5)
    return F.linear(F.relu(y).flatten(1), sd["fc.weight"], sd["fc.bias"])


@pytest.mark.parametrize("zip_format", FORMATS)
def test_conv_batchnorm_linear_state_dict_gives_the_same_outputs(tmp_path, zip_format):
    torch.manual_seed(0)
    net = ConvNet()
    net.train()
    for _ in range(3):  # moves the running statistics and num_batches_tracked
        net(torch.randn(8, 1, 6, 6))
    net.eval()
    sd = net.state_dict()
    back = _round_trip(sd, tmp_path, zip_format)
    assert isinstance(back, collections.OrderedDict) and list(back) == list(sd)
    for k in sd:
        _same(back[k], sd[k])
    assert back["bn.num_batches_tracked"].dtype == ember.int64 and back["bn.num_batches_tracked"].item() == 3
    x = np.random.default_rng(0).standard_normal((5, 1, 6, 6)).astype(np.float32)
    with torch.no_grad():
        expected = net(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(_ember_convnet(back, ember.tensor(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-5)


def test_mlp_weights_load_into_the_equivalent_ember_model(tmp_path):
    torch.manual_seed(1)
    tnet = torch.nn.Sequential(torch.nn.Linear(10, 16), torch.nn.Tanh(), torch.nn.Linear(16, 4))
    torch.save(tnet.state_dict(), tmp_path / "mlp.pth")
    enet = ember.nn.Sequential(ember.nn.Linear(10, 16), ember.nn.Tanh(), ember.nn.Linear(16, 4))
    enet.load_state_dict(ember.load(tmp_path / "mlp.pth", map_location="cpu", weights_only=True))
    x = np.random.default_rng(1).standard_normal((7, 10)).astype(np.float32)
    with torch.no_grad():
        expected = tnet(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(enet(ember.tensor(x)).detach().numpy(), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("zip_format", FORMATS)
def test_dtypes_zero_dim_and_raw_tensor(tmp_path, zip_format):
    tensors = {"f16": torch.randn(3).half(), "b": torch.tensor([True, False]), "u8": torch.arange(250, 256).byte(),
               "i8": torch.tensor([-128, 127], dtype=torch.int8), "i16": torch.tensor([-3], dtype=torch.int16),
               "i32": torch.tensor([2 ** 31 - 1], dtype=torch.int32), "f64": torch.randn(2, 2).double(),
               "i64": torch.tensor([-(2 ** 63)]), "zero_dim": torch.tensor(2.5), "zero_dim_int": torch.tensor(7),
               "empty": torch.zeros(0, 3)}
    back = _round_trip(tensors, tmp_path, zip_format)
    for k, t in tensors.items():
        _same(back[k], t)
    raw = _round_trip(torch.arange(12.0).reshape(3, 4), tmp_path, zip_format)
    assert isinstance(raw, ember.Tensor)
    _same(raw, torch.arange(12.0).reshape(3, 4))


@pytest.mark.parametrize("zip_format", FORMATS)
def test_views_sharing_one_storage_stay_shared(tmp_path, zip_format):
    base = torch.arange(24.0).reshape(4, 6)
    obj = {"base": base, "t": base.t(), "offset": base[1:, 2:5], "strided": base[::2, ::3], "row": base[2],
           "expanded": torch.arange(3.0).expand(4, 3)}
    back = _round_trip(obj, tmp_path, zip_format)
    for k, t in obj.items():
        _same(back[k], t)
        assert back[k].stride() == t.stride(), k
    assert not back["t"].is_contiguous()
    back["base"][2, 3] = -1.0  # one storage, as in PyTorch: every view sees the write
    assert back["t"][3, 2].item() == -1.0 and back["offset"][1, 1].item() == -1.0 and back["row"][3].item() == -1.0


@pytest.mark.parametrize("zip_format", FORMATS)
def test_nested_containers_and_plain_values(tmp_path, zip_format):
    obj = {"list": [torch.ones(2), [torch.zeros(1), 3], (4.5, "s")], "none": None, "flag": True,
           "size": torch.Size([2, 3]), "dtype": torch.float16, "device": torch.device("cpu"), "bytes": b"\x00\xff",
           "set": {1, 2}, "frozen": frozenset({"a"}), "param": torch.nn.Parameter(torch.ones(2)),
           "ordered": collections.OrderedDict(b=1, a=2), "int_keys": {0: "x", 7: "y"}}
    back = _round_trip(obj, tmp_path, zip_format)
    assert back["list"][1][1] == 3 and back["list"][2] == (4.5, "s") and back["none"] is None and back["flag"] is True
    _same(back["list"][0], obj["list"][0])
    assert back["size"] == (2, 3) and isinstance(back["size"], ember.Size)
    assert back["dtype"] is ember.float16 and back["device"] == ember.device("cpu")
    assert back["bytes"] == b"\x00\xff" and back["set"] == {1, 2} and back["frozen"] == frozenset({"a"})
    assert type(back["param"]) is ember.nn.Parameter and back["param"].requires_grad
    assert list(back["ordered"].items()) == [("b", 1), ("a", 2)] and back["int_keys"] == {0: "x", 7: "y"}


@pytest.mark.parametrize("zip_format", FORMATS)
def test_optimizer_state_dict_loads_into_an_ember_optimizer(tmp_path, zip_format):
    torch.manual_seed(2)
    tnet = torch.nn.Linear(3, 2)
    topt = torch.optim.SGD(tnet.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        topt.zero_grad()
        tnet(torch.randn(4, 3)).pow(2).sum().backward()
        topt.step()
    sd = topt.state_dict()
    back = _round_trip(sd, tmp_path, zip_format)
    assert sorted(back["state"]) == [0, 1] and all(type(k) is int for k in back["state"])
    assert back["param_groups"][0]["lr"] == 0.1 and back["param_groups"][0]["params"] == [0, 1]
    _same(back["state"][0]["momentum_buffer"], sd["state"][0]["momentum_buffer"])
    enet = ember.nn.Linear(3, 2)
    enet.load_state_dict(_round_trip(tnet.state_dict(), tmp_path, zip_format))
    eopt = ember.optim.SGD(enet.parameters(), lr=0.5, momentum=0.9)
    eopt.load_state_dict(back)
    assert eopt.param_groups[0]["lr"] == 0.1
    # one more step on each side from the same state gives the same weights
    x = np.random.default_rng(3).standard_normal((4, 3)).astype(np.float32)
    topt.zero_grad()
    tnet(torch.from_numpy(x)).pow(2).sum().backward()
    topt.step()
    eopt.zero_grad()
    enet(ember.tensor(x)).pow(2).sum().backward()
    eopt.step()
    np.testing.assert_allclose(enet.weight.detach().numpy(), tnet.weight.detach().numpy(), rtol=1e-6, atol=1e-7)


def test_big_endian_storages_are_byte_swapped(tmp_path):
    t = torch.arange(5, dtype=torch.int32) * 1000
    torch.save(t, tmp_path / "le.pt")
    src = zipfile.ZipFile(tmp_path / "le.pt")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith("/byteorder"):
                data = b"big"
            elif "/data/" in info.filename:
                data = np.frombuffer(data, "<i4").astype(">i4").tobytes()
            dst.writestr(info.filename, data)
    assert ember.load(io.BytesIO(out.getvalue())).tolist() == t.tolist()

"""Ember's checkpoints and the safetensors ecosystem read each other's files."""
import collections
import os

import numpy as np
import pytest

import ember
from ember.serialization import CheckpointError

safetensors = pytest.importorskip("safetensors", reason="the safetensors package is in the test extra")
DATA = os.path.join(os.path.dirname(__file__), "data")


def _model():
    ember.manual_seed(0)
    return ember.nn.Sequential(ember.nn.Linear(5, 4), ember.nn.BatchNorm1d(4), ember.nn.ReLU(), ember.nn.Linear(4, 3))


def test_safetensors_reads_embers_state_dict_by_name(tmp_path):
    from safetensors.numpy import load_file

    sd = _model().state_dict()
    ember.save(sd, tmp_path / "m.safetensors")
    read = load_file(tmp_path / "m.safetensors")
    assert sorted(read) == sorted(sd)
    for k, v in sd.items():
        assert read[k].dtype == v.numpy().dtype
        np.testing.assert_array_equal(read[k], v.numpy())


def test_torch_model_loads_embers_weights_through_safetensors(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file

    model = _model().eval()
    ember.save(model.state_dict(), tmp_path / "m.safetensors")
    ref = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Linear(4, 3))
    ref.load_state_dict(load_file(tmp_path / "m.safetensors"))
    x = np.random.default_rng(0).standard_normal((6, 5), dtype=np.float32)
    np.testing.assert_allclose(ref.eval()(torch.from_numpy(x)).detach().numpy(),
                               model(ember.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_ember_loads_a_torch_state_dict_from_safetensors(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    torch.manual_seed(1)
    ref = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Linear(4, 3))
    ref(torch.randn(8, 5))  # moves the running statistics away from their defaults
    save_file(ref.state_dict(), tmp_path / "ref.safetensors", metadata={"format": "pt"})
    model = _model()
    model.load_state_dict(ember.serialization.load_state_dict(tmp_path / "ref.safetensors"))
    sd = ember.load(tmp_path / "ref.safetensors")
    assert isinstance(sd, collections.OrderedDict) and sorted(sd) == sorted(ref.state_dict())
    assert sd["1.num_batches_tracked"].dtype == ember.int64
    x = np.random.default_rng(1).standard_normal((6, 5), dtype=np.float32)
    np.testing.assert_allclose(model.eval()(ember.tensor(x)).detach().numpy(),
                               ref.eval()(torch.from_numpy(x)).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_bfloat16_widens_exactly_and_other_dtypes_keep_theirs(tmp_path):
    torch = pytest.importorskip("torch")
    from safetensors.torch import save_file

    tensors = {"bf16": torch.randn(3, 4).bfloat16(), "f16": torch.randn(2).half(), "f64": torch.randn(2).double(),
               "i8": torch.tensor([-3, 4], dtype=torch.int8), "u8": torch.tensor([250], dtype=torch.uint8),
               "mask": torch.tensor([True, False]), "i32": torch.tensor([7], dtype=torch.int32)}
    save_file(tensors, tmp_path / "t.safetensors")
    back = ember.load(tmp_path / "t.safetensors")
    assert back["bf16"].dtype == ember.float32
    np.testing.assert_array_equal(back["bf16"].numpy(), tensors["bf16"].float().numpy())
    for k in ("f16", "f64", "i8", "u8", "mask", "i32"):
        assert str(back[k].dtype) == str(tensors[k].dtype)
        np.testing.assert_array_equal(back[k].numpy(), tensors[k].numpy())


def test_nested_checkpoint_tensors_are_named_by_their_path(tmp_path):
    from safetensors import safe_open

    model = _model()
    opt = ember.optim.Adam(model.parameters())
    model(ember.randn(3, 5)).sum().backward()
    opt.step()
    ckpt = {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 1, "history": [ember.ones(2)]}
    ember.save(ckpt, tmp_path / "ck.pt")
    with safe_open(tmp_path / "ck.pt", "np") as f:
        keys = set(f.keys())
        assert {"model.0.weight", "optimizer.state.0.exp_avg", "history.0"} <= keys
        np.testing.assert_array_equal(f.get_tensor("optimizer.state.0.exp_avg"),
                                      opt.state[model[0].weight]["exp_avg"].numpy())
        assert f.metadata()["format"] == "ember.checkpoint"
    back = ember.load(tmp_path / "ck.pt")
    assert back["epoch"] == 1 and sorted(back["optimizer"]["state"]) == [0, 1, 2, 3, 4, 5]


def test_clashing_names_and_shared_tensors_get_one_key_each(tmp_path):
    from safetensors.numpy import load_file

    shared = ember.ones(2)
    obj = {"a.b": ember.zeros(1), "a": {"b": ember.full((1,), 2.0)}, "__metadata__": ember.ones(3),
           "tied": [shared, shared], "": ember.ones(1)}
    ember.save(obj, tmp_path / "x.pt")
    read = load_file(tmp_path / "x.pt")
    assert len(read) == 5 and read["a.b"].tolist() == [0.0] and read["tied.0"].tolist() == [1.0, 1.0]
    back = ember.load(tmp_path / "x.pt")
    assert back["a"]["b"].tolist() == [2.0] and back["__metadata__"].tolist() == [1.0] * 3
    assert back["tied"][0] is back["tied"][1]


def test_files_of_ember_0_1_still_load():
    """Ember 0.1.0 named its tensors "0", "1", ...; the file below was written by it from
    {"model": OrderedDict(weight=arange(6.0).reshape(2, 3), bias=tensor([1, 2, 3])), "epoch": 3}."""
    back = ember.load(os.path.join(DATA, "ember-0.1.0-checkpoint.pt"))
    assert back["epoch"] == 3 and list(back["model"]) == ["weight", "bias"]
    np.testing.assert_array_equal(back["model"]["weight"].numpy(), np.arange(6.0, dtype=np.float32).reshape(2, 3))
    assert back["model"]["bias"].tolist() == [1, 2, 3] and back["model"]["bias"].dtype == ember.int64


def test_load_state_dict_refuses_what_is_not_a_state_dict(tmp_path):
    ember.save({"model": _model().state_dict(), "epoch": 3}, tmp_path / "ck.pt")
    with pytest.raises(TypeError, match=r"ck.pt holds a dict whose entry 'model' is not a named tensor"):
        ember.serialization.load_state_dict(tmp_path / "ck.pt")
    ember.save([ember.ones(1)], tmp_path / "l.pt")
    with pytest.raises(TypeError, match="l.pt holds list, not a state_dict"):
        ember.serialization.load_state_dict(tmp_path / "l.pt")


class Config:
    """A class a checkpoint might pickle: PyTorch builds it once listed as safe; Ember never does."""


def test_safe_globals_are_kept_and_loading_still_runs_no_code(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"cfg": Config()}, tmp_path / "cfg.pt")
    ser = ember.serialization

    def listed():
        return Config in ser.get_safe_globals(), Config in torch.serialization.get_safe_globals()

    assert listed() == (False, False)
    with ser.safe_globals([Config]), torch.serialization.safe_globals([Config]):
        assert listed() == (True, True)
        with pytest.raises(CheckpointError, match=r"refusing to load '[\w.]*Config'"):
            ember.load(tmp_path / "cfg.pt")
        assert isinstance(torch.load(tmp_path / "cfg.pt")["cfg"], Config)  # PyTorch builds what is listed
    assert listed() == (False, False)
    ser.add_safe_globals([Config])
    torch.serialization.add_safe_globals([Config])
    assert listed() == (True, True)
    ser.clear_safe_globals()
    torch.serialization.clear_safe_globals()
    assert listed() == (False, False)

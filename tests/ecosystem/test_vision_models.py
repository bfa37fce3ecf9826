"""ember.vision.models against real torchvision: same state_dict keys and shapes, and a torchvision
state_dict saved with torch.save gives the same outputs in Ember's model of the same name."""
import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import ember
from ember.vision import models

# Output comparisons, on inputs small enough for the CPU (each model pools them down to 1x1 or adapts them).
COMPARED = {"resnet18": 64, "resnet34": 32, "resnet50": 64, "vgg11_bn": 32, "alexnet": 64,
            "mobilenet_v2": 32, "squeezenet1_0": 64, "squeezenet1_1": 64, "densenet121": 32}
KEYS_ONLY = ["vgg11", "vgg16_bn", "resnet101"]

SCRIPT = r"""
import json, sys, numpy as np, torch, torchvision
out, compared, keys_only = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
shapes = {}
for name in keys_only:
    with torch.device("meta"):
        shapes[name] = [[k, list(v.shape)] for k, v in torchvision.models.get_model(name).state_dict().items()]
for i, (name, size) in enumerate(compared.items()):
    torch.manual_seed(i)
    model = torchvision.models.get_model(name, weights=None).eval()
    for m in model.modules():  # running statistics away from 0 and 1, so that loading them matters
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    sd = model.state_dict()
    shapes[name] = [[k, list(v.shape)] for k, v in sd.items()]
    torch.save(sd, f"{out}/{name}.pth")
    x = torch.randn(2, 3, size, size)
    with torch.no_grad():
        np.save(f"{out}/{name}.in.npy", x.numpy())
        np.save(f"{out}/{name}.out.npy", model(x).numpy())
json.dump(shapes, open(f"{out}/shapes.json", "w"))
"""


def _torchvision_python():
    """A Python whose torchvision imports: this one (torchvision is in the test extra), or the reference
    environment named by EMBER_TORCHVISION_PYTHON (default /tmp/tvenv/bin/python)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the real torch, not an alias to Ember
    for python in (sys.executable, os.environ.get("EMBER_TORCHVISION_PYTHON", "/tmp/tvenv/bin/python")):
        if os.path.exists(python) and subprocess.run([python, "-c", "import torchvision"], env=env,
                                                     capture_output=True, timeout=300).returncode == 0:
            return python, env
    pytest.skip("no Python here imports torchvision (this one, $EMBER_TORCHVISION_PYTHON, /tmp/tvenv/bin/python)")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("torchvision")
    python, env = _torchvision_python()
    subprocess.run([python, "-c", SCRIPT, str(out), json.dumps(COMPARED), json.dumps(KEYS_ONLY)],
                   check=True, env=env, timeout=600)
    with open(out / "shapes.json") as f:
        return out, json.load(f)


@pytest.mark.parametrize("name", list(COMPARED) + KEYS_ONLY)
def test_state_dict_keys_and_shapes_are_torchvisions(reference, name):
    _, shapes = reference
    ours = [[k, list(v.shape)] for k, v in models.get_model(name).state_dict().items()]
    assert ours == shapes[name]


@pytest.mark.parametrize("name", COMPARED)
def test_torchvision_weights_give_torchvisions_outputs(reference, name):
    out, _ = reference
    model = models.get_model(name).eval()
    model.load_state_dict(ember.load(out / f"{name}.pth"))
    with ember.no_grad():
        got = model(ember.tensor(np.load(out / f"{name}.in.npy"))).numpy()
    want = np.load(out / f"{name}.out.npy")
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * np.abs(want).max())


def test_weights_come_from_the_torch_hub_cache(reference, tmp_path, monkeypatch):
    out, _ = reference
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    cache = tmp_path / "hub" / "checkpoints"
    cache.mkdir(parents=True)
    (cache / "resnet18-f37072fd.pth").write_bytes((out / "resnet18.pth").read_bytes())
    x = ember.tensor(np.load(out / "resnet18.in.npy"))
    want = np.load(out / "resnet18.out.npy")
    for kwargs in ({"weights": models.ResNet18_Weights.IMAGENET1K_V1}, {"weights": "DEFAULT"},
                   {"weights": "ResNet18_Weights.IMAGENET1K_V1"}):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            model = models.resnet18(**kwargs).eval()
        np.testing.assert_allclose(model(x).detach().numpy(), want, rtol=1e-5, atol=1e-5 * np.abs(want).max())
    with pytest.warns(UserWarning, match="'pretrained' is deprecated") as record:
        model = models.resnet18(pretrained=True).eval()
    assert any("equivalent to passing `weights=ResNet18_Weights.IMAGENET1K_V1`" in str(w.message) for w in record)
    np.testing.assert_allclose(model(x).detach().numpy(), want, rtol=1e-5, atol=1e-5 * np.abs(want).max())


def test_weights_arguments_are_checked():
    with pytest.raises(ValueError, match="The parameter 'num_classes' expected value 1000 but got 10 instead."):
        models.resnet18(weights="IMAGENET1K_V1", num_classes=10)
    with pytest.raises(TypeError, match="expected ResNet18_Weights but received VGG11_Weights"):
        models.resnet18(weights=models.VGG11_Weights.DEFAULT)
    with pytest.raises(KeyError):
        models.resnet18(weights="IMAGENET22K")
    assert models.resnet18(num_classes=7).fc.out_features == 7


def test_registry():
    assert {"resnet18", "resnet50", "vgg16_bn", "alexnet", "mobilenet_v2", "squeezenet1_1", "densenet121"} <= \
        set(models.list_models())
    assert models.list_models(include="vgg1?_bn") == ["vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn"]
    assert models.get_model_weights("resnet50") is models.ResNet50_Weights
    assert models.ResNet50_Weights.DEFAULT is models.ResNet50_Weights.IMAGENET1K_V2
    assert models.get_weight("MobileNet_V2_Weights.IMAGENET1K_V1").url.endswith("mobilenet_v2-b0353104.pth")
    assert isinstance(models.get_model("squeezenet1_0", num_classes=3), models.SqueezeNet)
    import pickle

    for w in (models.VGG16_Weights.DEFAULT, models.ResNet50_Weights.IMAGENET1K_V1):
        assert pickle.loads(pickle.dumps(w)) is w


def test_weights_transforms_prepare_an_image():
    pytest.importorskip("PIL", reason="the image preset works on PIL images")
    from PIL import Image

    image = Image.fromarray(np.random.default_rng(0).integers(0, 256, (300, 400, 3), dtype=np.uint8))
    batch = models.ResNet18_Weights.DEFAULT.transforms()(image)
    assert batch.shape == (3, 224, 224) and batch.dtype == ember.float32


def test_densenet_files_with_the_published_old_key_names_load(reference, tmp_path, monkeypatch):
    """torchvision's published DenseNet files predate batch norm's ``num_batches_tracked`` and name layers
    ``denselayer1.norm.1``, not ``norm1``."""
    import re

    out, _ = reference
    old = {re.sub(r"(denselayer\d+\.(?:norm|relu|conv))([12])\.", r"\1.\2.", k): v
           for k, v in ember.load(out / "densenet121.pth").items() if not k.endswith("num_batches_tracked")}
    assert "features.denseblock1.denselayer1.norm.1.weight" in old
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    (tmp_path / "hub" / "checkpoints").mkdir(parents=True)
    ember.save(old, tmp_path / "hub" / "checkpoints" / "densenet121-a639ec97.pth")
    model = models.densenet121(weights=models.DenseNet121_Weights.IMAGENET1K_V1).eval()
    with ember.no_grad():
        got = model(ember.tensor(np.load(out / "densenet121.in.npy"))).numpy()
    want = np.load(out / "densenet121.out.npy")
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * np.abs(want).max())

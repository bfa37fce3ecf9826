"""ember.onnx.export: the exported file, run by onnxruntime, gives Ember's outputs."""
import io

import numpy as np
import pytest

import ember
from ember import nn

onnx = pytest.importorskip("onnx", reason="onnx is the optional exporter backend ('onnx' extra)")
ort = pytest.importorskip("onnxruntime", reason="onnxruntime runs the exported models (test extra)")


def _export(model, x, **kwargs):
    buf = io.BytesIO()
    ember.onnx.export(model, (x,), buf, **kwargs)
    return buf.getvalue()


def _run(data, feeds):
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    return session.run(None, feeds)


def _ember(model, x):
    with ember.no_grad():
        return model.eval()(x).numpy()


@pytest.mark.parametrize("name, size", [("resnet18", 64), ("mobilenet_v2", 32), ("squeezenet1_1", 64),
                                        ("densenet121", 32)])
def test_vision_models_run_in_onnxruntime(name, size):
    ember.manual_seed(0)
    model = ember.vision.models.get_model(name)
    for m in model.modules():  # running statistics that matter
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    x = ember.randn(2, 3, size, size)
    data = _export(model, x, input_names=["image"], output_names=["logits"],
                   dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    assert model.training  # export ran the model in eval mode and left it as it was
    want = _ember(model, x)
    (got,) = _run(data, {"image": x.numpy()})
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * np.abs(want).max())
    bigger = ember.randn(3, 3, size, size)  # the batch dim is dynamic
    (got,) = _run(data, {"image": bigger.numpy()})
    np.testing.assert_allclose(got, _ember(model, bigger), rtol=1e-5, atol=1e-5 * np.abs(want).max())
    graph = onnx.load_from_string(data).graph
    assert graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    assert {i.name for i in graph.initializer} >= {k for k in model.state_dict() if "num_batches" not in k}


class Mixed(nn.Module):
    """The other layers and functions the exporter knows, in one model."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, stride=2, padding=1, dilation=1, groups=1, bias=False)
        self.bn = nn.BatchNorm2d(4, affine=False)
        self.pool = nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
        self.adapt = nn.AdaptiveAvgPool2d((3, 2))
        self.maxpool = nn.MaxPool2d(2, stride=1, dilation=2)
        self.fc = nn.Linear(2, 5)
        self.act = nn.ReLU6()

    def forward(self, x):
        y = self.bn(self.conv(x))
        a = self.adapt(self.pool(y)).sigmoid() * 2.0 - 0.5
        b = self.maxpool(nn.functional.relu(y, inplace=True)).tanh() / 3
        z = ember.cat([a, self.adapt(b)], 1)
        z = nn.functional.relu(z - 0.25, inplace=True)
        out = self.act(self.fc(z))  # a 4-D input to Linear
        return nn.functional.softmax(out.flatten(1), dim=1), nn.functional.log_softmax(-out.mean(dim=(2, 3)), dim=1)


def test_other_layers_and_two_outputs():
    ember.manual_seed(1)
    model = Mixed()
    model.bn.running_mean.uniform_(-1, 1)
    x = ember.randn(2, 3, 11, 9)
    data = _export(model, x, input_names=["x"], output_names=["p", "logp"], opset_version=17)
    with ember.no_grad():
        want = model.eval()(x)
    got = _run(data, {"x": x.numpy()})
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w.numpy(), rtol=1e-5, atol=1e-6)
    assert [o.name for o in onnx.load_from_string(data).graph.output] == ["p", "logp"]


def test_to_a_path_with_default_names(tmp_path):
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
    x = ember.randn(5, 4)
    ember.onnx.export(model, x, tmp_path / "m.onnx")
    (got,) = _run(str(tmp_path / "m.onnx"), {"input_0": x.numpy()})
    np.testing.assert_allclose(got, _ember(model, x), rtol=1e-6)
    proto = onnx.load(tmp_path / "m.onnx")
    assert proto.opset_import[0].version == 18 and [i.name for i in proto.graph.initializer] == ["0.weight", "0.bias"]


def test_export_params_false_makes_the_weights_inputs(tmp_path):
    model = nn.Linear(4, 3)
    x = ember.randn(2, 4)
    data = _export(model, x, export_params=False)
    graph = onnx.load_from_string(data).graph
    assert not graph.initializer and [i.name for i in graph.input] == ["input_0", "weight", "bias"]
    (got,) = _run(data, {"input_0": x.numpy(), "weight": model.weight.detach().numpy(),
                         "bias": model.bias.detach().numpy()})
    np.testing.assert_allclose(got, _ember(model, x), rtol=1e-6)


class Sorting(nn.Module):
    def forward(self, x):
        return x.sort(dim=1).values


@pytest.mark.parametrize("model, why", [
    (Sorting(), "'Sort' to ONNX opset version 18 is not supported"),
    (nn.ConvTranspose2d(3, 2, 3), "'Convolution' to ONNX opset version 18 is not supported: only 2-D convolutions"),
    (nn.MaxPool2d(2, return_indices=True), "max pooling that returns indices"),
])
def test_ops_it_cannot_write_are_refused_by_name(model, why):
    with pytest.raises(ember.onnx.UnsupportedOperatorError, match=why):
        _export(model, ember.randn(1, 3, 6, 6))


def test_bad_arguments():
    with pytest.raises(ValueError, match="opset 13 and later"):
        _export(nn.ReLU(), ember.randn(2), opset_version=9)
    with pytest.raises(TypeError, match="args must be a Tensor or a tuple of Tensors"):
        ember.onnx.export(nn.ReLU(), ([1.0],), io.BytesIO())
    assert not ember.onnx.is_in_onnx_export()


class Untraceable(nn.Module):
    def __init__(self, how):
        super().__init__()
        self.how = how

    def forward(self, x):
        if self.how == "item":
            return x * x.sum().item()
        if self.how == "numpy":
            return x + ember.tensor(x.numpy().max(axis=1, keepdims=True))
        return x + x.argmax(dim=1, keepdim=True).float()


@pytest.mark.parametrize("how", ["item", "numpy", "argmax"])
def test_values_the_trace_cannot_see_are_refused_not_baked_in(how):
    with pytest.raises(ember.onnx.UnsupportedOperatorError, match="depends on the model's input through a "
                                                                  "computation the exporter cannot trace"):
        _export(Untraceable(how), ember.randn(3, 4))


def test_constants_made_inside_forward_are_exported():
    class Offset(nn.Module):
        def forward(self, x):
            return x + ember.arange(4.0) * 0.5 - ember.ones(4)

    x = ember.randn(3, 4)
    (got,) = _run(_export(Offset(), x), {"input_0": x.numpy()})
    np.testing.assert_allclose(got, _ember(Offset(), x), rtol=1e-6)

"""SummaryWriter writes what PyTorch's writes, as read back by TensorBoard's own event reader."""
import io
import os

import numpy as np
import pytest

import ember

pytest.importorskip("tensorboardX", reason="tensorboardX is the optional writer ('tensorboard' extra)")
event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator",
                                        reason="TensorBoard's event reader (the tensorboard package) reads the files")
torch = pytest.importorskip("torch")


def _log(SummaryWriter, tensor, log_dir):
    """The same calls on either framework's writer."""
    rng = np.random.default_rng(0)
    values = rng.standard_normal(1000).astype(np.float32)
    image = rng.random((3, 8, 6)).astype(np.float32)
    images = (rng.random((2, 5, 4, 3)) * 255).astype(np.uint8)
    with SummaryWriter(log_dir) as w:
        for step in range(5):
            w.add_scalar("loss", tensor(1.0 / (step + 1)), step)
            w.add_scalar("lr", 0.1 * 0.5 ** step, global_step=step)
            w.add_scalars("acc", {"train": tensor(0.5 + step / 10), "val": 0.4 + step / 20}, step)
        w.add_histogram("weights", tensor(values), 3)
        w.add_image("picture", tensor(image), 1)
        w.add_images("batch", tensor(images), 2, dataformats="NHWC")
        w.add_text("note", "hello **TensorBoard**", 4)
        w.add_figure("plot", _figure(), 0)
        w.add_hparams({"lr": 0.1, "optimizer": "sgd", "layers": 3}, {"hparam/accuracy": 0.9}, run_name="hp",
                      hparam_domain_discrete={"optimizer": ["sgd", "adam"]})
    return values, image, images


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(2, 2), dpi=20)
    plt.plot([0, 1, 2], [2, 0, 1])
    return fig


def _read(log_dir):
    acc = event_accumulator.EventAccumulator(str(log_dir), size_guidance={event_accumulator.IMAGES: 0})
    return acc.Reload()


def _decode(png):
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    from ember.utils.tensorboard import SummaryWriter

    root = tmp_path_factory.mktemp("runs")
    inputs = _log(SummaryWriter, ember.tensor, root / "ember")
    _log(TorchWriter, torch.tensor, root / "torch")
    return root, inputs


def test_scalars_match_pytorchs_writer(runs):
    root, _ = runs
    ours, theirs = _read(root / "ember"), _read(root / "torch")
    assert set(ours.Tags()["scalars"]) == set(theirs.Tags()["scalars"]) == {"loss", "lr"}
    for tag in ("loss", "lr"):
        a, b = ours.Scalars(tag), theirs.Scalars(tag)
        assert [e.step for e in a] == [e.step for e in b] == list(range(5))
        np.testing.assert_allclose([e.value for e in a], [e.value for e in b], rtol=1e-7)
    for run in ("acc_train", "acc_val"):  # add_scalars writes one run per key, beside the writer's own
        a, b = _read(root / "ember" / run), _read(root / "torch" / run)
        np.testing.assert_allclose([e.value for e in a.Scalars("acc")], [e.value for e in b.Scalars("acc")])


def test_histogram_matches_pytorchs_writer(runs):
    root, (values, _, _) = runs
    (a,), (b,) = _read(root / "ember").Histograms("weights"), _read(root / "torch").Histograms("weights")
    assert a.step == b.step == 3
    h, g = a.histogram_value, b.histogram_value
    assert (h.min, h.max, h.num) == (g.min, g.max, g.num) == (values.min(), values.max(), 1000)
    np.testing.assert_allclose(h.sum, values.sum(dtype=np.float64), rtol=1e-5)
    np.testing.assert_allclose(h.bucket_limit, g.bucket_limit)
    np.testing.assert_array_equal(h.bucket, g.bucket)


def test_images_decode_to_what_pytorchs_writer_stores(runs):
    root, (_, image, images) = runs
    ours, theirs = _read(root / "ember"), _read(root / "torch")
    (a,), (b,) = ours.Images("picture"), theirs.Images("picture")
    assert (a.width, a.height) == (b.width, b.height) == (6, 8)
    np.testing.assert_array_equal(_decode(a.encoded_image_string), _decode(b.encoded_image_string))
    # float images in [0, 1] are scaled to bytes, as PyTorch does
    np.testing.assert_allclose(_decode(a.encoded_image_string)[..., :3], image.transpose(1, 2, 0) * 255, atol=1)
    (a,), (b,) = ours.Images("batch"), theirs.Images("batch")
    np.testing.assert_array_equal(_decode(a.encoded_image_string), _decode(b.encoded_image_string))
    assert _decode(a.encoded_image_string).shape[:2] == (5, 8)  # two 5x4 images side by side
    (fig,) = ours.Images("plot")
    assert (fig.width, fig.height) == (40, 40)


def test_text_and_hparams(runs):
    root, _ = runs
    ours = _read(root / "ember")
    (text,) = ours.Tensors("note/text_summary")
    assert text.step == 4 and text.tensor_proto.string_val == [b"hello **TensorBoard**"]
    from tensorboard.plugins.hparams import plugin_data_pb2

    hp = _read(root / "ember" / "hp")
    content = hp.PluginTagToContent("hparams")
    experiment = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/experiment"]).experiment
    infos = {i.name: i for i in experiment.hparam_infos}
    assert set(infos) == {"lr", "optimizer", "layers"}
    assert [v.string_value for v in infos["optimizer"].domain_discrete.values] == ["sgd", "adam"]
    start = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"]).session_start_info
    assert start.hparams["lr"].number_value == 0.1 and start.hparams["optimizer"].string_value == "sgd"
    assert [e.value for e in hp.Scalars("hparam/accuracy")] == pytest.approx([0.9])


def test_bad_hparam_domains_are_type_errors(tmp_path):
    from ember.utils.tensorboard import SummaryWriter

    with SummaryWriter(tmp_path) as w, pytest.raises(TypeError, match=r"hparam_domain_discrete\[lr\] should be"):
        w.add_hparams({"lr": 0.1}, {"m": 1.0}, hparam_domain_discrete={"lr": ["fast"]})


def test_default_log_dir_and_flush(tmp_path, monkeypatch):
    from ember.utils.tensorboard import SummaryWriter

    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_exp")
    assert w.log_dir.startswith(os.path.join("runs", "")) and w.log_dir.endswith("_exp")
    w.add_scalar("x", 1.0, 0)
    w.flush()
    assert [e.value for e in _read(w.log_dir).Scalars("x")] == [1.0]
    w.close()


def test_missing_tensorboardx_names_the_extra(monkeypatch):
    import subprocess
    import sys

    code = ("import sys; sys.modules['tensorboardX'] = None\n"
            "try:\n    from ember.utils.tensorboard import SummaryWriter\n"
            "except ImportError as e:\n    print(e)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "ember.utils.tensorboard needs tensorboardX: pip install 'ember[tensorboard]'\n"


def test_add_graph_shows_the_traced_ops_grouped_by_module(tmp_path):
    pytest.importorskip("onnx", reason="add_graph traces with the ONNX exporter ('onnx' extra)")
    from ember.utils.tensorboard import SummaryWriter

    model = ember.nn.Sequential(ember.nn.Conv2d(3, 4, 3), ember.nn.ReLU(), ember.nn.Flatten(), ember.nn.Linear(16, 2))
    with SummaryWriter(tmp_path) as w:
        w.add_graph(model, ember.randn(1, 3, 4, 4))
    graph = _read(tmp_path).Graph()
    ops = [(n.name.split("/")[0], n.op) for n in graph.node]
    assert ops == [("input", "IO Node"), ("0", "Conv"), ("1", "Relu"), ("2", "Reshape"), ("3", "Gemm"),
                   ("output", "IO Node")]
    assert [list(n.input) for n in graph.node[1:]] == [[graph.node[i].name] for i in range(5)]

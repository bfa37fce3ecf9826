"""``SummaryWriter``: tensorboardX's writer behind PyTorch's signatures, taking Ember tensors."""
import functools
import os
import time

import tensorboardX

from ..._tensor import Tensor


def _plain(value):
    """``value`` with Ember tensors (also inside dicts, lists and tuples) as NumPy arrays."""
    if isinstance(value, Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


def _taking_tensors(method, doc):
    """tensorboardX's ``method``, fed arrays where the caller passed Ember tensors, documented by ``doc``
    (Ember's words: tensorboardX's docstrings describe its own API)."""
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        return method(self, *map(_plain, args), **{k: _plain(v) for k, v in kwargs.items()})
    call.__doc__ = doc
    return call


class SummaryWriter(tensorboardX.SummaryWriter):
    """Writes TensorBoard event files under ``log_dir`` (default ``runs/<date>_<host><comment>``).

    The methods below take Ember tensors wherever PyTorch's take tensors. The rest of tensorboardX's
    writer (``close``, ``add_custom_scalars``, ``add_histogram_raw``, ...) is inherited as it is."""

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120, filename_suffix=""):
        super().__init__(logdir=log_dir, comment=comment, purge_step=purge_step, max_queue=max_queue,
                         flush_secs=flush_secs, filename_suffix=filename_suffix)
        self.log_dir = self.logdir

    W = tensorboardX.SummaryWriter
    add_histogram = _taking_tensors(W.add_histogram, "A histogram of ``values`` (``bins``: ``'tensorflow'`` or any "
                                    "of NumPy's ``bins`` arguments).")
    add_image = _taking_tensors(W.add_image, "One image; ``dataformats`` names the layout of ``img_tensor`` "
                                "(``'CHW'``, ``'HWC'``, ``'HW'``, ...). Floats are read as ``[0, 1]``, uint8 as "
                                "``[0, 255]``.")
    add_images = _taking_tensors(W.add_images, "A batch of images shown as one grid (``dataformats`` "
                                 "``'NCHW'`` by default).")
    add_image_with_boxes = _taking_tensors(W.add_image_with_boxes, "An image with the boxes ``box_tensor`` "
                                           "(``N x 4``: ``x_min, y_min, x_max, y_max``) drawn on it, each with an "
                                           "optional label from ``labels``.")
    add_video = _taking_tensors(W.add_video, "A video from ``vid_tensor`` (``N x T x C x H x W``) at ``fps`` "
                                "frames per second, encoded as a GIF: it needs the ``moviepy`` package.")
    add_audio = _taking_tensors(W.add_audio, "A clip of samples in ``[-1, 1]`` at ``sample_rate``; tensorboardX "
                                "encodes it with the ``soundfile`` package.")
    add_embedding = _taking_tensors(W.add_embedding, "Rows of ``mat`` (``N x D``) for TensorBoard's projector, "
                                    "with optional ``metadata`` labels and ``label_img`` thumbnails.")
    add_pr_curve = _taking_tensors(W.add_pr_curve, "A precision-recall curve of ``predictions`` (probabilities) "
                                   "against the binary ``labels``, over ``num_thresholds`` thresholds.")
    add_mesh = _taking_tensors(W.add_mesh, "A 3-D point cloud or mesh: ``vertices`` (``B x N x 3``), optional "
                               "``colors`` and ``faces``, and the viewer's ``config_dict``.")
    del W

    def flush(self):
        """Writes every pending event to disk before returning, as PyTorch's ``flush`` promises.

        tensorboardX's own flush leaves events still queued for its writer thread; stopping that
        thread makes it write them all, and a new one takes over the same queue."""
        for fw in (self.all_writers or {}).values():
            events = fw.event_writer
            if events._closed:
                continue
            worker = events._worker
            worker.stop()
            events._worker = type(worker)(events._event_queue, events._ev_writer, events._flush_secs)
            events._worker.start()
            events.flush()

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False,
                   double_precision=False):
        """One point ``scalar_value`` (a number or one-element tensor) of the chart ``tag`` at ``global_step``.
        ``new_style`` and ``double_precision`` are accepted and ignored: the value is written the classic way."""
        super().add_scalar(tag, _plain(scalar_value), global_step, walltime)

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Each value goes to a run of its own, ``<log_dir>/<main_tag>_<key>`` as in PyTorch (tensorboardX
        nests them one folder deeper), under the tag ``main_tag``: one chart with a line per key."""
        walltime = time.time() if walltime is None else walltime
        for tag, value in tag_scalar_dict.items():
            run = os.path.join(self.logdir, main_tag.replace("/", "_") + "_" + tag)
            if run not in self.all_writers:
                self.all_writers[run] = tensorboardX.FileWriter(run, self._max_queue, self._flush_secs,
                                                                self._filename_suffix)
            self.all_writers[run].add_summary(tensorboardX.summary.scalar(main_tag, _plain(value)), global_step,
                                              walltime)

    def add_text(self, tag, text_string, global_step=None, walltime=None):
        """``text_string`` (Markdown) under ``tag`` at ``global_step``."""
        super().add_text(tag, text_string, global_step, walltime)

    def add_figure(self, tag, figure, global_step=None, close=True, walltime=None):
        """A matplotlib figure (or a list of them) rendered as an image; ``close`` closes it afterwards."""
        super().add_figure(tag, figure, global_step, close, walltime)

    def add_hparams(self, hparam_dict, metric_dict, hparam_domain_discrete=None, run_name=None, global_step=None):
        """Hyperparameters and their metrics for TensorBoard's HParams page, in a run of their own
        (``run_name``, default the current time) under this writer's log dir."""
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        exp, start, end = tensorboardX.summary.hparams(_plain(hparam_dict), _plain(metric_dict))
        if hparam_domain_discrete is not None:
            _set_discrete_domains(exp, hparam_dict, hparam_domain_discrete)
        with tensorboardX.SummaryWriter(logdir=os.path.join(self.logdir, run_name or str(time.time()))) as w:
            for summary in (exp, start, end):
                w.file_writer.add_summary(summary)
            for k, v in metric_dict.items():
                w.add_scalar(k, _plain(v), global_step)

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """The ops ``model`` runs on ``input_to_model`` (a Tensor or a tuple of them), traced by the ONNX
        exporter: it needs the ``onnx`` package, and the ops ``ember.onnx`` can export."""
        from ._graph import graph_def

        self._get_file_writer().add_onnx_graph(graph_def(model, input_to_model, verbose))


def _set_discrete_domains(exp, hparam_dict, domains):
    """Adds each hyperparameter's listed values to the experiment summary tensorboardX built."""
    from tensorboardX.proto.plugin_hparams_pb2 import HParamsPluginData

    if not isinstance(domains, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, v in domains.items():
        if k not in hparam_dict or not isinstance(v, list) or not all(isinstance(d, type(hparam_dict[k])) for d in v):
            raise TypeError(f"parameter: hparam_domain_discrete[{k}] should be a list of same type as "
                            f"hparam_dict[{k}].")
    value = exp.value[0]
    data = HParamsPluginData.FromString(value.metadata.plugin_data.content)
    for info in data.experiment.hparam_infos:
        if info.name in domains:
            info.domain_discrete.extend(domains[info.name])
    value.metadata.plugin_data.content = data.SerializeToString()

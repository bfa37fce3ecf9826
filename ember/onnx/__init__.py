"""Export to ONNX (torch.onnx): ``ember.onnx.export(model, args, f)`` writes a model that ONNX
runtimes (onnxruntime, ...) run with Ember's results.

The exporter traces: it runs the model once and writes the ops that ran, through the ``onnx``
package (``pip install 'ember[onnx]'``). An op it cannot write raises
``UnsupportedOperatorError`` naming it.
"""
from ._export import UnsupportedOperatorError, export

__all__ = ["UnsupportedOperatorError", "export", "is_in_onnx_export"]


def is_in_onnx_export():
    """Whether an export is tracing the model now (PyTorch's flag for export-only code paths)."""
    from . import _trace

    return _trace.active()

"""One function per Ember op the exporter knows: the ONNX nodes that compute what the op computed.

A converter gets the graph being built (``g``: ``g.node(...)`` adds a node, ``g.const(array)``
an initializer) and the recorded step (input and output names, the op's parameters, the tensors
themselves for shapes and dtypes). Results match Ember's to float rounding: pooling keeps
Ember's exact padding, adaptive pooling becomes the same averaging matrices Ember multiplies by.
"""
import numpy as np

CONVERTERS = {}


def converts(*op_names):
    def register(fn):
        for name in op_names:
            CONVERTERS[name] = fn
        return fn
    return register


def _operand(g, step, k):
    """Input ``k`` as a graph value; Python numbers become constants of the tensor operand's dtype."""
    value = step.inputs[k]
    if isinstance(value, str):
        return value
    other = next(t for t in step.input_tensors if hasattr(t, "_data"))
    return g.const(np.asarray(value, other._data.dtype))


@converts("Convolution")
def convolution(g, step):
    p = step.params
    if p.get("transposed") or step.input_tensors[0]._data.ndim != 4:
        g.unsupported(step, "only 2-D convolutions (not transposed) are exported")
    (top, bottom), (left, right) = p["pads"]
    inputs = step.inputs[:2] + ([step.inputs[2]] if step.inputs[2] is not None else [])
    kernel = list(step.input_tensors[1]._data.shape[2:])
    g.node("Conv", inputs, step.outputs, kernel_shape=kernel, strides=list(p["stride"]),
           pads=[top, left, bottom, right], dilations=list(p["dilation"]), group=p["groups"])


@converts("NativeBatchNorm")
def batch_norm(g, step):
    p = step.params
    if p["training"]:
        g.unsupported(step, "batch norm with batch statistics (training mode) is not exported")
    x = step.input_tensors[0]._data
    channels = x.shape[1]
    weight = step.inputs[1] if step.inputs[1] is not None else g.const(np.ones(channels, x.dtype))
    bias = step.inputs[2] if step.inputs[2] is not None else g.const(np.zeros(channels, x.dtype))
    g.node("BatchNormalization", [step.inputs[0], weight, bias, g.state(p["running_mean"]), g.state(p["running_var"])],
           step.outputs, epsilon=float(p["eps"]))


@converts("Relu", "Sigmoid", "Tanh", "Exp", "Neg")
def unary(g, step):
    g.node(step.op.__name__, step.inputs[:1], step.outputs)


@converts("Hardtanh")
def hardtanh(g, step):
    dtype = step.input_tensors[0]._data.dtype
    g.node("Clip", [step.inputs[0], g.const(np.asarray(step.params["lo"], dtype)),
                    g.const(np.asarray(step.params["hi"], dtype))], step.outputs)


@converts("Add", "Sub", "Mul", "Div")
def binary(g, step):
    if step.params.get("alpha", 1) != 1 or step.params.get("dtype") is not None:
        g.unsupported(step, "alpha= and integer division are not exported")
    g.node(step.op.__name__, [_operand(g, step, 0), _operand(g, step, 1)], step.outputs)


@converts("Linear")
def linear(g, step):
    x, w, b = step.inputs
    if step.input_tensors[0]._data.ndim == 2:
        g.node("Gemm", [x, w] + ([b] if b is not None else []), step.outputs, transB=1)
        return
    wt = g.tmp()
    g.node("Transpose", [w], [wt], perm=[1, 0])
    if b is None:
        g.node("MatMul", [x, wt], step.outputs)
        return
    product = g.tmp()
    g.node("MatMul", [x, wt], [product])
    g.node("Add", [product, b], step.outputs)


def _pool_attrs(step):
    (kernel, stride, dilation, _), (top, bottom, left, right) = step.params["geometry"], step.params["pads"]
    return {"kernel_shape": list(kernel), "strides": list(stride), "pads": [top, left, bottom, right]}, dilation


@converts("MaxPool2DWithIndices")
def max_pool(g, step):
    if step.params["return_indices"]:
        g.unsupported(step, "max pooling that returns indices is not exported")
    attrs, dilation = _pool_attrs(step)
    g.node("MaxPool", step.inputs[:1], step.outputs, dilations=list(dilation), **attrs)


@converts("AvgPool2D")
def avg_pool(g, step):
    """ONNX averages over the whole window, padding included; Ember's divisor may count fewer
    elements (count_include_pad=False, ceil mode's overhang): a constant factor corrects those."""
    attrs, _ = _pool_attrs(step)
    divisor = np.asarray(step.params["divisor"])
    area = attrs["kernel_shape"][0] * attrs["kernel_shape"][1]
    if np.all(divisor == area):
        g.node("AveragePool", step.inputs[:1], step.outputs, count_include_pad=1, **attrs)
        return
    pooled = g.tmp()
    g.node("AveragePool", step.inputs[:1], [pooled], count_include_pad=1, **attrs)
    dtype = step.input_tensors[0]._data.dtype
    g.node("Mul", [pooled, g.const((area / divisor).astype(dtype))], step.outputs)


@converts("Resample")
def resample(g, step):
    """Adaptive pooling and interpolation in Ember are one matrix per trailing dim: MatMuls here."""
    matrices = step.params["matrices"]
    dtype = step.input_tensors[0]._data.dtype
    value, n = step.inputs[0], len(matrices)
    active = [k for k, m in enumerate(matrices) if m is not None]
    for k in active:
        m = matrices[k].astype(dtype)
        out = step.outputs[0] if k == active[-1] else g.tmp()
        if k == n - 1:  # the last dim: right-multiply by the transpose
            g.node("MatMul", [value, g.const(np.ascontiguousarray(m.T))], [out])
        elif k == n - 2:
            g.node("MatMul", [g.const(m), value], [out])
        else:
            g.unsupported(step, "resampling more than the last two dims is not exported")
        value = out


@converts("Mean")
def mean(g, step):
    x = step.input_tensors[0]._data
    axes = step.params.get("axes")
    axes = list(range(x.ndim)) if axes is None else [axes] if isinstance(axes, int) else list(axes)
    keepdims = int(bool(step.params.get("keepdim", False)))
    if g.opset >= 18:
        g.node("ReduceMean", [step.inputs[0], g.const(np.asarray(axes, np.int64))], step.outputs, keepdims=keepdims)
    else:
        g.node("ReduceMean", step.inputs[:1], step.outputs, axes=axes, keepdims=keepdims)


@converts("View")
def reshape(g, step):
    """Leading dims the reshape keeps are written 0 (ONNX: "as in the input"), so a dynamic batch dim
    stays dynamic."""
    before, after = step.input_tensors[0]._data.shape, step.output_tensors[0]._data.shape
    keep = 0
    while keep < min(len(before), len(after)) and before[keep] == after[keep] and keep < len(after) - 1:
        keep += 1
    shape = [0] * keep + list(after[keep:])
    g.node("Reshape", [step.inputs[0], g.const(np.asarray(shape, np.int64))], step.outputs)


@converts("Cat")
def cat(g, step):
    if step.params.get("dtype") is not None:
        g.unsupported(step, "concatenation that promotes dtypes is not exported")
    g.node("Concat", list(step.inputs), step.outputs, axis=step.params["axis"])


@converts("Softmax", "LogSoftmax")
def softmax(g, step):
    g.node(step.op.__name__, step.inputs[:1], step.outputs, axis=step.params["axis"])

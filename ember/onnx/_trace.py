"""Recording the ops a forward pass runs, as (op, inputs, params, outputs) steps over named values.

Every op runs through ``Op.apply``; while a trace is open that one entry point is wrapped to note
each call (a single-threaded exporter's hook: other threads calling ops meanwhile would be recorded
too). Values are tensors named as they appear: the graph's inputs, the model's parameters and
buffers (by their state_dict names), op results, and constants. An in-place op (``relu_``) writes
its result into its first input; the input's version counter shows that, and later readers get the
op's result.
"""
import contextlib
import dataclasses

from .._ops.op import Op
from .._tensor import Tensor


@dataclasses.dataclass
class Step:
    scope: str  # the path of the module that ran the op ("/layer1/0/conv1"), "" at the top
    op: type
    inputs: list  # value names, None where the op got None, or the constant itself
    params: dict
    outputs: list  # value names
    input_tensors: list
    output_tensors: list


class Trace:
    def __init__(self, named_state):
        self.steps = []
        self.constants = {}  # name -> array, for the graph's initializers
        self._names = {}  # id(tensor) -> (name, version when named)
        self._state_names = named_state  # id(array) -> state_dict name
        self.state_names = set(named_state.values())
        self._written = {}  # id(tensor) -> (result, version before the op): what an in-place op wrote into it
        self._alive = []  # every traced tensor, so that ids stay unique while tracing
        self._count = 0
        self.scopes = [""]

    def enter(self, module_name):
        self.scopes.append("/" + module_name.replace(".", "/"))

    def leave(self):
        self.scopes.pop()

    def name_input(self, tensor, name):
        self._bind(tensor, name)

    def name(self, value):
        """The graph name of tensor ``value``, registering parameters, buffers and constants on first sight."""
        if not isinstance(value, Tensor):
            return value
        known = self._names.get(id(value))
        if known is not None and known[1] == value._version[0]:
            return known[0]
        written = self._written.get(id(value))
        if written is not None and known is not None and written[1] == known[1]:
            name = self.name(written[0])  # read after an in-place op: the value is that op's result
            self._bind(value, name)
            return name
        return self.array_name(value._data, value)

    def array_name(self, array, owner=None):
        """The name of a parameter, buffer or constant array (a new initializer the first time)."""
        name = self._state_names.get(id(array)) or self._fresh("constant")
        self.constants.setdefault(name, array)
        if owner is not None:
            self._bind(owner, name)
        return name

    def _fresh(self, prefix):
        self._count += 1
        return f"/{prefix}_{self._count}"

    def _bind(self, tensor, name):
        self._names[id(tensor)] = (name, tensor._version[0])
        self._alive.append(tensor)

    def record(self, op, inputs, params, result):
        outs = list(result) if isinstance(result, tuple) else [result]
        names = [self._fresh(op.__name__) for _ in outs]
        step = Step(self.scopes[-1], op, [self.name(t) for t in inputs], params, names, list(inputs), outs)
        for t, n in zip(outs, names):
            self._bind(t, n)
        if inputs and isinstance(inputs[0], Tensor):
            self._written[id(inputs[0])] = (outs[0], inputs[0]._version[0])
        self.steps.append(step)


_PLAIN_APPLY = Op.__dict__["apply"]


def active():
    return Op.__dict__["apply"] is not _PLAIN_APPLY


@contextlib.contextmanager
def module_scopes(model, trace):
    """Hooks on ``model``'s submodules that keep ``trace.scopes`` at the module running now."""
    handles = []
    for name, module in model.named_modules():
        if name:
            handles.append(module.register_forward_pre_hook(lambda m, args, name=name: trace.enter(name)))
            handles.append(module.register_forward_hook(lambda m, args, out: trace.leave()))
    try:
        yield
    finally:
        for h in handles:
            h.remove()


@contextlib.contextmanager
def tracing(named_state):
    """A ``Trace`` that records every op run inside the block."""
    if active():
        raise RuntimeError("ember.onnx.export: an export is already tracing in this process")
    trace = Trace(named_state)
    plain = _PLAIN_APPLY

    def apply(cls, *inputs, **params):
        result = plain.__func__(cls, *inputs, **params)
        trace.record(cls, inputs, params, result)
        return result

    Op.apply = classmethod(apply)
    try:
        yield trace
    finally:
        Op.apply = plain

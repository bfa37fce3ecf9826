"""DistributedDataParallel: one replica of a module per rank, gradients averaged during backward.

At construction the first rank's parameters and buffers are copied to every rank. Each
parameter's gradient accumulator gets a hook; when the last gradient of a bucket arrives, the
bucket's all-reduce starts (non-blocking) while backward continues, and when the last bucket
has started, backward waits for them all and writes the averages into ``.grad``.
"""
import contextlib
import time
import weakref

import numpy as np

from ... import distributed as dist
from ..._tensor import Tensor
from ...autograd import grad_mode
from ...autograd.graph import AccumulateGrad, accumulator
from ...distributed import _mpi
from ...distributed.buckets import broadcast_arrays, make_buckets
from ...distributed.process_group import resolve
from ..modules.module import Module

_UNFINISHED = (
    "Expected to have finished reduction in the prior iteration before starting a new one. This error indicates "
    "that your module has parameters that were not used in producing loss. You can enable unused parameter "
    "detection by passing the keyword argument `find_unused_parameters=True` to "
    "`torch.nn.parallel.DistributedDataParallel`, and by making sure all `forward` function outputs participate "
    "in calculating loss.")


class DistributedDataParallel(Module):
    """Wraps ``module`` so that each rank runs its own replica and backward averages the gradients over
    the process group, in buckets of ``bucket_cap_mb`` reduced while backward runs."""
    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, **kwargs):
        super().__init__()
        self.module = module
        pg = resolve(process_group)
        if pg is None:
            raise RuntimeError("DistributedDataParallel: this rank is not a member of the process group")
        self.process_group = pg
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb) * 1024 * 1024)
        self._params = [p for p in module.parameters() if p.requires_grad]
        if not self._params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't have any parameter that "
                               "requires a gradient.")
        self._check_same_model()
        broadcast_arrays(pg, [t._data for t in module.parameters()] + [b._data for b in module.buffers()],
                         self._timed_out("broadcast of the first rank's parameters"))
        self._buckets = make_buckets(self._params, self.bucket_bytes_cap)
        self._bucket_of = {i: b for b in self._buckets for i, _ in b.params}
        self._syncing = False  # a backward that must average gradients is expected
        self._hooks_seen = 0
        self._started = []  # requests of the buckets whose all-reduce has started in this backward
        self._used_here = None  # parameters this rank's output depends on (find_unused_parameters)
        self._used = None  # parameters used on any rank (find_unused_parameters), being all-reduced
        for i, p in enumerate(self._params):
            accumulator(p).register_hook(self._hook(i))

    def _hook(self, index):
        ddp = weakref.ref(self)  # the parameter outlives its wrapper: a dropped wrapper stops reducing

        def ready(grad_inputs, grad_outputs):
            this = ddp()
            if this is not None and this._syncing:
                this._hooks_seen += 1
                this._ready(index)
        return ready

    def _check_same_model(self):
        """Every rank must hold the same parameters, or averaging them would be meaningless (or out of bounds)."""
        mine = [(tuple(p.shape), str(p.dtype)) for p in self._params]
        everyone = [None] * self.process_group.size()
        dist.all_gather_object(everyone, mine, group=self.process_group)
        for r, theirs in enumerate(everyone):
            if theirs != mine:
                raise RuntimeError(f"DistributedDataParallel expects the same model on every rank, but rank "
                                   f"{self.process_group.ranks[r]} has parameters {theirs} where rank "
                                   f"{self.process_group.ranks[self.process_group.rank()]} has {mine}")

    def _timed_out(self, what):
        return lambda: (f"DistributedDataParallel: {what} timed out after {self.process_group.timeout:g} s on rank "
                        f"{self.process_group.ranks[self.process_group.rank()]}: some rank did not take part")

    # ------------------------------------------------------------------ forward
    def forward(self, *inputs, **kwargs):
        if self._syncing and self._hooks_seen:
            raise RuntimeError(_UNFINISHED)
        if self.broadcast_buffers and self.require_forward_param_sync:
            buffers = [b._data for b in self.module.buffers()]
            if buffers:
                broadcast_arrays(self.process_group, buffers, self._timed_out("broadcast of buffers"))
        output = self.module(*inputs, **kwargs)
        self._syncing = False
        # as in PyTorch, a forward that will not be followed by a synced backward (no_grad, no_sync) turns
        # the buffer broadcast off for the next forward: evaluating on one rank alone must not wait for the others
        self.require_forward_param_sync = grad_mode.state.enabled and self.require_backward_grad_sync
        if self.require_forward_param_sync:
            self._prepare(output)
        return output

    def _prepare(self, output):
        """Get ready for the backward of ``output``: every bucket waits for all its gradients, except those of
        parameters ``output`` does not depend on when find_unused_parameters is set."""
        self._syncing, self._hooks_seen, self._started = True, 0, []
        for b in self._buckets:
            b.waiting = len(b.params)
        self._used_here = None
        if self.find_unused_parameters:
            reached = _leaves(output)
            self._used_here = np.array([id(p) in reached for p in self._params], np.int32)
            anywhere = self._used_here.copy()
            self._used = (anywhere, self.process_group.comm.Iallreduce(_mpi.mpi().IN_PLACE, anywhere,
                                                                       _mpi.mpi().MAX))
            for i in np.flatnonzero(self._used_here == 0):
                self._ready(int(i))

    def _ready(self, index):
        bucket = self._bucket_of[index]
        bucket.waiting -= 1
        if bucket.waiting == 0:
            bucket.start(self.process_group.comm, self.process_group.size(), self._used_here)
            self._started.append(bucket.request)
            if len(self._started) == len(self._buckets):
                self._finish()
        elif self._started:
            # MPI moves non-blocking collectives on only inside MPI calls: each hook gives the started ones a turn
            _mpi.mpi().Request.Testall(self._started)

    def _finish(self):
        """Wait for every bucket's sum and make it the gradients."""
        requests = self._started + ([self._used[1]] if self._used else [])
        _mpi.wait_all(requests, time.monotonic() + self.process_group.timeout, self._timed_out("gradient all-reduce"))
        used = self._used[0] if self._used else None
        for b in self._buckets:
            b.finish(used, self.gradient_as_bucket_view)
        self._syncing, self._used = False, None

    @contextlib.contextmanager
    def no_sync(self):
        """Backward passes inside accumulate gradients locally; the first one after averages the sum."""
        previous = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous


def _leaves(output):
    """ids of the leaf tensors whose gradient accumulators the graph of ``output`` reaches."""
    stack, seen, leaves = [], set(), set()
    pending = [output]
    while pending:
        item = pending.pop()
        if isinstance(item, Tensor):
            if item.grad_fn is not None:
                stack.append(item.grad_fn)
            elif item.requires_grad:
                leaves.add(id(item))
        elif isinstance(item, (list, tuple)):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, AccumulateGrad):
            var = node.variable
            if var is not None:
                leaves.add(id(var))
        for nxt in node.next_functions:
            if nxt is not None:
                stack.append(nxt[0])
    return leaves

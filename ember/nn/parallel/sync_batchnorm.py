"""SyncBatchNorm: batch normalisation whose statistics cover the batch of every rank.

In training, the per-channel mean and variance are those of the global batch: each rank's sums
are all-reduced (two all-reduces: the mean first, then the squared deviations from it, which
keeps the variance as accurate as one process's). The all-reduce is differentiable (its
backward all-reduces the gradients), so backward is the global batch's too. Outside training,
or without a process group of more than one rank, it is an ordinary BatchNorm.
"""
from ... import distributed as dist
from ..._tensor import tensor
from ...autograd import Function, no_grad
from ..modules.batchnorm import _BatchNorm


class _SumAcrossRanks(Function):
    @staticmethod
    def forward(ctx, t, group):
        ctx.group = group
        out = t.clone()
        dist.all_reduce(out, group=group)
        return out

    @staticmethod
    def backward(ctx, grad):
        grad = grad.clone()
        dist.all_reduce(grad, group=ctx.group)
        return grad, None


class SyncBatchNorm(_BatchNorm):
    """Batch normalisation whose mean and variance are computed over the batches of every rank in
    ``process_group`` (all ranks by default); the other arguments are BatchNorm's."""
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 process_group=None, device=None, dtype=None):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device=device, dtype=dtype)
        self.process_group = process_group

    def _check_input_dim(self, input):
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    def forward(self, input):
        self._check_input_dim(input)
        if not (self.training and dist.is_available() and dist.is_initialized()
                and dist.get_world_size(self.process_group) > 1):
            return super().forward(input)
        dims = [0] + list(range(2, input.dim()))
        shape = [1, -1] + [1] * (input.dim() - 2)
        local = tensor(float(input.numel() // input.shape[1]), dtype=input.dtype)
        count = _SumAcrossRanks.apply(local, self.process_group)
        mean = _SumAcrossRanks.apply(input.sum(dims), self.process_group) / count
        centred = input - mean.reshape(shape)
        var = _SumAcrossRanks.apply((centred * centred).sum(dims), self.process_group) / count
        out = centred * (var + self.eps).rsqrt().reshape(shape)
        if self.weight is not None:
            out = out * self.weight.reshape(shape)
        if self.bias is not None:
            out = out + self.bias.reshape(shape)
        if self.track_running_stats:
            self._update_running_stats(mean, var, count)
        return out

    def _update_running_stats(self, mean, var, count):
        with no_grad():
            self.num_batches_tracked.add_(1)
            factor = 1.0 / self.num_batches_tracked.item() if self.momentum is None else self.momentum
            n = count.item()
            self.running_mean.mul_(1 - factor).add_(mean.detach() * factor)
            self.running_var.mul_(1 - factor).add_(var.detach() * (factor * n / max(n - 1, 1)))

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """``module`` with every BatchNorm*D layer replaced by a SyncBatchNorm holding the same parameters and
        statistics (``module`` itself when it is one)."""
        converted = module
        if isinstance(module, _BatchNorm) and not isinstance(module, SyncBatchNorm):
            converted = cls(module.num_features, module.eps, module.momentum, module.affine,
                            module.track_running_stats, process_group)
            if module.affine:
                with no_grad():
                    converted.weight = module.weight
                    converted.bias = module.bias
            converted.running_mean = module.running_mean
            converted.running_var = module.running_var
            converted.num_batches_tracked = module.num_batches_tracked
            converted.training = module.training
        for name, child in module.named_children():
            converted.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        return converted

"""Second derivatives against torch: the gradient of a penalty on d(output)/d(input), the pattern of
WGAN-GP and of double backward in general, through common functional ops and losses."""
import numpy as np
import pytest
from diff import check

OPS = {
    "interpolate nearest": lambda m, x: m.nn.functional.interpolate(x, scale_factor=2, mode="nearest"),
    "adaptive_avg_pool2d": lambda m, x: m.nn.functional.adaptive_avg_pool2d(x, 2),
    "softmax": lambda m, x: m.nn.functional.softmax(x, 1),
    "log_softmax": lambda m, x: m.nn.functional.log_softmax(x, 1),
    "gelu": lambda m, x: m.nn.functional.gelu(x),
    "silu": lambda m, x: m.nn.functional.silu(x),
    "elu": lambda m, x: m.nn.functional.elu(x),
    "leaky_relu": lambda m, x: m.nn.functional.leaky_relu(x, 0.2),
    "softplus": lambda m, x: m.nn.functional.softplus(x),
    "mse_loss": lambda m, x: m.nn.functional.mse_loss(x, x.detach() * 0.5),
    "cross_entropy": lambda m, x: m.nn.functional.cross_entropy(x.flatten(2).mean(2), m.tensor([0, 2])),
    "nll_loss": lambda m, x: m.nn.functional.nll_loss(m.nn.functional.log_softmax(x.flatten(2).mean(2), 1),
                                                      m.tensor([0, 2])),
    "bce_with_logits": lambda m, x: m.nn.functional.binary_cross_entropy_with_logits(x, (x.detach() > 0).float()),
    "smooth_l1_loss": lambda m, x: m.nn.functional.smooth_l1_loss(x, x.detach() * 0.3),
    "pad": lambda m, x: m.nn.functional.pad(x, (1, 2, 0, 1)),
    "max(dim)": lambda m, x: x.max(1)[0],
    "cumsum": lambda m, x: x.cumsum(2),
    "norm": lambda m, x: x.norm(dim=1),
    "std": lambda m, x: x.std(1),
    "var": lambda m, x: x.var((2, 3)),
    "logsumexp": lambda m, x: x.logsumexp(1),
    "advanced index": lambda m, x: x[:, [0, 2, 2]],
    "where": lambda m, x: m.where(x > 0, x, x * x),
    "clamp": lambda m, x: x.clamp(-0.5, 0.5),
    "prod": lambda m, x: x.prod(1),
    "matmul": lambda m, x: x @ x.transpose(-1, -2),
    "sort": lambda m, x: x.sort(2)[0],
    "topk": lambda m, x: x.flatten(1).topk(3)[0],
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_gradient_penalty_matches_torch(name):
    def fn(m, x):
        y = OPS[name](m, x * x)
        gx, = m.autograd.grad((y ** 3).sum(), x, create_graph=True)
        return (gx ** 2).sum()

    check(fn, [np.random.default_rng(0).standard_normal((2, 3, 6, 6)).astype(np.float32)], rtol=1e-4,
          grad_rtol=1e-3, grad_atol=1e-4)

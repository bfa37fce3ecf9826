"""AdaptiveLogSoftmaxWithLoss against PyTorch with the same weights: output, loss, gradients, log_prob,
predict, unbatched input and errors."""
import numpy as np
import pytest
from diff import rand, torch

import ember


def twin(**kw):
    t = torch.nn.AdaptiveLogSoftmaxWithLoss(16, 20, [4, 10], **kw)
    e = ember.nn.AdaptiveLogSoftmaxWithLoss(16, 20, [4, 10], **kw)
    assert list(e.state_dict()) == list(t.state_dict()) and repr(e) == repr(t)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return e, t


@pytest.mark.parametrize("kw", [{}, {"div_value": 2.0, "head_bias": True}])
def test_matches_torch(kw):
    e, t = twin(**kw)
    x = rand((12, 16))
    y = np.array([0, 3, 4, 9, 10, 14, 15, 19, 2, 12, 17, 5])
    results = []
    for m, mod in ((ember, e), (torch, t)):
        xx = m.tensor(x, requires_grad=True)
        out, loss = mod(xx, m.tensor(y))
        (loss + out.sum() * 0.1).backward()
        results.append([out.detach().numpy(), loss.detach().numpy(), xx.grad.numpy(),
                        mod.head.weight.grad.numpy(), mod.tail[1][0].weight.grad.numpy(),
                        mod.log_prob(m.tensor(x)).detach().numpy(), mod.predict(m.tensor(x)).numpy()])
        single = mod(m.tensor(x[0]), m.tensor(y[0]))
        results[-1] += [single.output.detach().numpy(), single.loss.detach().numpy()]
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match="cutoffs should be a sequence"):
        ember.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [5, 3])
    e, _ = twin()
    with pytest.raises(RuntimeError, match="Target values should be in"):
        e(ember.randn(2, 16), ember.tensor([1, 25]))

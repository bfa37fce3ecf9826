"""share_memory_ / is_shared / Module.share_memory in one process, beside PyTorch; what other
processes see is proven in test_programs.py (Hogwild, queues)."""
import pytest

import ember
import ember.multiprocessing  # noqa: F401 - registers how tensors travel between processes


def _facts(torch):
    t = torch.arange(6.0).reshape(2, 3)
    facts = {"before": t.is_shared(), "returns self": t.share_memory_() is t, "after": t.is_shared(),
             "view": t[1].is_shared(), "copy": t.clone().is_shared(), "values": t.tolist()}
    net = torch.nn.Linear(3, 2)
    facts["module returns self"] = net.share_memory() is net
    facts["params"] = [p.is_shared() for p in net.parameters()]
    facts["param type"] = type(next(net.parameters())).__name__
    t.add_(1)
    facts["in place"] = t.tolist()
    return facts


def test_share_memory_matches_pytorch():
    torch = pytest.importorskip("torch")
    assert _facts(ember) == _facts(torch)

"""DataParallel and data_parallel on the CPU, as PyTorch behaves without a GPU."""
import numpy as np
import pytest
from diff import rand, torch

import ember


def test_data_parallel_runs_the_module():
    for m in (ember, torch):
        inner = m.nn.Linear(3, 2)
        dp = m.nn.DataParallel(inner)
        assert dp.module is inner and dp.device_ids == [] and list(dp.state_dict()) == ["module.weight",
                                                                                        "module.bias"]
        x = m.tensor(rand((4, 3)))
        np.testing.assert_allclose(dp(x).detach().numpy(), inner(x).detach().numpy())
        with pytest.raises(RuntimeError, match="device type could not be determined"):
            m.nn.parallel.data_parallel(inner, x)
    e = ember.nn.DataParallel(ember.nn.Linear(3, 2))
    t = torch.nn.DataParallel(torch.nn.Linear(3, 2))
    assert repr(e) == repr(t)
    from ember.nn.parallel.data_parallel import DataParallel
    assert DataParallel is ember.nn.DataParallel

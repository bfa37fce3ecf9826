"""The settings Ember gives Open MPI: non-blocking all-reduces (DDP's gradients) run on MPI's ring,
whether ``ember run`` or the program's own ``mpiexec`` started the ranks, unless the environment the
program starts in chooses for itself."""
import sys

import pytest

from .launch import finish, needs_mpi, start, write

SETTING = "coll_libnbc_iallreduce_algorithm"

RANK = """
    import os
    import numpy as np
    import torch, torch.distributed as dist
    dist.init_process_group("gloo")
    t = torch.arange(5000.0) * (dist.get_rank() + 1)
    dist.all_reduce(t, async_op=True).wait()
    assert np.array_equal(t.numpy(), np.arange(5000.0, dtype=np.float32) * 3)
    print(os.environ.get("OMPI_MCA_coll_libnbc_iallreduce_algorithm"))
"""


@pytest.mark.parametrize("given", [None, "2"], ids=["default", "chosen"])
@pytest.mark.parametrize("launcher", ["ember-run", "own-mpiexec"])
def test_non_blocking_all_reduce_runs_on_the_ring(tmp_path, monkeypatch, launcher, given):
    needs_mpi()
    from ember.distributed import launch
    if given is None:
        monkeypatch.delenv("OMPI_MCA_" + SETTING, raising=False)
    else:
        monkeypatch.setenv("OMPI_MCA_" + SETTING, given)
    cmd = launch.command(2, [sys.executable, "-m", "ember", "run", str(write(tmp_path, RANK))])
    assert (SETTING in cmd) == (given is None)
    if launcher == "own-mpiexec" and given is None:  # the ranks themselves set it before MPI starts
        at = cmd.index(SETTING)
        cmd = cmd[:at - 1] + cmd[at + 2:]
    proc = finish(start(cmd), 120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [given or "1"] * 2

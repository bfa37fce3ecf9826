"""Two machines stood in for by two network namespaces on this one: a veth pair joins them, each
has one address of a private test subnet, and ``ember run --nnodes 2 --hostfile`` puts one rank
on each, talking over MPI's TCP transport. The training must equal one process on the global
batch, as on one machine.

Open MPI starts the second machine's daemon through its ssh agent; here that agent is a script
that enters the other namespace instead (with a hostname of its own, as a real host has)."""
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from . import training
from .launch import finish, needs_mpi, start, write

HERE = os.path.dirname(os.path.abspath(__file__))

AGENT = """#!/bin/sh
# Open MPI's remote-start agent: "agent [ssh options] HOST COMMAND...", here entering HOST's namespace.
while [ "${{1#-}}" != "$1" ]; do shift; done
host=$1; shift
case $host in {a}) ns={ns_a};; {b}) ns={ns_b};; *) echo "unknown host $host" >&2; exit 1;; esac
exec ip netns exec $ns unshare --uts /bin/sh -c "hostname $host; $*"
"""

RANK = """
    import subprocess, sys
    import numpy as np
    import torch, torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel as DDP
    out_dir, helpers = sys.argv[1:3]
    sys.path.insert(0, helpers)
    import training
    dist.init_process_group("gloo")
    rank = dist.get_rank()
    saved = {"addresses": np.array(subprocess.run(["ip", "-4", "-br", "addr"], capture_output=True, text=True).stdout)}
    for kind, opt in [("mlp", "sgd"), ("cnn", "adam")]:
        for i, p in enumerate(training.train_rank(torch, kind, opt, DDP, rank, dist.get_world_size())):
            saved[f"{kind}/{opt}/{i}"] = p
    np.savez(f"{out_dir}/rank{rank}.npz", **saved)
"""


def _ip(*args):
    return subprocess.run(["ip", *args], capture_output=True, text=True)


@pytest.fixture
def hosts():
    """Two namespaces joined by a veth pair; yields their names and addresses, and removes them after."""
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    if not (shutil.which("ip") and shutil.which("unshare")):
        pytest.skip("needs the `ip` (iproute2) and `unshare` (util-linux) commands")
    tag = os.getpid() % 200 + 20
    ns = [f"ember-host{i}-{os.getpid()}" for i in range(2)]
    addresses = [f"10.231.{tag}.{i + 1}" for i in range(2)]
    made = _ip("netns", "add", ns[0])
    if made.returncode:
        pytest.skip(f"`ip netns add` is not permitted here: {made.stderr.strip()}")
    try:
        steps = [["netns", "add", ns[1]],
                 ["link", "add", f"evA{tag}", "type", "veth", "peer", "name", f"evB{tag}"],
                 ["link", "set", f"evA{tag}", "netns", ns[0]], ["link", "set", f"evB{tag}", "netns", ns[1]]]
        for i, dev in enumerate([f"evA{tag}", f"evB{tag}"]):
            steps += [["-n", ns[i], "addr", "add", f"{addresses[i]}/24", "dev", dev],
                      ["-n", ns[i], "link", "set", dev, "up"], ["-n", ns[i], "link", "set", "lo", "up"]]
        for step in steps:
            done = _ip(*step)
            if done.returncode:
                pytest.skip(f"`ip {' '.join(step)}` failed: {done.stderr.strip()}")
        yield ns, addresses
    finally:
        for name in ns:
            _ip("netns", "del", name)


def test_ddp_across_two_hosts_over_tcp(tmp_path, hosts):
    needs_mpi()
    ns, (a, b) = hosts
    agent = write(tmp_path, AGENT.format(a=a, b=b, ns_a=ns[0], ns_b=ns[1]), "agent.sh")
    agent.chmod(0o755)
    (tmp_path / "hosts").write_text(f"{a} slots=1\n{b} slots=1\n")
    script = write(tmp_path, RANK)
    subnet = a.rsplit(".", 1)[0] + ".0/24"
    launcher = " ".join([sys.executable, "-m", "ember", "run", "--nnodes", "2", "--nproc-per-node", "1", "--hostfile",
                         str(tmp_path / "hosts"), str(script), str(tmp_path), HERE])
    proc = finish(start(["ip", "netns", "exec", ns[0], "unshare", "--uts", "sh", "-c", f"hostname {a}; {launcher}"],
                        cwd=str(tmp_path), PRTE_MCA_plm_ssh_agent=str(agent), PRTE_MCA_oob_tcp_if_include=subnet,
                        OMPI_MCA_btl="tcp,self", OMPI_MCA_btl_tcp_if_include=subnet), timeout=240)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ranks = [dict(np.load(tmp_path / f"rank{r}.npz")) for r in range(2)]
    assert a in str(ranks[0]["addresses"]) and b in str(ranks[1]["addresses"])  # one rank on each host
    import ember
    for kind, opt in [("mlp", "sgd"), ("cnn", "adam")]:
        want = training.train_global(ember, kind, opt, 2)
        for rank in ranks:
            for i, w in enumerate(want):
                np.testing.assert_allclose(rank[f"{kind}/{opt}/{i}"], w, rtol=1e-5, atol=1e-6)

"""One worker of ``ember.multiprocessing.spawn``: ``python -m ember.multiprocessing._worker SPEC``."""
import multiprocessing.spawn as mp_spawn
import os
import pickle
import sys
import traceback

from ..distributed import launch


def main(spec_path):
    rank = launch.launched_rank()[0]
    with open(spec_path, "rb") as f:
        setup = pickle.load(f)  # installs the torch alias first where the parent had it
        mp_spawn.prepare(setup["prep"])  # the parent's main script, as __mp_main__
        fn, args = pickle.load(f)
    try:
        fn(rank, *args)
    except KeyboardInterrupt:
        return 130
    except Exception:  # noqa: BLE001 - reported to the parent, which raises it there
        with open(os.path.join(setup["workdir"], f"error-{rank}"), "w") as f:
            f.write(traceback.format_exc())
        sys.stderr.write(f"[rank {rank}] " + traceback.format_exc())
        sys.stderr.flush()
        mpi = sys.modules.get("mpi4py.MPI")
        if mpi is not None and mpi.Is_initialized() and not mpi.Is_finalized():
            mpi.COMM_WORLD.Abort(1)  # the other ranks may be waiting for this one in a collective
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

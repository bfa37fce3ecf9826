"""torch.distributed on MPI: process groups, collectives, point-to-point transfers.

Ranks are the processes ``mpiexec`` started (``ember run --nproc-per-node N`` starts them
for you); ``init_process_group`` joins them, whatever CPU backend the program names. Without
mpi4py, ``is_available()`` is False and everything else says how to install it.
"""
from .collectives import (all_gather, all_gather_into_tensor, all_reduce, all_to_all_single, barrier, broadcast,
                          gather, reduce, reduce_scatter, reduce_scatter_tensor, scatter)
from .errors import DistBackendError, DistError, DistNetworkError, DistStoreError
from .objects import all_gather_object, broadcast_object_list, gather_object, scatter_object_list
from .p2p import irecv, isend, recv, send
from .process_group import (Backend, GroupMember, ProcessGroup, default_pg_timeout, destroy_process_group,
                            get_backend, get_global_rank, get_group_rank, get_process_group_ranks, get_rank,
                            get_world_size, group, init_process_group, is_available, is_gloo_available,
                            is_initialized, is_mpi_available, is_nccl_available, new_group)
from .work import ReduceOp, Work

__all__ = [
    "Backend", "DistBackendError", "DistError", "DistNetworkError", "DistStoreError", "GroupMember", "ProcessGroup",
    "ReduceOp", "Work", "all_gather", "all_gather_into_tensor", "all_gather_object", "all_reduce",
    "all_to_all_single", "barrier", "broadcast", "broadcast_object_list", "default_pg_timeout",
    "destroy_process_group", "gather", "gather_object", "get_backend", "get_global_rank", "get_group_rank",
    "get_process_group_ranks", "get_rank", "get_world_size", "group", "init_process_group", "irecv",
    "is_available", "is_gloo_available", "is_initialized", "is_mpi_available", "is_nccl_available", "isend",
    "new_group", "recv", "reduce", "reduce_scatter", "reduce_scatter_tensor", "scatter", "scatter_object_list", "send",
]

"""The tensor collectives of torch.distributed, each one or two MPI calls.

Results land in the tensors given, in place, as in PyTorch. ``src``/``dst`` are ranks of the
world; ``group_src``/``group_dst`` are ranks within ``group``.
"""
import numpy as np

from . import _mpi
from .process_group import resolve, rooted
from .work import ReduceOp, agree, buffer, counts, reduction, run


def _all_reduce_steps(pg, t, op, check=True):
    buf, store = buffer(t)
    mpi_op, finish = reduction(buf.dtype, op, pg.size())
    if check:
        yield from agree(pg, "all_reduce", buf)
    yield [pg.comm.Iallreduce(_mpi.mpi().IN_PLACE, buf, mpi_op)]
    if finish:
        finish(buf)
    store()


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    """Combine ``tensor`` across the ranks; every rank gets the result in ``tensor``."""
    pg = resolve(group)
    if pg is not None:
        return run(pg, "all_reduce", _all_reduce_steps(pg, tensor, op), async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    """Copy rank ``src``'s ``tensor`` into every rank's ``tensor``."""
    pg, root = rooted(group, src, group_src, "src")
    if pg is None:
        return None

    def steps():
        buf, store = buffer(tensor)
        yield from agree(pg, "broadcast", buf)
        yield [pg.comm.Ibcast(buf, root=root)]
        store()
    return run(pg, "broadcast", steps(), async_op)


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    """Combine ``tensor`` across the ranks into rank ``dst``'s ``tensor``."""
    pg, root = rooted(group, dst, group_dst, "dst")
    if pg is None:
        return None

    def steps():
        buf, store = buffer(tensor)
        mpi_op, finish = reduction(buf.dtype, op, pg.size())
        yield from agree(pg, "reduce", buf)
        mine = pg.rank() == root
        send = _mpi.mpi().IN_PLACE if mine else buf
        yield [pg.comm.Ireduce(send, buf if mine else None, mpi_op, root=root)]
        if mine:
            if finish:
                finish(buf)
            store()
    return run(pg, "reduce", steps(), async_op)


def _gather_steps(pg, name, out_arrays, t, root=None):
    """All-gather (``root`` None) or gather of ``t`` into ``out_arrays`` (one per rank)."""
    src = np.ascontiguousarray(t._data)
    yield from agree(pg, name, src)
    if out_arrays is not None:
        for o in out_arrays:
            if o.shape != src.shape or o.dtype != src.dtype:
                raise RuntimeError(f"{name}: every output tensor must have the input's shape {list(src.shape)} "
                                   f"and dtype {src.dtype}; got shape {list(o.shape)} and dtype {o.dtype}")
    recv = None if out_arrays is None else np.empty((pg.size(),) + src.shape, src.dtype)
    yield [pg.comm.Iallgather(src, recv) if root is None else pg.comm.Igather(src, recv, root=root)]
    if out_arrays is not None:
        for o, part in zip(out_arrays, recv):
            o[...] = part


def _check_count(name, out, pg):
    if len(out) != pg.size():
        raise ValueError(f"{name}: expected a list of {pg.size()} tensors (one per rank), got {len(out)}")


def all_gather(tensor_list, tensor, group=None, async_op=False):
    """Every rank's ``tensor`` into ``tensor_list[rank]``, on every rank."""
    pg = resolve(group)
    if pg is None:
        return None
    _check_count("all_gather", tensor_list, pg)
    return run(pg, "all_gather", _gather_steps(pg, "all_gather", [o._data for o in tensor_list], tensor), async_op)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    """Every rank's ``input_tensor``, concatenated along dim 0 (or stacked) into ``output_tensor``."""
    pg = resolve(group)
    if pg is None:
        return None
    n, out = pg.size(), output_tensor._data
    if out.size != n * input_tensor._data.size:
        raise ValueError(f"all_gather_into_tensor: output tensor size must be equal to world_size times input "
                         f"tensor size ({out.size} != {n} * {input_tensor._data.size})")
    parts = list(out.reshape((n,) + input_tensor._data.shape))
    if not np.shares_memory(parts[0], out):
        raise RuntimeError("all_gather_into_tensor: the output tensor must be contiguous")
    return run(pg, "all_gather_into_tensor", _gather_steps(pg, "all_gather_into_tensor", parts, input_tensor),
               async_op)


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    """Every rank's ``tensor`` into ``gather_list`` on rank ``dst``."""
    pg, root = rooted(group, dst, group_dst, "dst")
    if pg is None:
        return None
    if pg.rank() == root:
        if gather_list is None:
            raise ValueError("Argument ``gather_list`` must be specified on destination rank.")
        _check_count("gather", gather_list, pg)
        outs = [o._data for o in gather_list]
    elif gather_list:
        raise ValueError("Argument ``gather_list`` must NOT be specified on non-destination ranks.")
    else:
        outs = None
    return run(pg, "gather", _gather_steps(pg, "gather", outs, tensor, root), async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    """``scatter_list[rank]`` of rank ``src`` into each rank's ``tensor``."""
    pg, root = rooted(group, src, group_src, "src")
    if pg is None:
        return None
    mine = pg.rank() == root
    if mine:
        if scatter_list is None:
            raise ValueError("Argument ``scatter_list`` must be specified on source rank.")
        _check_count("scatter", scatter_list, pg)
    elif scatter_list:
        raise ValueError("Argument ``scatter_list`` must NOT be specified on non-source ranks.")

    def steps():
        buf, store = buffer(tensor)
        yield from agree(pg, "scatter", buf)
        send = None
        if mine:
            send = np.stack([s._data for s in scatter_list])
            if send.shape[1:] != buf.shape or send.dtype != buf.dtype:
                raise RuntimeError(f"scatter: the tensors to scatter must have the output's shape "
                                   f"{list(buf.shape)} and dtype {buf.dtype}")
        yield [pg.comm.Iscatter(send, buf, root=root)]
        store()
    return run(pg, "scatter", steps(), async_op)


def _reduce_scatter_steps(pg, name, out, parts, op):
    buf, store = buffer(out)
    send = np.ascontiguousarray(parts)
    if send.size != pg.size() * buf.size:
        raise ValueError(f"{name}: input must hold world_size ({pg.size()}) times the output's {buf.size} elements")
    mpi_op, finish = reduction(buf.dtype, op, pg.size())
    yield from agree(pg, name, send)
    yield [pg.comm.Ireduce_scatter_block(send, buf, mpi_op)]
    if finish:
        finish(buf)
    store()


def reduce_scatter(output, input_list, op=ReduceOp.SUM, group=None, async_op=False):
    """Reduce ``input_list[r]`` across the ranks into rank ``r``'s ``output``."""
    pg = resolve(group)
    if pg is None:
        return None
    _check_count("reduce_scatter", input_list, pg)
    parts = np.stack([t._data for t in input_list])
    return run(pg, "reduce_scatter", _reduce_scatter_steps(pg, "reduce_scatter", output, parts, op), async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):  # noqa: A002
    """Reduce ``input`` (world_size slices along dim 0) across the ranks; slice ``r`` lands in rank ``r``'s
    ``output``."""
    pg = resolve(group)
    if pg is None:
        return None
    steps = _reduce_scatter_steps(pg, "reduce_scatter_tensor", output, input._data, op)
    return run(pg, "reduce_scatter_tensor", steps, async_op)


def all_to_all_single(output, input, output_split_sizes=None, input_split_sizes=None,  # noqa: A002
                      group=None, async_op=False):
    """Rank ``r`` sends its ``input_split_sizes[q]`` rows to rank ``q`` and receives ``output_split_sizes[q]``
    rows from it, along dim 0 (equal splits where the sizes are not given)."""
    pg = resolve(group)
    if pg is None:
        return None
    n, src = pg.size(), np.ascontiguousarray(input._data)
    buf, store = buffer(output)

    def splits(sizes, rows, which):
        if sizes is None:
            if rows % n:
                raise ValueError(f"all_to_all_single: dim 0 of the {which} ({rows}) must divide by world size {n}")
            return np.full(n, rows // n, np.int64)
        sizes = np.asarray(list(sizes), np.int64)
        if len(sizes) != n or sizes.sum() != rows:
            raise ValueError(f"all_to_all_single: {which} split sizes {sizes.tolist()} must be {n} numbers adding "
                             f"up to its dim 0 ({rows})")
        return sizes

    send_rows = splits(input_split_sizes, src.shape[0] if src.ndim else 0, "input")
    recv_rows = splits(output_split_sizes, buf.shape[0] if buf.ndim else 0, "output")
    row = int(np.prod(src.shape[1:]))

    def steps():
        yield from agree(pg, "all_to_all_single", src, check_shape=False)
        if buf.dtype != src.dtype or int(np.prod(buf.shape[1:])) != row:
            raise RuntimeError("all_to_all_single: input and output must have the same dtype and row shape")
        told = np.empty(n, np.int64)
        yield [pg.comm.Ialltoall(send_rows, told)]
        if (told != recv_rows).any():
            raise RuntimeError(f"all_to_all_single: rank {pg.ranks[pg.rank()]} expects {recv_rows.tolist()} rows "
                               f"from the ranks but they send {told.tolist()}")
        yield [pg.comm.Ialltoallv([src, counts(send_rows, row)], [buf, counts(recv_rows, row)])]
        store()
    return run(pg, "all_to_all_single", steps(), async_op)


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every rank of the group has reached the barrier."""
    pg = resolve(group)
    if pg is None:
        return None

    def steps():
        yield [pg.comm.Ibarrier()]
    return run(pg, "barrier", steps(), async_op)

"""Collectives of picklable Python objects, as PyTorch has them.

An object travels as its pickle, and unpickling runs code the sender chose: the ranks of one
job are one program, which is what PyTorch assumes for these calls too.
"""
import pickle

import numpy as np

from .process_group import resolve, rooted
from .work import Work, counts


def _bytes(obj):
    return np.frombuffer(pickle.dumps(obj), np.uint8)


def _objects(data, lengths):
    ends = np.cumsum(lengths)
    return [pickle.loads(data[end - n:end].tobytes()) for end, n in zip(ends, lengths)]


def _gather_steps(pg, obj, root):
    """Every rank's pickle, to every rank (``root`` None) or to ``root``; returns the objects there."""
    mine = _bytes(obj)
    lengths = np.empty(pg.size(), np.int64)
    length = np.array([mine.size], np.int64)
    yield [pg.comm.Iallgather(length, lengths)]
    receives = root is None or pg.rank() == root
    data = np.empty(int(lengths.sum()), np.uint8) if receives else None
    into = [data, counts(lengths)] if receives else None
    yield [pg.comm.Iallgatherv(mine, into) if root is None else pg.comm.Igatherv(mine, into, root=root)]
    return _objects(data, lengths) if receives else None


def all_gather_object(object_list, obj, group=None):
    """``object_list[r]`` becomes rank ``r``'s ``obj``, on every rank."""
    pg = resolve(group)
    if pg is not None:
        object_list[:] = _wait(pg, "all_gather_object", _gather_steps(pg, obj, None))


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    """``object_gather_list[r]`` becomes rank ``r``'s ``obj`` on rank ``dst``."""
    pg, root = rooted(group, dst, group_dst, "dst")
    if pg is None:
        return
    objects = _wait(pg, "gather_object", _gather_steps(pg, obj, root))
    if pg.rank() == root:
        if object_gather_list is None:
            raise ValueError("Argument ``object_gather_list`` must be specified on destination rank.")
        object_gather_list[:] = objects


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    """Rank ``src``'s ``object_list`` replaces the contents of every rank's ``object_list``."""
    pg, root = rooted(group, src, group_src, "src")
    if pg is None:
        return

    def steps():
        mine = pg.rank() == root
        data = _bytes(list(object_list)) if mine else None
        length = np.array([data.size if mine else 0], np.int64)
        yield [pg.comm.Ibcast(length, root=root)]
        if not mine:
            data = np.empty(int(length[0]), np.uint8)
        yield [pg.comm.Ibcast(data, root=root)]
        return pickle.loads(data.tobytes())
    received = _wait(pg, "broadcast_object_list", steps())
    if len(received) != len(object_list):
        raise RuntimeError(f"broadcast_object_list: rank {src} sent {len(received)} objects into a list of "
                           f"{len(object_list)}")
    object_list[:] = received


def scatter_object_list(scatter_object_output_list, scatter_object_input_list=None, src=None, group=None,
                        group_src=None):
    """``scatter_object_output_list[0]`` becomes ``scatter_object_input_list[r]`` of rank ``src`` on rank ``r``."""
    pg, root = rooted(group, src, group_src, "src")
    if pg is None:
        return
    if not isinstance(scatter_object_output_list, list) or len(scatter_object_output_list) < 1:
        raise ValueError("Expected argument scatter_object_output_list to be a list of size at least 1.")

    def steps():
        mine = pg.rank() == root
        pieces = [_bytes(obj) for obj in scatter_object_input_list] if mine else None
        lengths = np.array([p.size for p in pieces], np.int64) if mine else None
        length = np.empty(1, np.int64)
        yield [pg.comm.Iscatter(lengths, length, root=root)]
        data = np.empty(int(length[0]), np.uint8)
        send = [np.concatenate(pieces), counts(lengths)] if mine else None
        yield [pg.comm.Iscatterv(send, data, root=root)]
        return pickle.loads(data.tobytes())
    scatter_object_output_list[0] = _wait(pg, "scatter_object_list", steps())


def _wait(pg, name, steps):
    work = Work(pg, name, steps)
    work.wait()
    return work.result()

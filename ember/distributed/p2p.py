"""Point-to-point transfers: send/recv and their non-blocking forms.

Each transfer is two MPI messages: a small header (sender, dtype, shape), then the data. The
receiver checks the header against its tensor before it accepts the data, so a mismatch is an
error rather than truncated or misread bytes. Headers and data travel on separate MPI tags
(2*tag and 2*tag+1), so a receive from any source can never take another transfer's data
for a header.
"""
import numpy as np

from . import _mpi
from .process_group import resolve
from .work import Work, buffer, run

_HEADER = 9  # sender, dtype, ndim, six dimensions


def _header(pg, array):
    head = np.zeros(_HEADER, np.int64)
    head[:3] = [pg.rank(), ord(array.dtype.char), array.ndim]
    head[3:3 + min(array.ndim, 6)] = array.shape[:6]
    return head


def _send_steps(pg, tensor, peer, tag):
    data = np.ascontiguousarray(tensor._data)
    head = _header(pg, data)
    yield [pg.comm.Isend(head, dest=peer, tag=2 * tag), pg.comm.Isend(data, dest=peer, tag=2 * tag + 1)]


def _recv_steps(pg, tensor, peer, tag):
    buf, store = buffer(tensor)
    head = np.empty(_HEADER, np.int64)
    source = _mpi.mpi().ANY_SOURCE if peer is None else peer
    yield [pg.comm.Irecv(head, source=source, tag=2 * tag)]
    sender = int(head[0])
    expected = _header(pg, buf)
    if (head[1:] != expected[1:]).any():
        got = f"shape {list(map(int, head[3:3 + int(head[2])]))} and dtype {np.dtype(chr(int(head[1])))}"
        raise RuntimeError(f"recv on rank {pg.ranks[pg.rank()]}: rank {pg.ranks[sender]} sent a tensor of {got} "
                           f"into one of shape {list(buf.shape)} and dtype {buf.dtype}")
    yield [pg.comm.Irecv(buf, source=sender, tag=2 * tag + 1)]
    store()
    return pg.ranks[sender]


def _group(group, rank, group_rank, what):
    pg = resolve(group)
    if pg is None:
        return None, None
    if group_rank is not None:
        return pg, group_rank
    if rank is None:
        if what == "src":
            return pg, None
        raise ValueError("dst must be given")
    return pg, pg.local(rank, what)


def isend(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Start sending ``tensor`` to rank ``dst``; returns a Work."""
    pg, peer = _group(group, dst, group_dst, "dst")
    if pg is not None:
        return Work(pg, "send", _send_steps(pg, tensor, peer, tag))


def irecv(tensor, src=None, group=None, tag=0, group_src=None):
    """Start receiving into ``tensor`` from rank ``src`` (any rank when None); returns a Work."""
    pg, peer = _group(group, src, group_src, "src")
    if pg is not None:
        return Work(pg, "recv", _recv_steps(pg, tensor, peer, tag))


def send(tensor, dst=None, group=None, tag=0, group_dst=None):
    """Send ``tensor`` to rank ``dst`` and wait until it has gone."""
    pg, peer = _group(group, dst, group_dst, "dst")
    if pg is not None:
        run(pg, "send", _send_steps(pg, tensor, peer, tag), False)


def recv(tensor, src=None, group=None, tag=0, group_src=None):
    """Receive into ``tensor`` from rank ``src`` (any rank when None); returns the sender's rank."""
    pg, peer = _group(group, src, group_src, "src")
    if pg is None:
        return -1
    work = Work(pg, "recv", _recv_steps(pg, tensor, peer, tag))
    work.wait()
    return work.result()

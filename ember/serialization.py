"""``ember.save`` / ``ember.load``: checkpoints that store no code.

``save`` writes Ember's format (``_checkpoint_format``): a safetensors file
whose tensors are named as in the saved object (a state_dict's own keys), the
object's structure as JSON in its metadata, a SHA-256 of the whole file. The
``safetensors`` library and anything built on it read the tensors by name.
``load`` reads that, plain safetensors files written by anyone, and PyTorch's
``.pt`` files (zip and legacy) through an unpickler that refuses every name
outside a short allow-list (``_torch_import``). Anything else, truncated or
corrupt, raises ``CheckpointError`` naming the file and the problem.

Loading never runs code from a file, so PyTorch's ``add_safe_globals`` /
``safe_globals`` (which widen what ``weights_only`` unpickling may construct)
are accepted and remembered but widen nothing here.

A save to a path goes to a temporary file beside the target, is flushed and
fsynced, then renamed over the target: a crash at any moment leaves either the
old file or the new one, never a torn one. Temporary files of writers that were
killed (their names carry host and process id) are removed by the next save to
the same path.
"""
import contextlib
import io
import os
import re
import secrets
import socket

from . import _arraylib as B
from ._checkpoint_format import CheckpointError, parse, serialize
from ._tensor import Tensor

__all__ = ["CheckpointError", "add_safe_globals", "clear_safe_globals", "get_safe_globals", "load",
           "load_state_dict", "safe_globals", "save"]

_HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:64]


def save(obj, f, pickle_module=None, pickle_protocol=None, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save tensors, state dicts and training checkpoints to a path or a binary file object.

    The pickle arguments are accepted for PyTorch's signature; no pickle is ever written."""
    parts = serialize(obj)
    if isinstance(f, (str, os.PathLike)):
        _write_atomically(os.path.realpath(os.fspath(f)), parts)
    else:
        for p in parts:
            f.write(p)


def _write_atomically(path, parts):
    directory, base = os.path.split(path)
    _remove_stale_temporaries(directory, base)
    tmp = os.path.join(directory, f".{base}.{_HOST}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # os.open with 0o666 lets the umask decide the file's mode, as for a file opened directly
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            for p in parts:
                out.write(p)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (not possible on every system)
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _remove_stale_temporaries(directory, base):
    """Delete temporary files that writers on this host left when killed mid-save."""
    if os.name != "posix":  # only POSIX can ask whether a process id is alive without touching it
        return
    pattern = re.compile(re.escape(f".{base}.{_HOST}.") + r"(\d+)\.[0-9a-f]{8}\.tmp")
    with contextlib.suppress(OSError):
        for entry in os.listdir(directory):
            m = pattern.fullmatch(entry)
            if m and not _alive(int(m.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(directory, entry))


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but belongs to someone else
        return True
    return True


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Load what ``save`` wrote, or a PyTorch ``.pt``/``.pth`` file, without running code from it.

    ``weights_only`` is accepted and changes nothing: loading is always restricted to tensors and
    plain values. ``map_location`` (device, string, dict or callable) moves the loaded tensors."""
    with _binary(f) as (fh, name):
        magic = fh.read(10)
        fh.seek(0)
        try:
            if magic[8:10] == b'{"':  # Ember's own layout: its JSON header starts after 8 length bytes
                obj = parse(_read_all(fh), name)
            elif magic[:2] == b"PK":
                from ._torch_import import load_zip

                obj = load_zip(fh, name)
            elif magic[:1] == b"\x80":  # a pickle: PyTorch's legacy format, or refused
                from ._torch_import import load_legacy

                obj = load_legacy(fh, name)
            else:
                obj = parse(_read_all(fh), name)
            if map_location is not None:
                obj = _Mover(map_location).move(obj)
        except RecursionError:
            raise CheckpointError(f"{name}: the stored object is nested too deeply to load") from None
    return obj


@contextlib.contextmanager
def _binary(f):
    """A seekable binary file for ``f`` (a path or a file object), and a name for error messages."""
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            yield fh, os.fspath(f)
        return
    name = getattr(f, "name", None)
    name = os.fspath(name) if isinstance(name, (str, os.PathLike)) else "<file object>"
    if not (hasattr(f, "seekable") and f.seekable()):
        f = io.BytesIO(f.read())
    start = f.tell()
    if start:  # read from the current position as if the file began there
        f = io.BytesIO(f.read())
    yield f, name


def _read_all(fh):
    """The rest of ``fh`` in a writable buffer, so tensors can be views of it without a copy."""
    here = fh.tell()
    size = fh.seek(0, os.SEEK_END) - here
    fh.seek(here)
    buf = bytearray(size)
    got = fh.readinto(buf)
    return buf if got == size else buf[:got]


class _Mover:
    """Applies ``map_location`` to every tensor, keeping shared objects shared (each visited once)."""

    def __init__(self, location):
        self.location = location
        self.done = {}

    def move(self, obj):
        done = self.done.get(id(obj))
        if done is not None:
            return done[1]
        if isinstance(obj, Tensor):
            out = self.tensor(obj)
        elif isinstance(obj, dict):
            out = obj
            for k, v in obj.items():
                obj[k] = self.move(v)
        elif isinstance(obj, list):
            out = obj
            obj[:] = [self.move(v) for v in obj]
        elif isinstance(obj, tuple):
            out = type(obj)(self.move(v) for v in obj)
        else:
            return obj
        self.done[id(obj)] = (obj, out)  # obj kept alive so its id is not reused while moving
        return out

    def tensor(self, t):
        loc = self.location
        if callable(loc):  # PyTorch's map_location(storage, location) returning the storage to use
            out = loc(t, str(t.device))
            return out if isinstance(out, Tensor) else t
        if isinstance(loc, dict):
            loc = loc.get(str(t.device))
            if loc is None:
                return t
        dev = B.device(loc) if isinstance(loc, str) else loc
        return t if t.device == dev else t.to(dev)


def load_state_dict(f, map_location=None):
    """The flat ``{name: tensor}`` mapping in ``f`` (an Ember checkpoint of a state_dict, a plain
    ``.safetensors`` file, or a PyTorch ``.pt`` state_dict), ready for ``Module.load_state_dict``."""
    obj = load(f, map_location=map_location)
    bad = next((k for k, v in obj.items() if not (isinstance(k, str) and isinstance(v, Tensor))), None) \
        if isinstance(obj, dict) else None
    if not isinstance(obj, dict) or bad is not None:
        what = type(obj).__name__ if not isinstance(obj, dict) else f"a dict whose entry {bad!r} is not a named tensor"
        raise TypeError(f"{_binary_name(f)} holds {what}, not a state_dict (load it with ember.load and pick the "
                        "state_dict out of it)")
    return obj


def _binary_name(f):
    return os.fspath(f) if isinstance(f, (str, os.PathLike)) else getattr(f, "name", "<file object>")


# PyTorch's allow-list for weights_only unpickling. Ember builds only tensors and plain containers
# whatever the list holds; it is kept so code that manages it runs unchanged.
_safe_globals = []


def add_safe_globals(safe_globals):
    """Accepted for PyTorch's API; Ember's loading never constructs the listed classes."""
    _safe_globals.extend(g for g in safe_globals if g not in _safe_globals)


def get_safe_globals():
    """The globals :func:`add_safe_globals` has allowed ``load(weights_only=True)`` to rebuild, as a list."""
    return list(_safe_globals)


def clear_safe_globals():
    """Forgets every global :func:`add_safe_globals` allowed."""
    _safe_globals.clear()


class safe_globals:
    """Context manager form of ``add_safe_globals``: the listed globals are remembered inside the block."""

    def __init__(self, safe_globals):
        self.globals = list(safe_globals)

    def __enter__(self):
        self.saved = get_safe_globals()
        add_safe_globals(self.globals)

    def __exit__(self, *exc):
        _safe_globals[:] = self.saved

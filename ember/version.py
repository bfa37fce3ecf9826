"""``ember.version``: what scripts print about their build (``torch.version.cuda``) and which PyTorch
release Ember's API follows."""
import operator
import re

__version__ = "0.1.0"  # Ember's own release
cuda = None  # Ember is not built against CUDA: on a GPU it calls CuPy
hip = None
debug = False

_RELEASE = re.compile(r"\s*v?(\d+(?:\.\d+)*)(.*)", re.IGNORECASE | re.DOTALL)


def _key(version):
    """A sort key for a version string or tuple: the release numbers (trailing zeros dropped, so 2.13 ==
    2.13.0), then 0 for a pre- or dev release, 1 for the release itself, 2 for a post or local release."""
    if isinstance(version, tuple):
        version = ".".join(map(str, version))
    match = _RELEASE.fullmatch(str(version))
    if match is None:
        raise ValueError(f"Invalid version: {version!r}")
    release = [int(part) for part in match.group(1).split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    public, _, local = match.group(2).lower().partition("+")
    if "post" in public or re.fullmatch(r"-\d+", public) or (local and not public):
        stage = 2
    elif public.strip(".-_"):
        stage = 0
    else:
        stage = 1
    return tuple(release), stage


def _comparison(compare):
    def method(self, other):
        return compare(_key(self), _key(other)) if isinstance(other, (str, tuple)) else NotImplemented

    return method


class TorchVersion(str):
    """A version string that compares as a version, the way ``torch.__version__`` does: ``"2.13.0" >=
    "2.2"`` holds, and so do comparisons with tuples such as ``(1, 10)``.

    Release numbers compare exactly; a pre- or dev release sorts before its release and a post or local
    release after it (two pre-releases of the same release compare equal)."""

    __hash__ = str.__hash__
    __eq__ = _comparison(operator.eq)  # != stays str's, as on torch's own TorchVersion
    __lt__, __le__ = _comparison(operator.lt), _comparison(operator.le)
    __gt__, __ge__ = _comparison(operator.gt), _comparison(operator.ge)


#: The PyTorch release whose API and behaviour Ember follows (its tests compare against it). Under the
#: alias (``ember run``, ``ember.compat.install()``) ``torch.__version__`` is this, so version checks in
#: PyTorch programs take their modern paths; ``ember.__version__`` stays Ember's own.
pytorch_api = TorchVersion("2.13.0")

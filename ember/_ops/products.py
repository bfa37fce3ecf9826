"""Products built on matmul: addbmm, addr, inner, dist, and the in-place
forms of the add-product family (addmm_, addmv_, baddbmm_, addbmm_, addr_)."""
from .linalg import addmm, addmv, baddbmm, matmul
from .op import Op, inplace
from .promotion import finish


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * the sum over the batch of batch1[i] @ batch2[i]."""
    for name, t in (("batch1", batch1), ("batch2", batch2)):
        if t.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    product = matmul(batch1, batch2).sum(0)
    return finish(_scaled_sum(input, product, beta, alpha), out)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * the outer product of vec1 and vec2."""
    if vec1.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"addr: Expected 1-D argument vec1, but got {vec1.ndim}-D")
    return finish(_scaled_sum(input, vec1.unsqueeze(1) * vec2.unsqueeze(0), beta, alpha), out)


def _scaled_sum(input, product, beta, alpha):
    product = product if alpha == 1 else product * alpha
    if beta == 0:  # input ignored entirely, nan and inf included
        return product.expand(product.shape) * 1
    return (input if beta == 1 else input * beta) + product


def inner(input, other, *, out=None):
    """The inner product over the last dimension of both tensors (a plain product when one is 0-d)."""
    if input.ndim == 0 or other.ndim == 0:
        return finish(input * other, out)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    flat = other.reshape(-1, other.shape[-1])
    result = matmul(input, flat.T) if other.ndim > 1 else matmul(input, other)
    return finish(result.reshape(tuple(input.shape[:-1]) + tuple(other.shape[:-1])), out)


def dist(input, other, p=2):
    """The ``p``-norm of ``input - other`` (``p`` may be 0, giving the count of differing elements, or infinite)."""
    diff = input - other
    if p == 0:
        return (diff != 0).sum().to(diff.dtype)
    if p == float("inf"):
        return diff.abs().max()
    if p == float("-inf"):
        return diff.abs().min()
    return diff.abs().pow(p).sum().pow(1.0 / p)


class Overwrite(Op):
    """Writes a result computed out of place into the tensor: the in-place form of a composite op."""
    backward_name = "CopyBackwards"

    def forward(ctx, a, result):
        return result.copy()

    def backward(ctx, g):
        return None, g


def _in_place(function):
    def method(self, *args, **kwargs):
        return inplace(Overwrite, self, function(self, *args, **kwargs))

    method.__name__ = method.__qualname__ = function.__name__ + "_"
    method.__doc__ = f"In-place form of :func:`ember.{function.__name__}`: the result is written into the tensor."
    return method


TENSOR_METHODS = dict(addbmm=addbmm, addr=addr, inner=inner, dist=dist, addmm_=_in_place(addmm),
                      addmv_=_in_place(addmv), baddbmm_=_in_place(baddbmm), addbmm_=_in_place(addbmm),
                      addr_=_in_place(addr))
FUNCTIONS = dict(addbmm=addbmm, addr=addr, inner=inner, dist=dist,
                 addmv_=TENSOR_METHODS["addmv_"])

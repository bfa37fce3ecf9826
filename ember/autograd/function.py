"""``autograd.Function``: user-defined ops with their own forward and backward."""


class Function:
    """Subclass with static ``forward(ctx, ...)`` and ``backward(ctx, ...)``; call ``.apply``."""

    @classmethod
    def apply(cls, *args, **kwargs):
        raise NotImplementedError

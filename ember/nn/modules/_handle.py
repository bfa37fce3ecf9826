"""The handle that every ``register_*_hook`` returns."""
import itertools


class RemovableHandle:
    """Returned by ``register_*_hook``: ``handle.remove()`` unregisters the hook."""

    _next_id = itertools.count()

    def __init__(self, hooks, *extra):
        self.hooks_dict = hooks
        self.extra = extra  # other dicts keyed by this id (e.g. the with_kwargs set)
        self.id = next(RemovableHandle._next_id)

    def remove(self):
        self.hooks_dict.pop(self.id, None)
        for d in self.extra:
            d.discard(self.id) if isinstance(d, set) else d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()

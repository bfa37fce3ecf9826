"""Fetching one batch (or one sample) from a dataset, in the main process or a worker."""
import itertools


class MapFetcher:
    """Fetch by index from a map-style dataset: one ``__getitems__`` call per batch where the
    dataset has it, else one ``__getitem__`` call per index."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.collate_fn = collate_fn
        getitems = getattr(dataset, "__getitems__", None)
        if not auto_collation:
            self.get = dataset.__getitem__
        elif callable(getitems):
            self.get = getitems
        else:
            self.get = lambda indices: [dataset[i] for i in indices]

    def fetch(self, index):
        """The collated samples at ``index`` (a list of indices under automatic batching)."""
        return self.collate_fn(self.get(index))


class IterableFetcher:
    """Fetch the next batch (or sample) from an iterable dataset's stream; StopIteration at its end."""

    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.iterator = iter(dataset)
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.ended = False

    def fetch(self, index):
        """The next collated batch (or sample); ``index`` only says how many samples a batch holds."""
        if self.ended:
            raise StopIteration
        if not self.auto_collation:
            try:
                sample = next(self.iterator)
            except StopIteration:
                self.ended = True
                raise
            return self.collate_fn(sample)
        size = len(index)
        data = list(itertools.islice(self.iterator, size))
        if len(data) < size:
            self.ended = True
            if not data or self.drop_last:
                raise StopIteration
        return self.collate_fn(data)

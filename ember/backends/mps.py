"""``ember.backends.mps``: Apple's Metal backend, which Ember does not have."""


def is_available():
    """Always False: Ember has no Metal backend."""
    return False


def is_built():
    """Always False: Ember has no Metal backend."""
    return False

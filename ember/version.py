"""``ember.version``: what scripts print about their build (``torch.version.cuda``)."""
__version__ = "0.1.0"
cuda = None  # Ember is not built against CUDA: on a GPU it calls CuPy
hip = None
debug = False

"""What every model builder shares: weight enums, the ``weights=``/``pretrained=`` arguments, a registry.

A builder takes ``weights`` (None, a member of its enum, or the member's name as a string) and
loads torchvision's published ``.pth`` file through ``ember.hub`` (cache or checksummed download)
and Ember's safe reader. ``pretrained=True``, the interface before torchvision 0.13, still works:
it warns as torchvision does and picks the weights it picked then.
"""
import dataclasses
import enum
import fnmatch
import functools
import sys
import warnings

from ... import hub

__all__ = ["Weights", "WeightsEnum", "get_model", "get_model_builder", "get_model_weights", "get_weight",
           "list_models", "register_model"]


@dataclasses.dataclass
class Weights:
    """Where a set of weights is published, how to prepare images for it, and facts about it."""
    url: str
    transforms: callable
    meta: dict


class WeightsEnum(enum.Enum):
    """The parent of every model's weight enum (``ResNet18_Weights``); members hold a ``Weights``."""

    @classmethod
    def verify(cls, obj):
        if obj is None:
            return None
        if type(obj) is str:
            return cls[obj.replace(cls.__name__ + ".", "")]
        if not isinstance(obj, cls):
            raise TypeError(f"Invalid Weight class provided; expected {cls.__name__} but received "
                            f"{obj.__class__.__name__}.")
        return obj

    def get_state_dict(self, *args, **kwargs):
        return hub.load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self):
        return f"{self.__class__.__name__}.{self._name_}"

    def __reduce_ex__(self, protocol):  # by name: the values hold functions, which do not compare equal
        return getattr, (self.__class__, self._name_)

    url = property(lambda self: self.value.url)
    transforms = property(lambda self: self.value.transforms)
    meta = property(lambda self: self.value.meta)


def imagenet(url, resize_size=256):
    """The ``Weights`` of an ImageNet classifier: resize, crop 224, normalise with ImageNet's statistics."""
    return Weights(url, functools.partial(_classification_preset, resize_size=resize_size),
                   {"num_classes": 1000, "min_size": (1, 1)})


def imagenet_v1(enum_name, file):
    """A weight enum whose one member, ``IMAGENET1K_V1`` (also ``DEFAULT``), is torchvision's ``file``."""
    v1 = imagenet("https://download.pytorch.org/models/" + file)
    caller = sys._getframe(1).f_globals["__name__"]  # the enum belongs to the module that names it (pickle)
    weights = WeightsEnum(enum_name, {"IMAGENET1K_V1": v1, "DEFAULT": v1}, module=caller)
    weights.__doc__ = f"Published ImageNet-1k weights (``{file}``): ``IMAGENET1K_V1``, also named ``DEFAULT``."
    return weights


def _classification_preset(resize_size, crop_size=224):
    from .. import transforms as T

    return T.Compose([T.Resize(resize_size), T.CenterCrop(crop_size), T.ToTensor(),
                      T.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])


def weights_arg(enum_cls, weights, kwargs, legacy="IMAGENET1K_V1"):
    """The enum member to load (or None), with ``pretrained=`` taken out of ``kwargs`` and the
    class count the weights need checked against ``num_classes``."""
    if "pretrained" in kwargs:
        pretrained = kwargs.pop("pretrained")
        warnings.warn("The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, "
                      "please use 'weights' instead.")
        if pretrained and weights is None:
            weights = enum_cls[legacy]
            warnings.warn("Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and "
                          "may be removed in the future. The current behavior is equivalent to passing "
                          f"`weights={enum_cls.__name__}.{legacy}`. You can also use "
                          f"`weights={enum_cls.__name__}.DEFAULT` to get the most up-to-date weights.")
    weights = enum_cls.verify(weights)
    if weights is not None:
        expected = weights.meta["num_classes"]
        if kwargs.setdefault("num_classes", expected) != expected:
            raise ValueError(f"The parameter 'num_classes' expected value {expected} but got "
                             f"{kwargs['num_classes']} instead.")
    return weights


def load_weights(model, weights, progress, rename=None):
    """``model`` with ``weights`` loaded (nothing when None); ``rename`` maps keys of older files."""
    if weights is not None:
        state = weights.get_state_dict(progress=progress, check_hash=True)
        model.load_state_dict(rename(state) if rename else state)
    return model


# --------------------------------------------------------------------- registry

_BUILDERS = {}


def register_model(name=None):
    """Decorator that registers a model builder under ``name`` (default: the function's name)."""
    def register(fn):
        key = name or fn.__name__
        if key in _BUILDERS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        _BUILDERS[key] = fn
        return fn
    return register


def list_models(module=None, include=None, exclude=None):
    """Names of the registered builders, filtered by glob patterns (``include="resnet*"``)."""
    names = {k for k, fn in _BUILDERS.items() if module is None or fn.__module__.rsplit(".", 1)[0] ==
             module.__name__}
    if include:
        names = {n for n in names for p in ([include] if isinstance(include, str) else include)
                 if fnmatch.fnmatch(n, p)}
    for p in ([exclude] if isinstance(exclude, str) else exclude or []):
        names = {n for n in names if not fnmatch.fnmatch(n, p)}
    return sorted(names)


def get_model_builder(name):
    """The registered builder called ``name`` (any case); ``ValueError`` if there is none."""
    name = name.lower()
    try:
        return _BUILDERS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name, **config):
    """A new model from the builder called ``name``, given ``config`` as keyword arguments (``weights=`` too)."""
    return get_model_builder(name)(**config)


def get_model_weights(name):
    """The weight enum of a builder (or of the builder with that name)."""
    fn = get_model_builder(name) if isinstance(name, str) else name
    return fn.weights_enum


def get_weight(name):
    """The enum member named ``"ResNet18_Weights.IMAGENET1K_V1"``."""
    try:
        enum_name, member = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    for fn in _BUILDERS.values():
        if fn.weights_enum.__name__ == enum_name:
            return fn.weights_enum[member]
    raise ValueError(f"The weight enum '{enum_name}' for the specific method couldn't be retrieved.")


def builder(enum_cls, legacy="IMAGENET1K_V1", rename=None):
    """Registers a builder ``fn(**kwargs) -> model`` under its name, adding the ``weights``, ``progress`` and
    ``pretrained`` handling all builders share."""
    def wrap(fn):
        @functools.wraps(fn)
        def build(*, weights=None, progress=True, **kwargs):
            weights = weights_arg(enum_cls, weights, kwargs, legacy)
            return load_weights(fn(**kwargs), weights, progress, rename)
        build.weights_enum = enum_cls
        build.__doc__ = (f"{fn.__doc__}\n\nKeyword-only ``weights``: None, a member of :class:`{enum_cls.__name__}` "
                         "or its name; ``progress``: show the download's progress. Other keyword arguments go to "
                         "the model's constructor.")
        return register_model()(build)
    return wrap

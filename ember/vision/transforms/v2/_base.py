"""The v2 transform base and containers: called with any sample, they change only its images."""
from .... import _arraylib as B
from .. import transforms as v1
from ..transforms import _rand
from ._sample import flatten, image_positions


class Transform(v1.Transform):
    """Subclasses define ``forward_image`` (or inherit a v1 ``forward``); ``__call__`` finds the images
    in the sample. Several images in one sample get the same random parameters: the generator is
    rewound before each."""

    def forward_image(self, img):
        return self.forward(img)

    def __call__(self, *inputs):
        sample = inputs if len(inputs) > 1 else inputs[0]
        leaves, rebuild = flatten(sample)
        positions = image_positions(leaves)
        state = B.default_generator.get_state() if len(positions) > 1 else None
        for n, i in enumerate(positions):
            if n:
                B.default_generator.set_state(state)
            leaves[i] = self.forward_image(leaves[i])
        return rebuild(leaves)


def v2_of(v1_class, module):
    """The v2 class of a v1 transform: the same parameters and image results, any sample. ``module`` is
    where it is published, so that pickle (DataLoader workers started by spawn) finds it by name."""
    return type(v1_class.__name__, (Transform, v1_class), {"__module__": module, "__doc__": v1_class.__doc__})


class Compose(v1.Compose):
    """Applies ``transforms`` in turn to a whole sample (several arguments stay several)."""
    def __call__(self, *inputs):
        unpack = len(inputs) > 1
        for t in self.transforms:
            out = t(*inputs)
            inputs = out if unpack else (out,)
        return out


class RandomApply(v1.Compose):
    """All ``transforms`` on the sample with probability ``p``."""

    def __init__(self, transforms, p=0.5):
        if not 0.0 <= p <= 1.0:
            raise ValueError("`p` should be a floating point value in the interval [0.0, 1.0].")
        super().__init__(transforms)
        self.p = p

    def __call__(self, *inputs):
        sample = inputs if len(inputs) > 1 else inputs[0]
        if _rand() >= self.p:
            return sample
        return Compose(self.transforms)(*inputs)


class RandomChoice(v1.Compose):
    """Applies one of ``transforms``, drawn with the weights ``p`` (uniform when None)."""
    def __init__(self, transforms, p=None):
        if p is not None and len(p) != len(transforms):
            raise ValueError(f"Length of p doesn't match the number of transforms: {len(p)} != {len(transforms)}")
        super().__init__(transforms)
        total = sum(p) if p is not None else len(transforms)
        self.p = [w / total for w in p] if p is not None else [1.0 / len(transforms)] * len(transforms)

    def __call__(self, *inputs):
        return self.transforms[int(B.rng(None).choice(len(self.transforms), p=self.p))](*inputs)


class RandomOrder(v1.Compose):
    """Applies all ``transforms`` in a random order."""
    def __call__(self, *inputs):
        sample = inputs if len(inputs) > 1 else inputs[0]
        for i in B.rng(None).permutation(len(self.transforms)):
            sample = self.transforms[i](sample)
        return sample

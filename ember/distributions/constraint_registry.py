"""``biject_to(constraint)`` and ``transform_to(constraint)``: a transform from unconstrained
space onto a constraint's set (bijective for biject_to), as used to optimise constrained
parameters without constraints."""
from . import constraints
from .transforms import (AffineTransform, ComposeTransform, ExpTransform, IndependentTransform,
                         LowerCholeskyTransform, SigmoidTransform, SoftmaxTransform, identity_transform)
from .transforms_extra import PositiveDefiniteTransform, StickBreakingTransform

__all__ = ["ConstraintRegistry", "biject_to", "transform_to"]


class ConstraintRegistry:
    """Maps constraint types to factories of transforms; calling it with a constraint returns the
    transform of the nearest registered type (``biject_to`` and ``transform_to`` are two instances)."""
    def __init__(self):
        self._registry = {}

    def register(self, constraint, factory=None):
        if factory is None:
            return lambda factory: self.register(constraint, factory)
        if isinstance(constraint, constraints.Constraint):
            constraint = type(constraint)
        self._registry[constraint] = factory
        return factory

    def __call__(self, constraint):
        for cls in type(constraint).__mro__:
            if cls in self._registry:
                return self._registry[cls](constraint)
        raise NotImplementedError(f"Cannot transform {type(constraint).__name__} constraints")


biject_to = ConstraintRegistry()
transform_to = ConstraintRegistry()


def _register_both(constraint, factory):
    biject_to.register(constraint, factory)
    transform_to.register(constraint, factory)


_register_both(constraints.real, lambda c: identity_transform)
_register_both(constraints.independent,
               lambda c: IndependentTransform(biject_to(c.base_constraint), c.reinterpreted_batch_ndims))
_register_both(constraints.greater_than,
               lambda c: ComposeTransform([ExpTransform(), AffineTransform(c.lower_bound, 1)]))
_register_both(constraints.greater_than_eq,
               lambda c: ComposeTransform([ExpTransform(), AffineTransform(c.lower_bound, 1)]))
_register_both(constraints.less_than,
               lambda c: ComposeTransform([ExpTransform(), AffineTransform(c.upper_bound, -1)]))
_register_both(constraints.interval, lambda c: ComposeTransform(
    [SigmoidTransform(), AffineTransform(c.lower_bound, c.upper_bound - c.lower_bound)]))
_register_both(constraints.half_open_interval, lambda c: ComposeTransform(
    [SigmoidTransform(), AffineTransform(c.lower_bound, c.upper_bound - c.lower_bound)]))
# onto these only transform_to maps (the maps are not bijections of the unconstrained space)
transform_to.register(constraints.lower_cholesky, lambda c: LowerCholeskyTransform())
transform_to.register(constraints.positive_definite, lambda c: PositiveDefiniteTransform())
biject_to.register(constraints.simplex, lambda c: StickBreakingTransform())
transform_to.register(constraints.simplex, lambda c: SoftmaxTransform())

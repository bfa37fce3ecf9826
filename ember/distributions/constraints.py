"""Constraints: the sets a distribution's parameters and samples live in. ``check(value)``
answers elementwise (over the event dimensions for ``event_dim > 0``) with a bool tensor."""
import ember
from .._ops.distribution_linalg import eigenvalues_positive

__all__ = ["Constraint", "boolean", "cat", "corr_cholesky", "dependent", "dependent_property", "greater_than",
           "greater_than_eq", "half_open_interval", "independent", "integer_interval", "interval", "is_dependent",
           "less_than", "lower_cholesky", "lower_triangular", "multinomial", "nonnegative", "nonnegative_integer",
           "one_hot", "positive", "positive_definite", "positive_integer", "positive_semidefinite", "real",
           "real_vector", "simplex", "square", "stack", "symmetric", "unit_interval"]


class Constraint:
    """Base class of the constraints: ``check(value)`` tells elementwise whether ``value`` lies in the set."""
    is_discrete = False
    event_dim = 0

    def check(self, value):
        raise NotImplementedError

    def __repr__(self):
        return type(self).__name__.lstrip("_") + "()"


class _Dependent(Constraint):
    """A placeholder for a support that depends on other parameters (a Binomial's 0..total_count)."""

    def __init__(self, *, is_discrete=NotImplemented, event_dim=NotImplemented):
        self._is_discrete, self._event_dim = is_discrete, event_dim

    @property
    def is_discrete(self):
        if self._is_discrete is NotImplemented:
            raise NotImplementedError(".is_discrete cannot be determined statically")
        return self._is_discrete

    @property
    def event_dim(self):
        if self._event_dim is NotImplemented:
            raise NotImplementedError(".event_dim cannot be determined statically")
        return self._event_dim

    def __call__(self, *, is_discrete=NotImplemented, event_dim=NotImplemented):
        return _Dependent(is_discrete=is_discrete, event_dim=event_dim)

    def check(self, x):
        raise ValueError("Cannot determine validity of dependent constraint")


def is_dependent(constraint):
    """Whether ``constraint`` is a placeholder whose set depends on a distribution's parameters."""
    return isinstance(constraint, _Dependent)


class _DependentProperty(property, _Dependent):
    """``@constraints.dependent_property``: a support computed from the instance's parameters."""

    def __init__(self, fn=None, *, is_discrete=NotImplemented, event_dim=NotImplemented):
        property.__init__(self, fn)
        _Dependent.__init__(self, is_discrete=is_discrete, event_dim=event_dim)

    def __call__(self, fn):
        return _DependentProperty(fn, is_discrete=self._is_discrete, event_dim=self._event_dim)


class _IndependentConstraint(Constraint):
    """``base_constraint`` checked over ``reinterpreted_batch_ndims`` more rightmost dimensions, which
    count as one event."""
    def __init__(self, base_constraint, reinterpreted_batch_ndims):
        self.base_constraint, self.reinterpreted_batch_ndims = base_constraint, reinterpreted_batch_ndims

    @property
    def is_discrete(self):
        return self.base_constraint.is_discrete

    @property
    def event_dim(self):
        return self.base_constraint.event_dim + self.reinterpreted_batch_ndims

    def check(self, value):
        result = self.base_constraint.check(value)
        n = self.reinterpreted_batch_ndims
        if result.ndim < n:
            raise ValueError(f"Expected value.dim() >= {n} but got {result.ndim}")
        return result.reshape(result.shape[:result.ndim - n] + (-1,)).all(-1) if n else result

    def __repr__(self):
        return f"IndependentConstraint({self.base_constraint!r}, {self.reinterpreted_batch_ndims})"


class _Boolean(Constraint):
    is_discrete = True

    def check(self, value):
        return (value == 0) | (value == 1)


class _OneHot(Constraint):
    is_discrete = True
    event_dim = 1

    def check(self, value):
        return ((value == 0) | (value == 1)).all(-1) & (value.sum(-1) == 1)


class _IntegerInterval(Constraint):
    """Integers from ``lower_bound`` to ``upper_bound``, both included."""
    is_discrete = True

    def __init__(self, lower_bound, upper_bound):
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value):
        return (value % 1 == 0) & (self.lower_bound <= value) & (value <= self.upper_bound)

    def __repr__(self):
        return f"IntegerInterval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _IntegerGreaterThan(Constraint):
    is_discrete = True

    def __init__(self, lower_bound):
        self.lower_bound = lower_bound

    def check(self, value):
        return (value % 1 == 0) & (value >= self.lower_bound)

    def __repr__(self):
        return f"IntegerGreaterThan(lower_bound={self.lower_bound})"


class _Real(Constraint):
    def check(self, value):
        return value == value  # False only for nan


class _Bounded(Constraint):
    """An interval with the comparisons ``low_op``/``high_op`` (None for an unbounded side)."""
    name, low_op, high_op = "", None, None

    def __init__(self, lower_bound=None, upper_bound=None):
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value):
        ok = value == value
        if self.low_op:
            ok = ok & getattr(value, self.low_op)(self.lower_bound)
        if self.high_op:
            ok = ok & getattr(value, self.high_op)(self.upper_bound)
        return ok

    def __repr__(self):
        bounds = [f"{k}={getattr(self, k)}" for k in ("lower_bound", "upper_bound") if getattr(self, k) is not None]
        return f"{self.name}({', '.join(bounds)})"


def _bounded(name, low_op, high_op, doc):
    return type(name, (_Bounded,), dict(name=name, low_op=low_op, high_op=high_op, __doc__=doc))


_GreaterThan = _bounded("GreaterThan", "__gt__", None, "Real numbers above ``lower_bound``.")
_GreaterThanEq = _bounded("GreaterThanEq", "__ge__", None, "Real numbers at or above ``lower_bound``.")
_Interval = _bounded("Interval", "__ge__", "__le__", "The closed interval ``[lower_bound, upper_bound]``.")
_HalfOpenInterval = _bounded("HalfOpenInterval", "__ge__", "__lt__",
                             "The half-open interval ``[lower_bound, upper_bound)``.")


class _LessThan(_Bounded):
    """Real numbers below ``upper_bound``."""
    name, high_op = "LessThan", "__lt__"

    def __init__(self, upper_bound):
        super().__init__(None, upper_bound)


class _Simplex(Constraint):
    event_dim = 1

    def check(self, value):
        return (value >= 0).all(-1) & ((value.sum(-1) - 1).abs() < 1e-6)


class _Multinomial(Constraint):
    """Vectors of non-negative integers summing to at most ``upper_bound``."""
    is_discrete = True
    event_dim = 1

    def __init__(self, upper_bound):
        self.upper_bound = upper_bound

    def check(self, x):
        return (x >= 0).all(-1) & (x.sum(-1) <= self.upper_bound)


class _Square(Constraint):
    event_dim = 2

    def check(self, value):
        return ember.full(value.shape[:-2], value.shape[-2] == value.shape[-1], dtype=ember.bool)


class _LowerTriangular(_Square):
    def check(self, value):
        return (value.tril() == value).reshape(value.shape[:-2] + (-1,)).all(-1)


class _LowerCholesky(_Square):
    def check(self, value):
        lower = (value.tril() == value).reshape(value.shape[:-2] + (-1,)).all(-1)
        return lower & (value.diagonal(dim1=-2, dim2=-1) > 0).all(-1)


class _Symmetric(_Square):
    def check(self, value):
        return ember.isclose(value, value.transpose(-1, -2), atol=1e-6).all(-2).all(-1)


class _PositiveDefinite(_Symmetric):
    strict = True

    def check(self, value):
        return super().check(value) & eigenvalues_positive(value, self.strict)


class _PositiveSemidefinite(_PositiveDefinite):
    strict = False


class _CorrCholesky(_Square):
    def check(self, value):
        tol = ember.finfo(value.dtype).eps * value.shape[-1] * 10
        unit_rows = ((value * value).sum(-1).sqrt() - 1).abs() <= tol
        return _LowerCholesky().check(value) & unit_rows.all(-1)


class _Cat(Constraint):
    """The constraints ``cseq`` applied to consecutive slices of ``dim`` (of ``lengths``, 1 each by default)."""
    def __init__(self, cseq, dim=0, lengths=None):
        self.cseq, self.dim = list(cseq), dim
        self.lengths = list(lengths) if lengths is not None else [1] * len(self.cseq)

    def check(self, value):
        parts, start = [], 0
        for c, length in zip(self.cseq, self.lengths):
            parts.append(c.check(value.narrow(self.dim, start, length)))
            start += length
        return ember.cat(parts, self.dim)


class _Stack(Constraint):
    """Constraint i of ``cseq`` applied to index i of ``dim``."""
    def __init__(self, cseq, dim=0):
        self.cseq, self.dim = list(cseq), dim

    def check(self, value):
        return ember.stack([c.check(value.select(self.dim, i)) for i, c in enumerate(self.cseq)], self.dim)


dependent = _Dependent()
dependent_property = _DependentProperty
independent = _IndependentConstraint
boolean = _Boolean()
one_hot = _OneHot()
nonnegative_integer = _IntegerGreaterThan(0)
positive_integer = _IntegerGreaterThan(1)
integer_interval = _IntegerInterval
real = _Real()
real_vector = independent(real, 1)
positive = _GreaterThan(0.0)
nonnegative = _GreaterThanEq(0.0)
greater_than = _GreaterThan
greater_than_eq = _GreaterThanEq
less_than = _LessThan
multinomial = _Multinomial
unit_interval = _Interval(0.0, 1.0)
interval = _Interval
half_open_interval = _HalfOpenInterval
simplex = _Simplex()
lower_triangular = _LowerTriangular()
lower_cholesky = _LowerCholesky()
corr_cholesky = _CorrCholesky()
square = _Square()
symmetric = _Symmetric()
positive_semidefinite = _PositiveSemidefinite()
positive_definite = _PositiveDefinite()
cat = _Cat
stack = _Stack

"""Finite-difference checks of gradients (float64)."""


def gradcheck(func, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **kwargs):
    raise NotImplementedError


def gradgradcheck(func, inputs, **kwargs):
    raise NotImplementedError

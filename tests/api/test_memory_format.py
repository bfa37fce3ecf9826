"""Memory formats, strides and storage offsets against PyTorch."""
import numpy as np
import pytest

import ember
from tests.diff import check

torch = pytest.importorskip("torch")


def test_formats_repr_and_type():
    for name in ("contiguous_format", "channels_last", "channels_last_3d", "preserve_format"):
        assert repr(getattr(ember, name)) == repr(getattr(torch, name))
        assert isinstance(getattr(ember, name), ember.memory_format)


def test_channels_last_layout():
    def layouts(m, a):
        cl = a.contiguous(memory_format=m.channels_last)
        return (cl, cl.stride(), cl.is_contiguous(), cl.is_contiguous(memory_format=m.channels_last),
                a.is_contiguous(memory_format=m.channels_last), cl.contiguous().stride(),
                a.contiguous(memory_format=m.contiguous_format).stride(), (cl * 2).shape)
    check(layouts, [(2, 3, 4, 5)])
    check(lambda m, a: (a.contiguous(memory_format=m.channels_last_3d).stride(),), [(2, 3, 2, 2, 2)], grad=False)
    check(lambda m, a: a.is_contiguous(memory_format=m.channels_last), [(3, 4)])
    check(lambda m, a: a.contiguous(memory_format=m.channels_last), [(3, 4)])


def test_storage_offset_stride_and_sizes():
    check(lambda m, a: (a.storage_offset(), a[1].storage_offset(), a[:, 2:].storage_offset(),
                        a[1, 1:, ::2].stride(), a.t().stride(), a.element_size(), a.nbytes,
                        a.double().element_size(), a[1:].is_contiguous(), a[:, 1:].is_contiguous()), [(3, 4, 5)],
          grad=False)


def test_layout():
    check(lambda m, a: (repr(a.layout), repr(m.strided), a.layout == m.strided, isinstance(m.strided, m.layout)),
          [(2, 3)], grad=False)

"""The legacy Variable API, volatile included."""
import warnings

import ember
from ember.autograd import Variable
from ember.autograd import variable as variable_module


def test_variable_returns_a_tensor():
    t = ember.ones(2)
    v = Variable(t)
    assert v is t and isinstance(v, ember.Tensor) and isinstance(t, Variable)
    w = Variable(ember.ones(2), requires_grad=True)
    assert w.requires_grad and w.is_leaf
    (w * 2).sum().backward()
    assert w.grad.tolist() == [2.0, 2.0]


def test_volatile_records_no_graph_and_propagates():
    variable_module._warned.discard("volatile")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x = Variable(ember.ones(2, 3), volatile=True)
        Variable(ember.ones(1), volatile=True)
    assert len(caught) == 1 and "torch.no_grad()" in str(caught[0].message)
    assert not x.requires_grad
    w = ember.ones(3, 4, requires_grad=True)
    h = x.view(2, 3) * 2  # no input requires grad: still volatile
    y = h @ w + 1
    assert y.grad_fn is None and not y.requires_grad
    assert y._volatile and h._volatile
    assert y.tolist() == [[7.0] * 4] * 2


def test_non_volatile_tensors_are_unaffected():
    Variable(ember.ones(1), volatile=True)  # the legacy path has been used in this process
    w = ember.ones(3, requires_grad=True)
    y = ember.ones(3) * w
    assert y.requires_grad and y.grad_fn is not None and not y._volatile

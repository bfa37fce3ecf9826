"""nn.functional against torch.nn.functional: values, dtypes, gradients, grad_fn names, errors."""
import numpy as np
import pytest
from diff import check, gradcheck64, rand, torch

import ember
import ember.nn.functional as F


def F_(m):
    return m.nn.functional


# ----------------------------------------------------------------- linear


@pytest.mark.parametrize("x_shape", [(8, 5), (5,), (2, 3, 5), (0, 5)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear(x_shape, bias):
    inputs = [x_shape, (4, 5)] + ([(4,)] if bias else [])
    out = check(lambda m, x, w, *b: F_(m).linear(x, w, *b), inputs)
    t_out = torch.nn.functional.linear(torch.zeros(x_shape, requires_grad=True), torch.zeros(4, 5),
                                       torch.zeros(4) if bias else None)
    assert out.grad_fn.name() == t_out.grad_fn.name()


def test_linear_grads_only_where_needed():
    x = ember.tensor(rand((8, 5)))
    w = ember.tensor(rand((3, 5)), requires_grad=True)
    out = F.linear(x, w)
    assert out.grad_fn.needs_input_grad == (False, True, False)
    out.sum().backward()
    assert x.grad is None and w.grad.shape == (3, 5)


def test_linear_errors():
    x, w, b = ember.randn(8, 5), ember.randn(3, 4), ember.randn(3)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(8x5 and 4x3\)"):
        F.linear(x, w, b)
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype, but got: float != double"):
        F.linear(x, ember.randn(3, 5).double())
    with pytest.raises(RuntimeError, match="self and mat2 must have the same dtype, but got Double and Float"):
        F.linear(x, ember.randn(3, 5), b.double())


def test_linear_noncontiguous_and_float64():
    x = rand((5, 8)).T
    check(lambda m, x, w, b: F_(m).linear(x, w, b), [x, rand((3, 5)), rand((3,))])
    check(lambda m, x, w, b: F_(m).linear(x, w, b), [(4, 5), (3, 5), (3,)], dtype="float64")


def test_bilinear():
    check(lambda m, a, b, w, bias: F_(m).bilinear(a, b, w, bias), [(6, 3), (6, 4), (5, 3, 4), (5,)],
          rtol=1e-4, atol=1e-5)


# ----------------------------------------------------------------- activations

ACTIVATIONS = {
    "relu": lambda m, x: F_(m).relu(x),
    "relu_method": lambda m, x: x.relu(),
    "relu6": lambda m, x: F_(m).relu6(x * 4),
    "leaky_relu": lambda m, x: F_(m).leaky_relu(x, 0.2),
    "elu": lambda m, x: F_(m).elu(x, alpha=1.5),
    "selu": lambda m, x: F_(m).selu(x),
    "celu": lambda m, x: F_(m).celu(x, alpha=0.7),
    "gelu": lambda m, x: F_(m).gelu(x),
    "gelu_tanh": lambda m, x: F_(m).gelu(x, approximate="tanh"),
    "silu": lambda m, x: F_(m).silu(x),
    "softplus": lambda m, x: F_(m).softplus(x),
    "softplus_beta": lambda m, x: F_(m).softplus(x * 10, beta=2, threshold=5),
    "hardtanh": lambda m, x: F_(m).hardtanh(x, -0.5, 1.2),
    "logsigmoid": lambda m, x: F_(m).logsigmoid(x * 20),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("shape", [(4, 7), (), (0, 3)])
def test_activation(name, shape):
    check(ACTIVATIONS[name], [shape])


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_float64_and_grad_fn(name):
    out = check(ACTIVATIONS[name], [(3, 5)], dtype="float64", rtol=1e-10, atol=1e-12)
    x = torch.randn(3, 5, dtype=torch.float64, requires_grad=True)
    assert out.grad_fn.name() == ACTIVATIONS[name](torch, x).grad_fn.name()


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_gradcheck(name):
    gradcheck64(ACTIVATIONS[name], [(3, 4)])


def test_gelu_extreme_values():
    x = np.array([-30.0, -8.0, -3.0, -1e-3, 0.0, 1e-3, 3.0, 8.0, 30.0], np.float32)
    check(lambda m, x: F_(m).gelu(x), [x])
    check(lambda m, x: F_(m).silu(x), [x])
    check(lambda m, x: F_(m).softplus(x), [x * 10])


@pytest.mark.parametrize("fn", [
    lambda m, x: F_(m).relu(x, inplace=True),
    lambda m, x: F_(m).leaky_relu(x, 0.1, inplace=True),
    lambda m, x: F_(m).elu(x, inplace=True),
    lambda m, x: F_(m).hardtanh(x, inplace=True),
    lambda m, x: F_(m).silu(x, inplace=True),
    lambda m, x: m.relu_(x),
])
def test_inplace_activations(fn):
    def run(m, x):
        y = x * 1
        out = fn(m, y)
        assert out is y
        return out, y.grad_fn.name()

    out = check(lambda m, x: run(m, x)[0], [(4, 5)])
    assert run(ember, ember.tensor(rand((2, 2)), requires_grad=True))[1] == run(
        torch, torch.tensor(rand((2, 2)), requires_grad=True))[1]
    assert out.shape == (4, 5)


def test_inplace_on_leaf_raises():
    x = ember.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        F.relu(x, inplace=True)


@pytest.mark.parametrize("fn", [F.leaky_relu, F.elu, F.gelu, F.silu, F.softplus, F.logsigmoid])
def test_activations_reject_integers(fn):
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        fn(ember.tensor([1, -2]))


def test_relu_and_hardtanh_keep_integers():
    check(lambda m, x: F_(m).relu(x), [np.array([3, -2, 0])], grad=False)
    check(lambda m, x: F_(m).hardtanh(x), [np.array([3, -2, 0])], grad=False)


def test_gelu_approximate_error():
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh."):
        F.gelu(ember.randn(3), approximate="foo")


def test_activation_double_backward():
    for name in ("relu", "leaky_relu", "elu", "gelu", "gelu_tanh", "silu", "softplus"):
        x = ember.tensor(rand((5,), "float64"), requires_grad=True)
        tx = torch.tensor(x.detach().numpy().copy(), requires_grad=True)
        (g,) = ember.autograd.grad(ACTIVATIONS[name](ember, x).sum(), x, create_graph=True)
        (tg,) = torch.autograd.grad(ACTIVATIONS[name](torch, tx).sum(), tx, create_graph=True)
        (gg,) = ember.autograd.grad((g * x).sum(), x)
        (tgg,) = torch.autograd.grad((tg * tx).sum(), tx)
        np.testing.assert_allclose(gg.numpy(), tgg.numpy(), rtol=1e-6, atol=1e-9, err_msg=name)


# ----------------------------------------------------------------- softmax


@pytest.mark.parametrize("fn", ["softmax", "log_softmax", "softmin"])
@pytest.mark.parametrize("shape,dim", [((4, 7), 1), ((4, 7), 0), ((2, 3, 4), -1), ((2, 3, 4), 1), ((), 0),
                                       ((5,), 0), ((0, 3), 1), ((3, 0), 1)])
def test_softmax(fn, shape, dim):
    out = check(lambda m, x: getattr(F_(m), fn)(x * 5, dim), [shape])
    assert out.grad_fn.name() == getattr(torch.nn.functional, fn)(
        torch.zeros(shape, requires_grad=True), dim).grad_fn.name()


def test_softmax_methods_dtype_and_float64():
    check(lambda m, x: x.softmax(1), [(3, 4)])
    check(lambda m, x: x.log_softmax(-1), [(3, 4)])
    check(lambda m, x: m.softmax(x, 0), [(3, 4)])
    check(lambda m, x: F_(m).log_softmax(x, 1, dtype=m.float64), [(3, 4)])
    check(lambda m, x: F_(m).log_softmax(x, 1), [(3, 4)], dtype="float64", rtol=1e-12)
    gradcheck64(lambda m, x: F_(m).softmax(x, 1), [(3, 4)])
    gradcheck64(lambda m, x: F_(m).log_softmax(x, 0), [(3, 4)])


def test_softmax_large_values_are_stable():
    x = np.array([[1000.0, 0.0, -1000.0], [-np.inf, 0.0, 1.0]], np.float32)
    check(lambda m, x: F_(m).log_softmax(x, 1), [x], grad=False)
    check(lambda m, x: F_(m).softmax(x, 1), [x], grad=False)


def test_softmax_implicit_dim_warns():
    for shape, dim in (((3,), 0), ((2, 3), 1), ((2, 3, 4), 0), ((2, 3, 4, 5), 1)):
        with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax has been deprecated"):
            out = F.log_softmax(ember.randn(*shape))
        np.testing.assert_allclose(out.exp().sum(dim).numpy(), 1, rtol=1e-5)


def test_softmax_errors():
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        F.softmax(ember.tensor([1, 2]), 0)
    with pytest.raises(IndexError, match="Dimension out of range"):
        F.softmax(ember.randn(2, 3), 2)


def test_softmax_double_backward():
    check(lambda m, x: m.autograd.grad((F_(m).log_softmax(x, 1) * x).sum(), x, create_graph=True)[0], [(3, 4)],
          rtol=1e-4, atol=1e-5)


# ----------------------------------------------------------------- dropout


def test_dropout_statistics_and_scaling():
    ember.manual_seed(0)
    x = ember.ones(200, 100, requires_grad=True)
    y = F.dropout(x, 0.3)
    kept = y.detach().numpy() != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y.detach().numpy()[kept], 1 / 0.7, rtol=1e-6)
    assert y.dtype == ember.float32 and y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy() != 0, kept)


def test_dropout_edges():
    x = ember.randn(4, 5)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    assert not F.dropout(x, 1.0).numpy().any()
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        F.dropout(x, 1.5)
    y = x * 1
    assert F.dropout(y, 0.5, inplace=True) is y


def test_dropout_is_seeded():
    ember.manual_seed(3)
    a = F.dropout(ember.ones(50), 0.5).numpy()
    ember.manual_seed(3)
    np.testing.assert_array_equal(a, F.dropout(ember.ones(50), 0.5).numpy())


def test_feature_dropout_zeroes_whole_channels():
    ember.manual_seed(0)
    y = F.dropout2d(ember.ones(8, 16, 5, 5), 0.5).numpy()
    per_channel = y.reshape(8, 16, -1)
    assert ((per_channel == 0).all(-1) | (per_channel == 2).all(-1)).all()
    assert 0.3 < (per_channel == 0).all(-1).mean() < 0.7
    assert F.dropout1d(ember.ones(3, 4, 6), 0.5).numpy().reshape(12, 6).std(1).max() == 0
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        F.dropout2d(ember.ones(2, 3, 4))
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received a 4D input"):
        F.dropout1d(ember.ones(2, 3, 4, 5))


# ----------------------------------------------------------------- one_hot, pad, normalize


def test_one_hot():
    check(lambda m, t: F_(m).one_hot(t), [np.array([0, 3, 1])], grad=False)
    check(lambda m, t: F_(m).one_hot(t, 5), [np.array([[0, 3], [1, 4]])], grad=False)
    check(lambda m, t: F_(m).one_hot(t, 3), [np.array(2)], grad=False)
    check(lambda m, t: F_(m).one_hot(t, 3), [np.zeros(0, np.int64)], grad=False)
    for t, n, msg in (([1.0, 2.0], -1, "one_hot is only applicable to index tensor of type LongTensor."),
                      ([1, 7], 3, "Class values must be smaller than num_classes."),
                      ([-1, 2], 3, "Class values must be non-negative."),
                      ([], -1, "Can not infer total number of classes from empty tensor.")):
        with pytest.raises(RuntimeError, match=msg):
            F.one_hot(ember.tensor(t, dtype=ember.int64 if isinstance(n, int) and t and isinstance(t[0], int)
                                   or not t else None), n)


@pytest.mark.parametrize("pad,mode", [((1, 2), "constant"), ((1, 2, -1, 0), "constant"), ((0, 0, 2, 1), "constant"),
                                      ((1, 1), "reflect"), ((2, 1), "replicate"), ((1, 2), "circular"),
                                      ((1, 1, 2, 0), "reflect"), ((1, 2, 1, 1), "replicate")])
def test_pad(pad, mode):
    out = check(lambda m, x: F_(m).pad(x, pad, mode=mode), [(2, 3, 4)])
    assert out.grad_fn.name() == torch.nn.functional.pad(
        torch.zeros(2, 3, 4, requires_grad=True), pad, mode=mode).grad_fn.name()


def test_pad_value_and_errors():
    check(lambda m, x: F_(m).pad(x, (1, 1), value=2.5), [(2, 3)])
    for pad, mode in (((1,), "constant"), ((1,) * 8, "constant"), ((1, 1), "foo"), ((4, 4), "reflect")):
        check(lambda m, x: F_(m).pad(x, pad, mode=mode), [(2, 3, 4)])


def test_normalize():
    check(lambda m, x: F_(m).normalize(x), [(4, 5)])
    check(lambda m, x: F_(m).normalize(x, p=1, dim=0), [(4, 5)])

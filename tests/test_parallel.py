"""Ember's intra-op pool (ember/_parallel.py): large kernels split over threads give PyTorch's results,
the same results as on one thread, errors reach the caller, and forks and concurrent callers are safe."""
import multiprocessing
import threading

import numpy as np
import pytest
from diff import check, rand

import ember
from ember import _parallel, _runtime

pytest.importorskip("threadpoolctl", reason="the pool runs only where threadpoolctl can limit NumPy's BLAS")

# big enough that every kernel of these ops reaches the pool's thresholds
X, W = (8, 16, 40, 40), (32, 16, 3, 3)


@pytest.fixture
def pool_threads():
    """Two intra-op threads for the test, the setting restored after it."""
    before = ember.get_num_threads()
    ember.set_num_threads(2)
    if _parallel.threads() < 2:
        pytest.skip("NumPy's BLAS is not one threadpoolctl can limit, so the pool does not run")
    yield
    ember.set_num_threads(before)


@pytest.fixture
def hand_offs(monkeypatch, pool_threads):
    """The number of ranges handed to pool threads so far."""
    count = [0]
    start = _parallel._Worker.start

    def counted(self, fn, lo, hi):
        count[0] += 1
        start(self, fn, lo, hi)

    monkeypatch.setattr(_parallel._Worker, "start", counted)
    return count


def _step(m, x, w, b):
    """A convolution, ReLU and max-pool forward and backward: every kernel the pool splits."""
    out = m.nn.functional.max_pool2d(m.nn.functional.relu(m.nn.functional.conv2d(x, w, b)), 2)
    return out


def test_large_kernels_match_torch_on_the_pool(hand_offs):
    check(_step, [X, W, (32,)], rtol=1e-4, atol=1e-4, grad_rtol=1e-3, grad_atol=1e-3)
    assert hand_offs[0] >= 6  # unfold, the product, ReLU and pooling forward; fold, products and scatter back


def test_gelu_on_the_pool_matches_torch(hand_offs):
    check(lambda m, x: m.nn.functional.gelu(x), [(16, 64, 512)], rtol=1e-5, atol=1e-5)
    assert hand_offs[0] >= 2  # forward and backward each split
    check(lambda m, x: m.nn.functional.gelu(x), [(16, 64, 512)], dtype="float64", rtol=1e-12, atol=1e-12)


def test_batched_linear_and_matmul_fold_the_batch_into_one_product():
    # a batch by one matrix is one 2-D product of the stacked rows; values and gradients as torch's
    check(lambda m, x, w, b: m.nn.functional.linear(x, w, b), [(4, 6, 5, 7), (3, 7), (3,)], rtol=1e-5, atol=1e-5)
    check(lambda m, x, w: m.matmul(x, w), [(2, 3, 4, 5), (5, 6)], rtol=1e-5, atol=1e-5)
    check(lambda m, x, w: m.matmul(x, w), [(2, 0, 5), (5, 6)])


def _grads(x, w, b, threads):
    ember.set_num_threads(threads)
    ts = [ember.tensor(a, requires_grad=True) for a in (x, w, b)]
    out = _step(ember, *ts)
    out.backward(ember.tensor(np.ones(out.shape, np.float32)))
    return [out.detach().numpy()] + [t.grad.numpy() for t in ts]


def test_elementwise_kernels_are_bit_identical_to_one_thread(hand_offs, monkeypatch):
    # with products on one thread either way, only the split copies, pooling and ReLU differ in threading
    monkeypatch.setattr(_parallel, "MIN_MACS", float("inf"))
    x, w, b = rand(X), rand(W), rand((32,))
    pooled = _grads(x, w, b, 2)
    assert hand_offs[0] >= 5
    serial = _grads(x, w, b, 1)
    for p, s in zip(pooled, serial):
        np.testing.assert_array_equal(p, s)


def _attention(m, x, w, b):
    """A Transformer's row kernels: layer norm, the stacked products of attention scores, softmax."""
    h = m.nn.functional.layer_norm(x, (x.shape[-1],), w, b)
    q = h.view(32, 64, 4, 32).transpose(1, 2)
    return m.softmax(q @ q.transpose(-2, -1), dim=-1) @ q


def test_row_kernels_and_stacked_products_on_the_pool_match_torch(hand_offs):
    check(_attention, [(32, 64, 128), (128,), (128,)], rtol=1e-4, atol=1e-5, grad_rtol=1e-3, grad_atol=1e-4)
    assert hand_offs[0] >= 8  # layer norm, the two stacked products and softmax, forward and backward


def test_row_kernels_are_bit_identical_to_one_thread(hand_offs, monkeypatch):
    monkeypatch.setattr(_parallel, "MIN_MACS", float("inf"))  # the stacked products on one thread either way
    x, w, b = rand((32, 64, 128)), rand((128,)), rand((128,))

    def run(threads):
        ember.set_num_threads(threads)
        ts = [ember.tensor(a, requires_grad=True) for a in (x, w, b)]
        out = _attention(ember, *ts)
        out.backward(ember.tensor(np.ones(out.shape, np.float32)))
        return [out.detach().numpy()] + [t.grad.numpy() for t in ts]

    pooled = run(2)
    assert hand_offs[0] >= 4
    for p, s in zip(pooled, run(1)):
        np.testing.assert_array_equal(p, s)


def test_stacked_products_match_one_thread_and_broadcast(pool_threads):
    a, b = rand((6, 5, 40, 70)), rand((6, 5, 70, 30))
    np.testing.assert_allclose(_parallel.matmul_batches(a, b), a @ b, rtol=1e-5, atol=1e-4)
    c = rand((1, 5, 70, 30))  # broadcast over the first batch dim
    np.testing.assert_allclose(_parallel.matmul_batches(a, c), a @ c, rtol=1e-5, atol=1e-4)
    t = np.swapaxes(rand((6, 5, 30, 70)), -1, -2)  # a transposed view, as k.transpose(-2, -1)
    np.testing.assert_allclose(_parallel.matmul_batches(a.swapaxes(-1, -2).copy().swapaxes(-1, -2), t), a @ t,
                               rtol=1e-5, atol=1e-4)


def test_split_products_match_one_thread(pool_threads):
    a, b = rand((300, 700)), rand((700, 90))
    for x, y in ((a, b), (b.T, a.T)):  # split by columns, then by rows
        np.testing.assert_allclose(_parallel.matmul(x, y), x @ y, rtol=1e-5, atol=1e-4)


def test_adadelta_step_on_the_pool_is_bit_identical(pool_threads):
    start, grad = rand((600, 700)), rand((600, 700))

    def run(threads):
        ember.set_num_threads(threads)
        p = ember.nn.Parameter(ember.tensor(start.copy()))
        opt = ember.optim.Adadelta([p], lr=1.0)
        for _ in range(3):
            p.grad = ember.tensor(grad.copy())
            opt.step()
        return p.detach().numpy()

    np.testing.assert_array_equal(run(2), run(1))


def test_an_error_on_a_pool_thread_reaches_the_caller(pool_threads):
    def fail_on_second_half(lo, hi):
        if lo > 0:
            raise ValueError("second half")

    with pytest.raises(ValueError, match="second half"):
        _parallel.split(fail_on_second_half, 10, 1 << 30)
    seen = []
    _parallel.split(lambda lo, hi: seen.append((lo, hi)), 10, 1 << 30)  # the pool still works
    assert sorted(seen) == [(0, 5), (5, 10)]


def test_a_nested_split_runs_on_its_caller(pool_threads):
    seen = []

    def outer(lo, hi):
        _parallel.split(lambda a, b: seen.append((lo, a, b)), 4, 1 << 30)

    _parallel.split(outer, 2, 1 << 30)
    assert sorted(seen) == [(0, 0, 4), (1, 0, 4)]


def test_concurrent_callers_get_right_results(pool_threads):
    x, w, b = rand(X), rand(W), rand((32,))
    expected = _step(ember, *map(ember.tensor, (x, w, b))).numpy()
    results = [None] * 4

    def run(i):
        results[i] = _step(ember, *map(ember.tensor, (x, w, b))).numpy()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for r in results:
        np.testing.assert_allclose(r, expected, rtol=1e-5, atol=1e-5)


def _forked_step(queue):
    x, w, b = rand(X), rand(W), rand((32,))
    queue.put(tuple(_step(ember, *map(ember.tensor, (x, w, b))).shape))


def test_a_forked_child_gets_a_pool_of_its_own(pool_threads):
    _step(ember, *map(ember.tensor, (rand(X), rand(W), rand((32,)))))  # the parent's pool threads exist
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_forked_step, args=(queue,))
    child.start()
    child.join(60)
    if child.is_alive():
        child.kill()
        pytest.fail("the forked child hung on the pool threads it inherited")
    assert child.exitcode == 0
    assert tuple(queue.get(timeout=5)) == (8, 32, 19, 19)


def test_without_threadpoolctl_the_pool_stays_off(monkeypatch):
    monkeypatch.setattr(_runtime, "_blas_tried", False)
    monkeypatch.setattr(_runtime, "blas_limited", False)
    monkeypatch.setattr(_runtime, "_threadpoolctl", None)
    assert _parallel.threads() == 1
    seen = []
    _parallel.split(lambda lo, hi: seen.append((lo, hi)), 10, 1 << 30)
    assert seen == [(0, 10)]

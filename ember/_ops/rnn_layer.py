"""A whole LSTM layer (one direction, no projection) as one op: the time loop runs inside forward and
backward instead of as one graph node per step.

The per-step ops of ``ember._ops.rnn`` pay, at every step, a node, a gradient buffer for ``W_hh``
accumulated by the engine, and the copies that join gate gradients. Here forward writes every step's
gate activations into one preallocated array, and backward through time writes every step's gate
gradients into one more, so that the gradient of ``W_hh`` is a single product over all steps
(``(T*N, 4H).T @ (T*N, H)``) and the gradient of the projected input is that array as it is.

Under ``create_graph=True`` backward rebuilds the layer from the per-step ops on the input Tensors
and differentiates through them, so higher derivatives come from the same formulas as before.
"""
import numpy as np

from ..autograd import enable_grad, grad
from .join import stack
from .op import Op
from .rnn import LSTMStep


def _sigmoid_(a):
    """The logistic function in place (through tanh, which cannot overflow)."""
    a *= 0.5
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


def _steps(length, reverse):
    return range(length - 1, -1, -1) if reverse else range(length)


class LSTMLayer(Op):
    """``(out, h_T, c_T)`` of an LSTM layer from the projected input ``xg`` (T, N, 4H: ``x @ W_ih.T`` plus
    both biases), the initial ``(h, c)`` (N, H) and ``W_hh`` (4H, H); gate order i, f, g, o."""

    backward_name = "MkldnnRnnLayerBackward0"  # PyTorch's node for a whole LSTM layer on the CPU

    def forward(ctx, xg, h0, c0, w, reverse=False):
        length, batch, n4 = xg.shape
        n = n4 // 4
        acts = np.empty_like(xg)  # i, f, g, o after their nonlinearities, step by step
        cells = np.empty_like(xg, shape=(length, batch, n))  # c after each step
        tanh_c = np.empty_like(cells)
        out = np.empty_like(cells)
        wt = w.T
        h, c = h0, c0
        for t in _steps(length, reverse):
            gates = acts[t]
            np.matmul(h, wt, out=gates)
            gates += xg[t]
            _sigmoid_(gates[:, :2 * n])
            np.tanh(gates[:, 2 * n:3 * n], out=gates[:, 2 * n:3 * n])
            _sigmoid_(gates[:, 3 * n:])
            c_new = cells[t]
            np.multiply(gates[:, n:2 * n], c, out=c_new)
            c_new += gates[:, :n] * gates[:, 2 * n:3 * n]
            np.tanh(c_new, out=tanh_c[t])
            np.multiply(gates[:, 3 * n:], tanh_c[t], out=out[t])
            h, c = out[t], c_new
        ctx.reverse = reverse
        ctx.save_for_backward(xg, h0, c0, w, out, acts, cells, tanh_c)
        return out, h.copy(), c.copy()

    def backward(ctx, g_out, g_h, g_c):
        if ctx.create_graph:
            return _rebuilt_backward(ctx, g_out, g_h, g_c)
        xg, h0, c0, w, out, acts, cells, tanh_c = ctx.saved_tensors
        length, batch, n4 = acts.shape
        n = n4 // 4
        reverse = ctx.reverse
        g_gates = np.empty_like(acts)
        g_h = g_h.copy()
        g_c = g_c.copy()
        tmp = np.empty_like(g_c)
        for t in _steps(length, not reverse):
            prev = t + 1 if reverse else t - 1
            c_prev = c0 if prev in (-1, length) else cells[prev]
            a, gg = acts[t], g_gates[t]
            i, f, g, o = a[:, :n], a[:, n:2 * n], a[:, 2 * n:3 * n], a[:, 3 * n:]
            g_h += g_out[t]
            tc = tanh_c[t]
            # dL/dc_t: the carried gradient plus the path through h_t = o * tanh(c_t)
            np.multiply(tc, tc, out=tmp)
            np.subtract(1, tmp, out=tmp)
            tmp *= o
            tmp *= g_h
            g_c += tmp
            # each gate's gradient before its nonlinearity, written straight into its slice of g_gates
            np.multiply(g_c, g, out=gg[:, :n])
            gg[:, :n] *= i * (1 - i)
            np.multiply(g_c, c_prev, out=gg[:, n:2 * n])
            gg[:, n:2 * n] *= f * (1 - f)
            np.multiply(g_c, i, out=gg[:, 2 * n:3 * n])
            gg[:, 2 * n:3 * n] *= 1 - g * g
            np.multiply(g_h, tc, out=gg[:, 3 * n:])
            gg[:, 3 * n:] *= o * (1 - o)
            g_c *= f
            np.matmul(gg, w, out=g_h)
        need = ctx.needs_input_grad
        g_w = None
        if need[3]:  # every step's h_{t-1} in step order, then one product for W_hh's gradient
            h_prev = np.empty_like(out)
            if reverse:
                h_prev[:-1], h_prev[-1] = out[1:], h0
            else:
                h_prev[1:], h_prev[0] = out[:-1], h0
            g_w = g_gates.reshape(-1, n4).T @ h_prev.reshape(-1, n)
        return g_gates, g_h, g_c, g_w


def _rebuilt_backward(ctx, g_out, g_h, g_c):
    """Backward under create_graph: the layer rebuilt from the per-step ops on the input Tensors, and
    differentiated through them with a graph, so that higher derivatives follow."""
    xg, h0, c0, w = ctx.saved_tensors[:4]
    inputs = [xg, h0, c0, w]
    with enable_grad():
        h, c, outs = h0, c0, [None] * xg.shape[0]
        for t in _steps(xg.shape[0], ctx.reverse):
            h, c = LSTMStep.apply(xg[t], h, c, w, None)
            outs[t] = h
        found = grad([stack(outs), h, c], inputs, [g_out, g_h, g_c], create_graph=True, allow_unused=True)
    return tuple(f if need else None for f, need in zip(found, ctx.needs_input_grad))

"""A two-layer network trained by hand, 2017 tutorial style: a custom autograd.Function for ReLU,
weights as tensors with requires_grad, updates through .data and gradients zeroed in place.
"""
import argparse

import torch


class MyReLU(torch.autograd.Function):
    """ReLU with a hand-written backward pass."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--steps', type=int, default=300)
    parser.add_argument('--lr', type=float, default=1e-6)
    args = parser.parse_args()

    dtype = torch.FloatTensor
    torch.manual_seed(0)

    # N is batch size; D_in is input dimension; H is hidden dimension; D_out is output dimension.
    N, D_in, H, D_out = 64, 1000, 100, 10

    x = torch.randn(N, D_in).type(dtype)
    y = torch.randn(N, D_out).type(dtype)

    w1 = torch.randn(D_in, H).type(dtype)
    w2 = torch.randn(H, D_out).type(dtype)
    w1.requires_grad = True
    w2.requires_grad = True

    first = None
    for t in range(args.steps):
        relu = MyReLU.apply
        y_pred = relu(x.mm(w1)).mm(w2)

        loss = (y_pred - y).pow(2).sum()
        if first is None:
            first = loss.item()
        if t % 50 == 0:
            print(t, loss.item())

        loss.backward()

        w1.data -= args.lr * w1.grad.data
        w2.data -= args.lr * w2.grad.data

        w1.grad.data.zero_()
        w2.grad.data.zero_()

    print("Initial loss: %.4f" % first)
    print("Final loss: %.4f" % loss.item())
    print("Loss ratio: %.3e" % (loss.item() / first))


if __name__ == '__main__':
    main()

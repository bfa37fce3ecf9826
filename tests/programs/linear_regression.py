"""Linear regression in the 2017 style: NumPy data, Variable, nn.Linear, nn.MSELoss and SGD.

Fits y = 2x + 1 (plus noise) and prints the learned weight and bias.
"""
import argparse

import numpy as np
import torch
import torch.nn as nn
from torch.autograd import Variable


class LinearRegression(nn.Module):
    def __init__(self, input_size, output_size):
        super(LinearRegression, self).__init__()
        self.linear = nn.Linear(input_size, output_size)

    def forward(self, x):
        out = self.linear(x)
        return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--epochs', type=int, default=300)
    parser.add_argument('--lr', type=float, default=0.05)
    args = parser.parse_args()

    np.random.seed(0)
    torch.manual_seed(0)
    x_train = np.linspace(-1, 1, 64, dtype=np.float32).reshape(-1, 1)
    y_train = (2 * x_train + 1 + 0.05 * np.random.randn(64, 1)).astype(np.float32)

    model = LinearRegression(1, 1)
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)

    for epoch in range(args.epochs):
        inputs = Variable(torch.from_numpy(x_train))
        targets = Variable(torch.from_numpy(y_train))

        optimizer.zero_grad()
        outputs = model(inputs)
        loss = criterion(outputs, targets)
        loss.backward()
        optimizer.step()

        if (epoch + 1) % 50 == 0:
            print('Epoch [%d/%d], Loss: %.4f' % (epoch + 1, args.epochs, loss.item()))

    model.eval()
    predicted = model(Variable(torch.from_numpy(x_train))).data.numpy()
    print("Weight: %.4f" % model.linear.weight.data[0, 0])
    print("Bias: %.4f" % model.linear.bias.data[0])
    print("Prediction error: %.4f" % float(np.abs(predicted - y_train).mean()))
    print("Final loss: %.4f" % loss.item())


if __name__ == '__main__':
    main()

"""BatchNorm and LayerNorm at work: a small conv net with BatchNorm2d and a head with
BatchNorm1d and LayerNorm, classifying noisy 8x8 images of horizontal, vertical and
diagonal bars. Prints the training loss, test accuracy in eval mode, and the running statistics.
"""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F


def bars(n, generator=None):
    """n noisy 1x8x8 images, each with one bar: horizontal (0), vertical (1) or diagonal (2)."""
    labels = torch.randint(0, 3, (n,), generator=generator)
    where = torch.randint(0, 8, (n,), generator=generator)
    images = 0.3 * torch.randn(n, 1, 8, 8, generator=generator)
    eye = torch.eye(8)
    for i in range(n):
        if labels[i] == 0:
            images[i, 0, where[i], :] += 1.0
        elif labels[i] == 1:
            images[i, 0, :, where[i]] += 1.0
        else:
            images[i, 0] += eye
    return images * 2.0 + 3.0, labels  # an offset and scale that normalisation has to undo


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, kernel_size=3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.fc1 = nn.Linear(8 * 4 * 4, 32)
        self.bn1 = nn.BatchNorm1d(32)
        self.ln = nn.LayerNorm(32)
        self.fc2 = nn.Linear(32, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn(self.conv(x))), 2)
        x = x.view(x.size(0), -1)
        x = F.relu(self.bn1(self.fc1(x)))
        x = self.ln(x)
        return self.fc2(x)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--epochs', type=int, default=8)
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--lr', type=float, default=0.05)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    x_train, y_train = bars(512)
    x_test, y_test = bars(256)

    model = Net()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    for epoch in range(args.epochs):
        model.train()
        permutation = torch.randperm(x_train.size(0))
        total = 0.0
        for i in range(0, x_train.size(0), args.batch_size):
            idx = permutation[i:i + args.batch_size]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * idx.numel()
        print('epoch {} loss {:.4f}'.format(epoch, total / x_train.size(0)))

    model.eval()
    with torch.no_grad():
        logits = model(x_test)
        again = model(x_test[:10])
    accuracy = (logits.argmax(1) == y_test).float().mean().item()
    # In eval mode each sample's output depends on itself only, not on the batch it came in.
    print('Eval batch independence: {:.2e}'.format((logits[:10] - again).abs().max().item()))
    print('Running mean: {:.4f}'.format(model.bn.running_mean.mean().item()))
    print('Batches tracked: {}'.format(model.bn.num_batches_tracked.item()))
    print('Final loss: {:.4f}'.format(total / x_train.size(0)))
    print('Test accuracy: {:.4f}'.format(accuracy))


if __name__ == '__main__':
    main()

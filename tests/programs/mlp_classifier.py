"""Classify points of three interleaved spirals with a small multilayer perceptron.

Prints the average training loss of each epoch, then the test accuracy.
"""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


def spirals(points_per_class, classes=3, noise=0.15, generator=None):
    inputs, labels = [], []
    for c in range(classes):
        radius = torch.linspace(0.05, 1.0, points_per_class)
        theta = torch.linspace(c * 4.0, (c + 1) * 4.0, points_per_class)
        theta = theta + noise * torch.randn(points_per_class, generator=generator)
        inputs.append(torch.stack([radius * torch.sin(theta), radius * torch.cos(theta)], dim=1))
        labels.append(torch.full((points_per_class,), c, dtype=torch.long))
    return torch.cat(inputs), torch.cat(labels)


class MLP(nn.Module):
    def __init__(self, hidden_size=64, num_classes=3):
        super(MLP, self).__init__()
        self.fc1 = nn.Linear(2, hidden_size)
        self.fc2 = nn.Linear(hidden_size, hidden_size)
        self.fc3 = nn.Linear(hidden_size, num_classes)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def evaluate(model, loader, device):
    model.eval()
    correct = 0
    total = 0
    with torch.no_grad():
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            outputs = model(inputs)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    return correct / total


def main():
    parser = argparse.ArgumentParser(description="Spiral MLP")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--points", type=int, default=200, help="training points per class")
    parser.add_argument("--num-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-cuda", action="store_true", default=False)
    parser.add_argument("--no-mps", action="store_true", default=False)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    use_cuda = not args.no_cuda and torch.cuda.is_available()
    use_mps = not args.no_mps and torch.backends.mps.is_available()
    if use_cuda:
        device = torch.device("cuda")
    elif use_mps:
        device = torch.device("mps")
    else:
        device = torch.device("cpu")
    print("threads", torch.get_num_threads())

    x_train, y_train = spirals(args.points)
    x_test, y_test = spirals(100)
    train_loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(TensorDataset(x_test, y_test), batch_size=100, num_workers=args.num_workers)

    model = MLP().to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    for epoch in range(1, args.epochs + 1):
        model.train()
        running_loss = 0.0
        for i, (inputs, labels) in enumerate(train_loader):
            inputs, labels = inputs.to(device), labels.to(device)
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        if epoch % 5 == 0 or epoch == args.epochs:
            print("[epoch %d] loss: %.4f" % (epoch, running_loss / len(train_loader)))

    accuracy = evaluate(model, test_loader, device)
    first = model(x_test[:4].to(device))
    best = torch.max(first, 1)
    assert torch.equal(best.values, best[0]) and torch.equal(best.indices, first.argmax(1))
    print("Final loss: %.4f" % (running_loss / len(train_loader)))
    print("Test accuracy: %.4f" % accuracy)


if __name__ == "__main__":
    main()

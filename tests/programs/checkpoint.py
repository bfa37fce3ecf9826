"""Saving and loading: torch.save(model.state_dict()) and load_state_dict(torch.load(...)),
then a full training checkpoint (model, optimizer, epoch, loss) resumed in a fresh model.
"""
import argparse

import torch
import torch.nn as nn
import torch.optim as optim


class Classifier(nn.Module):
    def __init__(self):
        super(Classifier, self).__init__()
        self.net = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 2))

    def forward(self, x):
        return self.net(x)


def train(model, optimizer, x, y, steps):
    criterion = nn.CrossEntropyLoss()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
    return loss.item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--steps', type=int, default=50)
    parser.add_argument('--path', default='model.pt')
    args = parser.parse_args()

    torch.manual_seed(0)
    x = torch.randn(128, 4)
    y = (x[:, 0] + x[:, 1] > 0).long()

    model = Classifier()
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss = train(model, optimizer, x, y, args.steps)
    print('Loss before saving: {:.4f}'.format(loss))

    # Weights only.
    torch.save(model.state_dict(), args.path)
    restored = Classifier()
    restored.load_state_dict(torch.load(args.path))
    restored.eval()
    model.eval()
    with torch.no_grad():
        diff = (model(x) - restored(x)).abs().max().item()
    print('Restored weights differ by: {:.1e}'.format(diff))
    print('Keys: ' + ' '.join(restored.state_dict().keys()))

    # A checkpoint to resume training from.
    torch.save({
        'epoch': 1,
        'model_state_dict': model.state_dict(),
        'optimizer_state_dict': optimizer.state_dict(),
        'loss': loss,
    }, 'checkpoint.tar')

    checkpoint = torch.load('checkpoint.tar')
    resumed = Classifier()
    resumed_optimizer = optim.SGD(resumed.parameters(), lr=0.5, momentum=0.0)
    resumed.load_state_dict(checkpoint['model_state_dict'])
    resumed_optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
    print('Resumed epoch {} lr {} momentum {}'.format(
        checkpoint['epoch'], resumed_optimizer.param_groups[0]['lr'], resumed_optimizer.param_groups[0]['momentum']))

    # Continuing both the original and the resumed run gives the same weights: momentum buffers came along.
    model.train()
    resumed.train()
    loss_a = train(model, optimizer, x, y, 10)
    loss_b = train(resumed, resumed_optimizer, x, y, 10)
    drift = max((p - q).abs().max().item() for p, q in zip(model.parameters(), resumed.parameters()))
    print('Resumed run drift: {:.1e}'.format(drift))
    print('Final loss: {:.4f}'.format(loss_b))
    print('Loss difference: {:.1e}'.format(abs(loss_a - loss_b)))


if __name__ == '__main__':
    main()

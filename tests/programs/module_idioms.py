"""Model-level idioms: printing a model, counting and naming parameters, init through apply,
buffers, hooks, train/eval flags, optimizer parameter groups, schedulers, backend flags and
devices. Deterministic, so two runs can be compared line by line.
"""
import torch
import torch.backends.cudnn as cudnn
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.utils.data import TensorDataset, random_split


class Net(nn.Module):
    def __init__(self, n_in=4, n_hidden=8, n_out=3):
        super(Net, self).__init__()
        self.features = nn.Sequential(
            nn.Linear(n_in, n_hidden),
            nn.ReLU(inplace=True),
            nn.Dropout(p=0.5),
        )
        self.classifier = nn.Linear(n_hidden, n_out)
        self.register_buffer('calls', torch.zeros(1))

    def forward(self, x):
        self.calls += 1
        x = self.features(x)
        x = F.dropout(x, p=0.2, training=self.training)
        return self.classifier(x)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 0.1)
        nn.init.zeros_(m.bias)


def show(label, value):
    print('{}: {}'.format(label, value))


def main():
    torch.manual_seed(0)
    cudnn.benchmark = True
    torch.backends.cudnn.deterministic = True
    show('cudnn flags', (cudnn.benchmark, torch.backends.cudnn.deterministic, torch.backends.cudnn.enabled))
    show('mps', (torch.backends.mps.is_available(), torch.backends.mps.is_built()))
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    show('device', (device, device.type, torch.device('cpu', 0).index))

    model = Net().to(device)
    print(model)
    show('parameter count', sum(p.numel() for p in model.parameters() if p.requires_grad))
    show('named parameters', [name for name, _ in model.named_parameters()])
    show('state_dict keys', list(model.state_dict().keys()))
    show('children', [type(m).__name__ for m in model.children()])
    show('modules', len(list(model.modules())))
    model.apply(init_weights)
    show('init', (round(model.features[0].weight.sum().item(), 4), model.classifier.bias.abs().sum().item()))

    x = torch.arange(8.0, device=device).view(2, 4) / 8
    model.eval()
    show('eval flags', (model.training, model.features[2].training))
    with torch.no_grad():
        show('eval output', model(x))
    model.train()
    show('train flags', (model.training, model.features[2].training))
    show('buffer', model.calls)

    grads = []
    handle = model.classifier.weight.register_hook(lambda g: grads.append(g.shape))
    model.eval()
    out = model(x).sum()
    out.backward()
    handle.remove()
    show('hook saw', grads)
    show('weight grad', round(model.classifier.weight.grad.sum().item(), 4))
    model.zero_grad()
    show('after zero_grad', model.classifier.weight.grad is None or model.classifier.weight.grad.abs().sum().item())

    w = torch.tensor([1.0, 2.0], requires_grad=True)
    (g,) = torch.autograd.grad((w ** 3).sum(), w, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), w)
    show('autograd.grad', (g.tolist(), gg.tolist()))

    optimizer = optim.SGD([
        {'params': model.features.parameters()},
        {'params': model.classifier.parameters(), 'lr': 1e-3},
    ], lr=1e-2, momentum=0.9)
    show('param groups', [(len(g['params']), g['lr']) for g in optimizer.param_groups])
    for group in optimizer.param_groups:
        group['lr'] = group['lr'] * 0.5
    show('lr halved', [g['lr'] for g in optimizer.param_groups])
    scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode='min', factor=0.1, patience=1)
    for loss in [1.0, 1.0, 1.0, 1.0]:
        scheduler.step(loss)
    show('plateau lr', [round(g['lr'], 8) for g in optimizer.param_groups])

    data = TensorDataset(torch.arange(10.0).view(10, 1), torch.arange(10))
    train_set, val_set = random_split(data, [8, 2], generator=torch.Generator().manual_seed(42))
    show('random_split', (len(train_set), len(val_set), sorted(int(i) for i in list(train_set.indices) +
                                                                list(val_set.indices)) == list(range(10))))
    show('dataset item', [t.tolist() for t in data[3]])

    show('dtype default', (torch.get_default_dtype(), torch.tensor([1.0]).dtype, torch.tensor([1]).dtype))
    show('to', (x.to(torch.float64).dtype, x.to(device, torch.float16).dtype, x.to('cpu').device))
    show('cuda count', torch.cuda.device_count() if torch.cuda.is_available() else 0)


if __name__ == '__main__':
    main()

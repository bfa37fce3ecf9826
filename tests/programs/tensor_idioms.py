"""The everyday tensor idioms of PyTorch code from 2017 to 2024, each printed so that two runs can be compared.

Every value is computed from arange/eye-style inputs, so the output is the same
on any machine; warnings are printed where PyTorch gives them.
"""
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def show(label, value):
    print('{}: {}'.format(label, value))


def caught(fn):
    """Call fn and return (its result, the warnings it gave as 'Category: message')."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter('always')
        result = fn()
    return result, ['{}: {}'.format(w.category.__name__, w.message) for w in record]


@torch.no_grad()
def predict(model, x):
    return model(x)


def reductions_and_named_tuples():
    x = torch.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    values, indices = torch.max(x, 1)
    show('max values', values)
    show('max indices', indices)
    result = torch.max(x, dim=1, keepdim=True)
    show('named tuple', (result.values.shape, result.indices.tolist(), result[1].dtype))
    show('min dim 0', torch.min(x, 0).indices)
    show('max all', torch.max(x))
    show('argmax', x.argmax(dim=1))
    top = x.topk(2, dim=1)
    show('topk', (top.values.tolist(), top.indices.tolist()))
    show('sort', x.sort(dim=1, descending=True)[1].tolist())
    show('mean/std', (x.mean().item(), round(x.std().item(), 4), x.sum(0).tolist()))


def construction_and_types():
    x = torch.arange(6, dtype=torch.float32).view(2, 3)
    y = torch.arange(6)
    show('view_as', y.view_as(x))
    show('new_zeros', x.new_zeros(2, 2))
    show('new_ones', x.new_ones((3,), dtype=torch.int64))
    show('new_tensor', x.new_tensor([1, 2, 3]))
    show('new_full', x.new_full((2,), 7.0))
    show('new_empty shape', x.new_empty(4, 1).shape)
    show('type_as', y.type_as(x).dtype)
    show('type', (x.type(), y.type(), x.type(torch.IntTensor).dtype))
    show('element_size', (x.element_size(), y.element_size(), x.double().element_size(), x.half().element_size(),
                          x.bool().element_size()))
    show('clamp', (x - 2).clamp(min=0))
    show('clamp max', x.clamp(max=3).tolist())
    show('clamp_', x.clone().clamp_(min=1, max=4).tolist())
    show('sizes', (x.size(), x.size(1), x.dim(), x.numel(), x.shape[0], len(x)))
    show('is_cuda', (x.is_cuda, x.device, str(x.device), torch.is_tensor(x)))
    show('from_numpy', torch.from_numpy(np.arange(3, dtype=np.float64)))
    show('numpy', x.numpy().dtype)
    show('long/float/int', (x.long().dtype, y.float().dtype, x.int().dtype, x.byte().dtype))
    show('legacy constructors', (torch.FloatTensor(2, 3).shape, torch.LongTensor([1, 2]), torch.Tensor([1, 2])))
    show('zeros_like', torch.zeros_like(y).tolist())
    show('full_like', torch.full_like(x, 2).sum().item())


def masks_iteration_and_data():
    x = torch.arange(-3.0, 3.0).view(2, 3)
    z = x.clone()
    z[z < 0] = 0
    show('mask assign scalar', z)
    z = x.clone()
    z[z > 0] = torch.tensor([10.0, 20.0])
    show('mask assign tensor', z)
    mask = x.ge(0)
    show('mask', (mask, mask.dtype))
    show('masked_select', x[mask])
    show('masked_fill', x.masked_fill(~mask, -1.0))
    show('where', torch.where(x > 0, x, torch.zeros_like(x)))
    show('nonzero', (x > 0).nonzero().tolist())
    rows = [row.sum().item() for row in x]
    show('iterate rows', rows)
    show('iterate vector', [float(v) for v in torch.arange(3.0)])
    show('zip', [(int(a), int(b)) for a, b in zip(torch.arange(3), torch.arange(3, 6))])
    show('unbind', [t.tolist() for t in x.unbind(1)])
    show('tolist/item', (x.tolist(), x[1, 2].item()))

    layer = nn.Linear(3, 2)
    layer.weight.data = torch.ones(2, 3)
    layer.bias.data.fill_(0.5)
    layer.weight.data[0] = torch.arange(3.0)
    show('data assignment', predict(layer, torch.ones(1, 3)))
    show('no_grad decorator', predict(layer, torch.ones(1, 3)).requires_grad)
    show('grad enabled', torch.is_grad_enabled())
    w = torch.ones(3, requires_grad=True)
    (w * torch.arange(3.0)).sum().backward()
    show('grad', w.grad)
    w.data.sub_(0.5 * w.grad.data)
    w.grad.data.zero_()
    show('manual update', (w, w.grad))
    d = w.detach()
    d[0] = 100.0
    show('detach shares storage', w[0].item())
    show('requires_grad', (w.requires_grad, w.data.requires_grad, w.is_leaf, (w * 2).is_leaf))


def shapes_and_products():
    x = torch.arange(6.0).view(2, 3)
    show('t/permute', (x.t().shape, x.unsqueeze(0).permute(2, 0, 1).shape, x.transpose(0, 1).is_contiguous()))
    show('contiguous view', x.t().contiguous().view(-1))
    show('squeeze/unsqueeze', (x.unsqueeze(1).shape, x.view(1, 2, 1, 3).squeeze().shape))
    show('expand/repeat', (x[:, :1].expand(2, 4).tolist(), x.repeat(1, 2).shape))
    show('cat/stack', (torch.cat([x, x], 0).shape, torch.cat((x, x), dim=1).shape, torch.stack([x, x]).shape))
    show('chunk/split', ([c.shape for c in x.chunk(3, dim=1)], [s.shape for s in x.split(2, dim=1)]))
    show('matmul', (x @ x.t(), torch.mm(x, x.t()).sum().item(), torch.matmul(x, torch.ones(3)).tolist()))
    show('bmm', torch.bmm(x.unsqueeze(0), x.t().unsqueeze(0)).shape)
    show('einsum', torch.einsum('ij,kj->ik', x, x).tolist())
    show('gather', x.gather(1, torch.tensor([[2], [0]])).tolist())
    show('scatter_', torch.zeros(2, 4).scatter_(1, torch.tensor([[1], [3]]), 1.0).tolist())
    show('one_hot', F.one_hot(torch.tensor([0, 2]), num_classes=3).tolist())
    show('flatten', (torch.flatten(x.view(1, 2, 3), 1).shape, x.view(-1).shape, x.reshape(3, 2).shape))
    show('index_select', x.index_select(1, torch.tensor([0, 2])).tolist())
    show('eye', torch.eye(3)[1])


def legacy_losses_and_softmax():
    a = torch.arange(6.0).view(2, 3)
    b = torch.ones(2, 3)
    target = torch.tensor([0, 2])
    show('MSELoss(size_average=False)', caught(lambda: nn.MSELoss(size_average=False)(a, b)))
    show('MSELoss(reduce=False)', caught(lambda: nn.MSELoss(reduce=False)(a, b)))
    show('mse_loss(size_average=True)', caught(lambda: F.mse_loss(a, b, size_average=True)))
    show('nll_loss(size_average=False)', caught(lambda: F.nll_loss(F.log_softmax(a, 1), target,
                                                                    size_average=False)))
    show('CrossEntropyLoss(reduce=False)', caught(lambda: nn.CrossEntropyLoss(reduce=False)(a, target)))
    show('cross_entropy reduction', caught(lambda: nn.CrossEntropyLoss(size_average=False).reduction))
    show('log_softmax(x)', caught(lambda: F.log_softmax(a)))
    show('softmax(1-d)', caught(lambda: F.softmax(torch.arange(3.0))))
    show('softmax(3-d)', caught(lambda: F.softmax(torch.arange(8.0).view(2, 2, 2)).sum(0)))
    show('nn.LogSoftmax()', caught(lambda: nn.LogSoftmax()(a)))
    show('log_softmax(dim)', caught(lambda: F.log_softmax(a, dim=1).exp().sum(1)))


def threads():
    torch.set_num_threads(1)
    show('threads', torch.get_num_threads())


if __name__ == '__main__':
    reductions_and_named_tuples()
    construction_and_types()
    masks_iteration_and_data()
    shapes_and_products()
    legacy_losses_and_softmax()
    threads()

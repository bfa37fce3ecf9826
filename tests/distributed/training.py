"""The small trainings the DDP tests run on every rank and, on the global batch, in one process.

Written against ``torch`` so that the same code runs in a rank (where ``ember run`` makes torch
Ember) and in the test process (given Ember's module as ``torch``)."""
import numpy as np

SAMPLES, PER_RANK_BATCH, EPOCHS, SEED = 24, 4, 2, 3
CONFIGS = [("mlp", "sgd"), ("mlp", "adam"), ("cnn", "sgd"), ("cnn", "adam"), ("bn", "sgd"), ("wide", "sgd")]


def dataset(torch, kind):
    rng = np.random.default_rng(7)
    shape = (SAMPLES, 10) if kind in ("mlp", "wide") else (SAMPLES, 1, 8, 8)  # cnn, bn
    x = torch.from_numpy(rng.standard_normal(shape).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 3, SAMPLES))
    return torch.utils.data.TensorDataset(x, y)


def model(torch, kind):
    nn = torch.nn
    if kind == "mlp":
        return nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 3))
    if kind == "wide":  # a first weight of 320 KB: DDP sums its gradient where it lies, apart from the others
        return nn.Sequential(nn.Linear(10, 8192), nn.ReLU(), nn.Linear(8192, 3))
    if kind == "bn":  # batch statistics: SyncBatchNorm on the ranks, BatchNorm2d on the global batch
        return nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(144, 3))
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(36, 3))


def state(net):
    """Parameters, then buffers (running statistics), as arrays."""
    return [t.detach().numpy().copy() for t in list(net.parameters()) + list(net.buffers())]


def optimizer(torch, name, params):
    if name == "sgd":
        return torch.optim.SGD(params, lr=0.1, momentum=0.9)
    return torch.optim.Adam(params, lr=0.01)


def step(torch, net, opt, x, y, set_to_none=True):
    opt.zero_grad(set_to_none=set_to_none)
    torch.nn.functional.cross_entropy(net(x), y).backward()
    opt.step()


def train_rank(torch, kind, opt_name, wrap, rank, world, set_to_none=True):
    """One rank's training: its DistributedSampler's share of each batch, through ``wrap(model)``;
    ``set_to_none=False`` zeroes the gradients where they are between steps."""
    torch.manual_seed(100 + rank)  # different on every rank: DDP must broadcast rank 0's start
    net = model(torch, kind)
    if rank == 0:
        torch.manual_seed(0)
        net = model(torch, kind)
    if kind == "bn":
        net = torch.nn.SyncBatchNorm.convert_sync_batchnorm(net)
    ddp = wrap(net)
    opt = optimizer(torch, opt_name, ddp.parameters())
    data = dataset(torch, kind)
    sampler = torch.utils.data.DistributedSampler(data, shuffle=True, seed=SEED)
    loader = torch.utils.data.DataLoader(data, batch_size=PER_RANK_BATCH, sampler=sampler)
    for epoch in range(EPOCHS):
        sampler.set_epoch(epoch)
        for x, y in loader:
            step(torch, ddp, opt, x, y, set_to_none)
    return state(net)


def train_global(torch, kind, opt_name, world):
    """The same training in one process, each step on the union of the ranks' batches."""
    torch.manual_seed(0)
    net = model(torch, kind)
    opt = optimizer(torch, opt_name, net.parameters())
    data = dataset(torch, kind)
    samplers = [torch.utils.data.DistributedSampler(data, num_replicas=world, rank=r, shuffle=True, seed=SEED)
                for r in range(world)]
    for epoch in range(EPOCHS):
        shares = []
        for s in samplers:
            s.set_epoch(epoch)
            shares.append(list(s))
        for start in range(0, len(shares[0]), PER_RANK_BATCH):
            idx = [i for share in shares for i in share[start:start + PER_RANK_BATCH]]
            x = torch.stack([data[i][0] for i in idx])
            y = torch.stack([data[i][1] for i in idx])
            step(torch, net, opt, x, y)
    return state(net)

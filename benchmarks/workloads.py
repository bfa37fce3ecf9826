"""The workloads of ``python -m benchmarks``, each runnable on Ember or PyTorch.

    python -m benchmarks.workloads W1b ember        # prints one JSON line of results

Every workload is written once, against PyTorch's API, and given the framework
module (``ember`` or ``torch``) to run on. Data is real MNIST, read by the
framework's own dataset class (torchvision's for PyTorch).
"""
import json
import os
import resource
import sys
import time

from .cnn import bn_model, model as cnn_model  # the classic MNIST example network, a CIFAR-style one
from .sequence import gpt, lstm_lm

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "shared", "datasets"))


_root_override = []  # set when running on torchvision, which needs un-gzipped files


def mnist_root():
    return _root_override[0] if _root_override else os.environ.get("EMBER_MNIST_ROOT", DEFAULT_ROOT)


def unpacked_root():
    """A copy of MNIST with the IDX files un-gzipped: torchvision reads only those."""
    import gzip
    import shutil
    import tempfile

    src = os.path.join(os.environ.get("EMBER_MNIST_ROOT", DEFAULT_ROOT), "MNIST", "raw")
    root = os.path.join(tempfile.gettempdir(), "ember-bench-mnist")
    raw = os.path.join(root, "MNIST", "raw")
    os.makedirs(raw, exist_ok=True)
    for name in os.listdir(src):
        target = os.path.join(raw, name[:-3] if name.endswith(".gz") else name)
        if not os.path.exists(target):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(os.path.join(src, name), "rb") as f, open(target + ".part", "wb") as out:
                shutil.copyfileobj(f, out)
            os.replace(target + ".part", target)
    return root


def framework(name, threads):
    """(torch-like module, datasets, transforms) for 'ember' or 'torch'."""
    if name == "ember":
        import ember as torch
        from ember.vision import datasets, transforms
    else:
        import torch
        try:
            from torchvision import datasets, transforms
        except ImportError:
            datasets = transforms = None
    if threads and hasattr(torch, "set_num_threads"):
        torch.set_num_threads(threads)
    if name == "torch" and datasets is not None:
        _root_override.append(unpacked_root())
    return torch, datasets, transforms


def _preloaded(torch, datasets, train=True):
    """MNIST as one float tensor in [0, 1] (N x 784) and int64 labels."""
    if datasets is not None:
        ds = datasets.MNIST(mnist_root(), train=train)
        x, y = ds.data, ds.targets
    else:  # PyTorch without torchvision: read the IDX files with Ember's reader, hand over arrays
        from ember.vision import datasets as eds

        ds = eds.MNIST(mnist_root(), train=train)
        x, y = torch.from_numpy(ds.data.numpy()), torch.from_numpy(ds.targets.numpy())
    return x.reshape(len(x), -1).float() / 255.0, y


def w1(torch, datasets, transforms, epochs=5):
    """The tutorial exactly: per-sample Dataset + ToTensor, DataLoader(batch 8, shuffle), its tracking."""
    nn = torch.nn
    torch.manual_seed(0)
    train = datasets.MNIST(mnist_root(), train=True, transform=transforms.ToTensor())
    test = datasets.MNIST(mnist_root(), train=False, transform=transforms.ToTensor())
    train_loader = torch.utils.data.DataLoader(dataset=train, batch_size=8, shuffle=True)
    test_loader = torch.utils.data.DataLoader(dataset=test, batch_size=8, shuffle=False)
    model = nn.Linear(784, 10)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    train_loss, train_accu, epoch_times = [], [], []
    for _ in range(epochs):
        t0 = time.perf_counter()
        for images, labels in train_loader:
            images = images.view(-1, 28 * 28)
            optimizer.zero_grad()
            outputs = model(images)
            loss = loss_fn(outputs, labels)
            loss.backward()
            optimizer.step()
            train_loss.append(loss.item())
            prediction = outputs.data.max(1)[1]
            train_accu.append(prediction.eq(labels.data).sum() / 8 * 100)
        epoch_times.append(time.perf_counter() - t0)
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            correct += model(data.view(-1, 28 * 28)).max(1)[1].eq(target).sum().item()
    return {"epoch_s": epoch_times, "accuracy": 100.0 * correct / len(test)}


def w1b(torch, datasets, transforms, steps=3000):
    """The tutorial's model and step on preloaded data, batches by slicing; with and without tracking."""
    nn = torch.nn
    torch.manual_seed(0)
    x, y = _preloaded(torch, datasets)
    model = nn.Linear(784, 10)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    out = {}
    for track in (False, True):
        losses, accs, runs = [], [], []
        for rep in range(6):
            t0 = time.perf_counter()
            for i in range(steps):
                j = (i * 8) % 59992
                images, labels = x[j:j + 8], y[j:j + 8]
                optimizer.zero_grad()
                outputs = model(images)
                loss = loss_fn(outputs, labels)
                loss.backward()
                optimizer.step()
                if track:
                    losses.append(loss.item())
                    accs.append(outputs.data.max(1)[1].eq(labels.data).sum() / 8 * 100)
            if rep:  # the first run warms up
                runs.append((time.perf_counter() - t0) / steps * 1e6)
        out["step_us_tracking" if track else "step_us"] = runs
    return out


def _mlp(nn):
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


def _accuracy(torch, model, x, y):
    model.eval()
    with torch.no_grad():
        acc = (model(x).argmax(1) == y).float().mean().item() * 100
    model.train()
    return acc


def w2(torch, datasets, transforms):
    """MLP 784-512-512-10, SGD momentum 0.9, batch 64, one epoch."""
    nn = torch.nn
    torch.manual_seed(0)
    x, y = _preloaded(torch, datasets)
    xt, yt = _preloaded(torch, datasets, train=False)
    model = _mlp(nn)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(len(x))
    t0 = time.perf_counter()
    for i in range(0, len(x), 64):
        idx = order[i:i + 64]
        optimizer.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        optimizer.step()
    return {"epoch_s": [time.perf_counter() - t0], "accuracy": _accuracy(torch, model, xt, yt)}


def w3(torch, datasets, transforms, steps=200):
    """The classic MNIST CNN with Adadelta, batch 64: time per step, accuracy after ``steps``."""
    F = torch.nn.functional
    torch.manual_seed(0)
    x, y = _preloaded(torch, datasets)
    xt, yt = _preloaded(torch, datasets, train=False)
    mean, std = 0.1307, 0.3081
    x, xt = ((x - mean) / std).view(-1, 1, 28, 28), ((xt[:2000] - mean) / std).view(-1, 1, 28, 28)
    yt = yt[:2000]
    model = cnn_model(torch)
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
    order = torch.randperm(len(x))
    times = []
    for step in range(steps):
        idx = order[step * 64:(step + 1) * 64]
        t0 = time.perf_counter()
        optimizer.zero_grad()
        loss = F.nll_loss(model(x[idx]), y[idx])
        loss.backward()
        optimizer.step()
        times.append((time.perf_counter() - t0) * 1e3)
    return {"step_ms": times[5:], "accuracy": _accuracy(torch, model, xt, yt)}


def w4(torch, datasets, transforms, steps=40):
    """A CIFAR-style CNN with BatchNorm (benchmarks.cnn.bn_model), SGD momentum, batch 64 of random
    3x32x32 images: time per step."""
    F = torch.nn.functional
    torch.manual_seed(0)
    model = bn_model(torch)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x, y = torch.randn(64, 3, 32, 32), torch.randint(0, 10, (64,))
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        optimizer.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimizer.step()
        times.append((time.perf_counter() - t0) * 1e3)
    return {"step_ms": times[5:]}


def _timed_steps(step, steps):
    """Milliseconds per call of ``step``, the first five (warm-up) left out."""
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    return times[5:]


def w5(torch, datasets, transforms, steps=25):
    """A 2-layer LSTM language model (benchmarks.sequence.lstm_lm: hidden 256) on random tokens, sequence
    64, batch 32, Adam, the gradient clipped as the word-language-model example does: time per step."""
    F = torch.nn.functional
    torch.manual_seed(0)
    model = lstm_lm(torch)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    tokens = torch.randint(0, 512, (32, 65))
    x, y = tokens[:, :-1], tokens[:, 1:]

    def step():
        optimizer.zero_grad()
        F.cross_entropy(model(x).reshape(-1, 512), y.reshape(-1)).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        optimizer.step()
    return {"step_ms": _timed_steps(step, steps)}


def w6(torch, datasets, transforms, steps=25):
    """A GPT-style stack written as minGPT writes it (benchmarks.sequence.gpt: 4 layers, d 128, context 64)
    on random characters, batch 32, AdamW: time per step."""
    F = torch.nn.functional
    torch.manual_seed(0)
    model = gpt(torch)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.1)
    tokens = torch.randint(0, 65, (32, 65))
    x, y = tokens[:, :-1], tokens[:, 1:]

    def step():
        optimizer.zero_grad()
        F.cross_entropy(model(x).reshape(-1, 65), y.reshape(-1)).backward()
        optimizer.step()
    return {"step_ms": _timed_steps(step, steps)}


def infer(torch, datasets, transforms, calls=3000):
    """Batch-1 forward of the W2 MLP under no_grad: microseconds per call."""
    torch.manual_seed(0)
    model = _mlp(torch.nn).eval()
    x = torch.rand(1, 784)
    runs = []
    with torch.no_grad():
        for rep in range(6):
            t0 = time.perf_counter()
            for _ in range(calls):
                model(x)
            if rep:
                runs.append((time.perf_counter() - t0) / calls * 1e6)
    return {"call_us": runs}


WORKLOADS = {"W1": w1, "W1b": w1b, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "infer": infer}


def main(argv):
    name, fw = argv[0], argv[1]
    threads = int(argv[2]) if len(argv) > 2 else 2
    kwargs = json.loads(argv[3]) if len(argv) > 3 else {}
    torch, datasets, transforms = framework(fw, threads)
    if name == "W1" and datasets is None:
        print(json.dumps({"skipped": "torchvision is not installed"}))
        return
    result = WORKLOADS[name](torch, datasets, transforms, **kwargs)
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])

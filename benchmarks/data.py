"""MNIST data loading, end to end: DataLoader(MNIST, batch_size=8, shuffle=True) with ToTensor+Normalize.

    python -m benchmarks.data [root]

Reports microseconds per sample (wall and CPU time, best of 3 epochs) for Ember,
and for PyTorch's DataLoader over a map-style dataset doing what torchvision's
MNIST does per sample (PIL image, to_tensor, normalize) when torch and Pillow
are installed. The root defaults to $EMBER_MNIST_ROOT or ../shared/datasets.
"""
import os
import sys
import time

from .common import load_average

BATCH = 8


def best_epoch(loader):
    best_wall = best_cpu = float("inf")
    for _ in range(3):
        wall, cpu, n = time.perf_counter(), time.process_time(), 0
        for _, y in loader:
            n += len(y)
        best_wall = min(best_wall, (time.perf_counter() - wall) / n)
        best_cpu = min(best_cpu, (time.process_time() - cpu) / n)
    return best_wall * 1e6, best_cpu * 1e6


def ember_loader(root):
    from ember.utils.data import DataLoader
    from ember.vision import datasets, transforms

    t = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    return DataLoader(datasets.MNIST(root, transform=t), batch_size=BATCH, shuffle=True)


def torch_loader(root):
    import numpy as np
    import torch
    from PIL import Image

    from ember.vision.datasets import MNIST  # only to read the files

    raw = MNIST(root)
    images, labels = raw.data.numpy(), raw.targets.numpy()
    mean, std = torch.tensor([0.1307]).view(-1, 1, 1), torch.tensor([0.3081]).view(-1, 1, 1)

    class TorchMNIST(torch.utils.data.Dataset):
        def __getitem__(self, i):
            img = Image.fromarray(images[i])
            x = torch.from_numpy(np.array(img, np.uint8, copy=True))[None].to(torch.float32).div(255)
            return x.sub(mean).div(std), int(labels[i])

        def __len__(self):
            return len(images)

    return torch.utils.data.DataLoader(TorchMNIST(), batch_size=BATCH, shuffle=True)


def main(argv):
    root = argv[0] if argv else os.environ.get(
        "EMBER_MNIST_ROOT", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "datasets"))
    print(f"load average {load_average():.2f}; MNIST train, batch_size={BATCH}, shuffle=True")
    wall, cpu = best_epoch(ember_loader(root))
    print(f"ember  {wall:6.1f} us/sample wall  {cpu:6.1f} us/sample cpu")
    try:
        wall, cpu = best_epoch(torch_loader(root))
        print(f"torch  {wall:6.1f} us/sample wall  {cpu:6.1f} us/sample cpu  (per-sample PIL route)")
    except ImportError as e:
        print(f"torch  skipped: {e}")


if __name__ == "__main__":
    main(sys.argv[1:])

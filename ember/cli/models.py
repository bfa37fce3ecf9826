"""The models ``ember train --model`` offers."""
import ember.nn as nn


class LogisticRegression(nn.Module):
    """The founding tutorial's model: one linear layer on the flattened image."""

    def __init__(self, input_size, num_classes):
        super().__init__()
        self.linear = nn.Linear(input_size, num_classes)

    def forward(self, x):
        return self.linear(x.view(x.shape[0], -1))


def mlp(input_size, num_classes, hidden=512):
    """Two hidden ReLU layers of ``hidden`` units on the flattened image."""
    return nn.Sequential(nn.Flatten(), nn.Linear(input_size, hidden), nn.ReLU(), nn.Linear(hidden, hidden),
                         nn.ReLU(), nn.Linear(hidden, num_classes))


def cnn(image_shape, num_classes):
    """The classic MNIST network: two 3x3 convolutions, max-pool, dropout, two linear layers."""
    if not hasattr(nn, "Conv2d"):
        raise SystemExit("ember train: --model cnn needs nn.Conv2d, which this Ember build does not have yet")
    c, h, w = image_shape
    flat = 64 * ((h - 4) // 2) * ((w - 4) // 2)
    return nn.Sequential(nn.Conv2d(c, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Dropout(0.25), nn.Flatten(), nn.Linear(flat, 128), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(128, num_classes))


def build(name, image_shape, num_classes):
    """The model ``--model name`` stands for, sized for images of ``image_shape`` (C, H, W)."""
    size = 1
    for s in image_shape:
        size *= s
    if name == "logreg":
        return LogisticRegression(size, num_classes)
    if name == "mlp":
        return mlp(size, num_classes)
    return cnn(image_shape, num_classes)

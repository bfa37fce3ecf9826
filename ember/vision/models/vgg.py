"""VGG (Simonyan & Zisserman, 2014), with and without batch norm, in torchvision's layout."""
from ... import nn
from ._api import builder, imagenet_v1

__all__ = ["VGG", "VGG11_Weights", "VGG11_BN_Weights", "VGG13_Weights", "VGG13_BN_Weights", "VGG16_Weights",
           "VGG16_BN_Weights", "VGG19_Weights", "VGG19_BN_Weights", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn",
           "vgg16", "vgg16_bn", "vgg19", "vgg19_bn"]


class VGG(nn.Module):
    """A VGG network: the convolutional ``features`` (built by ``make_layers``), adaptive pooling to 7x7 and
    three linear layers."""
    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes))
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return self.classifier(self.avgpool(self.features(x)).flatten(1))


# Output channels of each 3x3 convolution; "M" is a 2x2 max pool.
CONFIGS = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def make_layers(cfg, batch_norm=False):
    layers, in_channels = [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
        layers += [nn.BatchNorm2d(v), nn.ReLU(inplace=True)] if batch_norm else [nn.ReLU(inplace=True)]
        in_channels = v
    return nn.Sequential(*layers)



VGG11_Weights = imagenet_v1("VGG11_Weights", "vgg11-8a719046.pth")
VGG11_BN_Weights = imagenet_v1("VGG11_BN_Weights", "vgg11_bn-6002323d.pth")
VGG13_Weights = imagenet_v1("VGG13_Weights", "vgg13-19584684.pth")
VGG13_BN_Weights = imagenet_v1("VGG13_BN_Weights", "vgg13_bn-abd245e5.pth")
VGG16_Weights = imagenet_v1("VGG16_Weights", "vgg16-397923af.pth")
VGG16_BN_Weights = imagenet_v1("VGG16_BN_Weights", "vgg16_bn-6c64b313.pth")
VGG19_Weights = imagenet_v1("VGG19_Weights", "vgg19-dcbb9e9d.pth")
VGG19_BN_Weights = imagenet_v1("VGG19_BN_Weights", "vgg19_bn-c79401a0.pth")


def _vgg(cfg, batch_norm, **kwargs):
    return VGG(make_layers(CONFIGS[cfg], batch_norm), **kwargs)


@builder(VGG11_Weights)
def vgg11(**kwargs):
    """VGG-11 (configuration "A") without batch normalisation."""
    return _vgg("A", False, **kwargs)


@builder(VGG11_BN_Weights)
def vgg11_bn(**kwargs):
    """VGG-11 (configuration "A") with batch normalisation."""
    return _vgg("A", True, **kwargs)


@builder(VGG13_Weights)
def vgg13(**kwargs):
    """VGG-13 (configuration "B") without batch normalisation."""
    return _vgg("B", False, **kwargs)


@builder(VGG13_BN_Weights)
def vgg13_bn(**kwargs):
    """VGG-13 (configuration "B") with batch normalisation."""
    return _vgg("B", True, **kwargs)


@builder(VGG16_Weights)
def vgg16(**kwargs):
    """VGG-16 (configuration "D") without batch normalisation."""
    return _vgg("D", False, **kwargs)


@builder(VGG16_BN_Weights)
def vgg16_bn(**kwargs):
    """VGG-16 (configuration "D") with batch normalisation."""
    return _vgg("D", True, **kwargs)


@builder(VGG19_Weights)
def vgg19(**kwargs):
    """VGG-19 (configuration "E") without batch normalisation."""
    return _vgg("E", False, **kwargs)


@builder(VGG19_BN_Weights)
def vgg19_bn(**kwargs):
    """VGG-19 (configuration "E") with batch normalisation."""
    return _vgg("E", True, **kwargs)

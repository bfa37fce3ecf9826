"""DenseNet (Huang et al., 2016): each layer sees the concatenated outputs of all layers before it."""
import collections
import re

from ... import cat, nn
from ._api import builder, imagenet_v1

__all__ = ["DenseNet", "DenseNet121_Weights", "DenseNet161_Weights", "DenseNet169_Weights", "DenseNet201_Weights",
           "densenet121", "densenet161", "densenet169", "densenet201"]


class _DenseLayer(nn.Module):
    def __init__(self, num_input_features, growth_rate, bn_size, drop_rate, memory_efficient=False):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(num_input_features)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv1 = nn.Conv2d(num_input_features, bn_size * growth_rate, kernel_size=1, stride=1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth_rate)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, stride=1, padding=1, bias=False)
        self.drop_rate = float(drop_rate)
        self.memory_efficient = memory_efficient  # PyTorch's checkpointing switch; Ember computes the same either way

    def forward(self, inputs):
        x = cat(inputs, 1) if isinstance(inputs, list) else inputs
        out = self.conv2(self.relu2(self.norm2(self.conv1(self.relu1(self.norm1(x))))))
        return nn.functional.dropout(out, p=self.drop_rate, training=self.training) if self.drop_rate > 0 else out


class _DenseBlock(nn.ModuleDict):
    def __init__(self, num_layers, num_input_features, bn_size, growth_rate, drop_rate, memory_efficient=False):
        super().__init__()
        for i in range(num_layers):
            self.add_module(f"denselayer{i + 1}", _DenseLayer(num_input_features + i * growth_rate, growth_rate,
                                                               bn_size, drop_rate, memory_efficient))

    def forward(self, init_features):
        features = [init_features]
        for layer in self.values():
            features.append(layer(features))
        return cat(features, 1)


class _Transition(nn.Sequential):
    def __init__(self, num_input_features, num_output_features):
        super().__init__()
        self.norm = nn.BatchNorm2d(num_input_features)
        self.relu = nn.ReLU(inplace=True)
        self.conv = nn.Conv2d(num_input_features, num_output_features, kernel_size=1, stride=1, bias=False)
        self.pool = nn.AvgPool2d(kernel_size=2, stride=2)


class DenseNet(nn.Module):
    """The densely connected network: blocks of ``block_config`` layers, each adding ``growth_rate`` channels,
    joined by transitions that halve the channels and the resolution."""
    def __init__(self, growth_rate=32, block_config=(6, 12, 24, 16), num_init_features=64, bn_size=4, drop_rate=0,
                 num_classes=1000, memory_efficient=False):
        super().__init__()
        self.features = nn.Sequential(collections.OrderedDict([
            ("conv0", nn.Conv2d(3, num_init_features, kernel_size=7, stride=2, padding=3, bias=False)),
            ("norm0", nn.BatchNorm2d(num_init_features)), ("relu0", nn.ReLU(inplace=True)),
            ("pool0", nn.MaxPool2d(kernel_size=3, stride=2, padding=1))]))
        num_features = num_init_features
        for i, num_layers in enumerate(block_config):
            self.features.add_module(f"denseblock{i + 1}", _DenseBlock(num_layers, num_features, bn_size, growth_rate,
                                                                       drop_rate, memory_efficient))
            num_features += num_layers * growth_rate
            if i != len(block_config) - 1:
                self.features.add_module(f"transition{i + 1}", _Transition(num_features, num_features // 2))
                num_features //= 2
        self.features.add_module("norm5", nn.BatchNorm2d(num_features))
        self.classifier = nn.Linear(num_features, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        out = nn.functional.relu(self.features(x), inplace=True)
        return self.classifier(nn.functional.adaptive_avg_pool2d(out, (1, 1)).flatten(1))


_OLD_KEY = re.compile(r"^(.*denselayer\d+\.(?:norm|relu|conv))\.((?:[12])\.(?:weight|bias|running_mean|running_var))$")


def _rename_old_keys(state_dict):
    """The published files predate the layer names above: ``denselayer1.norm.1.weight`` is ``...norm1.weight``."""
    return collections.OrderedDict((_OLD_KEY.sub(r"\1\2", k), v) for k, v in state_dict.items())



DenseNet121_Weights = imagenet_v1("DenseNet121_Weights", "densenet121-a639ec97.pth")
DenseNet161_Weights = imagenet_v1("DenseNet161_Weights", "densenet161-8d451a50.pth")
DenseNet169_Weights = imagenet_v1("DenseNet169_Weights", "densenet169-b2777c0a.pth")
DenseNet201_Weights = imagenet_v1("DenseNet201_Weights", "densenet201-c1103571.pth")


@builder(DenseNet121_Weights, rename=_rename_old_keys)
def densenet121(**kwargs):
    """DenseNet-121: growth rate 32, blocks ``(6, 12, 24, 16)``, 64 initial features."""
    return DenseNet(32, (6, 12, 24, 16), 64, **kwargs)


@builder(DenseNet161_Weights, rename=_rename_old_keys)
def densenet161(**kwargs):
    """DenseNet-161: growth rate 48, blocks ``(6, 12, 36, 24)``, 96 initial features."""
    return DenseNet(48, (6, 12, 36, 24), 96, **kwargs)


@builder(DenseNet169_Weights, rename=_rename_old_keys)
def densenet169(**kwargs):
    """DenseNet-169: growth rate 32, blocks ``(6, 12, 32, 32)``, 64 initial features."""
    return DenseNet(32, (6, 12, 32, 32), 64, **kwargs)


@builder(DenseNet201_Weights, rename=_rename_old_keys)
def densenet201(**kwargs):
    """DenseNet-201: growth rate 32, blocks ``(6, 12, 48, 32)``, 64 initial features."""
    return DenseNet(32, (6, 12, 48, 32), 64, **kwargs)

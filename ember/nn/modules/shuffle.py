"""Rearranging layers: PixelShuffle, PixelUnshuffle and ChannelShuffle."""
from .. import functional as F
from .module import Module


class PixelShuffle(Module):
    """Rearranges ``(*, C * r ** 2, H, W)`` into ``(*, C, H * r, W * r)``, ``r`` being ``upscale_factor``."""
    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """Inverse of PixelShuffle: ``(*, C, H * r, W * r)`` into ``(*, C * r ** 2, H, W)``, ``r`` being
    ``downscale_factor``."""
    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """Splits the channels into ``groups`` and interleaves them: channel ``g * k + i`` moves to ``i * groups + g``."""
    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"

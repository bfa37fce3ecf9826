"""How complex tensors print: the real and the imaginary parts each get PyTorch's notation and width,
chosen from that part's values alone (``tensor([ 0.5000+1.2500e+00j, -3.1000-1.0000e-03j])``)."""
from ._tensor_str import _Formatter


class ComplexFormatter:
    def __init__(self, values):
        self.real = _Formatter(values.real, True)
        self.imag = _Formatter(values.imag, True)
        self.width = self.real.width + self.imag.width + 1  # and the "j": what PyTorch allows an element per line

    def format(self, value):
        real = self.real.format(value.real)
        imag = (self.imag.format(value.imag) + "j").lstrip()
        return real + (imag if imag[0] in "+-" else "+" + imag)

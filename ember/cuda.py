"""``ember.cuda``: GPUs through CuPy, where a CUDA device and CuPy are installed."""
from . import _arraylib as B
from ._legacy import CUDA_TYPES as _T


def is_available():
    return B.cuda_module() is not None


def device_count():
    cp = B.cuda_module()
    return 0 if cp is None else cp.cuda.runtime.getDeviceCount()


def manual_seed(seed):
    """Seeds the CUDA generator (Ember draws GPU randoms from the device's own stream)."""
    B.manual_seed(seed)


manual_seed_all = manual_seed

FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor, ShortTensor, CharTensor, ByteTensor, BoolTensor = (
    _T[d] for d in (B.float32, B.float64, B.float16, B.int64, B.int32, B.int16, B.int8, B.uint8, B.bool))

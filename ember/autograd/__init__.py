"""Automatic differentiation: ``backward``, ``grad``, grad modes, custom Functions, gradcheck."""
from .._tensor import Tensor
from .anomaly_mode import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                        set_grad_enabled)
from .entry import backward, grad, tensor_backward
from .function import Function, once_differentiable
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph import Node, register_tensor_hook, retain_grad
from .variable import Variable

__all__ = ["backward", "grad", "Variable", "Function", "gradcheck", "gradgradcheck", "no_grad", "enable_grad",
           "set_grad_enabled", "inference_mode", "is_grad_enabled", "set_detect_anomaly", "detect_anomaly", "Node"]

# Tensor's autograd methods, attached here as the op families attach theirs (Tensor sits below autograd)
Tensor.backward = tensor_backward
Tensor.retain_grad = retain_grad
Tensor.register_hook = register_tensor_hook

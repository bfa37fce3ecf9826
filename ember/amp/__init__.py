"""``ember.amp``: PyTorch's ``torch.amp`` (autocast regions and loss scaling)."""
from .autocast_mode import (autocast, bfloat16, custom_bwd, custom_fwd, get_autocast_dtype, is_autocast_available,
                            is_autocast_enabled, set_autocast_dtype, set_autocast_enabled)
from .grad_scaler import GradScaler

__all__ = ["GradScaler", "autocast", "custom_bwd", "custom_fwd", "is_autocast_available"]

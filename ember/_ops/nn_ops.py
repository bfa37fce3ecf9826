"""Neural-network ops with fused forward and backward: linear, softmax, losses, conv, pooling."""

TENSOR_METHODS = {}
FUNCTIONS = {}

"""A walkthrough of PyTorch's hooks, as blog posts and tutorials teach them (2020-2024): forward hooks
that capture activations, a forward pre-hook that rescales the input, full backward hooks and a backward
pre-hook on modules, tensor hooks, state-dict hooks, and removing hooks by handle. Weights are set by
hand, so everything it prints is deterministic.
"""
import torch
import torch.nn as nn


def fill(model):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.linspace(-0.5, 0.5, p.numel()).reshape(p.shape))


def fmt(t):
    return "[" + ", ".join("{:.4f}".format(v) for v in t.flatten().tolist()) + "]"


model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
fill(model)
x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=True)

# forward hooks: capture what each layer produced
activations = {}


def save_activation(name):
    def hook(module, inputs, output):
        activations[name] = output.detach()
    return hook


handles = [model[i].register_forward_hook(save_activation(f"layer{i}")) for i in range(3)]

# a forward pre-hook that doubles the input of the first layer
handles.append(model[0].register_forward_pre_hook(lambda module, args: (args[0] * 2,)))

# full backward hooks see the gradients with respect to a module's inputs and outputs
grad_log = []


def log_grads(name):
    def hook(module, grad_input, grad_output):
        grad_log.append((name, [None if g is None else g.norm().item() for g in grad_input],
                         [g.norm().item() for g in grad_output]))
    return hook


handles.append(model[0].register_full_backward_hook(log_grads("first linear")))
handles.append(model[2].register_full_backward_hook(log_grads("last linear")))
# a backward pre-hook that halves the gradient arriving at the ReLU
handles.append(model[1].register_full_backward_pre_hook(lambda module, grad_output: (grad_output[0] * 0.5,)))

# a tensor hook on the input
x.register_hook(lambda grad: print("input grad seen by tensor hook:", fmt(grad)))

out = model(x)
print("output:", fmt(out))
for name in sorted(activations):
    print(name, "activation:", fmt(activations[name]))
out.sum().backward()
for name, gin, gout in grad_log:
    print(name, "grad_input norms:", ["{:.4f}".format(g) if g is not None else None for g in gin],
          "grad_output norms:", ["{:.4f}".format(g) for g in gout])
print("first weight grad:", fmt(model[0].weight.grad))

# state-dict hooks: add an entry when saving, report what is loaded
model.register_state_dict_post_hook(lambda module, sd, prefix, meta: sd.__setitem__("note", torch.tensor(1.0)))
state = model.state_dict()
print("state keys:", " ".join(state))
state.pop("note")
model.register_load_state_dict_post_hook(lambda module, keys: print("missing after load:", keys.missing_keys))
model.load_state_dict(state)

# removing the hooks restores the plain model
for h in handles:
    h.remove()
activations.clear()
grad_log.clear()
plain = model(x)
print("plain output:", fmt(plain))
print("hooks left:", len(activations), len(grad_log))
print("Output sum: {:.4f}".format(plain.sum().item()))

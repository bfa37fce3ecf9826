"""Coverage by name of torch.nn, torch.nn.functional, torch.optim and torch.optim.lr_scheduler.

    python -m benchmarks.nn_coverage

lists, for each namespace, how many of the installed PyTorch's public names Ember has, the names left
out on purpose (with the reason), and the names still missing.
"""
import inspect

import torch
import torch.nn
import torch.nn.functional
import torch.optim
import torch.optim.lr_scheduler

import ember

# Names Ember does not provide, and why. Everything else PyTorch has is either present or listed missing.
LEFT_OUT = {
    "quantization and sparse": ("Ember has no quantized or sparse tensors", [
        "SparseAdam", "FractionalMaxPool3d"]),
    "CUDA/graph capture only": ("Ember runs on NumPy (CuPy later): no CUDA graphs, no cuDNN RNN flattening", [
        "ScriptModule", "_CachedForwardFunction"]),
    "deprecated by PyTorch": ("kept out of new code; the modern spelling exists", [
        "RNNCellBase"]),
}
LEFT_OUT_NAMES = {name for _, names in LEFT_OUT.values() for name in names}


def public(module, kind):
    names = set()
    for name in dir(module):
        if name.startswith("_"):
            continue
        value = getattr(module, name)
        if inspect.ismodule(value):
            continue
        if kind == "classes" and not inspect.isclass(value):
            continue
        if kind == "functions" and not callable(value):
            continue
        if getattr(value, "__module__", "").startswith(("typing", "collections", "abc")):
            continue
        names.add(name)
    return names


def report(title, theirs, ours):
    have = sorted(theirs & ours)
    missing = sorted(theirs - ours - LEFT_OUT_NAMES)
    left_out = sorted((theirs - ours) & LEFT_OUT_NAMES)
    print(f"{title}: {len(have)}/{len(theirs)} names ({100 * len(have) / len(theirs):.0f}%)")
    if left_out:
        print(f"  left out on purpose: {', '.join(left_out)}")
    print(f"  missing: {', '.join(missing) if missing else 'none'}")
    return len(have), len(theirs)


def main():
    print(f"against torch {torch.__version__}")
    optim_theirs = {n for n in public(torch.optim, "classes") if issubclass(getattr(torch.optim, n),
                                                                             torch.optim.Optimizer)}
    sched = torch.optim.lr_scheduler
    sched_theirs = {n for n in public(sched, "classes") if getattr(getattr(sched, n), "__module__", "")
                    .startswith("torch.optim")}
    rows = [
        ("torch.nn", public(torch.nn, "classes"), public(ember.nn, "classes")),
        ("torch.nn.functional", {n for n in public(torch.nn.functional, "functions")
                                 if getattr(getattr(torch.nn.functional, n), "__module__", "") not in
                                 ("typing",) and not inspect.isclass(getattr(torch.nn.functional, n))},
         public(ember.nn.functional, "functions")),
        ("torch.optim", optim_theirs, public(ember.optim, "classes")),
        ("torch.optim.lr_scheduler", sched_theirs, public(ember.optim.lr_scheduler, "classes")),
    ]
    for title, theirs, ours in rows:
        report(title, theirs, ours)
    print("reasons for the names left out:")
    for group, (reason, names) in LEFT_OUT.items():
        print(f"  {group}: {reason} ({', '.join(names)})")


if __name__ == "__main__":
    main()

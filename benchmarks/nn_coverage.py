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
    "sparse tensors": ("Ember has no sparse tensors, so no sparse gradients", ["SparseAdam"]),
    "__torch_function__ dispatch": ("Ember has no __torch_function__ protocol; these are its internals", [
        "assert_int_or_pair", "boolean_dispatch", "handle_torch_function", "has_torch_function",
        "has_torch_function_unary", "has_torch_function_variadic"]),
    "GPU low-precision products": ("FP8 and grouped GEMM kernels of CUDA", ["grouped_mm", "scaled_grouped_mm",
                                                                           "scaled_mm"]),
    "multi-GPU": ("synchronises batch statistics across GPU processes", ["SyncBatchNorm"]),
    "legacy": ("deprecated or kept by PyTorch for old code only (Lua Torch, fairseq)", [
        "Container", "CrossMapLRN2d", "conv_tbc"]),
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
    sched_theirs = {n for n in public(sched, "classes") if getattr(sched, n).__module__ == sched.__name__}
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

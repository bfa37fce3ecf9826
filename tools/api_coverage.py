"""How much of PyTorch's API Ember has, by name: top-level functions, Tensor methods,
torch.special and torch.distributions, against the torch installed here.

    PYTHONPATH=. python tools/api_coverage.py [--missing]

A name counts as covered when Ember has an attribute of that name; names Ember leaves out on
purpose are counted apart, by the reason they are left out (listed in OUT_OF_SCOPE).
"""
import inspect
import re
import sys

import torch

import ember
import ember.distributions
import ember.special

# name patterns Ember leaves out on purpose, with the reason
OUT_OF_SCOPE = {
    "sparse, quantized and nested layouts (Ember tensors are dense)":
        r"sparse|quantiz|q_|^int_repr|^dequantize|coalesce|^to_dense|^to_mkldnn|^crow_|^col_|^ccol_|^row_"
        r"|^indices|^values|dense_dim|^smm|^hsmm|^dsmm|^sspaddmm|^saddmm|^hspmm|^spmm|^is_coalesced|nested"
        r"|^to_padded_tensor|_mask$|^fake_quant|^fused_moving|^choose_qparams",
    "vendor kernels and internal entry points (cudnn, miopen, mkldnn, fbgemm, native_*, batch_norm_*)":
        r"cudnn|miopen|mkldnn|fbgemm|^native_|^batch_norm_|^_|^is_vulkan|^vulkan|ipu|xla|mtia|maia|^is_mps|^is_xpu"
        r"|^xpu|^is_hpu|^is_meta|^is_mkldnn|^conv_tbc|^convolution$|^segment_reduce|^thread_safe",
    "TorchScript, symbolic shapes and compiler hooks":
        r"^sym_|^import_ir|^parse_|^merge_type|^unify_type|^fork$|^wait$|^vmap$|^while_loop|^cond$|^classproperty"
        r"|^compiled_with|typename|^get_file_path|^prepare_multiprocessing|^profiler_|^get_device_module"
        r"|^is_storage|^init_num_threads|^set_flush_denormal|^slice_inverse|^nonzero_static|hash_tensor"
        r"|^from_file|^register_post_accumulate|^module_load|^dim_order|^grad_dtype",
    "complex numbers and spectral/linear-algebra families (ember.linalg / ember.fft work)":
        r"complex|^conj|^real$|^imag$|^angle|^polar|^view_as_real|^resolve_conj|^resolve_neg|^is_conj|^is_neg"
        r"|^adjoint|^mH$|^H$|^cfloat|^cdouble|^chalf|^stft|^istft|window$|^fft|^det$|^logdet|^slogdet|^svd"
        r"|^eig|^symeig|^qr$|^lu|^cholesky|^inverse|^pinverse|^solve|^lstsq|^matrix_|^triangular_solve|^geqrf"
        r"|^orgqr|^ormqr|^lobpcg|^pca_lowrank|^svd_lowrank|^nuclear_norm|^frobenius_norm|^cross$|^vander",
    "storage, memory pinning and sharing (NumPy arrays own their memory)":
        r"storage|^pin_memory|^is_pinned|^share_memory|^is_shared|^record_stream|^set_$|^is_set_to|^resize"
        r"|^data_ptr|^const_data_ptr|^untyped|^from_dlpack|^to_dlpack|^frombuffer|^new$|^apply_|^map2?_$",
    "autocast internals (torch.autocast is covered)":
        r"autocast",
}
_out = [(reason, re.compile(p)) for reason, p in OUT_OF_SCOPE.items()]


def _reason(name):
    for reason, pattern in _out:
        if pattern.search(name):
            return reason
    return None


def _public(names):
    return sorted(n for n in names if not n.startswith("_"))


def namespaces():
    top = _public(n for n in dir(torch) if callable(getattr(torch, n)) and not inspect.isclass(getattr(torch, n))
                  and not inspect.ismodule(getattr(torch, n)))
    methods = _public(dir(torch.Tensor))
    special = [n for n in _public(dir(torch.special)) if n not in ("torch", "Tensor", "common_args",
                                                                   "multi_dim_common")]
    distributions = _public(torch.distributions.__all__)
    return [("torch (top-level functions)", top, ember), ("torch.Tensor (methods and attributes)", methods,
                                                         ember.Tensor),
            ("torch.special", special, ember.special), ("torch.distributions", distributions, ember.distributions)]


def report(show_missing):
    print(f"Ember's API coverage by name against torch {torch.__version__}")
    for title, names, target in namespaces():
        have = [n for n in names if hasattr(target, n)]
        left = [n for n in names if not hasattr(target, n)]
        excused = [n for n in left if _reason(n)]
        missing = [n for n in left if not _reason(n)]
        in_scope = len(names) - len(excused)
        print(f"\n{title}: {len(have)}/{len(names)} names ({100 * len(have) / len(names):.0f}%); "
              f"{len(have)}/{in_scope} of those in scope ({100 * len(have) / max(in_scope, 1):.0f}%); "
              f"{len(excused)} left out on purpose")
        if show_missing and missing:
            print("  missing: " + " ".join(missing))
    print("\nLeft out on purpose:")
    for reason in OUT_OF_SCOPE:
        print(f"  - {reason}")


if __name__ == "__main__":
    report("--missing" in sys.argv)

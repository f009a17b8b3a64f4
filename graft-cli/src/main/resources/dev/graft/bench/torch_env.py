"""What a PyTorch peer runs with, for `graft bench`: versions, build configuration, thread counts, the BLAS library
actually loaded and the environment variables that steer threads and kernels. Prints one line `GRAFT-TORCH-ENV {json}`.
Thread counts are read before anything sets them: they are the peer's defaults under the environment it was given.
"""
import ctypes
import json
import os
import platform
import sys

import torch

ENV_PREFIXES = ("OMP_", "GOMP_", "KMP_", "MKL_", "OPENBLAS_", "GOTO", "BLIS_", "ATEN_", "DNNL_", "ONEDNN_")


def loaded_libraries(keys):
    found = []
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6:
                name = os.path.basename(parts[-1])
                if any(k in name for k in keys) and parts[-1] not in found:
                    found.append(parts[-1])
    return [os.path.realpath(p) for p in found]


class _DlInfo(ctypes.Structure):
    _fields_ = [("fname", ctypes.c_char_p), ("fbase", ctypes.c_void_p), ("sname", ctypes.c_char_p), ("saddr", ctypes.c_void_p)]


def sgemm_provider():
    """The library whose sgemm_ libtorch calls: dlsym through libtorch_cpu's own dependency order, then dladdr.

    libtorch may load several BLAS libraries (Debian's links both libblas.so.3 and libopenblas.so.0); the first in its
    load order that defines sgemm_ wins, and that is the BLAS its float32 matrix products run on.
    """
    torch_cpu = [p for p in loaded_libraries(("libtorch_cpu",))]
    if not torch_cpu:
        return None
    try:
        address = ctypes.cast(ctypes.CDLL(torch_cpu[0]).sgemm_, ctypes.c_void_p).value
        info = _DlInfo()
        if ctypes.CDLL(None).dladdr(ctypes.c_void_p(address), ctypes.byref(info)) == 0 or not info.fname:
            return None
        return os.path.realpath(info.fname.decode())
    except (AttributeError, OSError):
        return None


def openblas_info(paths):
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        get_config = getattr(lib, "openblas_get_config", None)
        if get_config is None:
            continue
        get_config.restype = ctypes.c_char_p
        out = {"library": path, "config": get_config().decode()}
        core = getattr(lib, "openblas_get_corename", None)
        if core is not None:
            core.restype = ctypes.c_char_p
            out["core"] = core().decode()
        threads = getattr(lib, "openblas_get_num_threads", None)
        if threads is not None:
            out["threads"] = threads()
        parallel = getattr(lib, "openblas_get_parallel", None)
        if parallel is not None:
            out["parallel"] = {0: "serial", 1: "pthreads", 2: "openmp"}.get(parallel(), str(parallel()))
        return out
    return None


def main():
    intra = torch.get_num_threads()
    inter = torch.get_num_interop_threads()
    blas = loaded_libraries(("blas", "blis", "lapack", "mkl", "atlas"))
    provider = sgemm_provider()
    info = {
        "python": sys.executable,
        "python_version": platform.python_version(),
        "torch_version": torch.__version__,
        "torch_file": torch.__file__,
        "config": torch.__config__.show(),
        "parallel_info": torch.__config__.parallel_info(),
        "default_intra_op_threads": intra,
        "default_inter_op_threads": inter,
        "mkldnn_available": torch.backends.mkldnn.is_available(),
        "mkldnn_enabled": bool(torch.backends.mkldnn.enabled),
        "blas_libraries": blas,
        "sgemm_provider": provider,
        "openmp_libraries": loaded_libraries(("gomp", "libiomp", "libomp")),
        "openblas": openblas_info(([provider] if provider else []) + blas),
        "env": {k: v for k, v in sorted(os.environ.items()) if k.startswith(ENV_PREFIXES)},
    }
    print("GRAFT-TORCH-ENV " + json.dumps(info), flush=True)


if __name__ == "__main__":
    main()

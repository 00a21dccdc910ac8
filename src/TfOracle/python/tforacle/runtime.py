"""Starts TensorFlow the one way the oracle uses it: quiet, single-threaded, deterministic, both Kerases loaded."""
from __future__ import annotations

import os
import platform
from functools import cache, lru_cache
from typing import Any

SEED = 1234
# Logical CPU devices, so tf.distribute.MirroredStrategy can run real replicas (args.replicas) on one CPU.
LOGICAL_CPUS = 2
DETERMINISM = ("tf.config.experimental.enable_op_determinism(); intra_op_parallelism_threads=1; "
               "inter_op_parallelism_threads=1; eager execution; oneDNN as TF defaults; "
               f"{LOGICAL_CPUS} logical CPU devices (MirroredStrategy replicas for args.replicas)")
RECORDER = "tforacle 0.2.0"


@lru_cache(maxsize=1)
def tensorflow() -> Any:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ.pop("TF_USE_LEGACY_KERAS", None)   # we import both generations by name
    import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * LOGICAL_CPUS)
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()
    import keras  # noqa: F401  (imported here so the first case does not pay for it)
    import tf_keras  # noqa: F401
    return tf


# CPU features that select which kernels TF runs, and so the order its sums round in.
KERNEL_FLAGS = ("sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c", "avx_vnni", "avx512f", "avx512dq", "avx512bw",
                "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8",
                "amx_fp16")


def _cpuinfo() -> dict[str, str]:
    """The first processor's entries of /proc/cpuinfo (empty where there is none)."""
    info: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    break
                key, _, value = line.partition(":")
                info[key.strip()] = value.strip()
    except OSError:
        pass
    return info


@lru_cache(maxsize=1)
def cpu() -> dict[str, Any]:
    """This CPU as provenance records it: vendor, model and the kernel-selecting ISA flags it has."""
    info = _cpuinfo()
    flags = set(info.get("flags", "").split())
    return {"cpu": info.get("model name") or platform.processor() or "unknown",
            "cpu_vendor": info.get("vendor_id", "unknown"),
            "cpu_flags": [f for f in KERNEL_FLAGS if f in flags]}


def same_cpu(recorded: dict[str, Any], other: dict[str, Any] | None = None) -> bool:
    """Whether a recording's provenance names the same CPU as `other` (default: this machine's), so that TF's
    answers must match it bit for bit."""
    return all(recorded.get(key) == value for key, value in (other or cpu()).items())


@lru_cache(maxsize=1)
def provenance() -> dict[str, Any]:
    tf = tensorflow()
    import keras
    import mpmath
    import numpy
    import tf_keras
    return {"tensorflow": tf.__version__, "keras": keras.__version__, "tf_keras": tf_keras.__version__,
            "numpy": numpy.__version__, "mpmath": mpmath.__version__,
            "python": platform.python_version(), "platform": f"{platform.system()}-{platform.machine()}",
            **cpu(), "recorder": RECORDER, "seed": SEED, "determinism": DETERMINISM}


@cache
def mirrored_strategy(replicas: int) -> Any:
    if not isinstance(replicas, int) or isinstance(replicas, bool) or not 1 <= replicas <= LOGICAL_CPUS:
        raise ValueError(f"args.replicas must be an integer from 1 to {LOGICAL_CPUS}, got {replicas!r}")
    return tensorflow().distribute.MirroredStrategy([f"/cpu:{i}" for i in range(replicas)])

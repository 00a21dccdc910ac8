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
RECORDER = "tforacle 0.1.0"


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


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


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
            "cpu": _cpu_model(), "recorder": RECORDER, "seed": SEED, "determinism": DETERMINISM}


@cache
def mirrored_strategy(replicas: int) -> Any:
    if not isinstance(replicas, int) or isinstance(replicas, bool) or not 1 <= replicas <= LOGICAL_CPUS:
        raise ValueError(f"args.replicas must be an integer from 1 to {LOGICAL_CPUS}, got {replicas!r}")
    return tensorflow().distribute.MirroredStrategy([f"/cpu:{i}" for i in range(replicas)])

"""`distributed`: the loss and compute_average_loss inside a 2-replica MirroredStrategy (`args.replicas`).

Keras 2 refuses "auto"/"sum_over_batch_size" under a strategy outside fit; Keras 3 (3.8+) divides its mean-like
reductions by the replica count itself; compute_average_loss without global_batch_size divides by B * replicas.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..case import Case, Input
from ..profiles import Profile
from . import Ids, arr

REPLICAS = 2


def cases(profile: Profile, rng: np.random.Generator) -> Iterator[Case]:
    ids = Ids(profile, "distributed")
    for dtype in ("float32", "float64"):
        t, p = arr(rng.standard_normal((4, 3)), dtype), arr(rng.standard_normal((4, 3)), dtype)
        for reduction in profile.reductions:
            for weighted in (False, True):
                inputs: dict[str, Input] = {"y_true": t, "y_pred": p}
                if weighted:
                    inputs["sample_weight"] = arr(rng.uniform(0, 3, 4), "float32")
                args: dict[str, Any] = {"reduction": reduction, "replicas": REPLICAS}
                yield ids.case("loss", "loss", args, inputs, ["replicas-2"] + (["sw-per-sample"] if weighted else []))
        losses = arr(rng.uniform(-1, 1, (4, 2)), dtype)
        for args in ({"replicas": REPLICAS}, {"replicas": REPLICAS, "global_batch_size": 8}):
            for weighted in (False, True):
                inputs = {"per_example_loss": losses}
                if weighted:
                    inputs["sample_weight"] = arr(rng.uniform(0, 3, (4, 2)), "float32")
                yield ids.case("average-loss", "compute_average_loss", dict(args), inputs, ["replicas-2"])

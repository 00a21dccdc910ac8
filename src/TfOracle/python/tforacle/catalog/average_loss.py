"""`average-loss`: tf.nn.compute_average_loss on per-example losses that this profile's loss really produced."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..case import Case, Input, Scalar
from ..profiles import Profile
from ..runner import run
from . import Ids, arr

COUNT = 120


def per_example_losses(profile: Profile, rng: np.random.Generator, rank: int, dtype: str) -> np.ndarray:
    """CosineSimilarity(reduction="none") of random inputs of rank+1, computed by TF itself."""
    dims = [int(rng.integers(0 if rng.random() < 0.1 else 1, 9)) for _ in range(rank)] + [int(rng.integers(1, 6))]
    args = {"reduction": "none"} | ({"dtype": dtype} if profile.name == "keras3" else {})
    source = Case("source", "average-loss", "loss", dtype, args,
                  {"y_true": arr(rng.standard_normal(dims), dtype), "y_pred": arr(rng.standard_normal(dims), dtype)})
    outcome = run(source, profile)
    assert outcome.value is not None, outcome.error
    return outcome.value


def cases(profile: Profile, rng: np.random.Generator) -> Iterator[Case]:
    ids = Ids(profile, "average-loss")
    for _ in range(COUNT):
        rank = int(rng.integers(1, 4))
        dtype = str(rng.choice(["float32", "float32", "float64", "float16"]))
        losses = per_example_losses(profile, rng, rank, dtype)
        inputs: dict[str, Input] = {"per_example_loss": losses}
        tags = [f"rank-{rank}"]
        u = rng.random()
        if u < 0.15:
            inputs["sample_weight"] = Scalar(float(np.round(rng.uniform(0, 3), 3)))
            tags.append("sw-python-scalar")
        elif u < 0.35:
            inputs["sample_weight"] = arr(rng.uniform(0, 3, losses.shape[:1]), "float32")
            tags.append("sw-per-sample")
        elif u < 0.5:
            inputs["sample_weight"] = arr(rng.uniform(0, 3, losses.shape), "float32")
            tags.append("sw-per-element")
        elif u < 0.6:
            inputs["sample_weight"] = arr(rng.uniform(0, 3, losses.shape + (1,)), "float32")
            tags.append("sw-trailing-1")
        args: dict[str, Any] = {}
        g = rng.random()
        if g < 0.4:
            args["global_batch_size"] = int(losses.shape[0] * int(rng.integers(1, 4)))
            tags.append("global-batch-size")
        elif g < 0.5:
            args["global_batch_size"] = 0
            tags.append("global-batch-size-zero")
        else:
            tags.append("global-batch-size-omitted")
        yield ids.case("random", "compute_average_loss", args, inputs, tags)

"""`config`: get_config() of the loss and the metric for several argument sets (what TF returns, as is)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..case import Case
from ..profiles import Profile
from . import Ids

LOSS_ARGS: list[dict[str, Any]] = [
    {}, {"axis": 1}, {"axis": 2, "reduction": "sum", "name": "cosine_loss"}, {"reduction": "none"},
    {"axis": [1, 2]}, {"axis": -2, "name": "seq"},
]
KERAS3_LOSS_ARGS: list[dict[str, Any]] = [
    {"dtype": "bfloat16"}, {"reduction": "mean_with_sample_weight", "axis": 0}, {"reduction": None},
]
METRIC_ARGS: list[dict[str, Any]] = [
    {}, {"axis": 2, "name": "my_cos", "dtype": "int32"}, {"axis": 1}, {"dtype": "float64"}, {"axis": [1, 2]},
]


def cases(profile: Profile, rng: np.random.Generator) -> Iterator[Case]:
    ids = Ids(profile, "config")
    extra = KERAS3_LOSS_ARGS if profile.name == "keras3" else [{"reduction": "auto"}]
    for args in LOSS_ARGS + extra:
        yield ids.case("loss", "config", {"target": "loss", **args}, {}, [])
    for args in METRIC_ARGS:
        yield ids.case("metric", "config", {"target": "metric", **args}, {}, [])

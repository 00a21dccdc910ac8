"""The recorded cases, one module per group (`record.GROUPS` lists them in recording order). Each module's
`cases(profile, rng)` yields the group's cases spelled in that profile's own API."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..case import Case, Input, Step
from ..profiles import Profile
from ..tensors import DTYPES, dtype_of


class Ids:
    """Hands out `<profile>/<group>/<sub>/<nnnnnn>` ids, numbered per (group, sub)."""

    def __init__(self, profile: Profile, group: str):
        self.profile, self.group = profile, group
        self.counts: dict[str, int] = {}

    def case(self, sub: str, api: str, args: dict[str, Any], inputs: Mapping[str, Input], tags: list[str],
             steps: list[Step] | None = None) -> Case:
        n = self.counts.get(sub, 0)
        self.counts[sub] = n + 1
        y_pred = inputs.get("y_pred", inputs.get("per_example_loss"))
        if y_pred is None and steps:
            y_pred = next(s.inputs["y_pred"] for s in steps if s.inputs)
        dtype = dtype_of(y_pred).name if isinstance(y_pred, np.ndarray) else ""
        return Case(id=f"{self.profile.name}/{self.group}/{sub}/{n:06d}", group=self.group, api=api,
                    dtype=dtype, args=args, inputs=dict(inputs), steps=steps, tags=tags)


def arr(values: Any, dtype: str) -> np.ndarray:
    """The values (Python numbers, lists or float64 arrays) rounded once to `dtype`."""
    return np.asarray(values).astype(DTYPES[dtype].numpy)


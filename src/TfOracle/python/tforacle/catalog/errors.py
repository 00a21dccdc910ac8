"""`errors`: calls that TensorFlow rejects; the fixtures keep the exception class and first message line."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from ..case import Case, Input
from ..profiles import Profile
from . import Ids, arr


def cases(profile: Profile, rng: np.random.Generator) -> Iterator[Case]:
    ids = Ids(profile, "errors")
    t23, p23 = arr(rng.standard_normal((2, 3)), "float32"), arr(rng.standard_normal((2, 3)), "float32")

    def loss(sub: str, inputs: Mapping[str, Input], args: dict[str, Any] | None = None, api: str = "loss") -> Case:
        return ids.case(sub, api, args or {}, inputs, [sub])

    pair = {"y_true": t23, "y_pred": p23}
    yield loss("shape-mismatch", {"y_true": t23, "y_pred": arr(rng.standard_normal((2, 4)), "float32")})
    yield loss("shape-mismatch", {"y_true": t23, "y_pred": arr(rng.standard_normal((3, 3)), "float32")},
               {"reduction": "none"})
    yield loss("shape-mismatch", {"y_true": t23, "y_pred": arr(rng.standard_normal((2, 4)), "float32")},
               {"axis": 1}, api="function")
    yield loss("axis-out-of-range", pair, {"axis": 2})
    yield loss("axis-out-of-range", pair, {"axis": -3})
    yield loss("axis-out-of-range", pair, {"axis": 5}, api="function")
    yield loss("axis-out-of-range", pair, {"axis": [0, 2]})
    yield loss("invalid-reduction", pair, {"reduction": "bogus"})
    yield loss("invalid-reduction", pair, {"reduction": "mean" if profile.name == "keras2" else "auto"})
    yield loss("invalid-reduction", pair, {"reduction": "SUM"})
    yield loss("integer-inputs", {"y_true": arr([[1, 2], [3, 4]], "int64"), "y_pred": arr([[1, 0], [0, 1]], "int64")},
               api="function")
    if profile.name == "keras2":   # Keras 3's loss class casts integers to its float dtype and succeeds
        yield loss("integer-inputs", {"y_true": arr([[1, 2], [3, 4]], "int64"),
                                      "y_pred": arr([[1, 0], [0, 1]], "int64")})
        yield loss("mixed-dtypes", {"y_true": arr(t23, "float64"), "y_pred": p23})
    yield loss("weights-do-not-broadcast", {**pair, "sample_weight": arr([1.0, 2.0, 3.0], "float32")})
    yield loss("weights-do-not-broadcast", {**pair, "sample_weight": arr(np.ones((2, 3, 5)), "float32")})
    yield loss("weights-do-not-broadcast", {"y_true": arr(rng.standard_normal((2, 3, 4)), "float32"),
                                            "y_pred": arr(rng.standard_normal((2, 3, 4)), "float32"),
                                            "sample_weight": arr(np.ones((2, 3, 2)), "float32")})
    yield loss("unknown-argument", pair, {"dtype": "float64"} if profile.name == "keras2" else {"from_logits": True})

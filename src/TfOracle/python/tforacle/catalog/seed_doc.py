"""`seed-doc`: the examples of the Keras documentation (class and function docstrings), as the docs call them."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..case import Case
from ..profiles import Profile
from . import Ids, arr

# The docs pass Python lists; numpy arrays take the same path (no tensor-only squeeze step in Keras 2).
AS_DOCS = {"input_kind": "numpy"}


def cases(profile: Profile, rng: np.random.Generator) -> Iterator[Case]:
    ids = Ids(profile, "seed-doc")
    y_true = arr([[0., 1.], [1., 1.]], "float32")
    y_pred = arr([[1., 0.], [1., 1.]], "float32")
    pair = {"y_true": y_true, "y_pred": y_pred}
    yield ids.case("class", "loss", {"axis": 1, **AS_DOCS}, pair, ["doc-default-reduction"])
    yield ids.case("class", "loss", {"axis": 1, **AS_DOCS},
                   {**pair, "sample_weight": arr([0.8, 0.2], "float32")}, ["doc-sample-weight"])
    yield ids.case("class", "loss", {"axis": 1, "reduction": "sum", **AS_DOCS}, pair, ["doc-sum"])
    yield ids.case("class", "loss", {"axis": 1, "reduction": "none", **AS_DOCS}, pair, ["doc-none"])
    yield ids.case("function", "function", {"axis": 1},
                   {"y_true": arr([[0., 1.], [1., 1.], [1., 1.]], "float32"),
                    "y_pred": arr([[1., 0.], [1., 1.], [-1., -1.]], "float32")}, ["doc-function"])

"""`keras-tests`: every CosineSimilarity loss case of the Keras unit tests (tf_keras/losses_test.py for keras2,
keras/src/losses/losses_test.py for keras3), with the same data and call forms."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..case import Case, Scalar
from ..profiles import Profile
from . import Ids, arr

Y_TRUE = [[1, 9, 2], [-5, -2, 6]]
Y_PRED = [[4, 8, 12], [8, 1, 3]]


def cases(profile: Profile, rng: np.random.Generator) -> Iterator[Case]:
    ids = Ids(profile, "keras-tests")
    # tf_keras tests hand tf.constant inputs; the Keras 3 tests hand numpy arrays.
    kind = {} if profile.name == "keras2" else {"input_kind": "numpy"}
    pair = {"y_true": arr(Y_TRUE, "float32"), "y_pred": arr(Y_PRED, "float32")}
    yield ids.case("test_unweighted", "loss", {**kind}, pair, [])
    yield ids.case("test_scalar_weighted", "loss", {**kind}, {**pair, "sample_weight": Scalar(2.3)}, [])
    yield ids.case("test_sample_weighted", "loss", {**kind}, {**pair, "sample_weight": arr([1.2, 3.4], "float32")}, [])
    yield ids.case("test_timestep_weighted", "loss", {**kind},
                   {"y_true": arr(Y_TRUE, "float32").reshape(2, 3, 1),
                    "y_pred": arr(Y_PRED, "float32").reshape(2, 3, 1),
                    "sample_weight": arr([3, 6, 5, 0, 4, 2], "float32").reshape(2, 3)}, [])
    yield ids.case("test_zero_weighted", "loss", {**kind}, {**pair, "sample_weight": Scalar(0)}, [])
    yield ids.case("test_axis", "loss", {"axis": 1, **kind}, pair, [])
    if profile.name == "keras3":
        yield ids.case("test_dtype_arg", "loss", {"dtype": "bfloat16", **kind}, pair, [])


# The values the Keras tests assert (decimal=3), keyed by the case's sub name; checked by the test suite.
DOCUMENTED = {
    "test_unweighted": -0.18721907, "test_scalar_weighted": -0.43060386, "test_sample_weighted": 0.15599198,
    "test_timestep_weighted": -2.0, "test_zero_weighted": 0.0, "test_axis": -0.18721907,
}

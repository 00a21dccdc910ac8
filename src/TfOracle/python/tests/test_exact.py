"""The high-precision formula against numbers the Keras sources document, independent of TensorFlow."""
from __future__ import annotations

import numpy as np
import pytest

from tforacle.case import Case, Scalar
from tforacle.profiles import PROFILES


def loss(profile: str, y_true, y_pred, input_dtype: str = "float32", **args) -> np.ndarray:
    """The exact loss; Keras 3 computes in its `dtype` arg (float32 by default), Keras 2 in the input dtype."""
    weight = args.pop("sample_weight", None)
    if profile == "keras3":
        args.setdefault("dtype", input_dtype)
    inputs = {"y_true": np.asarray(y_true, input_dtype), "y_pred": np.asarray(y_pred, input_dtype)}
    if weight is not None:
        inputs["sample_weight"] = weight
    return PROFILES[profile].exact(Case("t", "unit", "loss", input_dtype, {"reduction": "none", **args}, inputs))


@pytest.mark.parametrize("profile, y_pred, expected", [
    # keras3-semantics.md §1b "small-vector effect": Keras 2 scales by 1e6 below norm 1e-6, Keras 3 by 1e7 below 1e-7
    ("keras2", [[3e-7, 4e-7]], -0.3), ("keras3", [[3e-7, 4e-7]], -0.6),
    ("keras2", [[3e-8, 4e-8]], -0.03), ("keras3", [[3e-8, 4e-8]], -0.3),
])
def test_small_vector_effect(profile: str, y_pred, expected: float) -> None:
    np.testing.assert_allclose(loss(profile, [[1.0, 0.0]], y_pred, "float64"), [expected], rtol=1e-12)


@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_zero_vectors(profile: str) -> None:
    assert loss(profile, [[0.0, 0.0]], [[1.0, 2.0]]).tolist() == [0.0]
    # float16 cannot hold either clamp (1e-12 underflows to 0, 1e7 overflows to inf): 0 * inf = NaN
    assert np.isnan(loss(profile, [[0.0, 0.0]], [[1.0, 2.0]], "float16")).all()


def test_keras3_loss_computes_in_float32_by_default() -> None:
    """Keras 3's loss class casts to floatx, so float16 zero vectors stay 0 unless dtype="float16" is passed."""
    inputs = {"y_true": np.zeros((1, 2), "float16"), "y_pred": np.ones((1, 2), "float16")}
    case = Case("t", "unit", "loss", "float16", {"reduction": "none"}, inputs)
    assert PROFILES["keras3"].exact(case).tolist() == [0.0]


def test_keras_unit_test_rows() -> None:
    """losses_test.py per-row cosines 0.72048802 and -0.34604988."""
    got = loss("keras2", [[1, 9, 2], [-5, -2, 6]], [[4, 8, 12], [8, 1, 3]], "float64")
    np.testing.assert_allclose(got, [-100 / np.sqrt(86 * 224), 24 / np.sqrt(65 * 74)], rtol=1e-15)


def test_weight_rank_rules_differ() -> None:
    """(N,) weights over (N,T) losses: Keras 2 expands them to (N,1); Keras 3 broadcasts against T."""
    t = np.ones((2, 3, 4))
    w = np.asarray([1.0, 3.0], "float32")
    k2 = loss("keras2", t, t, sample_weight=w)
    np.testing.assert_allclose(k2, [[-1, -1, -1], [-3, -3, -3]], rtol=1e-15)
    with pytest.raises(ValueError):
        loss("keras3", t, t, sample_weight=w)


def test_keras2_python_float_weight_goes_through_float32() -> None:
    got = loss("keras2", [[1.0, 0.0]], [[1.0, 0.0]], "float64", sample_weight=Scalar(2.175))
    assert got.tolist() == [-float(np.float32(2.175))]
    got3 = loss("keras3", [[1.0, 0.0]], [[1.0, 0.0]], "float64", sample_weight=Scalar(2.175))
    # squeeze_or_expand_to_same_rank squeezes the (1,) losses against the 0-d weight: "none" gives shape ()
    assert got3.shape == () and got3.tolist() == -2.175


def test_keras3_mean_with_sample_weight_divides_by_weight_sum() -> None:
    got = loss("keras3", [[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, -1.0]], "float64",
               reduction="mean_with_sample_weight", sample_weight=np.asarray([3.0, 1.0]))
    assert got.tolist() == pytest.approx(-(3 - 1) / 4)

"""Keras masks on y_pred (`inputs.mask`): each generation's rule in the exact formula, against numbers derived by
hand and against TensorFlow itself; the schema and the validator for the new input.

Hand-derived inputs used throughout (float64, so the numbers below are the float64 roundings of exact values):
    y_true = [[1, 0], [0, 1], [1, 1], [3, 4]]
    y_pred = [[1, 0], [0, -1], [1, 0], [4, 3]]
    per-sample cosines 1, -1, 1/sqrt(2), 24/25, so the losses (-cosine) are
    l = [-1, 1, -0.70710678118654752, -0.96]
    mask = [True, False, True, False]: valid = 2 of total = 4 entries.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tforacle.case import Case, CaseError, Outcome, Scalar, question_from_json
from tforacle.catalog import mask as mask_catalog
from tforacle.oracle import add_references
from tforacle.profiles import PROFILES
from tforacle.store import FixtureWriter
from tforacle.validate import validate

Y_TRUE = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [3.0, 4.0]])
Y_PRED = np.array([[1.0, 0.0], [0.0, -1.0], [1.0, 0.0], [4.0, 3.0]])
MASK = np.array([True, False, True, False])
HALF_SQRT2 = 0.7071067811865476
# l[0] + l[2] = -1 - 1/sqrt(2), the sum over the valid entries
VALID_SUM = -1.7071067811865475


def case(profile: str, reduction: Any, mask: np.ndarray | None = MASK, weight: Any = None,
         api: str = "loss") -> Case:
    args: dict[str, Any] = {"reduction": reduction}
    if profile == "keras3":
        args["dtype"] = "float64"   # Keras 3 would cast to float32 by default
    inputs: dict[str, Any] = {"y_true": Y_TRUE, "y_pred": Y_PRED}
    if mask is not None:
        inputs["mask"] = mask
    if weight is not None:
        inputs["sample_weight"] = weight
    return Case(f"{profile}/test/mask", "mask", api, "float64", args, inputs)


def exact(profile: str, reduction: Any, mask: np.ndarray | None = MASK, weight: Any = None) -> np.ndarray:
    return PROFILES[profile].exact(case(profile, reduction, mask, weight))


def tf_value(profile: str, reduction: Any, mask: np.ndarray | None = MASK, weight: Any = None) -> np.ndarray:
    from tforacle.runner import run
    outcome = run(case(profile, reduction, mask, weight), PROFILES[profile])
    assert outcome.error is None, outcome.error
    assert outcome.value is not None
    return outcome.value


# ---- the exact formula (no TensorFlow) ------------------------------------------------------------------------

def test_all_masked_batch_exact() -> None:
    """Keras 2 scales valid entries by total/valid = 4/0 = inf: every entry is 0 * inf = NaN, so its mean-like
    reductions give NaN; Keras 3 uses divide_no_nan(4, 0) = 0 inside a where: 0 for every reduction."""
    none = np.zeros(4, bool)
    for reduction in ("auto", "sum_over_batch_size"):
        assert np.isnan(exact("keras2", reduction, none))
    assert exact("keras2", "sum", none) == 0.0
    np.testing.assert_array_equal(exact("keras2", "none", none), np.zeros(4))
    for reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight", "sum"):
        assert exact("keras3", reduction, none) == 0.0
    np.testing.assert_array_equal(exact("keras3", None, none), np.zeros(4))


@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_random_mask_against_hand_numbers(profile: str) -> None:
    # mean-like: the valid entries weigh total/valid = 4/2 = 2, the sum then divides by 4: (-1 - 1/sqrt 2) / 2
    mean = VALID_SUM / 2
    assert exact(profile, "sum_over_batch_size").tolist() == pytest.approx(mean, rel=1e-15)
    assert exact(profile, "sum").tolist() == pytest.approx(VALID_SUM, rel=1e-15)
    # none: masked entries are multiplied by 0
    np.testing.assert_allclose(exact(profile, "none"), [-1.0, 0.0, -HALF_SQRT2, 0.0], rtol=1e-15)
    # weights [1, 2, 3, 4] times the mask scale 2: (1 * -1 + 3 * -1/sqrt 2) * 2 / 4 = (-1 - 3/sqrt 2) / 2
    weight = np.array([1.0, 2.0, 3.0, 4.0])
    assert exact(profile, "sum_over_batch_size", weight=weight).tolist() == pytest.approx(
        (-1 - 3 * HALF_SQRT2) / 2, rel=1e-15)
    if profile == "keras3":
        # mean_with_sample_weight: sum(l * w * m) / sum(w * m) = (-1 - 3/sqrt 2) / (1 + 3)
        assert exact(profile, "mean_with_sample_weight", weight=weight).tolist() == pytest.approx(
            (-1 - 3 * HALF_SQRT2) / 4, rel=1e-15)
        assert exact(profile, "mean_with_sample_weight").tolist() == pytest.approx(mean, rel=1e-15)


@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_mask_versus_zero_one_weights(profile: str) -> None:
    """The mask is the 0/1 weight for sum, none (and Keras 3's mean_with_sample_weight, whose divisor is the
    weight's sum either way); for the mean-like reductions it is not: the mask divides by the 2 valid entries,
    the weights by all 4 ((-1 - 1/sqrt 2) / 2 against (-1 - 1/sqrt 2) / 4)."""
    weights = MASK.astype(np.float64)
    same = ["sum", "none"] + (["mean_with_sample_weight", None] if profile == "keras3" else [])
    for reduction in same:
        np.testing.assert_array_equal(exact(profile, reduction), exact(profile, reduction, None, weights))
    mean_like = ["auto", "sum_over_batch_size"] if profile == "keras2" else ["sum_over_batch_size", "mean"]
    for reduction in mean_like:
        assert exact(profile, reduction).tolist() == pytest.approx(VALID_SUM / 2, rel=1e-15)
        assert exact(profile, reduction, None, weights).tolist() == pytest.approx(VALID_SUM / 4, rel=1e-15)


def test_mask_shape_rules_differ() -> None:
    """A (B,) mask on (B, T) losses: Keras 2 expands it to (B, 1) and masks whole sequences; Keras 3 leaves it and
    the product does not broadcast. A (T,) mask: the other way round."""
    t = np.ones((2, 3, 2))
    batch_only = Case("t", "mask", "loss", "float64", {"reduction": "none"},
                      {"y_true": t, "y_pred": t, "mask": np.array([True, False])})
    np.testing.assert_array_equal(PROFILES["keras2"].exact(batch_only), [[-1, -1, -1], [0, 0, 0]])
    with pytest.raises(ValueError):
        PROFILES["keras3"].exact(batch_only)
    steps_only = Case("t", "mask", "loss", "float64", {"reduction": "none"},
                      {"y_true": t, "y_pred": t, "mask": np.array([True, False, True])})
    np.testing.assert_array_equal(PROFILES["keras3"].exact(steps_only), [[-1, 0, -1], [-1, 0, -1]])
    with pytest.raises(ValueError):
        PROFILES["keras2"].exact(steps_only)


def test_keras2_python_float_weight_with_mask() -> None:
    """apply_mask runs tf.cast(2.175, float64): the Python float becomes float32 first, as without a mask."""
    got = exact("keras2", "sum", weight=Scalar(2.175))
    assert got.tolist() == pytest.approx(VALID_SUM * float(np.float32(2.175)), rel=1e-15)


# ---- the catalog ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_mask_group_covers_the_issue(profile: str) -> None:
    rng = np.random.default_rng(0)
    cases = list(mask_catalog.cases(PROFILES[profile], rng))
    assert len(cases) >= 120
    assert all(c.api == "loss" and c.inputs["mask"].dtype == np.bool_ for c in cases)
    tags = {t for c in cases for t in c.tags}
    for tag in ("mask-all-true", "mask-all-false", "mask-random", "mask-one-valid", "zero-rows", "sw-python-scalar",
                "sw-0d-tensor", "sw-per-sample", "sw-trailing-1", "sw-rank-lower", "sw-broadcast", "sw-zeros",
                "sw-negative", "mask-y-pred-shape", "mask-incompatible", *(f"loss-rank-{r}" for r in range(5))):
        assert tag in tags, tag
    assert {c.args["reduction"] for c in cases} == set(PROFILES[profile].reductions)
    assert {c.dtype for c in cases} >= {"float16", "bfloat16", "float32", "float64"}
    assert all(c.inputs["mask"].size <= 256 for c in cases)   # the valid count stays exact in bfloat16


# ---- schema and validator -------------------------------------------------------------------------------------

def parse(obj: dict[str, Any]) -> Case:
    return question_from_json(obj, lambda v, _path: np.asarray(v["values"], dtype=v["dtype"]))


def tensor(values: Any, dtype: str) -> dict[str, Any]:
    return {"values": values, "dtype": dtype}


def loss_request(**extra: Any) -> dict[str, Any]:
    inputs = {"y_true": tensor([[1.0, 0.0]], "float32"), "y_pred": tensor([[1.0, 0.0]], "float32")}
    return {"api": "loss", "args": {}, "inputs": {**inputs, **extra}}


def test_schema_accepts_a_bool_mask() -> None:
    got = parse(loss_request(mask=tensor([True], "bool")))
    assert got.inputs["mask"].dtype == np.bool_


@pytest.mark.parametrize("request_obj, message", [
    (loss_request(mask=tensor([1.0], "float32")), "must be a bool tensor"),
    (loss_request(mask={"scalar": 1}), "only sample_weight may be"),
    ({**loss_request(mask=tensor([True], "bool")), "api": "function"}, "only ['loss'] cases take a mask"),
    ({**loss_request(mask=tensor([True], "bool")), "args": {"input_kind": "numpy"}}, "needs tensor inputs"),
    ({"api": "metric", "args": {}, "steps": [{"inputs": {"y_true": tensor([[1.0]], "float32"),
                                                         "y_pred": tensor([[1.0]], "float32"),
                                                         "mask": tensor([True], "bool")}}]}, "loss'] cases only"),
])
def test_schema_rejects_bad_masks(request_obj: dict[str, Any], message: str) -> None:
    with pytest.raises(CaseError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse(request_obj)


def test_validator_rejects_a_non_bool_mask_and_a_mask_on_a_function(tmp_path: Path) -> None:
    directory = tmp_path / "keras2"
    directory.mkdir()
    writer = FixtureWriter(directory, "keras2", {k: "x" for k in ("tensorflow", "keras", "tf_keras", "numpy",
                                                                    "python", "platform", "recorder", "seed",
                                                                    "determinism")})
    t = np.ones((2, 3), np.float32)
    for case_, value in ((Case("keras2/m/good", "mask", "loss", "float32", {},
                               {"y_true": t, "y_pred": t, "mask": np.array([True, False])}), np.float32(-1.0)),
                         (Case("keras2/m/float", "mask", "loss", "float32", {},
                               {"y_true": t, "y_pred": t, "mask": np.array([1.0, 0.0], np.float32)}),
                          np.float32(-1.0)),
                         (Case("keras2/m/function", "mask", "function", "float32", {},
                               {"y_true": t, "y_pred": t, "mask": np.array([True, False])}), -np.ones(2, np.float32))):
        outcome = Outcome(value=value)
        add_references(case_, PROFILES["keras2"], outcome)   # the formula's exact answer, no TensorFlow
        writer.add(case_, outcome)
    writer.close()
    problems = validate(directory)
    assert any("keras2/m/float: inputs.mask is F32, must be BOOL" in p for p in problems), problems
    assert any("keras2/m/function: inputs.mask: not an input of api 'function'" in p for p in problems), problems
    assert not any("keras2/m/good" in p for p in problems), problems
    # the manifest spells the mask like any other input: a tensor reference under inputs
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["cases"][0]["inputs"]["mask"] == "keras2/m/good/inputs/mask"


# ---- TensorFlow itself ----------------------------------------------------------------------------------------

def test_tensorflow_all_masked_batch() -> None:
    """The same all-masked input: Keras 2 answers NaN for auto/sum_over_batch_size (0 for sum), Keras 3 answers 0
    for every reduction; the exact formula says the same."""
    none = np.zeros(4, bool)
    for reduction in ("auto", "sum_over_batch_size"):
        assert np.isnan(tf_value("keras2", reduction, none))
    assert tf_value("keras2", "sum", none) == 0.0
    for reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight", "sum"):
        assert tf_value("keras3", reduction, none) == 0.0
    for profile in PROFILES.values():
        for reduction in profile.reductions:
            got, want = tf_value(profile.name, reduction, none), exact(profile.name, reduction, none)
            np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_tensorflow_random_mask_matches_hand_numbers(profile: str) -> None:
    assert float(tf_value(profile, "sum_over_batch_size")) == pytest.approx(VALID_SUM / 2, rel=1e-15)
    assert float(tf_value(profile, "sum")) == pytest.approx(VALID_SUM, rel=1e-15)
    weights = MASK.astype(np.float64)
    # the mask is not the 0/1 weight for the mean-like default reduction ...
    assert float(tf_value(profile, "sum_over_batch_size", None, weights)) == pytest.approx(VALID_SUM / 4, rel=1e-15)
    # ... and is for sum and none
    for reduction in ("sum", "none"):
        np.testing.assert_array_equal(np.abs(tf_value(profile, reduction)),
                                      np.abs(tf_value(profile, reduction, None, weights)))

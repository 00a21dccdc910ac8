"""The one case schema: what the recorder writes, the fixtures hold, the server speaks and the C# side reads.

A case is the question (api, args, inputs, steps); an outcome is TensorFlow's answer plus what we derive from it
(exact value, gradients). Tensors are numpy arrays here; `to_json`/`from_json` take a codec that turns them into
safetensors references (fixtures) or inline base64 tensors (the wire), so both forms come from one code path.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

APIS = ("loss", "function", "metric", "compute_average_loss", "config")
INPUT_NAMES = ("y_true", "y_pred", "sample_weight", "per_example_loss", "mask")
# A Keras mask: attached to y_pred (`y_pred._keras_mask`) before a loss call; a bool tensor, loss cases only.
MASK_APIS = ("loss",)
# Inputs each api reads unconditionally (metric cases carry theirs in every non-reset step).
REQUIRED_INPUTS = {"loss": ("y_true", "y_pred"), "function": ("y_true", "y_pred"), "metric": (),
                   "compute_average_loss": ("per_example_loss",), "config": ()}
STEP_INPUTS = ("y_true", "y_pred")


@dataclass(frozen=True)
class Scalar:
    """A Python number handed to TF as is (e.g. `sample_weight=2.3`), not as a tensor."""
    value: float


Input = np.ndarray | Scalar


@dataclass
class Step:
    """One metric step: `update_state(**inputs)` then `result()`, or `reset_state()`."""
    inputs: dict[str, Input] | None = None
    reset: bool = False


@dataclass
class Case:
    id: str
    group: str
    api: str
    dtype: str
    args: dict[str, Any]
    inputs: dict[str, Input] = field(default_factory=dict)
    steps: list[Step] | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class Reference:
    """The exact answer to one TF output (rounded to float64) and the bound a correct evaluation stays within."""
    exact: np.ndarray
    bound: np.ndarray


@dataclass
class Outcome:
    value: np.ndarray | None = None
    error: dict[str, str] | None = None
    config: dict[str, Any] | None = None
    reference: Reference | None = None                         # of value
    gradients: dict[str, np.ndarray] | None = None
    gradient_references: dict[str, Reference] | None = None    # of each gradient
    step_values: list[np.ndarray | None] | None = None   # metric: result() after each step, None after a reset
    step_references: list[Reference | None] | None = None

    @property
    def exact(self) -> np.ndarray | None:
        return None if self.reference is None else self.reference.exact

    @property
    def bound(self) -> np.ndarray | None:
        return None if self.reference is None else self.reference.bound

    def numbers(self) -> list[tuple[str, np.ndarray | None, Reference | None]]:
        """Every TF number with its exact answer and bound, by name: the value, each gradient, each metric step
        (None where there is none, so two outcomes of one case line up)."""
        gradient_references = self.gradient_references or {}
        steps = self.step_values or []
        step_references = self.step_references or [None] * len(steps)
        return ([("value", self.value, self.reference)]
                + [(f"gradient {k}", g, gradient_references.get(k)) for k, g in (self.gradients or {}).items()]
                + [(f"step {i} value", v, r) for i, (v, r) in enumerate(zip(steps, step_references))])


class CaseError(ValueError):
    """A case description that does not follow the schema."""


# put(path, array) -> JSON value; get(JSON value, path) -> array
Put = Callable[[str, np.ndarray], Any]
Get = Callable[[Any, str], np.ndarray]


def _inputs_to_json(inputs: dict[str, Input], prefix: str, put: Put) -> dict[str, Any]:
    return {name: ({"scalar": v.value} if isinstance(v, Scalar) else put(f"{prefix}{name}", v))
            for name, v in inputs.items()}


def question_to_json(case: Case, put: Put) -> dict[str, Any]:
    obj: dict[str, Any] = {"id": case.id, "group": case.group, "api": case.api, "dtype": case.dtype,
                           "args": case.args, "inputs": _inputs_to_json(case.inputs, "inputs/", put)}
    if case.steps is not None:
        obj["steps"] = [{"reset": True} if s.reset else
                        {"inputs": _inputs_to_json(s.inputs or {}, f"steps/{i}/inputs/", put)}
                        for i, s in enumerate(case.steps)]
    if case.tags:
        obj["tags"] = case.tags
    return obj


def answer_to_json(outcome: Outcome, put: Put, obj: dict[str, Any]) -> dict[str, Any]:
    """Adds `expected`, `gradients` and metric step values to a question object."""
    if outcome.error is not None:
        obj["expected"] = {"error": outcome.error}
    elif outcome.config is not None:
        obj["expected"] = {"config": outcome.config}
    else:
        assert outcome.value is not None
        expected: dict[str, Any] = {"value": put("expected/value", outcome.value)}
        if outcome.reference is not None:
            expected.update(_reference_to_json(outcome.reference, "expected/", put))
        if outcome.gradient_references:
            expected["gradients"] = {k: _reference_to_json(r, f"expected/gradients/{k}/", put)
                                     for k, r in outcome.gradient_references.items()}
        obj["expected"] = expected
    if outcome.gradients:
        obj["gradients"] = {k: put(f"gradients/{k}", g) for k, g in outcome.gradients.items()}
    if outcome.step_values is not None:
        steps = obj.setdefault("steps", [{"reset": True} if v is None else {} for v in outcome.step_values])
        references = outcome.step_references or [None] * len(steps)
        for i, (step, value, reference) in enumerate(zip(steps, outcome.step_values, references)):
            if value is not None:
                step["value"] = put(f"steps/{i}/value", value)
            if reference is not None:
                step.update(_reference_to_json(reference, f"steps/{i}/", put))
    return obj


def _reference_to_json(reference: Reference, prefix: str, put: Put) -> dict[str, Any]:
    return {"exact": put(f"{prefix}exact", reference.exact), "bound": put(f"{prefix}bound", reference.bound)}


def reference_from_json(obj: dict[str, Any], get: Callable[[Any], np.ndarray]) -> Reference | None:
    """The {"exact", "bound"} pair of a JSON object (expected, a step, a gradient entry), if it has one."""
    if "exact" not in obj or "bound" not in obj:   # recordings made before bounds existed have neither pair
        return None
    return Reference(get(obj["exact"]), get(obj["bound"]))


def to_json(case: Case, outcome: Outcome, put: Put) -> dict[str, Any]:
    return answer_to_json(outcome, put, question_to_json(case, put))


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise CaseError(message)


def _inputs_from_json(obj: Any, prefix: str, get: Get) -> dict[str, Input]:
    _require(isinstance(obj, dict), f"{prefix or 'inputs'} must be an object")
    inputs: dict[str, Input] = {}
    for name, v in obj.items():
        _require(name in INPUT_NAMES, f"unknown input {name!r}; expected one of {list(INPUT_NAMES)}")
        if isinstance(v, dict) and set(v) == {"scalar"}:
            _require(name == "sample_weight", f"input {name}: only sample_weight may be a {{\"scalar\"}}")
            _require(isinstance(v["scalar"], (int, float)) and not isinstance(v["scalar"], bool),
                     f"input {name}: scalar must be a number")
            inputs[name] = Scalar(v["scalar"])
        else:
            inputs[name] = get(v, f"{prefix}{name}")
    return inputs


def _require_inputs(inputs: dict[str, Input], names: tuple[str, ...], where: str) -> None:
    missing = [n for n in names if n not in inputs]
    _require(not missing, f"{where} needs inputs {missing}")


def _check_mask(inputs: dict[str, Input], api: str, args: dict[str, Any]) -> None:
    if "mask" not in inputs:
        return
    mask = inputs["mask"]
    _require(api in MASK_APIS, f"input mask: only {list(MASK_APIS)} cases take a mask, not api {api!r}")
    _require(isinstance(mask, np.ndarray) and mask.dtype == np.bool_,
             f"input mask must be a bool tensor, got {getattr(mask, 'dtype', type(mask).__name__)}")
    _require(args.get("input_kind") != "numpy", "input mask needs tensor inputs: a numpy y_pred cannot carry a "
                                                "Keras mask (drop input_kind \"numpy\")")


def question_from_json(obj: Any, get: Get) -> Case:
    """Parses the question part of a case (manifest or wire form); raises CaseError naming the problem."""
    _require(isinstance(obj, dict), "a case is a JSON object")
    api = obj.get("api")
    _require(api in APIS, f"unknown api {api!r}; expected one of {list(APIS)}")
    args = obj.get("args", {})
    _require(isinstance(args, dict), "args must be an object")
    steps = None
    if api == "metric":
        raw_steps = obj.get("steps")
        _require(isinstance(raw_steps, list) and len(raw_steps) > 0, "a metric case needs a non-empty steps list")
        steps = []
        for i, s in enumerate(raw_steps):
            _require(isinstance(s, dict), f"steps[{i}] must be an object")
            if s.get("reset") is True:
                steps.append(Step(reset=True))
            else:
                step_inputs = _inputs_from_json(s.get("inputs"), f"steps/{i}/inputs/", get)
                _require_inputs(step_inputs, STEP_INPUTS, f"steps[{i}]")
                steps.append(Step(inputs=step_inputs))
    tags = obj.get("tags", [])
    _require(isinstance(tags, list) and all(isinstance(t, str) for t in tags), "tags must be a list of strings")
    case_id = obj.get("id", "")
    _require(isinstance(case_id, (str, int)), "id must be a string or a number")
    inputs = _inputs_from_json(obj.get("inputs", {}), "inputs/", get)
    _require_inputs(inputs, REQUIRED_INPUTS[api], f"api {api!r}")
    _check_mask(inputs, api, args)
    for i, step in enumerate(steps or []):
        _require("mask" not in (step.inputs or {}), f"steps[{i}]: mask is an input of {list(MASK_APIS)} cases only")
    return Case(id=str(case_id), group=str(obj.get("group", "live")), api=api, dtype=str(obj.get("dtype", "")),
                args=args, inputs=inputs, steps=steps, tags=tags)

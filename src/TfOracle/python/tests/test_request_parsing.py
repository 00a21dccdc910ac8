"""How tforacle reads a case (tforacle.case) and a wire request (tforacle.serve), without TensorFlow.

Every malformed question gets its own test and the exact message a client sees; the server's request handling is
driven in-process with the oracle replaced by a stub, so these run without starting TensorFlow. The expected
answers come from the protocol description in src/TfOracle/python/README.md, not from the code.
"""
from __future__ import annotations

import base64
import io
import json
from typing import Any

import numpy as np
import pytest

from tforacle import serve
from tforacle.case import (
    Case,
    CaseError,
    Outcome,
    Reference,
    Scalar,
    question_from_json,
    question_to_json,
    to_json,
)

pytestmark = pytest.mark.correctness

# ---- question_from_json ----------------------------------------------------------------------------------------------

ARRAYS = {"t": np.ones((2, 2), np.float32), "p": np.zeros((2, 2), np.float32), "w": np.ones(2, np.float32),
          "l": np.ones(3, np.float32), "m": np.array([True, False])}


class Getter:
    """Resolves references from ARRAYS and remembers the paths it was asked for."""

    def __init__(self) -> None:
        self.paths: list[str] = []

    def __call__(self, value: Any, path: str) -> np.ndarray:
        self.paths.append(path)
        return ARRAYS[value]


def parse(obj: Any) -> Case:
    return question_from_json(obj, Getter())


def rejects(obj: Any) -> str:
    with pytest.raises(CaseError) as info:
        parse(obj)
    return str(info.value)


LOSS = {"api": "loss", "inputs": {"y_true": "t", "y_pred": "p"}}
APIS_TEXT = "['loss', 'function', 'metric', 'compute_average_loss', 'config']"


def test_a_full_case_is_read() -> None:
    get = Getter()
    case = question_from_json({"id": "keras2/x/1", "group": "fuzz", "api": "loss", "dtype": "float32",
                               "args": {"axis": 1}, "inputs": {"y_true": "t", "y_pred": "p", "sample_weight": "w"},
                               "tags": ["a", "b"], "expected": {"value": "ignored"}, "file": "ignored"}, get)
    assert (case.id, case.group, case.api, case.dtype, case.args, case.tags) == (
        "keras2/x/1", "fuzz", "loss", "float32", {"axis": 1}, ["a", "b"])
    assert set(case.inputs) == {"y_true", "y_pred", "sample_weight"} and case.inputs["sample_weight"] is ARRAYS["w"]
    assert case.steps is None
    assert get.paths == ["inputs/y_true", "inputs/y_pred", "inputs/sample_weight"]


def test_defaults_of_a_wire_request() -> None:
    """README (protocol): args default {}; id, group, dtype and tags are optional."""
    case = parse(LOSS)
    assert (case.id, case.group, case.dtype, case.args, case.tags) == ("", "live", "", {}, [])


def test_integer_id_becomes_text() -> None:
    assert parse({**LOSS, "id": 17}).id == "17"


@pytest.mark.parametrize("value", [1.5, None, ["a"], {"a": 1}])
def test_id_type(value: Any) -> None:
    assert rejects({**LOSS, "id": value}) == "id must be a string or a number"


@pytest.mark.parametrize("obj", [[LOSS], "loss", None, 3])
def test_a_case_is_an_object(obj: Any) -> None:
    assert rejects(obj) == "a case is a JSON object"


@pytest.mark.parametrize("api", ["losses", None, "LOSS", 1])
def test_unknown_api(api: Any) -> None:
    assert rejects({**LOSS, "api": api}) == f"unknown api {api!r}; expected one of {APIS_TEXT}"


def test_missing_api() -> None:
    assert rejects({"inputs": {}}) == f"unknown api None; expected one of {APIS_TEXT}"


@pytest.mark.parametrize("args", [[1], "axis=1", None, 3])
def test_args_must_be_an_object(args: Any) -> None:
    assert rejects({**LOSS, "args": args}) == "args must be an object"


@pytest.mark.parametrize("tags", ["a", [1], ["a", None], {"a": "b"}])
def test_tags(tags: Any) -> None:
    assert rejects({**LOSS, "tags": tags}) == "tags must be a list of strings"


@pytest.mark.parametrize("inputs", [[], "y_true", None, 3])
def test_inputs_must_be_an_object(inputs: Any) -> None:
    assert rejects({**LOSS, "inputs": inputs}) == "inputs/ must be an object"


@pytest.mark.parametrize("name", ["weights", "y", "Y_TRUE", "value"])
def test_unknown_input(name: str) -> None:
    message = rejects({**LOSS, "inputs": {**LOSS["inputs"], name: "w"}})
    assert message.startswith(f"unknown input {name!r}; expected one of ['y_true', 'y_pred', 'sample_weight', "
                              "'per_example_loss'")


@pytest.mark.parametrize("api, inputs, missing", [
    ("loss", {"y_true": "t"}, "['y_pred']"),
    ("loss", {"y_pred": "p", "sample_weight": "w"}, "['y_true']"),
    ("function", {}, "['y_true', 'y_pred']"),
    ("compute_average_loss", {"sample_weight": "w"}, "['per_example_loss']"),
])
def test_required_inputs(api: str, inputs: dict[str, Any], missing: str) -> None:
    assert rejects({"api": api, "inputs": inputs}) == f"api {api!r} needs inputs {missing}"


@pytest.mark.parametrize("api", ["config", "compute_average_loss"])
def test_inputs_needed_per_api(api: str) -> None:
    case = parse({"api": api, "inputs": {"per_example_loss": "l"} if api != "config" else {}})
    assert case.api == api


def test_scalar_sample_weight() -> None:
    """A {"scalar": x} is handed to TF as the Python number itself: int stays int (Keras 2 converts floats via
    float32 but not ints), float stays float."""
    for x in (2, 2.3, -0.0, 10 ** 30):
        case = parse({**LOSS, "inputs": {**LOSS["inputs"], "sample_weight": {"scalar": x}}})
        weight = case.inputs["sample_weight"]
        assert isinstance(weight, Scalar) and type(weight.value) is type(x) and weight.value == x


@pytest.mark.parametrize("name", ["y_true", "y_pred", "per_example_loss"])
def test_scalar_only_for_sample_weight(name: str) -> None:
    api = "compute_average_loss" if name == "per_example_loss" else "loss"
    obj = {"api": api, "inputs": {"y_true": "t", "y_pred": "p", "per_example_loss": "l", name: {"scalar": 1.0}}}
    assert rejects(obj) == f'input {name}: only sample_weight may be a {{"scalar"}}'


@pytest.mark.parametrize("x", [True, False, "2", None, [1], {"v": 1}])
def test_scalar_must_be_a_number(x: Any) -> None:
    obj = {**LOSS, "inputs": {**LOSS["inputs"], "sample_weight": {"scalar": x}}}
    assert rejects(obj) == "input sample_weight: scalar must be a number"


def test_a_scalar_with_more_keys_is_a_tensor() -> None:
    """{"scalar": 1, "x": 2} is not the inline-number form: it goes to the tensor decoder (which rejects it)."""
    seen: list[Any] = []

    def get(value: Any, path: str) -> np.ndarray:
        seen.append((value, path))
        raise CaseError("not a tensor")
    with pytest.raises(CaseError, match="^not a tensor$"):
        question_from_json({**LOSS, "inputs": {"sample_weight": {"scalar": 1, "x": 2}}}, get)
    assert seen == [({"scalar": 1, "x": 2}, "inputs/sample_weight")]


# metric steps

STEP = {"inputs": {"y_true": "t", "y_pred": "p"}}


def test_metric_steps_are_read() -> None:
    get = Getter()
    weighted = {"inputs": {**STEP["inputs"], "sample_weight": {"scalar": 2}}}
    case = question_from_json({"api": "metric", "steps": [STEP, {"reset": True}, weighted]}, get)
    assert case.steps is not None and [s.reset for s in case.steps] == [False, True, False]
    assert case.steps[1].inputs is None and case.steps[2].inputs is not None
    assert case.steps[2].inputs["sample_weight"] == Scalar(2)
    assert get.paths == ["steps/0/inputs/y_true", "steps/0/inputs/y_pred", "steps/2/inputs/y_true",
                         "steps/2/inputs/y_pred"]
    assert case.inputs == {}


@pytest.mark.parametrize("steps", [None, [], "reset", {"0": STEP}])
def test_metric_needs_steps(steps: Any) -> None:
    obj = {"api": "metric"} if steps is None else {"api": "metric", "steps": steps}
    assert rejects(obj) == "a metric case needs a non-empty steps list"


@pytest.mark.parametrize("step", [3, None, "reset", [STEP]])
def test_step_must_be_an_object(step: Any) -> None:
    assert rejects({"api": "metric", "steps": [STEP, step]}) == "steps[1] must be an object"


@pytest.mark.parametrize("inputs, missing", [({"y_true": "t"}, "['y_pred']"), ({}, "['y_true', 'y_pred']"),
                                             ({"y_pred": "p", "sample_weight": "w"}, "['y_true']")])
def test_step_needs_both_inputs(inputs: dict[str, Any], missing: str) -> None:
    assert rejects({"api": "metric", "steps": [{"reset": True}, {"inputs": inputs}]}) == \
        f"steps[1] needs inputs {missing}"


@pytest.mark.parametrize("step", [{"reset": False}, {"reset": 1}, {"reset": "true"}, {}])
def test_only_reset_true_resets(step: dict[str, Any]) -> None:
    """{"reset": true} is a reset; anything else is an update step, which then needs its inputs."""
    assert rejects({"api": "metric", "steps": [step]}) == "steps/0/inputs/ must be an object"


def test_steps_are_ignored_outside_metrics() -> None:
    assert parse({**LOSS, "steps": "anything"}).steps is None


# ---- to_json: the layout a case and its answer take ------------------------------------------------------------------

def test_question_and_answer_layout() -> None:
    f = np.float32
    case = Case("keras2/x", "g", "loss", "float32", {"axis": -1},
                {"y_true": np.ones(2, f), "y_pred": np.zeros(2, f), "sample_weight": Scalar(0.5)}, tags=["t"])
    outcome = Outcome(value=np.array(0.0, f), reference=Reference(np.array(0.0), np.array(0.0)),
                      gradients={"y_pred": np.ones(2, f)})
    paths: list[str] = []

    def put(path: str, _array: np.ndarray) -> str:
        paths.append(path)
        return f"<{path}>"
    obj = to_json(case, outcome, put)
    assert obj == {"id": "keras2/x", "group": "g", "api": "loss", "dtype": "float32", "args": {"axis": -1},
                   "inputs": {"y_true": "<inputs/y_true>", "y_pred": "<inputs/y_pred>",
                              "sample_weight": {"scalar": 0.5}},
                   "tags": ["t"],
                   "expected": {"value": "<expected/value>", "exact": "<expected/exact>", "bound": "<expected/bound>"},
                   "gradients": {"y_pred": "<gradients/y_pred>"}}
    assert paths == ["inputs/y_true", "inputs/y_pred", "expected/value", "expected/exact", "expected/bound",
                     "gradients/y_pred"]


def test_question_without_tags_has_no_tags_key() -> None:
    obj = question_to_json(Case("i", "g", "config", "", {}), lambda p, a: p)
    assert obj == {"id": "i", "group": "g", "api": "config", "dtype": "", "args": {}, "inputs": {}}


def test_error_and_config_answers() -> None:
    err = to_json(Case("i", "g", "loss", "", {}), Outcome(error={"type": "T", "message": "m"}), lambda p, a: p)
    assert err["expected"] == {"error": {"type": "T", "message": "m"}} and "gradients" not in err
    cfg = to_json(Case("i", "g", "config", "", {}), Outcome(config={"axis": 1}), lambda p, a: p)
    assert cfg["expected"] == {"config": {"axis": 1}}


def test_metric_answer_on_the_wire_builds_the_steps() -> None:
    """The server's answer object has no steps yet: they come from the step values, a reset as {"reset": true}."""
    f = np.float32
    outcome = Outcome(value=np.array(1.0, f), step_values=[np.array(1.0, f), None])
    from tforacle.case import answer_to_json
    obj = answer_to_json(outcome, lambda p, a: p, {"id": 3})
    assert obj == {"id": 3, "expected": {"value": "expected/value"}, "steps": [{"value": "steps/0/value"},
                                                                              {"reset": True}]}


# ---- the server's request handling ----------------------------------------------------------------------------------

def wire(values: Any, dtype: str = "float32") -> dict[str, Any]:
    raw = np.asarray(values, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()
    return {"dtype": dtype, "shape": list(np.shape(values)), "data": base64.b64encode(raw).decode()}


Y = {"dtype": "float32", "shape": [1, 2], "data": "AAAAPwAAgD8="}   # [[0.5, 1.0]]: 0x3F000000, 0x3F800000
GOOD = {"id": "good", "profile": "keras2", "api": "loss", "args": {}, "inputs": {"y_true": Y, "y_pred": Y}}


class Stub:
    """Stands in for oracle.answer: records what the server asked and answers with a fixed float32 value."""

    def __init__(self) -> None:
        self.calls: list[tuple[Case, str, bool, bool]] = []

    def __call__(self, case: Case, profile: Any, gradients: bool = False, exact: bool = False) -> Outcome:
        self.calls.append((case, profile.name, gradients, exact))
        return Outcome(value=np.array(-0.5, np.float32))


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Stub:
    oracle = Stub()
    monkeypatch.setattr(serve.oracle, "answer", oracle)
    return oracle


def respond(request: Any) -> dict[str, Any]:
    line = request if isinstance(request, bytes) else json.dumps(request).encode()
    return serve.respond(line)


def test_a_good_request(stub: Stub) -> None:
    answer = respond({**GOOD, "want": ["exact"], "dtype": "float32", "group": "g", "tags": ["t"]})
    # -0.5f is 0xBF000000: bytes 00 00 00 bf
    assert answer == {"id": "good", "expected": {"value": {"dtype": "float32", "shape": [], "data": "AAAAvw=="}}}
    [(case, profile, gradients, exact)] = stub.calls
    assert (profile, gradients, exact) == ("keras2", False, True)
    assert case.inputs["y_true"].tolist() == [[0.5, 1.0]] and case.inputs["y_true"].dtype == np.float32
    assert (case.group, case.dtype, case.tags) == ("g", "float32", ["t"])


@pytest.mark.parametrize("want, flags", [([], (False, False)), (["gradients"], (True, False)),
                                         (["exact", "gradients"], (True, True)), (["exact", "exact"], (False, True))])
def test_want(stub: Stub, want: list[str], flags: tuple[bool, bool]) -> None:
    respond({**GOOD, "profile": "keras3", "want": want})
    assert [(p, g, e) for _, p, g, e in stub.calls] == [("keras3", *flags)]


def test_step_tensors_are_decoded(stub: Stub) -> None:
    respond({"id": 1, "profile": "keras2", "api": "metric", "steps": [{"inputs": {"y_true": Y, "y_pred": Y}},
                                                                     {"reset": True}]})
    [(case, *_)] = stub.calls
    assert case.steps is not None and case.steps[0].inputs is not None
    assert case.steps[0].inputs["y_pred"].tolist() == [[0.5, 1.0]] and case.steps[1].reset


REQUEST_KEYS = "['api', 'args', 'dtype', 'group', 'id', 'inputs', 'profile', 'steps', 'tags', 'want']"   # README
DTYPES = "['bfloat16', 'bool', 'float16', 'float32', 'float64', 'int64']"
SHORT = {"dtype": "float32", "shape": [2, 2], "data": "AACAPwAAAAA="}   # README doc-2: 12 characters for 16 bytes


@pytest.mark.parametrize("request_obj, message", [
    ([GOOD], "a request is a JSON object, got list"),
    (3.5, "a request is a JSON object, got float"),
    ("loss", "a request is a JSON object, got str"),
    (None, "a request is a JSON object, got NoneType"),
    ({**GOOD, "wants": ["exact"]}, f"unknown request keys ['wants']; expected some of {REQUEST_KEYS}"),
    ({**GOOD, "expected": {}, "file": "x"},
     f"unknown request keys ['expected', 'file']; expected some of {REQUEST_KEYS}"),
    ({**GOOD, "dtype": "float8"}, f"unknown dtype 'float8'; expected one of {DTYPES}"),
    ({**GOOD, "dtype": 32}, f"unknown dtype 32; expected one of {DTYPES}"),
    ({**GOOD, "dtype": None}, f"unknown dtype None; expected one of {DTYPES}"),
    ({**GOOD, "profile": "keras4"}, "unknown profile 'keras4'; expected one of ['keras2', 'keras3']"),
    ({**GOOD, "profile": ["keras2"]}, "unknown profile ['keras2']; expected one of ['keras2', 'keras3']"),
    ({k: v for k, v in GOOD.items() if k != "profile"}, "unknown profile None; expected one of ['keras2', 'keras3']"),
    ({**GOOD, "want": "gradients"}, "want must be a list of strings"),
    ({**GOOD, "want": ["exact", 1]}, "want must be a list of strings"),
    ({**GOOD, "want": None}, "want must be a list of strings"),
    ({**GOOD, "want": ["gradients", "hessian", "x"]}, "unknown want ['hessian', 'x']; expected some of "
                                                      "['gradients', 'exact']"),
    ({**GOOD, "api": "losses"}, f"unknown api 'losses'; expected one of {APIS_TEXT}"),
    ({**GOOD, "inputs": {"y_true": Y, "y_pred": SHORT}},
     "inputs/y_pred: base64 data of 12 characters cannot hold the 16 bytes that shape [2, 2] of float32 needs"),
    ({**GOOD, "inputs": {"y_true": {**Y, "dtype": "complex64"}, "y_pred": Y}},
     f"inputs/y_true: unknown dtype 'complex64'; expected one of {DTYPES}"),
    ({**GOOD, "inputs": {"y_true": [[0.5, 1.0]], "y_pred": Y}},
     'inputs/y_true: an inline tensor is an object with exactly "dtype", "shape" and "data"'),
    ({**GOOD, "inputs": {"y_true": Y, "y_pred": Y, "sample_weight": {**Y, "data": "AAAAPwAAgD8A"}}},
     "inputs/sample_weight: data holds 9 bytes but shape [1, 2] of float32 needs 8"),   # 12 characters, 9 bytes
    ({"id": "m", "profile": "keras3", "api": "metric",
      "steps": [{"inputs": {"y_true": Y, "y_pred": {**Y, "shape": [3]}}}]},
     "steps/0/inputs/y_pred: base64 data of 12 characters cannot hold the 12 bytes that shape [3] of float32 needs"),
    ({**GOOD, "inputs": {"y_true": Y, "y_pred": {"dtype": "bool", "shape": [4097, 4096], "data": ""}}},
     "inputs/y_pred: tensor has 16781312 elements; at most 16777216 are accepted"),
    ({**GOOD, "inputs": {"y_true": Y}}, "api 'loss' needs inputs ['y_pred']"),
    ({**GOOD, "tags": "t"}, "tags must be a list of strings"),
    ({**GOOD, "id": 1.5}, "id must be a string or a number"),
])
def test_protocol_errors(stub: Stub, request_obj: Any, message: str) -> None:
    answer = respond(request_obj)
    want_id = request_obj.get("id") if isinstance(request_obj, dict) and request_obj.get("id") != 1.5 else None
    assert answer == {"id": want_id, "protocol_error": message}
    assert stub.calls == []


def test_envelope_is_checked_before_the_case() -> None:
    """A stray key is reported even when the rest is broken too (the typo is the likelier cause)."""
    assert respond({"wants": [], "api": "nope"}) == {
        "id": None, "protocol_error": f"unknown request keys ['wants']; expected some of {REQUEST_KEYS}"}


@pytest.mark.parametrize("line, start", [
    (b'{"id": "x", "profile": ', "request is not valid JSON: "),
    (b"[" * 100_000, "request is not valid JSON: "),
    (b"9" * 5000, "request is not valid JSON: "),
    (b"{'id': 1}", "request is not valid JSON: "),
    (b'{"id": NaN}', None),   # Python's json reads NaN; the request then fails later as a request
    (b'{"id": "\xff\xfe"}', "request is not UTF-8: "),
])
def test_undecodable_lines(stub: Stub, line: bytes, start: str | None) -> None:
    answer = respond(line)
    assert set(answer) == {"id", "protocol_error"} and answer["id"] is None
    if start is not None:
        assert answer["protocol_error"].startswith(start) and len(answer["protocol_error"]) > len(start)


def test_decode() -> None:
    assert serve.decode(b'{"a": [1, 2.5, "x"]}') == {"a": [1, 2.5, "x"]}
    assert serve.decode('{"s": "é"}'.encode()) == {"s": "é"}


@pytest.mark.parametrize("obj, echoed", [({"id": "a"}, "a"), ({"id": 7}, 7), ({"id": 0}, 0), ({"id": ""}, ""),
                                         ({"id": True}, None), ({"id": 1.0}, None), ({"id": [1]}, None),
                                         ({}, None), ([{"id": "a"}], None), ("a", None)])
def test_request_id(obj: Any, echoed: Any) -> None:
    assert serve.request_id(obj) == echoed and type(serve.request_id(obj)) is type(echoed)


def test_internal_errors_keep_the_id(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Outcome:
        raise KeyError("y_pred")
    monkeypatch.setattr(serve.oracle, "answer", broken)
    assert respond({**GOOD, "id": 9}) == {"id": 9, "protocol_error": "internal error KeyError: 'y_pred'"}


def test_encode() -> None:
    assert serve.encode({"id": "é", "expected": {"value": 1}}) == b'{"id":"\\u00e9","expected":{"value":1}}\n'
    # README: answers are strict JSON; a NaN inside an answer (e.g. a config) becomes a protocol_error line
    bad = serve.encode({"id": 4, "expected": {"config": {"eps": float("nan")}}})
    assert bad.endswith(b"\n") and bad.count(b"\n") == 1
    answer = json.loads(bad)
    assert set(answer) == {"id", "protocol_error"} and answer["id"] == 4
    assert answer["protocol_error"].startswith("answer is not JSON-encodable: Out of range float values")


def test_serve_loop(stub: Stub, monkeypatch: pytest.MonkeyPatch) -> None:
    """README: a hello line first, then exactly one answer per non-blank line, in order; blank lines get none."""
    monkeypatch.setattr(serve, "provenance", lambda: {"seed": 1})
    out = io.BytesIO()
    lines = [json.dumps({**GOOD, "id": 1}).encode() + b"\n", b"\n", b"  \t\r\n", b"not json\n",
             json.dumps({**GOOD, "id": "z"}).encode() + b"\n"]
    serve.serve(lines, out)
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert out.getvalue().endswith(b"\n")
    assert answers[0] == {"hello": "cosine-parity/1", "profiles": ["keras2", "keras3"], "provenance": {"seed": 1}}
    assert [a.get("id") for a in answers[1:]] == [1, None, "z"]
    assert "protocol_error" in answers[2] and "expected" in answers[1] and "expected" in answers[3]
    assert len(stub.calls) == 2


def test_inline_tensor_names_the_path() -> None:
    with pytest.raises(serve.ProtocolError, match=r"^steps/3/inputs/y_true: tensor data must be a base64 string$"):
        serve.inline_tensor({"dtype": "float32", "shape": [1], "data": 5}, "steps/3/inputs/y_true")
    assert serve.inline_tensor(wire([[1.0]], "float64"), "x").tolist() == [[1.0]]


# ---- masks (README: a bool tensor, loss cases only, never with numpy inputs) -------------------------------------

def test_mask_on_a_loss() -> None:
    case = parse({**LOSS, "inputs": {**LOSS["inputs"], "mask": "m"}})
    assert case.inputs["mask"] is ARRAYS["m"]


@pytest.mark.parametrize("api", ["function", "compute_average_loss"])
def test_mask_only_on_losses(api: str) -> None:
    inputs = {"y_true": "t", "y_pred": "p", "per_example_loss": "l", "mask": "m"}
    assert rejects({"api": api, "inputs": inputs}) == f"input mask: only ['loss'] cases take a mask, not api {api!r}"


@pytest.mark.parametrize("ref, got", [("w", "float32"), ("l", "float32")])
def test_mask_is_bool(ref: str, got: str) -> None:
    message = rejects({**LOSS, "inputs": {**LOSS["inputs"], "mask": ref}})
    assert message == f"input mask must be a bool tensor, got {got}"


def test_mask_is_not_a_scalar() -> None:
    message = rejects({**LOSS, "inputs": {**LOSS["inputs"], "mask": {"scalar": 1}}})
    assert message == 'input mask: only sample_weight may be a {"scalar"}'


def test_mask_needs_tensor_inputs() -> None:
    obj = {**LOSS, "args": {"input_kind": "numpy"}, "inputs": {**LOSS["inputs"], "mask": "m"}}
    assert rejects(obj) == ('input mask needs tensor inputs: a numpy y_pred cannot carry a Keras mask '
                            '(drop input_kind "numpy")')
    assert parse({**obj, "args": {"input_kind": "tensor"}}).args == {"input_kind": "tensor"}


def test_mask_not_in_metric_steps() -> None:
    step = {"inputs": {"y_true": "t", "y_pred": "p", "mask": "m"}}
    assert rejects({"api": "metric", "steps": [STEP, {"reset": True}, step]}) == \
        "steps[2]: mask is an input of ['loss'] cases only"


# ---- reading exact/bound pairs --------------------------------------------------------------------------------------

def test_reference_from_json() -> None:
    from tforacle.case import reference_from_json
    arrays = {"e": np.array(1.0), "b": np.array(0.5)}
    pair = reference_from_json({"value": "v", "exact": "e", "bound": "b"}, arrays.__getitem__)
    assert pair is not None and pair.exact is arrays["e"] and pair.bound is arrays["b"]
    assert reference_from_json({"value": "v"}, arrays.__getitem__) is None
    # half a pair is not a reference (the validator reports it; a reader must not crash on it)
    assert reference_from_json({"exact": "e"}, arrays.__getitem__) is None
    assert reference_from_json({"bound": "b"}, arrays.__getitem__) is None

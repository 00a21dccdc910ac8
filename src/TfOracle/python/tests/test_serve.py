"""The live oracle over a real pipe: answers equal the in-process oracle's byte for byte and match the recorded
fixtures (bits on the recording CPU, bounds everywhere); every bad request gets one protocol_error line and the
server keeps serving."""
from __future__ import annotations

import base64
import json
import os
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tforacle import oracle, serve
from tforacle.bench import start_server
from tforacle.case import APIS, Outcome, answer_to_json, question_from_json, question_to_json
from tforacle.compare import compare
from tforacle.profiles import PROFILES
from tforacle.runtime import same_cpu
from tforacle.store import FORMAT, Fixtures
from tforacle.tensors import DTYPES, from_wire, to_wire

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(os.environ.get("TFORACLE_FIXTURES", PACKAGE_ROOT.parents[2] / "fixtures"))
FIXTURES_PER_GROUP = 4       # recorded cases replayed per group and profile
READ_TIMEOUT = 120.0         # seconds; the first answer of a profile pays for Keras warm-up


class Server:
    """The server as a client sees it: a child process with line-oriented pipes."""

    def __init__(self) -> None:
        self.proc = start_server()
        self._lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.hello = self.read()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(b"")

    def send(self, line: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()

    def read_line(self) -> bytes:
        line = self._lines.get(timeout=READ_TIMEOUT)
        assert line, f"server closed stdout (exit code {self.proc.poll()})"
        return line

    def read(self) -> dict[str, Any]:
        obj = json.loads(self.read_line())
        assert isinstance(obj, dict)
        return obj

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        self.send(json.dumps(request).encode())
        return self.read()

    def close(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        return self.proc.wait(timeout=60)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    srv = Server()
    yield srv
    assert srv.close() == 0


def wire(_path: str, arr: np.ndarray) -> dict[str, Any]:
    return to_wire(arr)


def tensor(values: Any, dtype: str = "float32") -> dict[str, Any]:
    return to_wire(np.asarray(values, dtype=DTYPES[dtype].numpy))


def local_answer(request: dict[str, Any]) -> dict[str, Any]:
    """What the server must say, computed in this process along the same path, as the client decodes it.

    This process's PYTHONHASHSEED is not the server's 0, so cases whose TF error message prints a Python set
    (Keras 3's reduction check) are left to the fixture replay."""
    case = question_from_json(request, lambda v, _path: from_wire(v))
    want = request.get("want", [])
    outcome = oracle.answer(case, PROFILES[request["profile"]], "gradients" in want, "exact" in want)
    return json.loads(json.dumps(answer_to_json(outcome, wire, {"id": request["id"]})))


# ---- hello and sample cases ----------------------------------------------------------------------------------

def test_hello(server: Server) -> None:
    assert server.hello["hello"] == FORMAT
    assert server.hello["profiles"] == ["keras2", "keras3"]
    assert {"tensorflow", "keras", "tf_keras", "seed"} <= set(server.hello["provenance"])
    # the versions the server really runs are the ones requirements.txt pins
    pins = dict(line.split("==") for line in (PACKAGE_ROOT / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    provenance = server.hello["provenance"]
    assert (provenance["tensorflow"], provenance["keras"], provenance["tf_keras"], provenance["numpy"]) == (
        pins["tensorflow"], pins["keras"], pins["tf-keras"], pins["numpy"])


def sample_requests(profile: str) -> list[dict[str, Any]]:
    rng = np.random.default_rng(7)

    def rand(*shape: int, dtype: str = "float32") -> dict[str, Any]:
        return tensor(rng.standard_normal(shape), dtype)

    both = ["gradients", "exact"]
    cases: list[dict[str, Any]] = [
        {"api": "loss", "args": {"axis": 1}, "want": both,
         "inputs": {"y_true": tensor([[0, 1], [1, 1]]), "y_pred": tensor([[1, 0], [1, 1]])}},
        {"api": "loss", "args": {}, "want": ["exact"], "inputs": {"y_true": rand(4, 3), "y_pred": rand(4, 3)}},
        {"api": "loss", "args": {"reduction": "sum"}, "want": both,
         "inputs": {"y_true": rand(4, 3), "y_pred": rand(4, 3), "sample_weight": rand(4)}},
        {"api": "loss", "args": {"reduction": "none"}, "want": both,
         "inputs": {"y_true": rand(3, 5), "y_pred": rand(3, 5), "sample_weight": {"scalar": 2.3}}},
        {"api": "loss", "args": {"axis": [0, 1]}, "inputs": {"y_true": rand(2, 3), "y_pred": rand(2, 3)}},
        {"api": "loss", "args": {}, "want": both, "inputs": {"y_true": tensor(np.zeros((0, 4))),
                                                           "y_pred": tensor(np.zeros((0, 4)))}},
        {"api": "function", "args": {"axis": 0}, "want": both, "inputs": {"y_true": rand(3, 2), "y_pred": rand(3, 2)}},
        {"api": "metric", "args": {}, "steps": [
            {"inputs": {"y_true": rand(2, 3), "y_pred": rand(2, 3)}}, {"reset": True},
            {"inputs": {"y_true": rand(2, 3), "y_pred": rand(2, 3), "sample_weight": rand(2)}},
            {"inputs": {"y_true": rand(1, 3), "y_pred": rand(1, 3)}}]},
        {"api": "compute_average_loss", "args": {"global_batch_size": 8},
         "inputs": {"per_example_loss": rand(4), "sample_weight": rand(4)}},
        {"api": "config", "args": {"target": "loss", "axis": 0}},
        {"api": "config", "args": {"target": "metric"}},
        {"api": "loss", "args": {}, "want": both, "inputs": {"y_true": rand(2, 3), "y_pred": rand(2, 4)}},
        {"api": "loss", "args": {"axis": "rows"}, "inputs": {"y_true": rand(2, 3), "y_pred": rand(2, 3)}},
        {"api": "loss", "args": {}, "want": both, "inputs": {"y_true": rand(4, 3), "y_pred": rand(4, 3),
                                                           "mask": tensor([True, False, True, True], "bool")}},
    ]
    for dtype in ("float16", "bfloat16", "float64"):
        cases.append({"api": "loss", "args": {}, "want": both, "dtype": dtype,
                      "inputs": {"y_true": rand(3, 4, dtype=dtype), "y_pred": rand(3, 4, dtype=dtype)}})
    if profile == "keras2":
        cases.append({"api": "loss", "args": {"input_kind": "numpy"},
                      "inputs": {"y_true": rand(4, 1), "y_pred": rand(4)}})
    else:
        cases.append({"api": "loss", "args": {"dtype": "float64"}, "want": both,
                      "inputs": {"y_true": rand(4, 3), "y_pred": rand(4, 3)}})
    return [{"id": f"{profile}/sample/{i:02d}", "profile": profile, **c} for i, c in enumerate(cases)]


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_determinism_server_answers_as_in_process(server: Server, profile: str) -> None:
    """A determinism and transport check, not a correctness test: the server (a separate process, PYTHONHASHSEED=0,
    answers encoded to JSON and back) says byte for byte what `oracle.answer` says in this process. Whether those
    answers are right is checked elsewhere (recorded fixtures, hand-derived numbers)."""
    for request in sample_requests(profile):
        assert server.ask(request) == local_answer(request), request["id"]


def test_tf_errors_are_answers(server: Server) -> None:
    mismatch = {"y_true": tensor(np.ones((2, 3))), "y_pred": tensor(np.ones((2, 4)))}
    answer = server.ask({"id": "e", "profile": "keras3", "api": "loss", "inputs": mismatch, "want": ["exact"]})
    assert set(answer["expected"]) == {"error"} and "protocol_error" not in answer


def test_scalar_inputs_get_exact(server: Server) -> None:
    scalars = {"y_true": tensor(3.0), "y_pred": tensor(-2.0)}
    answer = server.ask({"id": "s", "profile": "keras3", "api": "function", "inputs": scalars, "want": ["exact"]})
    assert "exact" in answer.get("expected", {}), answer
    # Keras 3's ops.normalize expands a 0-d input to shape [1]: normalize(3) = 3 / 3 = 1, normalize(-2) = -1, their
    # product summed over the last axis is -1 (shape []), the loss -(-1) = 1: float64 1.0 is 0x3FF0000000000000
    assert answer["expected"]["exact"] == {"dtype": "float64", "shape": [], "data": "AAAAAAAA8D8="}
    assert from_wire(answer["expected"]["value"]).tolist() == 1.0


def test_integer_id_is_echoed(server: Server) -> None:
    request = {**sample_requests("keras2")[0], "id": 17}
    assert server.ask(request)["id"] == 17


# ---- recorded fixtures ------------------------------------------------------------------------------------------

def fixture_sample(profile: str) -> list[tuple[dict[str, Any], dict[str, Any], Outcome]]:
    """(wire request, recorded answer as JSON and as an outcome) for a few evenly spaced cases of every group."""
    manifest = FIXTURES / profile / "manifest.json"
    if not manifest.exists():
        pytest.skip(f"no recorded fixtures at {manifest}")
    fixtures = Fixtures(manifest.parent)
    groups: dict[str, list[dict[str, Any]]] = {}
    for obj in fixtures.manifest["cases"]:
        groups.setdefault(obj["group"], []).append(obj)
    pairs = []
    for objs in groups.values():
        for obj in objs[::max(1, len(objs) // FIXTURES_PER_GROUP)][:FIXTURES_PER_GROUP]:
            case, outcome = fixtures.load(obj)
            want = (["gradients"] if outcome.gradients else []) + (["exact"] if outcome.exact is not None else [])
            request = {**question_to_json(case, wire), "profile": profile, "want": want}
            recorded = json.loads(json.dumps(answer_to_json(outcome, wire, {"id": case.id})))
            pairs.append((request, recorded, outcome))
    return pairs


def outcome_from_wire(answer: dict[str, Any]) -> Outcome:
    """TF's numbers in a server answer (what compare() judges; the references come from the recording)."""
    expected = answer["expected"]
    return Outcome(value=from_wire(expected["value"]) if "value" in expected else None,
                   error=expected.get("error"), config=expected.get("config"),
                   gradients={k: from_wire(v) for k, v in answer["gradients"].items()} if "gradients" in answer
                   else None,
                   step_values=[from_wire(s["value"]) if "value" in s else None for s in answer["steps"]]
                   if "steps" in answer else None)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_answers_match_recorded_fixtures(server: Server, profile: str) -> None:
    """Fresh TF answers through the server against the recording, by the fixtures' comparison rule: bit for bit
    (whole-object equality, every tensor's base64 data string) where this is the recording's CPU, and every
    number within its recorded bound of the exact answer everywhere."""
    demand_bits = same_cpu(Fixtures(FIXTURES / profile).manifest["provenance"])
    for request, recorded, outcome in fixture_sample(profile):
        answer = server.ask(request)
        if demand_bits:
            assert answer == recorded, request["id"]
        assert compare(outcome, outcome_from_wire(answer)).failed(demand_bits) == [], request["id"]


# ---- protocol errors ------------------------------------------------------------------------------------------

GOOD = {"id": "good", "profile": "keras2", "api": "loss", "args": {},
        "inputs": {"y_true": tensor([[0, 1]]), "y_pred": tensor([[1, 1]])}}
DROP = object()   # a key to leave out of the request


def bad(**changes: Any) -> bytes:
    request = {**GOOD, "id": "bad", **changes}
    return json.dumps({k: v for k, v in request.items() if v is not DROP}).encode()


Y = tensor([[0.5, 1.0]])
SHORT = {"dtype": "float32", "shape": [1, 2], "data": base64.b64encode(b"\0" * 4).decode()}
NOT_BASE64 = {"dtype": "float32", "shape": [1, 2], "data": "!!!!!!!!!!!!"}
HUGE = {"dtype": "bool", "shape": [4097, 4096], "data": ""}

MALFORMED: dict[str, tuple[bytes, str]] = {
    "truncated JSON": (b'{"id": "bad", "profile": ', "not valid JSON"),
    "not UTF-8": (b'{"id": "\xff\xfe"}', "not UTF-8"),
    "deep nesting": (b"[" * 100_000, "not valid JSON"),
    "huge integer": (b"9" * 5000, "not valid JSON"),
    "JSON list": (b"[1, 2]", "JSON object"),
    "JSON number": (b"3.5", "JSON object"),
    "JSON string": (b'"loss"', "JSON object"),
    "JSON null": (b"null", "JSON object"),
    "unknown profile": (bad(profile="keras4"), "profile"),
    "missing profile": (bad(profile=DROP), "profile"),
    "profile not a string": (bad(profile=["keras2"]), "profile"),
    "unknown api": (bad(api="losses"), "api"),
    "unknown case dtype": (bad(dtype="float8"), "dtype"),
    "unknown tensor dtype": (bad(inputs={"y_true": {**Y, "dtype": "complex64"}, "y_pred": Y}), "dtype"),
    "unknown want": (bad(want=["gradients", "hessian"]), "want"),
    "want not a list": (bad(want="gradients"), "want"),
    "unknown key": (bad(wants=["exact"]), "wants"),
    "base64 length vs shape": (bad(inputs={"y_true": SHORT, "y_pred": Y}), "base64"),
    "invalid base64": (bad(inputs={"y_true": NOT_BASE64, "y_pred": Y}), "base64"),
    "too many elements": (bad(inputs={"y_true": HUGE, "y_pred": Y}), "elements"),
    "shape not a list": (bad(inputs={"y_true": {**Y, "shape": 2}, "y_pred": Y}), "shape"),
    "negative dimension": (bad(inputs={"y_true": {**Y, "shape": [-1, 2]}, "y_pred": Y}), "shape"),
    "tensor not an object": (bad(inputs={"y_true": [[0.5, 1.0]], "y_pred": Y}), "inline tensor"),
    "args not an object": (bad(args=[1]), "args"),
    "inputs not an object": (bad(inputs="y_true"), "inputs"),
    "unknown input": (bad(inputs={"y_true": Y, "y_pred": Y, "weights": Y}), "weights"),
    "missing input": (bad(inputs={"y_true": Y}), "y_pred"),
    "scalar not a number": (bad(inputs={"y_true": Y, "y_pred": Y, "sample_weight": {"scalar": "2"}}), "scalar"),
    "scalar y_pred": (bad(inputs={"y_true": Y, "y_pred": {"scalar": 2.0}}), "only sample_weight"),
    "metric without steps": (bad(api="metric"), "steps"),
    "metric step without inputs": (bad(api="metric", steps=[{"inputs": {"y_true": Y}}]), "y_pred"),
    "tags not strings": (bad(tags=[1]), "tags"),
    "id a float": (bad(id=1.5), "id"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_request_gets_protocol_error(server: Server, name: str) -> None:
    line, mentions = MALFORMED[name]
    server.send(line)
    answer = server.read()
    assert set(answer) == {"id", "protocol_error"}, answer
    assert mentions in answer["protocol_error"], answer
    assert answer["id"] in ("bad", None)
    assert "value" in server.ask(GOOD)["expected"]


def test_oracle_failure_becomes_protocol_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(serve.oracle, "answer", broken)
    answer = serve.respond(json.dumps(GOOD).encode())
    assert answer == {"id": "good", "protocol_error": "internal error RuntimeError: boom"}


def test_blank_lines_are_ignored(server: Server) -> None:
    server.send(b"")
    server.send(b"  \t\r")
    assert server.ask(GOOD)["id"] == "good"


# ---- garbage ----------------------------------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


FLOATS = tuple(n for n, d in DTYPES.items() if d.is_float)
ARG_VALUES = st.sampled_from([-1, 0, 1, 2, [0, 1], "sum", "none", "auto", "mean", None, "float16", "numpy", 4])
ARGS = st.dictionaries(
    st.sampled_from(["axis", "reduction", "name", "dtype", "input_kind", "target", "global_batch_size", "replicas",
                     "bogus"]),
    ARG_VALUES | JSON_VALUES, max_size=2)


@st.composite
def tensors(draw: st.DrawFn, shape: list[int], dtypes: tuple[str, ...] = FLOATS) -> dict[str, Any]:
    """A well-formed inline tensor of random bytes (NaN, inf and subnormals included)."""
    dtype = draw(st.sampled_from(dtypes))
    size = int(np.prod(shape)) * DTYPES[dtype].numpy.itemsize
    data = draw(st.binary(min_size=size, max_size=size))
    return {"dtype": dtype, "shape": shape, "data": base64.b64encode(data).decode()}


@st.composite
def pair(draw: st.DrawFn) -> dict[str, Any]:
    """y_true/y_pred (usually of one shape) and maybe a sample_weight."""
    shape = draw(st.lists(st.integers(0, 3), max_size=3))
    other = draw(st.sampled_from([shape, shape, shape, shape[:-1], shape + [1]]))
    inputs = {"y_true": draw(tensors(shape, FLOATS + ("int64", "bool"))), "y_pred": draw(tensors(other))}
    if draw(st.booleans()):
        inputs["sample_weight"] = draw(tensors(shape[:1]) | st.builds(lambda x: {"scalar": x}, st.floats(-4, 4)))
    return inputs


@st.composite
def valid_requests(draw: st.DrawFn) -> dict[str, Any]:
    api = draw(st.sampled_from(APIS))
    request: dict[str, Any] = {"id": draw(st.text(max_size=8) | st.integers()), "api": api, "args": draw(ARGS),
                               "profile": draw(st.sampled_from(sorted(PROFILES))),
                               "want": draw(st.lists(st.sampled_from(["gradients", "exact"]), max_size=2))}
    if api in ("loss", "function"):
        request["inputs"] = draw(pair())
    elif api == "metric":
        request["steps"] = draw(st.lists(st.just({"reset": True}) | st.builds(lambda i: {"inputs": i}, pair()),
                                         min_size=1, max_size=3))
    elif api == "compute_average_loss":
        request["inputs"] = {"per_example_loss": draw(tensors([draw(st.integers(0, 4))]))}
    return request


# Ways to spoil a valid request: a key dropped or replaced by any JSON value, a stray key, a broken tensor.
MUTATIONS = st.sampled_from(["none", "drop", "replace", "stray", "tensor"])
BROKEN_TENSORS = st.sampled_from([
    {"dtype": "float32", "shape": [2], "data": "AAAAAAAAAAAA"}, {"dtype": "int8", "shape": [], "data": "AA=="},
    {"dtype": "bool", "shape": [2 ** 25], "data": ""}, {"dtype": "float32", "shape": [1], "data": "AAAAAA=="},
    {"dtype": "float64", "shape": [-1], "data": ""}, {"scalar": True}]) | JSON_VALUES


@st.composite
def plausible(draw: st.DrawFn) -> dict[str, Any]:
    request = draw(valid_requests())
    for mutation in draw(st.lists(MUTATIONS, max_size=2)):
        key = draw(st.sampled_from(sorted(request)))
        if mutation == "drop":
            del request[key]
        elif mutation == "replace":
            request[key] = draw(JSON_VALUES)
        elif mutation == "stray":
            request[draw(st.sampled_from(["file", "expected", "wants", "dtype", "group", "tags"]))] = draw(JSON_VALUES)
        elif mutation == "tensor" and isinstance(request.get("inputs"), dict) and request["inputs"]:
            request["inputs"][draw(st.sampled_from(sorted(request["inputs"])))] = draw(BROKEN_TENSORS)
    return request


GARBAGE = (st.text(max_size=200).map(lambda s: s.replace("\n", " ").encode("utf-8", "surrogatepass"))
           | st.binary(max_size=100).map(lambda b: b.replace(b"\n", b" "))
           | JSON_VALUES.map(lambda v: json.dumps(v).encode())
           | plausible().map(lambda v: json.dumps(v).encode())).filter(lambda line: line.strip() != b"")


def echoed_id(line: bytes) -> Any:
    try:
        obj = json.loads(line.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    value = obj.get("id") if isinstance(obj, dict) else None
    return value if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)) else None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=GARBAGE)
def test_garbage_gets_exactly_one_answer(server: Server, line: bytes) -> None:
    server.send(line)
    server.send(json.dumps({**GOOD, "id": "sentinel"}).encode())
    answer = server.read()
    assert ("protocol_error" in answer) != ("expected" in answer), answer
    event(answer["protocol_error"].split(" ")[0] if "protocol_error" in answer else
          "TF error" if "error" in answer["expected"] else "TF value")
    assert answer["id"] == echoed_id(line)
    assert server.read()["id"] == "sentinel"   # exactly one line for the garbage, and still serving
    assert server.proc.poll() is None

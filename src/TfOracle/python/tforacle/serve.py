"""`python -m tforacle serve`: the live oracle. One JSON case per line on stdin, one JSON answer per line on stdout.

The first line out is the hello. Every non-blank line in gets exactly one line out, in order: the answer built by
`oracle.answer` (the recorder's own path, so the bytes match the fixtures) or `{"id", "protocol_error"}`.
No request makes the server exit; it exits 0 when stdin ends.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from typing import Any, BinaryIO

from . import oracle
from .case import CaseError, answer_to_json, question_from_json
from .profiles import PROFILES, Profile
from .runtime import provenance
from .store import FORMAT
from .tensors import DTYPES, TensorError, from_wire, to_wire

WANTS = ("gradients", "exact")
REQUEST_KEYS = frozenset({"id", "profile", "api", "args", "inputs", "steps", "want", "group", "dtype", "tags"})

Response = dict[str, Any]


class ProtocolError(ValueError):
    """A request the server cannot turn into a case."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "Protocol: see README.md next to the tforacle package."


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise ProtocolError(message)


def request_id(obj: Any) -> str | int | None:
    """The id to echo: the request's own, if it is one a case may carry."""
    if isinstance(obj, dict):
        value = obj.get("id")
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return value
    return None


def decode(line: bytes) -> Any:
    try:
        return json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"request is not UTF-8: {exc}") from None
    except (ValueError, RecursionError) as exc:   # ValueError also covers ints past Python's digit limit
        raise ProtocolError(f"request is not valid JSON: {exc}") from None


def inline_tensor(value: Any, path: str) -> Any:
    try:
        return from_wire(value)
    except TensorError as exc:
        raise ProtocolError(f"{path}: {exc}") from None


def profile_of(obj: dict[str, Any]) -> Profile:
    name = obj.get("profile")
    if not isinstance(name, str) or name not in PROFILES:
        raise ProtocolError(f"unknown profile {name!r}; expected one of {list(PROFILES)}")
    return PROFILES[name]


def wants_of(obj: dict[str, Any]) -> set[str]:
    want = obj.get("want", [])
    _require(isinstance(want, list) and all(isinstance(w, str) for w in want), "want must be a list of strings")
    unknown = [w for w in want if w not in WANTS]
    _require(not unknown, f"unknown want {unknown}; expected some of {list(WANTS)}")
    return set(want)


def check_envelope(obj: dict[str, Any]) -> None:
    """What question_from_json leaves to the caller: stray keys and the case-level dtype name."""
    unknown = sorted(set(obj) - REQUEST_KEYS)
    _require(not unknown, f"unknown request keys {unknown}; expected some of {sorted(REQUEST_KEYS)}")
    dtype = obj.get("dtype", "")   # "" is how recorded cases without a y_pred spell "none"
    _require(dtype == "" or (isinstance(dtype, str) and dtype in DTYPES),
             f"unknown dtype {dtype!r}; expected one of {sorted(DTYPES)}")


def answer_request(obj: Any) -> Response:
    _require(isinstance(obj, dict), f"a request is a JSON object, got {type(obj).__name__}")
    check_envelope(obj)
    profile = profile_of(obj)
    wants = wants_of(obj)
    case = question_from_json(obj, inline_tensor)
    outcome = oracle.answer(case, profile, gradients="gradients" in wants, exact="exact" in wants)
    return answer_to_json(outcome, put=lambda _path, arr: to_wire(arr), obj={"id": request_id(obj)})


def respond(line: bytes) -> Response:
    """The one response line for a request line; never raises."""
    obj: Any = None
    try:
        obj = decode(line)
        return answer_request(obj)
    except (ProtocolError, CaseError) as exc:
        return {"id": request_id(obj), "protocol_error": str(exc)}
    except Exception as exc:  # noqa: BLE001  a bug or a limit hit while answering must not end the session
        return {"id": request_id(obj), "protocol_error": f"internal error {type(exc).__name__}: {exc}"}


def encode(response: Response) -> bytes:
    try:
        text = json.dumps(response, allow_nan=False, separators=(",", ":"))
    except ValueError as exc:   # e.g. a NaN inside a get_config() answer: not representable in strict JSON
        text = json.dumps({"id": response.get("id"), "protocol_error": f"answer is not JSON-encodable: {exc}"})
    return text.encode("ascii") + b"\n"


def protocol_stream() -> BinaryIO:
    """Takes fd 1 for the protocol and points fd 1 (and sys.stdout) at stderr.

    TensorFlow's C++ and Python layers may print at any time, not only at import; after this swap nothing but
    protocol lines can reach the client's stdout.
    """
    sys.stdout.flush()
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return out


def hello() -> Response:
    return {"hello": FORMAT, "profiles": list(PROFILES), "provenance": provenance()}


def serve(lines: Iterable[bytes], out: BinaryIO) -> None:
    out.write(encode(hello()))
    out.flush()
    for line in lines:
        if not line.strip():
            continue
        out.write(encode(respond(line)))
        out.flush()


def main(args: argparse.Namespace) -> int:
    out = protocol_stream()
    try:
        serve(sys.stdin.buffer, out)
    except BrokenPipeError:
        print("serve: client closed stdout; stopping", file=sys.stderr)
    return 0

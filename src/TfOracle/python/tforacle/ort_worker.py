"""ONNX Runtime in a process of its own, as the .NET side runs it: without TensorFlow.

TensorFlow sets flush-to-zero and denormals-are-zero (FTZ/DAZ) on the threads it computes on, the main thread
included, and an ONNX Runtime session in the same process runs on that thread and inherits it; ORT's own
`session.set_denormal_as_zero` reaches only its intra-op pool threads, not the caller's. So `graphs` validates in
this child process (`python -m tforacle.ort_worker`, numpy and onnxruntime only), which computes with subnormals
exactly as a TF-free ORT does. Requests and answers are length-prefixed pickles over stdin/stdout.
"""
from __future__ import annotations

import hashlib
import pickle
import struct
import subprocess
import sys
from typing import IO, Any

OUTPUT = "value"
Result = tuple[Any, str | None]     # (output array or None, first line of ORT's error or None)


def _write(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def _read(stream: IO[bytes]) -> Any:
    header = stream.read(8)
    if len(header) < 8:
        return None
    (size,) = struct.unpack("<Q", header)
    return pickle.loads(stream.read(size))


def make_session(data: bytes) -> Any:
    """ORT's CPU provider with its default settings, on one thread (so a run is reproducible)."""
    import onnxruntime as ort
    ort.set_default_logger_severity(4)   # failed runs are answers here, not log lines
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 4
    return ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])


def run(session: Any, feeds: dict[str, Any]) -> Result:
    import numpy as np
    try:
        return np.asarray(session.run([OUTPUT], feeds)[0]), None
    except Exception as exc:  # noqa: BLE001  an ONNX Runtime failure is an answer to compare
        lines = str(exc).strip().splitlines()
        return None, f"{type(exc).__name__}: {lines[0][:300] if lines else ''}"


def serve() -> None:
    if "tensorflow" in sys.modules:
        raise RuntimeError("the ONNX Runtime worker must not share its process with TensorFlow")
    sessions: dict[bytes, Any] = {}
    while (request := _read(sys.stdin.buffer)) is not None:
        data, feeds = request
        key = hashlib.sha256(data).digest()
        if key not in sessions:
            sessions.clear()
            sessions[key] = make_session(data)
        _write(sys.stdout.buffer, [run(sessions[key], f) for f in feeds])


class Worker:
    """The parent's handle: `run(graph bytes, list of feeds)` answers in order."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "tforacle.ort_worker"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE)

    def run(self, data: bytes, feeds: list[dict[str, Any]]) -> list[Result]:
        assert self.process.stdin is not None and self.process.stdout is not None
        _write(self.process.stdin, (data, feeds))
        answer = _read(self.process.stdout)
        if answer is None:
            raise RuntimeError(f"the ONNX Runtime worker exited with status {self.process.wait()}")
        return answer

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()


if __name__ == "__main__":
    serve()

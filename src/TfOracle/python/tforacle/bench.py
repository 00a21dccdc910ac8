"""`python -m tforacle bench`: throughput of the live oracle on small forward-only loss cases.

The server runs as a child process exactly as a client would start it. Requests are encoded up front and written
from a thread while the main thread reads answers, so the figure is the server's pipelined rate: cases per second
from the first request byte written to the last answer read (start-up and the hello line are not counted).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import numpy as np

from .profiles import PROFILES
from .tensors import to_wire

SHAPE = (32, 16)
SEED = 1234


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=int, default=2000, help="number of cases to stream (default 2000)")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="keras3", help="profile to ask (default keras3)")


def requests(count: int, profile: str) -> list[bytes]:
    rng = np.random.default_rng(SEED)
    lines = []
    for i in range(count):
        y_true, y_pred = (rng.standard_normal(SHAPE).astype(np.float32) for _ in range(2))
        obj = {"id": i, "profile": profile, "api": "loss", "args": {},
               "inputs": {"y_true": to_wire(y_true), "y_pred": to_wire(y_pred)}}
        lines.append(json.dumps(obj).encode("ascii") + b"\n")
    return lines


def start_server() -> subprocess.Popen[bytes]:
    # The child must import this very tforacle, whatever the caller's cwd or PYTHONPATH.
    package_root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
    return subprocess.Popen([sys.executable, "-m", "tforacle", "serve"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env)


def write_all(stream: IO[bytes], lines: list[bytes]) -> None:
    for line in lines:
        stream.write(line)
    stream.flush()


def read_answers(stream: IO[bytes], count: int) -> int:
    """Reads `count` answers; returns how many were not a TF value (protocol errors, TF errors)."""
    bad = 0
    for _ in range(count):
        line = stream.readline()
        if not line:
            raise RuntimeError("server closed its stdout early")
        if "value" not in json.loads(line).get("expected", {}):
            bad += 1
    return bad


def measure(server: subprocess.Popen[bytes], lines: list[bytes]) -> tuple[float, int]:
    """(seconds from the first request written to the last answer read, answers without a value)."""
    assert server.stdin is not None and server.stdout is not None
    if "hello" not in json.loads(server.stdout.readline() or b"{}"):
        raise RuntimeError("server did not say hello")
    writer = threading.Thread(target=write_all, args=(server.stdin, lines), daemon=True)
    start = time.perf_counter()
    writer.start()
    bad = read_answers(server.stdout, len(lines))
    elapsed = time.perf_counter() - start
    writer.join()
    return elapsed, bad


def main(args: argparse.Namespace) -> int:
    lines = requests(args.cases, args.profile)
    server = start_server()
    assert server.stdin is not None
    try:
        elapsed, bad = measure(server, lines)
    finally:
        server.stdin.close()   # EOF: the server exits 0 on its own
        if server.wait(timeout=30) != 0:
            print(f"bench: server exited with {server.returncode}", file=sys.stderr)
    print(f"{len(lines)} {args.profile} cases ({SHAPE[0]}x{SHAPE[1]} float32, forward only) in {elapsed:.2f} s: "
          f"{len(lines) / elapsed:.0f} cases/s on {os.cpu_count()} cores; {bad} without a value")
    return 1 if bad else 0

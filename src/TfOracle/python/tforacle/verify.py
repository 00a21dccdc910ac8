"""`python -m tforacle verify --sample 0.05`: re-runs TF on a random sample of recorded cases; demands same bits."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from .case import Case, Outcome
from .oracle import answer
from .profiles import PROFILES
from .runtime import SEED
from .store import Fixtures
from .tensors import to_bytes


def same_bits(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.dtype == b.dtype and a.shape == b.shape and to_bytes(a) == to_bytes(b)


def differences(recorded: Outcome, fresh: Outcome) -> list[str]:
    """What differs between a recorded outcome and a fresh one, bit for bit."""
    found = []
    if recorded.error != fresh.error:
        found.append(f"error {recorded.error} vs {fresh.error}")
    if recorded.config != fresh.config:
        found.append(f"config {recorded.config} vs {fresh.config}")
    if not same_bits(recorded.value, fresh.value):
        found.append(f"value {recorded.value!r} vs {fresh.value!r}")
    for name, grad in (recorded.gradients or {}).items():
        if not same_bits(grad, (fresh.gradients or {}).get(name)):
            found.append(f"gradient {name}")
    for i, (a, b) in enumerate(zip(recorded.step_values or [], fresh.step_values or [])):
        if not same_bits(a, b):
            found.append(f"step {i} value {a!r} vs {b!r}")
    return found


def verify_case(case: Case, recorded: Outcome, profile_name: str) -> list[str]:
    fresh = answer(case, PROFILES[profile_name], gradients=recorded.gradients is not None)
    return differences(recorded, fresh)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fixtures", type=Path, default=Path("fixtures"), help="fixtures directory")
    parser.add_argument("--sample", type=float, default=0.05, help="fraction of cases to re-run (0..1]")
    parser.add_argument("--seed", type=int, default=None, help="sampling seed (default: a fresh one, printed)")


def main(args: argparse.Namespace) -> int:
    if not 0 < args.sample <= 1:
        print("--sample must be in (0, 1]", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else int(time.time_ns() % 2**31)
    rng = np.random.default_rng([SEED, seed])
    checked, failed = 0, 0
    for name in sorted(PROFILES):
        directory = args.fixtures / name
        if not (directory / "manifest.json").exists():
            print(f"no fixtures for {name} in {directory}", file=sys.stderr)
            return 1
        fixtures = Fixtures(directory)
        for obj in fixtures.manifest["cases"]:
            if rng.random() >= args.sample:
                continue
            case, recorded = fixtures.load(obj)
            problems = verify_case(case, recorded, name)
            checked += 1
            if problems:
                failed += 1
                print(f"MISMATCH {case.id}: " + "; ".join(problems), file=sys.stderr)
    print(f"verify: re-ran {checked} sampled cases (sampling seed {seed})")
    print(f"verify: {checked - failed} passed, {failed} failed")
    return 1 if failed or checked == 0 else 0

"""`python -m tforacle record --out fixtures`: regenerates every fixture from real TensorFlow, deterministically."""
from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
import time
import zlib
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from . import coverage
from .case import Case, Outcome
from .oracle import answer
from .profiles import PROFILES, Profile
from .runtime import SEED, provenance
from .store import FixtureWriter

GROUPS = ("seed-doc", "keras-tests", "fuzz", "special", "errors", "metric", "average-loss", "config",
          "distributed", "mask")
GRADIENT_APIS = ("loss", "function")


def group_cases(profile: Profile, group: str) -> Iterator[Case]:
    """The group's cases; each (profile, group) has its own seeded stream, so groups never shift each other."""
    rng = np.random.default_rng([SEED, zlib.crc32(f"{profile.name}/{group}".encode())])
    module = importlib.import_module(f"tforacle.catalog.{group.replace('-', '_')}")
    yield from module.cases(profile, rng)


def record_case(case: Case, profile: Profile) -> Outcome:
    outcome = answer(case, profile, gradients=case.api in GRADIENT_APIS, exact=True)
    if outcome.value is not None and outcome.exact is not None and outcome.exact.shape != outcome.value.shape:
        raise AssertionError(f"{case.id}: the {profile.name} formula gives shape {outcome.exact.shape} "
                             f"where TF gave {outcome.value.shape}")
    return outcome


def record_profile(profile: Profile, out: Path, groups: tuple[str, ...], limit: int | None) -> int:
    directory = out / profile.name
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    writer = FixtureWriter(directory, profile.name, provenance())
    total = 0
    for group in groups:
        start, n, errors = time.monotonic(), 0, 0
        for case in group_cases(profile, group):
            if limit is not None and n >= limit:
                break
            outcome = record_case(case, profile)
            writer.add(case, outcome)
            n += 1
            errors += outcome.error is not None
            if n % 200 == 0:
                print(f"  {profile.name}/{group}: {n} cases", file=sys.stderr, flush=True)
        print(f"{profile.name}/{group}: {n} cases ({errors} TF errors) in {time.monotonic() - start:.1f}s",
              file=sys.stderr, flush=True)
        total += n
    writer.close()
    return total


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("fixtures"), help="fixtures directory (default: fixtures)")
    parser.add_argument("--profile", choices=sorted(PROFILES), action="append",
                        help="record only this profile (repeatable; default: all)")
    parser.add_argument("--group", choices=GROUPS, action="append", help="record only this group (repeatable)")
    parser.add_argument("--limit", type=int, help="at most this many cases per group (for quick looks)")


def _record_named(name: str, out: Path, groups: tuple[str, ...], limit: int | None) -> int:
    count = record_profile(PROFILES[name], out, groups, limit)
    print(f"{name}: {count} cases written to {out / name}", file=sys.stderr, flush=True)
    return count


def main(args: argparse.Namespace) -> int:
    start = time.monotonic()
    groups = tuple(args.group or GROUPS)
    names = args.profile or sorted(PROFILES)
    # One process per profile: the exact references (mpmath) dominate the time, and profiles are independent,
    # so the files come out the same as from one process.
    with ProcessPoolExecutor(max_workers=min(len(names), os.cpu_count() or 1), mp_context=get_context("spawn")) as pool:
        for future in [pool.submit(_record_named, name, args.out, groups, args.limit) for name in names]:
            future.result()
    recorded = [name for name in sorted(PROFILES) if (args.out / name / "manifest.json").exists()]
    print(f"coverage summary: {coverage.write(args.out, recorded)}", file=sys.stderr)
    print(f"recorded in {time.monotonic() - start:.0f}s", file=sys.stderr)
    return 0

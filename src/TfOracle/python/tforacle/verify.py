"""`python -m tforacle verify --sample 0.05`: re-runs TF on a random sample of recorded cases and compares.

Every TF number must lie within its recorded bound of the exact answer, on every CPU. Where this CPU is the one
the fixtures were recorded on (vendor, model and kernel-selecting ISA flags in provenance), the answers must also
be bit-identical; elsewhere differing bits within bound are counted and accepted. `--against DIR` takes the
"fresh" answers from another recording of the same cases (e.g. one made on another CPU) instead of running TF.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from .case import Case, Outcome
from .compare import Comparison, compare
from .oracle import answer
from .profiles import PROFILES
from .runtime import SEED, cpu, same_cpu
from .store import Fixtures


def verify_case(case: Case, recorded: Outcome, profile_name: str) -> Comparison:
    """TF's fresh answer to a recorded case, compared with the recording."""
    return compare(recorded, answer(case, PROFILES[profile_name], gradients=recorded.gradients is not None))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fixtures", type=Path, default=Path("fixtures"), help="fixtures directory")
    parser.add_argument("--sample", type=float, default=0.05, help="fraction of cases to re-run (0..1]")
    parser.add_argument("--seed", type=int, default=None, help="sampling seed (default: a fresh one, printed)")
    parser.add_argument("--graphs", type=int, default=4,
                        help="ONNX graphs (fixtures/graphs) to re-run against TF after checking every graph's sha256")
    parser.add_argument("--against", type=Path, default=None,
                        help="another recording of the same cases (a fixtures directory) to use as the fresh "
                             "answers instead of running TF")


def _fresh_answers(args: argparse.Namespace, name: str) -> tuple[dict[str, Outcome] | None, dict]:
    """The other recording's outcomes by case id and its provenance, or (None, this CPU) to run TF."""
    if args.against is None:
        return None, cpu()
    other = Fixtures(args.against / name)
    return {obj["id"]: other.load(obj)[1] for obj in other.manifest["cases"]}, other.manifest["provenance"]


def verify_profile(args: argparse.Namespace, name: str, rng: np.random.Generator) -> Counter:
    fixtures = Fixtures(args.fixtures / name)
    answers, source = _fresh_answers(args, name)
    demand_bits = same_cpu(fixtures.manifest["provenance"], source)
    print(f"verify {name}: recorded on {fixtures.manifest['provenance'].get('cpu')!r}, answers from "
          f"{source.get('cpu')!r}: {'same CPU, bits demanded' if demand_bits else 'other CPU, bounds demanded'}")
    counts: Counter = Counter()
    for obj in fixtures.manifest["cases"]:
        if rng.random() >= args.sample:
            continue
        if answers is not None and obj["id"] not in answers:
            counts["not in the other recording"] += 1
            continue
        case, recorded = fixtures.load(obj)
        cmp = compare(recorded, answers[obj["id"]]) if answers is not None else verify_case(case, recorded, name)
        failed = cmp.failed(demand_bits)
        counts["failing" if failed else "bit-identical" if cmp.identical else "within bound"] += 1
        if failed:
            print(f"MISMATCH {case.id}: " + "; ".join(failed), file=sys.stderr)
    return counts


def verify_graphs(directory: Path, sample: int, rng: np.random.Generator) -> int:
    """The ONNX graphs: every file's sha256, and `sample` graphs re-run in ONNX Runtime against TF."""
    if not (directory / "manifest.json").exists():
        print(f"verify graphs: no {directory / 'manifest.json'}, skipped")
        return 0
    from .graphs import check  # imports onnx and onnxruntime only when there are graphs
    rerun, problems = check(directory, sample, rng)
    for problem in problems:
        print(f"GRAPH MISMATCH {problem}", file=sys.stderr)
    print(f"verify graphs: sha256 of every file checked, {rerun} graphs re-run against TF, {len(problems)} problems")
    return len(problems)


def main(args: argparse.Namespace) -> int:
    if not 0 < args.sample <= 1:
        print("--sample must be in (0, 1]", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else int(time.time_ns() % 2**31)
    rng = np.random.default_rng([SEED, seed])
    totals: Counter = Counter()
    for name in sorted(PROFILES):
        for directory in [args.fixtures / name] + ([args.against / name] if args.against else []):
            if not (directory / "manifest.json").exists():
                print(f"no fixtures for {name} in {directory}", file=sys.stderr)
                return 1
        counts = verify_profile(args, name, rng)
        totals.update(counts)
        print(f"verify {name}: {counts['bit-identical']} bit-identical, {counts['within bound']} within bound, "
              f"{counts['failing']} failing" + "".join(f", {n} {k}" for k, n in counts.items()
                                                      if k not in ("bit-identical", "within bound", "failing")))
    # the graphs belong to --fixtures: re-checking them is no part of comparing another recording
    graph_problems = 0 if args.against else verify_graphs(args.fixtures / "graphs", args.graphs,
                                                           np.random.default_rng([SEED, seed, 1]))
    checked = totals["bit-identical"] + totals["within bound"] + totals["failing"]
    print(f"verify: compared {checked} sampled cases (sampling seed {seed})")
    print(f"verify: {checked - totals['failing']} passed, {totals['failing']} failed")
    return 1 if totals["failing"] or checked == 0 or graph_problems else 0

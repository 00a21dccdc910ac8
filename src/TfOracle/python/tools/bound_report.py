"""How tight is the bound? Prints the figures fixtures/README quotes under "Evidence".

    python tools/bound_report.py [--fixtures fixtures] [--other ../shared/cross-cpu]

- per fuzz dtype: the median and 99th percentile of bound / max(|exact|, tiny) over the elements of `value`;
- against a second recording of the same cases on another CPU (`--other`): how many numbers differ there, and
  |TF there - TF here| in units of the bound (how much of the bound TF's own spread uses), median and largest.
"""
from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np

from tforacle.case import Reference
from tforacle.compare import within
from tforacle.exact import PRECISION
from tforacle.store import Fixtures


def relative_bounds(fixtures: Path) -> None:
    ratios: dict[str, list[np.ndarray]] = defaultdict(list)
    for profile in ("keras2", "keras3"):
        store = Fixtures(fixtures / profile)
        for obj in store.manifest["cases"]:
            if obj["group"] != "fuzz" or "bound" not in obj["expected"]:
                continue
            _, outcome = store.load(obj)
            assert outcome.reference is not None
            exact, bound = outcome.reference.exact, outcome.reference.bound
            keep = np.isfinite(bound) & np.isfinite(exact) & (exact != 0)   # exact zeros (empty sums) have bound 0
            tiny = PRECISION[obj["dtype"]].tiny
            ratios[obj["dtype"]].append((bound[keep] / np.maximum(np.abs(exact[keep]), tiny)).reshape(-1))
    print("bound / max(|exact|, tiny), fuzz values other than exact zeros, both profiles:")
    for dtype, parts in sorted(ratios.items()):
        r = np.concatenate(parts)
        u = PRECISION[dtype].unit
        print(f"  {dtype:9s} n={r.size:6d} median {np.median(r):.3g} ({np.median(r) / u:.1f} u), "
              f"p99 {np.percentile(r, 99):.3g} ({np.percentile(r, 99) / u:.1f} u)")


def against_other_cpu(fixtures: Path, other: Path) -> None:
    for profile in ("keras2", "keras3"):
        mine, theirs = Fixtures(fixtures / profile), Fixtures(other / profile)
        by_id = {obj["id"]: obj for obj in theirs.manifest["cases"]}
        differing, outside, used, worst_at = 0, 0, [np.zeros(0)], ""
        spent: dict[str, list[np.ndarray]] = {"here": [np.zeros(0)], "there": [np.zeros(0)]}
        for obj in mine.manifest["cases"]:
            if obj["id"] not in by_id:
                continue
            _, here = mine.load(obj)
            _, there = theirs.load(by_id[obj["id"]])
            for (what, a, ref), (_, b, _) in zip(here.numbers(), there.numbers()):
                if a is None or b is None or ref is None or a.tobytes() == b.tobytes():
                    continue
                differing += 1
                outside += int((~within(b, ref)).sum())
                for side, tf in (("here", a), ("there", b)):
                    spent[side].append(_fraction_of_bound(tf, ref))
                x, y = a.astype(np.float64), b.astype(np.float64)
                with np.errstate(invalid="ignore"):
                    diff = np.where(np.isnan(x) & np.isnan(y), 0.0, np.abs(x - y))
                judged = np.isfinite(ref.bound) & (ref.bound > 0) & np.isfinite(diff) & (diff > 0)
                if judged.any():
                    fraction = diff[judged] / ref.bound[judged]
                    if fraction.max() > max(u.max(initial=0) for u in used):
                        worst_at = f"{obj['id']} {what}"
                    used.append(fraction)
        for side, parts in spent.items():
            f = np.concatenate(parts)
            print(f"{profile}: |TF {side} - exact| / bound on those numbers: median {np.median(f):.3g}, "
                  f"99th percentile {np.percentile(f, 99):.3g}, largest {f.max(initial=0):.3g}")
        fractions = np.concatenate(used)
        worst = fractions.max(initial=0)
        print(f"{profile}: {differing} numbers differ between the CPUs ({fractions.size} differing elements), "
              f"{outside} elements outside the bound; |difference| / bound: median {np.median(fractions):.3g}, "
              f"largest {worst:.3g} at {worst_at}: the bound is {1 / worst:.3g}x the largest difference")


def _fraction_of_bound(value: np.ndarray, ref: Reference) -> np.ndarray:
    x = value.astype(np.float64)
    judged = np.isfinite(ref.bound) & (ref.bound > 0) & np.isfinite(ref.exact) & np.isfinite(x)
    return (np.abs(x - ref.exact)[judged] / ref.bound[judged]).reshape(-1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fixtures", type=Path, default=Path("fixtures"))
    parser.add_argument("--other", type=Path, default=None)
    args = parser.parse_args()
    relative_bounds(args.fixtures)
    if args.other is not None:
        against_other_cpu(args.fixtures, args.other)


if __name__ == "__main__":
    main()

"""The error bound: TF lies within it everywhere, so does an independent float implementation with other summation
orders, and deliberately wrong implementations do not (fixtures/README, "The error bound")."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES, REPO
from floating import FloatArithmetic, evaluate

from tforacle import exact as X
from tforacle.case import Case, Outcome
from tforacle.compare import compare, within
from tforacle.profiles import PROFILES, Keras2, Keras3, keras3_same_rank
from tforacle.store import Fixtures

CROSS_CPU = REPO.parent / "shared" / "cross-cpu"
FORWARD_APIS = ("loss", "function", "metric", "compute_average_loss")


@pytest.fixture(scope="module")
def recorded(fixture_dirs: list[Path]) -> dict[str, list[tuple[Case, Outcome]]]:
    out = {}
    for directory in fixture_dirs:
        fixtures = Fixtures(directory)
        out[directory.name] = [fixtures.load(obj) for obj in fixtures.manifest["cases"]]
    return out


@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_tensorflow_lies_within_the_bound_everywhere(recorded: dict, profile: str) -> None:
    """Every recorded TF number (values, gradients, metric steps) of every case is within its bound."""
    counts: Counter = Counter()
    for case, outcome in recorded[profile]:
        for what, value, ref in outcome.numbers():
            if case.api == "config" or value is None:
                continue
            assert ref is not None, f"{case.id}: {what} has no exact/bound"
            inside = within(value, ref)
            assert inside.all(), (case.id, what, value[~inside][:3], ref.exact[~inside][:3], ref.bound[~inside][:3])
            counts[what.split()[0]] += 1
            counts["branch elements"] += int(np.isinf(ref.bound).sum())
    assert counts["value"] >= 2000 and counts["gradient"] >= 1800 and counts["step"] >= 300, counts


def forward_cases(recorded: dict, profile: str, every: int = 1) -> list[tuple[Case, Outcome]]:
    return [(c, o) for c, o in recorded[profile][::every] if c.api in FORWARD_APIS and o.value is not None]


def outside(profile: Keras2 | Keras3, cases: list[tuple[Case, Outcome]], arithmetic: FloatArithmetic) -> list[str]:
    """Ids of the cases whose value, computed by `profile` in floating point, leaves the recorded bound."""
    found = []
    for case, outcome in cases:
        assert outcome.reference is not None
        try:
            value = evaluate(profile, case, arithmetic)
        except ValueError:        # the implementation cannot even reconcile the shapes
            found.append(case.id)
            continue
        if value.shape != outcome.value.shape or not within(value, outcome.reference).all():
            found.append(case.id)
    return found


@pytest.mark.parametrize("reverse", [False, True], ids=["sequential", "reversed"])
@pytest.mark.parametrize("profile", ["keras2", "keras3"])
def test_a_second_implementation_lies_within_the_bound(recorded: dict, profile: str, reverse: bool) -> None:
    """numpy scalars of the compute dtype, sums one term at a time (forwards or backwards), 1/sqrt for rsqrt,
    no flush-to-zero: 100% of the forward cases within bound."""
    cases = forward_cases(recorded, profile)
    assert len(cases) >= 2300
    assert outside(PROFILES[profile], cases, FloatArithmetic(reverse)) == []


class Keras2Epsilon1e7(Keras2):
    def clamp(self, dtype: str) -> X.Clamp:
        return X.Clamp("max", X.constant(1e-7, dtype))


class Keras2NoClamp(Keras2):
    def clamp(self, dtype: str) -> X.Clamp:
        return X.Clamp("max", X.mpf(0))


class Keras3NoClamp(Keras3):
    def clamp(self, dtype: str) -> X.Clamp:
        return X.Clamp("min", X.INF)


class Keras2WithKeras3Ranks(Keras2):
    def align_for_loss(self, args: dict) -> object:
        return keras3_same_rank


class Keras3WithKeras2Ranks(Keras3):
    def align_for_loss(self, args: dict) -> object:
        return Keras2().align_for_loss(args)


def over_the_batch(base: type[Keras2] | type[Keras3]) -> Keras2 | Keras3:
    """The profile, but sum_over_batch_size divides by the batch size instead of the element count."""
    class OverTheBatch(base):  # type: ignore[valid-type,misc]
        def reduce(self, weighted, weight, reduction, dtype, replicas):  # type: ignore[no-untyped-def]
            if reduction in ("auto", "sum_over_batch_size") and weighted.ndim > 1:
                batch = X.constant(weighted.shape[0], dtype)
                return np.asarray(X.divide_no_nan(X.total(weighted), batch), dtype=object)
            return super().reduce(weighted, weight, reduction, dtype, replicas)
    return OverTheBatch()


WRONG = {
    "keras2 epsilon 1e-7": ("keras2", Keras2Epsilon1e7(), {}, ("tiny-norm", "at-clamp")),
    "keras2 no clamp": ("keras2", Keras2NoClamp(), {}, ("zero-rows",)),
    "keras3 no clamp": ("keras3", Keras3NoClamp(), {}, ("zero-rows",)),
    "keras2 with keras3's rank rule": ("keras2", Keras2WithKeras3Ranks(), {}, ("rank-1-y-true",)),
    "keras3 with keras2's rank rule": ("keras3", Keras3WithKeras2Ranks(), {}, ("rank-1-y-true",)),
    "keras2 sum_over_batch_size over the batch": ("keras2", over_the_batch(Keras2), {}, ()),
    "keras3 sum_over_batch_size over the batch": ("keras3", over_the_batch(Keras3), {}, ()),
    "keras2 float16 computed in float32": ("keras2", Keras2(), {"float16": "float32"}, ("zero-rows",)),
    "keras3 float16 computed in float32": ("keras3", Keras3(), {"float16": "float32"}, ("zero-rows",)),
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_implementations_leave_the_bound(recorded: dict, name: str) -> None:
    """Each deliberate mistake is caught by the bound on the cases that probe it (and those cases' tags say so)."""
    profile_name, wrong, widen, tags = WRONG[name]
    cases = [(c, o) for c, o in forward_cases(recorded, profile_name)
             if c.group in ("special", "fuzz", "seed-doc", "keras-tests") and (not widen or c.dtype in widen)]
    caught = outside(wrong, cases, FloatArithmetic(widen=widen))
    assert len(caught) >= 3, caught
    if tags:
        by_id = {c.id: c for c, _ in cases}
        assert any(set(by_id[i].tags) & set(tags) for i in caught), (name, caught[:10])


def test_a_flipped_bit_and_a_wrong_value_are_caught(recorded: dict) -> None:
    """compare() demands bits on the recording CPU and the bound everywhere."""
    case, outcome = next((c, o) for c, o in recorded["keras2"] if c.group == "fuzz" and c.dtype == "float32"
                         and o.value is not None and o.value.size and o.value.ndim == 0)
    flipped = outcome.value.copy()
    flipped.reshape(-1).view(np.uint32)[0] ^= 1            # one ulp: inside the bound, but other bits
    cmp = compare(outcome, replace(outcome, value=flipped))
    assert not cmp.identical and cmp.problems == [] and cmp.failed(demand_bits=True)
    wrong = np.asarray(outcome.value + np.float32(0.5), dtype=np.float32)   # far outside
    assert compare(outcome, replace(outcome, value=wrong)).failed(demand_bits=False)


def test_the_other_cpu_lies_within_the_bound() -> None:
    """../shared/cross-cpu: the same cases recorded on an Intel Xeon with AVX-512 (evidence, when present)."""
    if not CROSS_CPU.exists():
        pytest.skip(f"no second-CPU recording at {CROSS_CPU}")
    for profile in ("keras2", "keras3"):
        mine = Fixtures(FIXTURES / profile)
        theirs = Fixtures(CROSS_CPU / profile)
        other = {obj["id"]: obj for obj in theirs.manifest["cases"]}
        counts: Counter = Counter()
        for obj in mine.manifest["cases"]:
            if obj["id"] not in other:
                continue
            _, recorded_outcome = mine.load(obj)
            cmp = compare(recorded_outcome, theirs.load(other[obj["id"]])[1])
            assert cmp.problems == [], (obj["id"], cmp.problems)
            counts["identical" if cmp.identical else "within bound"] += 1
        assert counts["within bound"] > 0 and sum(counts.values()) >= 2400, counts

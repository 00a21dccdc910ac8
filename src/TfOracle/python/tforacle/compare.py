"""The comparison rule (fixtures/README, "How to compare"): an answer is right when every element lies within its
bound of the exact answer. Bit-identity with TF is reported beside it, and demanded only where the CPU is the
recording's own (TF's kernels sum in a CPU-dependent order)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .case import Outcome, Reference
from .tensors import to_bytes


def within(value: np.ndarray, reference: Reference) -> np.ndarray:
    """Per element: inside the bound. An infinite bound (a branch) accepts anything; a NaN exact answer wants
    NaN (any payload or sign); an infinite one the same infinity; a finite one a finite value with
    |value - exact| <= bound. The sign of zero is not judged."""
    v = np.asarray(value).astype(np.float64)
    exact, bound = reference.exact, reference.bound
    with np.errstate(invalid="ignore", over="ignore"):
        finite = np.isfinite(exact) & np.isfinite(v) & (np.abs(v - exact) <= bound)
        return np.isinf(bound) | (np.isnan(exact) & np.isnan(v)) | (np.isinf(exact) & (v == exact)) | finite


def same_bits(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.dtype == b.dtype and a.shape == b.shape and to_bytes(a) == to_bytes(b)


@dataclass
class Comparison:
    """How a fresh answer relates to a recorded one."""
    identical: bool = True                                   # every number bit for bit
    problems: list[str] = field(default_factory=list)        # what is wrong whatever the CPU
    differing_bits: list[str] = field(default_factory=list)  # numbers that differ in bits but lie within bound

    def failed(self, demand_bits: bool) -> list[str]:
        return self.problems + (self.differing_bits if demand_bits else [])


def _number(cmp: Comparison, what: str, recorded: np.ndarray | None, fresh: np.ndarray | None,
            reference: Reference | None) -> None:
    if recorded is None or fresh is None:
        if recorded is not fresh:
            cmp.identical = False
            cmp.problems.append(f"{what}: recorded {recorded!r} but got {fresh!r}")
        return
    if recorded.dtype != fresh.dtype or recorded.shape != fresh.shape:
        cmp.identical = False
        cmp.problems.append(f"{what}: recorded {recorded.dtype}{list(recorded.shape)}, "
                            f"got {fresh.dtype}{list(fresh.shape)}")
        return
    if not same_bits(recorded, fresh):
        cmp.identical = False
        cmp.differing_bits.append(f"{what}: bits differ")
    if reference is not None:
        outside = ~within(fresh, reference)
        if outside.any():
            at = tuple(int(i) for i in np.argwhere(outside)[0])
            cmp.problems.append(f"{what}: {int(outside.sum())} element(s) outside the bound, e.g. at {list(at)}: "
                                f"{fresh[at]!r} vs exact {reference.exact[at]!r} +- {reference.bound[at]!r}")


def compare(recorded: Outcome, fresh: Outcome) -> Comparison:
    """Every TF number of `fresh` against the recorded one and its exact answer and bound."""
    cmp = Comparison()
    if recorded.error != fresh.error:
        cmp.identical = False
        cmp.problems.append(f"error {recorded.error} vs {fresh.error}")
    if recorded.config != fresh.config:
        cmp.identical = False
        cmp.problems.append(f"config {recorded.config} vs {fresh.config}")
    answered = {what: value for what, value, _ in fresh.numbers()}
    for what, value, reference in recorded.numbers():
        _number(cmp, what, value, answered.get(what), reference)
    return cmp

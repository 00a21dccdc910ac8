"""A case in, TensorFlow's full answer out: the entry point shared by `record`, `verify` and `serve`."""
from __future__ import annotations

from .case import Case, Outcome
from .profiles import Profile
from .runner import run

EXACT_APIS = ("loss", "function", "metric", "compute_average_loss")


def answer(case: Case, profile: Profile, gradients: bool = False, exact: bool = False) -> Outcome:
    """TF's value or error (and gradients if asked), plus `exact` for every successful case but config."""
    outcome = run(case, profile, gradients)
    if exact and outcome.value is not None and case.api in EXACT_APIS:
        outcome.exact = profile.exact(case)
    return outcome

"""A case in, TensorFlow's full answer out: the entry point shared by `record`, `verify` and `serve`."""
from __future__ import annotations

from dataclasses import replace

from .case import Case, Outcome, Reference
from .profiles import Profile
from .runner import run

EXACT_APIS = ("loss", "function", "metric", "compute_average_loss")


def answer(case: Case, profile: Profile, gradients: bool = False, exact: bool = False) -> Outcome:
    """TF's value or error (and gradients if asked), plus, with `exact`, the exact answer and its error bound for
    every TF number (value, each gradient, each metric step) of every successful case but config."""
    outcome = run(case, profile, gradients)
    if exact and outcome.value is not None and case.api in EXACT_APIS:
        add_references(case, profile, outcome)
    return outcome


def add_references(case: Case, profile: Profile, outcome: Outcome) -> None:
    outcome.reference = Reference(*profile.exact_and_bound(case))
    if outcome.gradients:
        outcome.gradient_references = {name: Reference(*pair) for name, pair in
                                       profile.exact_gradients(case, tuple(outcome.gradients)).items()}
    if outcome.step_values is not None and case.steps is not None:
        # result() after step i is the metric of the steps so far
        outcome.step_references = [None if value is None else
                                   Reference(*profile.exact_and_bound(replace(case, steps=case.steps[:i + 1])))
                                   for i, value in enumerate(outcome.step_values)]

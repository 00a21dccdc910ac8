"""Shared test setup: the fixtures directory, a fixed hash seed (Keras 3 prints sets in error messages), float
warnings as errors in the correctness suite."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]
FIXTURES = Path(os.environ.get("TFORACLE_FIXTURES", REPO / "fixtures"))


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("PYTHONHASHSEED") != "0" and "TFORACLE_NO_REEXEC" not in os.environ:
        # Same reason as tforacle.__main__: recorded error messages were produced with PYTHONHASHSEED=0.
        os.environ["PYTHONHASHSEED"] = "0"
        sys.stdout.flush()
        os.execv(sys.executable, [sys.executable, "-m", "pytest", *sys.argv[1:]])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The correctness suite runs with numpy's float warnings as errors: the oracle's own arithmetic (inf * 0 in a
    # bound, a NaN compared with a limit) must be deliberate, under np.errstate, never a stray warning.
    for item in items:
        if item.get_closest_marker("correctness"):
            item.add_marker(pytest.mark.filterwarnings("error::RuntimeWarning"))


def profile_dirs() -> list[Path]:
    return [FIXTURES / name for name in ("keras2", "keras3")]


@pytest.fixture(scope="session")
def fixture_dirs() -> list[Path]:
    dirs = profile_dirs()
    missing = [d for d in dirs if not (d / "manifest.json").exists()]
    if missing:
        pytest.fail(f"no recorded fixtures in {missing}: run `python -m tforacle record --out fixtures`")
    return dirs

"""The fast correctness suite (`pytest -m correctness`) runs without TensorFlow: importing its test modules and
the tforacle modules they exercise must not load TensorFlow or either Keras (tforacle.runtime loads them lazily)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.correctness

TESTS = Path(__file__).resolve().parent
MARK = "pytestmark = pytest.mark.correctness"


def correctness_modules() -> list[str]:
    return sorted(p.stem for p in TESTS.glob("test_*.py") if MARK in p.read_text(encoding="utf-8"))


def test_the_suite_is_not_empty() -> None:
    assert {"test_validator_rules", "test_store_and_tensors", "test_request_parsing",
            "test_exact_arithmetic"} <= set(correctness_modules())


def test_no_tensorflow_is_imported() -> None:
    code = (f"import sys; sys.path.insert(0, {str(TESTS)!r})\n"
            f"for name in {correctness_modules()!r}: __import__(name)\n"
            "import tforacle.validate, tforacle.serve, tforacle.store, tforacle.case\n"
            "import tforacle.exact, tforacle.profiles\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tf_keras'))\n"
            "print(loaded[:5])\n"
            "sys.exit(1 if loaded else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"TensorFlow or Keras imported: {result.stdout}{result.stderr[-2000:]}"

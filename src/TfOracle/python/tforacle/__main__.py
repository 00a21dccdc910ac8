"""`python -m tforacle record|verify|serve|bench|graphs`."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMANDS = {
    "record": "regenerate every fixture from real TensorFlow",
    "verify": "re-run TensorFlow on a sample of recorded cases and demand bit-identical answers",
    "serve": "answer cases from real TensorFlow over stdio (one JSON object per line)",
    "bench": "measure the live oracle's throughput on small cases",
    "graphs": "export TF's forward loss graphs to ONNX and validate them in ONNX Runtime against TF",
}


def main(argv: list[str] | None = None) -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":
        # Keras 3 prints Python sets in some error messages; a fixed hash seed makes their order reproducible.
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, "-m", "tforacle", *(sys.argv[1:] if argv is None else argv)])
    parser = argparse.ArgumentParser(prog="python -m tforacle", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f"tforacle.{name}")
        module.add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    return int(importlib.import_module(f"tforacle.{args.command}").main(args) or 0)


if __name__ == "__main__":
    sys.exit(main())

"""Run every benchmark (``make bench``) and print its figures; exit 1 if a target is missed."""

from __future__ import annotations

import importlib
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MODULES = ["benchmarks.bench_week01_widgets", "benchmarks.bench_week02_widgets", "benchmarks.bench_digit_yardstick", "benchmarks.bench_week03_widgets", "benchmarks.bench_faces", "benchmarks.bench_week04", "benchmarks.bench_toy_gan", "benchmarks.bench_dcgan", "benchmarks.bench_generators", "benchmarks.bench_vae", "benchmarks.bench_diffusion", "benchmarks.bench_week07", "benchmarks.bench_recipe_race"]


def main() -> int:
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    missed = []
    for name in MODULES:
        rows = importlib.import_module(name).main()
        missed += [r["name"] for r in rows if not r["ok"]]
    if missed:
        print("\nmissed targets:", ", ".join(missed))
        return 1
    print("\nall targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Week 6 recipe race: conditional accuracy per CPU-minute, this course's diffusion recipe vs the usual one.

Both recipes of :mod:`coursekit.recipes.diffusion_race` train at the same time, one process and one CPU
thread each, for the same budget (20 training minutes; measuring is not counted), on the same machine.
Target: this course's recipe >= 90 % conditional accuracy (1,000 samples, DDIM 20 steps) within the budget.
The curves are written to ``data/measurements/recipe_race.json`` (the lesson draws them).
``RACE_MINUTES=2 python -m benchmarks.bench_recipe_race`` runs a short race to try it (nothing is written).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from coursekit.paths import data_dir

RECORD = "measurements/recipe_race.json"  # under coursekit.paths.data_dir()
MINUTES = 20.0
TARGET = 0.90
RECIPES = ("coursekit", "hf-course")


def _run(minutes: float) -> dict[str, dict]:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        outs = {r: Path(tmp) / f"{r}.json" for r in RECIPES}
        jobs = [subprocess.Popen([sys.executable, "-m", "coursekit.recipes.diffusion_race", r, "--minutes", str(minutes),
                                  "--threads", "1", "--out", str(outs[r])], env=env) for r in RECIPES]
        codes = [job.wait() for job in jobs]
        if any(codes):
            raise RuntimeError(f"a race process failed: exit codes {dict(zip(RECIPES, codes))}")
        return {r: json.loads(outs[r].read_text()) for r in RECIPES}


def report(results: dict[str, dict]) -> list[dict]:
    """Print both curves and the ratio at the end of the budget; the target row."""
    ours, usual = results["coursekit"], results["hf-course"]
    print(f"\nrecipe race: {ours['budget_minutes']:g} training minutes each, 1 CPU thread each, run side by side")
    for r in results.values():
        print(f"{r['recipe']:<10} {r['settings']['model']:<12} {r['parameters'] / 1e6:.2f}M parameters, "
              f"{r['seconds_per_step']:.2f} s/step at batch {r['settings']['batch_size']}, {r['steps']} steps in "
              f"{r['train_minutes']:.1f} training minutes"
              + (f"; loss {r['loss_first_50']:.3f} (first 50 steps) -> {r['loss_last_50']:.3f} (last 50)" if "loss_last_50" in r else ""))
        print(f"{'':<10} {'minutes':>8} {'step':>6} {'samples':>8} {'cond. acc.':>11} {'confident':>10}")
        for point in r["curve"]:
            print(f"{'':<10} {point['train_minutes']:>8.1f} {point['step']:>6} {point['samples']:>8} "
                  f"{point['conditional_accuracy']:>11.1%} {point['confident']:>10.1%}")
    a, b = ours["curve"][-1]["conditional_accuracy"], usual["curve"][-1]["conditional_accuracy"]
    ratio = f"{a / b:.1f}x" if b > 0 else "infinite (the usual recipe's is 0)"
    print(f"at {ours['budget_minutes']:g} minutes: conditional accuracy {a:.1%} (coursekit) vs {b:.1%} (hf-course), "
          f"ratio {ratio}; target >= {TARGET:.0%}, margin {a - TARGET:+.1%}")
    return [{"name": f"diffusion recipe >= {TARGET:.0%} conditional accuracy in {MINUTES:g} CPU-minutes", "ok": a >= TARGET}]


def main() -> list[dict]:
    minutes = float(os.environ.get("RACE_MINUTES", MINUTES))
    results = _run(minutes)
    if minutes == MINUTES:
        (data_dir() / RECORD).write_text(json.dumps(results, indent=1) + "\n")
    return report(results)


if __name__ == "__main__":
    main()

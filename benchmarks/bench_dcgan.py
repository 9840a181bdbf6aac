"""Week 3 quality bar: the shipped DCGAN (and, for comparison, the StyleGAN) on the digit yardstick.

Loads the shipped checkpoints, samples 1,000 digits from the fixed noise
seed of the recipe and measures them with :mod:`coursekit.metrics`:

- confident: share read as a digit with confidence >= 0.9 (bar: >= 85 %);
- coverage: classes holding >= 5 % of the samples (bar: all 10);
- min / max class share (bar: every class between 5 % and 15 %);
- feature distance to 1,000 real training digits, next to the floor: the
  distance between two sets of *real* digits (train sample vs the test split).

Also prints how long each checkpoint took to train, and on what, from its manifest.
"""

from __future__ import annotations

from coursekit import datasets, metrics
from coursekit.checkpoints import read_manifest
from coursekit.env import set_threads
from coursekit.recipes import dcgan, stylegan

LABELS = {
    "confident": "confident digits (p >= 0.9)",
    "not_digit": "read as 'not a digit'",
    "coverage": "classes with >= 5 % of samples",
    "min_class_share": "rarest class",
    "max_class_share": "commonest class",
    "feature_distance": "feature distance to real digits",
}


def _fmt(key: str, value: float) -> str:
    if key == "coverage":
        return f"{value:.0f}/10"
    if key == "feature_distance":
        return f"{value:.1f}"
    return f"{value:.1%}"


def _bar_text(key: str) -> str:
    bar = dcgan.BAR
    return {
        "confident": f">= {bar['confident']:.0%}",
        "coverage": f">= {bar['coverage']}",
        "min_class_share": f">= {bar['min_class_share']:.0%}",
        "max_class_share": f"<= {bar['max_class_share']:.0%}",
    }.get(key, "-")


def main() -> list[dict]:
    set_threads()
    floor = metrics.feature_distance(datasets.digits_sample(1000, "train")[0], datasets.digits("test")[0])
    rows = []
    for name, recipe in (("dcgan", dcgan), ("stylegan", stylegan)):
        manifest = read_manifest(name)
        measured = recipe.evaluate(recipe.load())
        passed = dcgan.check_bar(measured) if name == "dcgan" else {}
        extra = manifest["extra"]
        print(f"\n{name}: {dcgan.EVAL_COUNT} samples, noise seed {dcgan.EVAL_SEED} "
              f"(trained {extra['steps']} steps in {extra['train_seconds']:.0f} s on {extra['hardware']}; "
              f"rebuild: {manifest['command']})")
        print(f"{'measure':<34} {'value':>8} {'bar':>8}  ok")
        for key, value in measured.items():
            verdict = ("PASS" if passed[key] else "FAIL") if key in passed else "-"
            print(f"{LABELS[key]:<34} {_fmt(key, value):>8} {_bar_text(key) if name == 'dcgan' else '-':>8}  {verdict}")
            if key in passed:
                rows.append({"name": f"{name} {key}", "ok": passed[key]})
        if name == "dcgan":
            print(f"{'  floor: real train vs real test':<34} {floor:>8.1f}")
    return rows


if __name__ == "__main__":
    import sys

    sys.exit(0 if all(r["ok"] for r in main()) else 1)

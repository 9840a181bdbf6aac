"""Week 3 quality bar: the shipped DCGAN (and, for comparison, the StyleGAN) on the digit yardstick.

Loads the shipped checkpoints, samples 1,000 digits from each noise seed of
the bar (``digit_bar.EVAL_SEEDS``) and measures them with :mod:`coursekit.metrics`:

- confident: share read as a digit with confidence >= 0.9 (bar: >= 85 %);
- coverage: classes holding >= 5 % of the samples (bar: all 10);
- min / max class share (bar: every class between 5 % and 15 %);
- feature distance to 1,000 real training digits, next to the floor: the
  distance between two sets of *real* digits (train sample vs the test split).

The DCGAN must meet the bar with a margin of ``digit_bar.MARGIN`` (2 points) on
every seed. The validation seed (``digit_bar.VALIDATION_SEED``), on which the
recipe's settings were compared, is printed beside them but is not part of
the bar. Also prints how long each checkpoint took to train, and on what,
from its manifest.
"""

from __future__ import annotations

from coursekit import datasets, digit_bar, metrics
from coursekit.checkpoints import read_manifest
from coursekit.env import set_threads
from coursekit.models import gan, stylegan

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
    bar = digit_bar.BAR
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
    seeds = (digit_bar.VALIDATION_SEED,) + digit_bar.EVAL_SEEDS
    for name, load in (("dcgan", gan.load), ("stylegan", stylegan.load)):
        manifest = read_manifest(name)
        measured = digit_bar.evaluate(load(), seeds=seeds)
        extra = manifest["extra"]
        print(f"\n{name}: {digit_bar.EVAL_COUNT} samples per noise seed "
              f"(trained {extra['steps']} steps in {extra['train_seconds']:.0f} s on {extra['hardware']}; "
              f"rebuild: {manifest['command']})")
        heads = [f"seed {s}" + (" (val)" if s == digit_bar.VALIDATION_SEED else "") for s in seeds]
        print(f"{'measure':<34} " + " ".join(f"{h:>14}" for h in heads) + f" {'bar':>8}")
        for key in LABELS:
            values = " ".join(f"{_fmt(key, measured[f'{key}_seed{s}']):>14}" for s in seeds)
            print(f"{LABELS[key]:<34} {values} {_bar_text(key) if name == 'dcgan' else '-':>8}")
        if name == "dcgan":
            print(f"{'  floor: real train vs real test':<34} {floor:>14.1f}")
            for key, ok in digit_bar.check_bar_on_seeds(measured).items():
                rows.append({"name": f"dcgan {key} (margin {digit_bar.MARGIN:.0%})", "ok": ok})
            confident = [measured[f"confident_seed{s}"] for s in digit_bar.EVAL_SEEDS]
            print(f"confident on the bar's seeds: median {sorted(confident)[1]:.1%}, lowest {min(confident):.1%}, "
                  f"margin over {digit_bar.BAR['confident']:.0%}: {min(confident) - digit_bar.BAR['confident']:+.1%}")
    for row in rows:
        print(f"{'PASS' if row['ok'] else 'FAIL'}  {row['name']}")
    return rows


if __name__ == "__main__":
    import sys

    sys.exit(0 if all(r["ok"] for r in main()) else 1)

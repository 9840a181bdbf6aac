"""Every shipped generator on the digit yardstick through one call, ``coursekit.metrics.report``: one row each.

1,000 samples per generator from noise seed 1000 (the first seed of the
week-3 bar), the same numbers ``coursekit sample NAME -n 1000 --seed 1000``
writes. The feature distance is to the 1,000 real test digits, beside the
floor a real set of the same size reaches. A figure table, not a target:
each week's own benchmark holds its bar (week 3: ``bench_dcgan``).
"""

from __future__ import annotations

import torch

from coursekit import generators, metrics
from coursekit.env import set_threads

COUNT, SEED = 1000, 1000


def main() -> list[dict]:
    set_threads()
    print(f"\nshipped generators, {COUNT} samples each (seed {SEED}), through metrics.report")
    print(f"{'generator':<10} {'confident':>9} {'not digit':>9} {'coverage':>8} {'classes':>13} "
          f"{'cond. acc':>9} {'feat. dist':>10} {'real floor':>10}")
    for name, generator in generators.GENERATORS.items():
        images, labels = generator.sample(COUNT, SEED)
        r = metrics.report(torch.from_numpy(images), labels, padding=(generator.image_size - 28) // 2)
        accuracy = "-" if r.conditional_accuracy is None else f"{r.conditional_accuracy:.1%}"
        print(f"{name:<10} {r.confident:>9.1%} {r.not_digit:>9.1%} {r.coverage:>5}/10 "
              f"{r.min_class_share:>6.1%}-{r.max_class_share:<6.1%} {accuracy:>9} {r.feature_distance:>10.1f} "
              f"{r.real_floor:>10.1f}")
    return []


if __name__ == "__main__":
    main()

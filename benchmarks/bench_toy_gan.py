"""The toy GAN of the ring (coursekit.models.toy_gan): do the two presets do what the lesson says?

Trains ``CONFIGS["covering"]`` and ``CONFIGS["collapsing"]`` on seeds 0, 1, 2
(1 CPU thread, 2,000 steps each) and measures 2,000 samples of each generator
with :func:`coursekit.ring.mode_report`. Bars:

* covering: all 8 modes covered on every seed, and on average at least 80% of
  the samples within 3 standard deviations of a mode;
* collapsing: at most 3 modes covered on every seed;
* a training run takes at most 15 s (median over the six runs).

The standard deviation of ``d_loss`` over the last 500 steps is reported (no bar):
it shows the collapsing game still swinging while the covering one has settled.

The discriminator-to-generator update ratio (``d_steps``, D updates per G
update, a knob of the lecture's StyleGAN project) is swept on the covering
preset: ``d_steps`` 1, 2 and 5 on the same seeds. Reported: modes covered per
seed and their median; the row passes when the median does not rise as D gets
more steps.
"""

from __future__ import annotations

import numpy as np

from coursekit.env import set_threads
from coursekit.gan_training import train_toy_gan
from coursekit.models.toy_gan import CONFIGS, sample
from coursekit.ring import mode_report

SEEDS = (0, 1, 2)
SAMPLES = 2000
MIN_HIGH_QUALITY = 0.80
MAX_COLLAPSED_MODES = 3
MAX_SECONDS = 15.0
LAST = 500
D_STEPS = (1, 2, 5)


def run(name: str, seed: int, d_steps: int = 1) -> dict:
    G, _, history = train_toy_gan(CONFIGS[name].replace(d_steps=d_steps), seed=seed)
    report = mode_report(sample(G, SAMPLES, seed=seed))
    return {
        "config": name,
        "seed": seed,
        "d_steps": d_steps,
        "modes": report.modes_covered,
        "high_quality": report.high_quality,
        "seconds": history.seconds,
        "d_loss_std": float(np.std(history.losses["d_loss"][-LAST:])),
        "d_real": history.mean("d_real", last=LAST),
        "d_fake": history.mean("d_fake", last=LAST),
        "per_mode": report.per_mode.tolist(),
    }


def main() -> list[dict]:
    set_threads(1)
    runs = [run(name, seed) for name in ("covering", "collapsing") for seed in SEEDS]
    print(f"\nToy GAN on the ring of 8 Gaussians: {CONFIGS['covering'].steps} steps, 1 thread, {SAMPLES} samples")
    print(f"{'config':<11} {'seed':>4} {'modes':>5} {'HQ %':>6} {'train s':>8} {'d_loss std':>10} "
          f"{'D(x)':>5} {'D(G(z))':>7}  high-quality samples per mode")
    for r in runs:
        print(f"{r['config']:<11} {r['seed']:>4} {r['modes']:>5} {100 * r['high_quality']:>6.1f} {r['seconds']:>8.1f} "
              f"{r['d_loss_std']:>10.3f} {r['d_real']:>5.2f} {r['d_fake']:>7.2f}  {r['per_mode']}")
    for name in ("covering", "collapsing"):
        mine = [r for r in runs if r["config"] == name]
        print(f"{name + ' mean':<16} {np.mean([r['modes'] for r in mine]):>5.2f} "
              f"{100 * np.mean([r['high_quality'] for r in mine]):>6.1f} {np.mean([r['seconds'] for r in mine]):>8.1f} "
              f"{np.mean([r['d_loss_std'] for r in mine]):>10.3f}")

    covering = [r for r in runs if r["config"] == "covering"]
    collapsing = [r for r in runs if r["config"] == "collapsing"]
    seconds = float(np.median([r["seconds"] for r in runs]))
    rows = [
        {"name": "covering: 8/8 modes on every seed", "ok": all(r["modes"] == 8 for r in covering)},
        {
            "name": f"covering: mean high quality {100 * np.mean([r['high_quality'] for r in covering]):.1f}% "
            f">= {100 * MIN_HIGH_QUALITY:.0f}%",
            "ok": bool(np.mean([r["high_quality"] for r in covering]) >= MIN_HIGH_QUALITY),
        },
        {
            "name": f"collapsing: <= {MAX_COLLAPSED_MODES} modes on every seed "
            f"({', '.join(str(r['modes']) for r in collapsing)})",
            "ok": all(r["modes"] <= MAX_COLLAPSED_MODES for r in collapsing),
        },
        {
            "name": f"median training run {seconds:.1f} s <= {MAX_SECONDS:.0f} s (max "
            f"{max(r['seconds'] for r in runs):.1f} s)",
            "ok": seconds <= MAX_SECONDS,
        },
    ]
    ratio = {1: covering, **{d: [run("covering", seed, d) for seed in SEEDS] for d in D_STEPS if d != 1}}
    print("\nD updates per G update (covering preset): modes covered per seed")
    medians = []
    for d in D_STEPS:
        modes = [r["modes"] for r in ratio[d]]
        medians.append(float(np.median(modes)))
        print(f"  d_steps={d}: modes {modes}, median {medians[-1]:.0f}, mean high quality "
              f"{100 * np.mean([r['high_quality'] for r in ratio[d]]):.1f}%, median run "
              f"{np.median([r['seconds'] for r in ratio[d]]):.1f} s")
    rows.append({
        "name": f"more D steps per G step never covers more modes (median {' -> '.join(f'{m:.0f}' for m in medians)})",
        "ok": all(a >= b for a, b in zip(medians, medians[1:])),
    })
    for row in rows:
        print(f"{'PASS' if row['ok'] else 'FAIL'}  {row['name']}")
    return rows


if __name__ == "__main__":
    main()

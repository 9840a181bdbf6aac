"""The digit yardstick (week 2): its accuracy and its calibration, the table every generator's score is read against.

Prints, for the shipped classifier behind :mod:`coursekit.metrics`:

- the test accuracy (target: at least 97 %) and the share of the 1,000 real
  test digits read as a confident digit (p >= 0.9; target: at least 95 %);
- the confident share on 1,000 images of each non-digit family it was trained
  on (target: at most 5 % each), on the held-out families it never saw
  (Hangul syllables; the week-3 DCGAN after 50 and 150 training steps), and
  on the mirrored blends ``0.5 * (x + x.flip(0).flip(-1))`` of the test split
  (target: below 5 %; for the early DCGAN at most 10 %, since by 150 steps a
  few of its samples are legible, bold digits);
- the Fréchet-distance floor (real against real), to read feature distances against.
"""

from __future__ import annotations

import torch

from coursekit import datasets, digit_bar, metrics, not_digits
from coursekit.checkpoints import read_manifest
from coursekit.env import set_threads
from coursekit.models.gan import to_signed
from coursekit.gan_training import train_gan
from coursekit.recipes import dcgan
from coursekit.train import Callback

MIN_ACCURACY = 0.97
MIN_REAL_CONFIDENT = 0.95
MAX_JUNK_CONFIDENT = 0.05
# A DCGAN's first steps: after 150 steps a few samples are already legible (bold) digits,
# and the share depends on the run (a GAN amplifies rounding), so this bar is looser.
MAX_EARLY_GAN_CONFIDENT = 0.10
EARLY_GAN_STEPS = (50, 150)


def early_gan_samples(count: int = 1000, seed: int = 0) -> dict[int, torch.Tensor]:
    """Samples of the week-3 DCGAN (its recipe's networks and step) after each of :data:`EARLY_GAN_STEPS` steps."""
    torch.manual_seed(seed)
    generator, discriminator = dcgan.build()
    kept = {}

    def keep(state):
        if state.step in EARLY_GAN_STEPS:
            kept[state.step] = state.models["generator"].sample(count, seed=digit_bar.EVAL_SEED)

    train_gan(generator, discriminator, to_signed(datasets.digits("train")[0]), dcgan.SETTINGS,
                    steps=max(EARLY_GAN_STEPS), seed=seed, device="cpu", progress=False, callbacks=[Callback(keep, every=1)])
    return kept


def main() -> list[dict]:
    set_threads(2)
    test_images, test_labels = datasets.digits("test")
    train_images, train_labels = datasets.digits("train")
    real, _ = datasets.digits_sample(1000, "train")
    accuracy = metrics.conditional_accuracy(test_images, test_labels)
    manifest = read_manifest(metrics.CHECKPOINT)
    print(f"\nDigit yardstick ({manifest['command']}; trained {manifest['extra'].get('train_seconds')} s on "
          f"{manifest['extra'].get('hardware')})")
    print(f"test accuracy: {accuracy:.1%} on the 1,000 test digits")
    floor = metrics.feature_distance(real, test_images)
    print(f"feature distance floor (1,000 train vs the test split): {floor:.1f}")

    rows = [{"name": f"classifier test accuracy {accuracy:.1%} >= {MIN_ACCURACY:.0%}", "ok": accuracy >= MIN_ACCURACY}]
    print(f"\n{'1,000 images':<34} {'kind':<10} {'confident':>9} {'not digit':>9} {'target':>8}")

    def line(name: str, kind: str, images, *, at_most=None, at_least=None):
        score = metrics.classifier_score(images)
        target = f">= {at_least:.0%}" if at_least is not None else (f"<= {at_most:.0%}" if at_most is not None else "-")
        print(f"{name:<34} {kind:<10} {score.confident:>9.1%} {score.not_digit:>9.1%} {target:>8}")
        if at_least is not None:
            rows.append({"name": f"{name}: confident {score.confident:.1%} >= {at_least:.0%}",
                         "ok": score.confident >= at_least})
        if at_most is not None:
            rows.append({"name": f"{name}: confident {score.confident:.1%} <= {at_most:.0%}",
                         "ok": score.confident <= at_most})

    line("real: test split", "real", test_images, at_least=MIN_REAL_CONFIDENT)
    line("real: another train sample", "real", datasets.digits_sample(1000, "train", seed=1)[0])
    line("real: blurred sigma 1", "real", not_digits.gaussian_blur(real, 1.0).clamp(0, 1))
    line("real: at 60 % brightness", "real", real * 0.6)
    for family in not_digits.TRAINED_FAMILIES:
        images = not_digits.make_not_digits(1000, train_images, train_labels, seed=3, families=[family])
        line(family, "trained", images, at_most=MAX_JUNK_CONFIDENT)
    for family in not_digits.HELD_OUT_FAMILIES:
        images = not_digits.make_not_digits(1000, train_images, train_labels, seed=3, families=[family])
        line(family, "held out", images, at_most=MAX_JUNK_CONFIDENT)
    for steps, images in early_gan_samples().items():
        line(f"DCGAN after {steps} steps", "held out", images, at_most=MAX_EARLY_GAN_CONFIDENT)
    line("mirrored blends of the test split", "held out", 0.5 * (test_images + test_images.flip(0).flip(-1)),
         at_most=MAX_JUNK_CONFIDENT)
    line("one digit repeated", "coverage", test_images[test_labels == 7][:1].repeat(1000, 1, 1, 1))
    for row in rows:
        print(f"{'PASS' if row['ok'] else 'FAIL'}  {row['name']}")
    return rows


if __name__ == "__main__":
    main()

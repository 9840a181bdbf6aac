"""The digit yardstick of week 2: the shipped classifier's accuracy and the scale of its measures.

Prints the test accuracy (target: at least 98 %), the Fréchet-distance floor
(real against real) and the scores of things that are not digits, so the
numbers of weeks 3, 5 and 6 can be read against them.
"""

from __future__ import annotations

import torch

from coursekit import datasets, metrics, not_digits
from coursekit.checkpoints import read_manifest
from coursekit.env import set_threads

MIN_ACCURACY = 0.98


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
    sets = {
        "real: test split": test_images,
        "real: another train sample": datasets.digits_sample(1000, "train", seed=1)[0],
        "uniform noise": torch.rand(1000, 1, 28, 28, generator=torch.Generator().manual_seed(2)),
        "blur sigma 1": not_digits.gaussian_blur(real, 1.0).clamp(0, 1),
        "blur sigma 2": not_digits.gaussian_blur(real, 2.0).clamp(0, 1),
        "blobs": not_digits.make_not_digits(1000, train_images, train_labels, seed=3, families=["blobs"]),
        "blends (not trained on)": not_digits.make_not_digits(1000, train_images, train_labels, seed=3,
                                                              families=["blend"]),
        "one digit repeated": test_images[test_labels == 7][:1].repeat(1000, 1, 1, 1),
    }
    print(f"{'1,000 images':<28} {'confident':>9} {'not digit':>9} {'coverage':>8} {'distance to 1,000 train':>24}")
    for name, images in sets.items():
        score = metrics.classifier_score(images)
        distance = metrics.feature_distance(real, images)
        print(f"{name:<28} {score.confident:>9.1%} {score.not_digit:>9.1%} {score.coverage:>6}/10 {distance:>24,.1f}")
    rows = [{"name": f"classifier test accuracy {accuracy:.1%} >= {MIN_ACCURACY:.0%}", "ok": accuracy >= MIN_ACCURACY}]
    for row in rows:
        print(f"{'PASS' if row['ok'] else 'FAIL'}  {row['name']}")
    return rows


if __name__ == "__main__":
    main()

"""The plain digit classifier (``coursekit train plain-classifier``): 10 classes, no "not a digit".

Week 2 measures with it what a softmax classifier does with images that are
not digits (it must call them some digit). Same network, data, augmentation
and schedule as :mod:`coursekit.recipes.classifier`, without the non-digits.
"""

from __future__ import annotations

import torch

from ..models import classifier as networks
from ..models.classifier import DigitClassifier
from .classifier import accuracy_and_family_shares, train_classifier

__all__ = ["COMMAND", "NAME", "DEFAULTS", "CONFIDENCE", "SETTINGS", "train_plain_classifier", "evaluate", "load"]

COMMAND = "coursekit train plain-classifier"
NAME = "digit_classifier_plain"
DEFAULTS = {"steps": 4000, "seed": 0}
CONFIDENCE = 0.9
# The recipe that made the shipped weights: the first yardstick's network and
# schedule, without non-digits or softened digits.
SETTINGS = {"widths": (16, 32, 64), "batch_size": 128, "not_digit_count": 0, "pool": 0, "lr": 2e-3,
            "faint_share": 0.0, "soft_share": 0.0, "still_share": 0.0}


def train_plain_classifier(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], progress: bool = True,
                           device=None):
    """Train the 10-class classifier from scratch; returns ``(model, history)``."""
    return train_classifier(steps=steps, seed=seed, progress=progress, device=device, not_a_digit=False,
                            settings=SETTINGS)


def evaluate(model: DigitClassifier, *, seed: int = 12345) -> dict[str, float]:
    """Test-split accuracy, and per non-digit family the share read as a digit with confidence >= 0.9."""
    return accuracy_and_family_shares(
        model, lambda logits: torch.softmax(logits, dim=1).max(1).values >= CONFIDENCE, "confident_on_", seed=seed
    )


def load(*, directory=None) -> DigitClassifier:
    """The shipped classifier (checkpoint ``digit_classifier_plain``, sha256-checked), in eval mode on the CPU."""
    return networks.load(NAME, directory=directory)

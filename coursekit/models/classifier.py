"""The digit classifier: a small CNN that reads 28x28 digits and can say "not a digit".

It is the yardstick of weeks 3, 5 and 6 (see :mod:`coursekit.metrics`): its
eleventh class, :data:`NOT_A_DIGIT`, is trained on the non-digit families of
:mod:`coursekit.not_digits` (noise and blobs, but also blends, broken
strokes, half digits), so a generator cannot score by producing confident
nonsense or digit-like junk.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..checkpoints import load_checkpoint

__all__ = [
    "DIGIT_CLASSES", "NOT_A_DIGIT", "CLASS_NAMES", "FEATURE_DIM", "REFERENCE_WIDTHS", "DigitClassifier",
    "load"
]

DIGIT_CLASSES = 10
NOT_A_DIGIT = 10  # the index of the extra class
CLASS_NAMES = [str(d) for d in range(DIGIT_CLASSES)] + ["숫자 아님"]
FEATURE_DIM = 64
REFERENCE_WIDTHS = (32, 64, 128)  # the conv widths of the shipped yardstick (``digit_classifier``)


class DigitClassifier(nn.Module):
    """Three conv blocks (5x5, 3x3, 3x3; each ReLU then 2x2 max-pool), a 64-d feature layer, then logits.

    Input: ``(N, 1, 28, 28)`` floats in [0, 1], white digit on black. The
    reference has 11 classes (the digits and "not a digit"); ``num_classes=10``
    gives a plain digit classifier.
    """

    def __init__(self, num_classes: int = DIGIT_CLASSES + 1, widths: tuple[int, int, int] = (16, 32, 64),
                 dropout: float = 0.3):
        super().__init__()
        if num_classes not in (DIGIT_CLASSES, DIGIT_CLASSES + 1):
            raise ValueError(f"num_classes must be 10 (digits) or 11 (digits and 'not a digit'), got {num_classes!r}")
        c1, c2, c3 = widths
        self.conv1 = nn.Conv2d(1, c1, 5, padding=2)  # 28 -> pool -> 14
        self.conv2 = nn.Conv2d(c1, c2, 3, padding=1)  # 14 -> pool -> 7
        self.conv3 = nn.Conv2d(c2, c3, 3, padding=1)  # 7 -> pool -> 3
        self.feature = nn.Linear(c3 * 3 * 3, FEATURE_DIM)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(FEATURE_DIM, num_classes)

    def feature_maps(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The activations after each conv block (after ReLU, before pooling)."""
        maps = []
        for conv in (self.conv1, self.conv2, self.conv3):
            x = F.relu(conv(x))
            maps.append(x)
            x = F.max_pool2d(x, 2)
        return maps

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The 64-d penultimate-layer features (what the Fréchet distance compares)."""
        for conv in (self.conv1, self.conv2, self.conv3):
            x = F.max_pool2d(F.relu(conv(x)), 2)
        return F.relu(self.feature(x.flatten(1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.features(x)))


def load(name: str = "digit_classifier", *, directory=None) -> DigitClassifier:
    """A shipped classifier (default: ``digit_classifier``, the yardstick; ``digit_classifier_plain``, week 2's
    10-class one), sha256-checked, in eval mode on the CPU. Its widths and classes are read from the weights."""
    state = load_checkpoint(name, directory=directory)
    widths = tuple(int(state[f"conv{i}.weight"].shape[0]) for i in (1, 2, 3))
    model = DigitClassifier(num_classes=int(state["head.weight"].shape[0]), widths=widths)
    model.load_state_dict(state)
    return model.eval()

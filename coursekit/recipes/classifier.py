"""Train the reference digit classifier (``coursekit train classifier``).

Real training digits, randomly rotated (±10°), scaled (0.9-1.1) and shifted
(±2 px), share each batch with non-digits from a pool of 12,000
(:mod:`coursekit.not_digits`) labelled :data:`NOT_A_DIGIT`. The result is
measured on the fixed test split and on non-digits it never saw.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .. import datasets, not_digits
from ..models.classifier import NOT_A_DIGIT, DigitClassifier, train_step
from ..train import fit, infinite_batches

COMMAND = "coursekit train classifier"
NAME = "digit_classifier"
DEFAULTS = {"steps": 4000, "seed": 0}


def random_affine(images: torch.Tensor, generator: torch.Generator, *, degrees=10.0, scale=0.1, shift=2.0):
    """Rotate, scale and shift each ``(N, 1, H, W)`` image a little (bilinear, zeros outside)."""
    n, _, h, _ = images.shape
    angle = (torch.rand(n, generator=generator) * 2 - 1) * math.radians(degrees)
    factor = 1 + (torch.rand(n, generator=generator) * 2 - 1) * scale
    offset = (torch.rand(n, 2, generator=generator) * 2 - 1) * (2 * shift / h)
    cos, sin = torch.cos(angle) / factor, torch.sin(angle) / factor
    theta = torch.stack([torch.stack([cos, -sin, offset[:, 0]], 1), torch.stack([sin, cos, offset[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, align_corners=False, padding_mode="zeros").clamp(0, 1)


def classifier_batches(images, labels, *, batch_size: int = 128, not_digit_count: int = 16, pool: int = 12000,
                       seed: int = 0):
    """Endless batches: augmented real digits plus ``not_digit_count`` non-digits drawn from a fixed pool."""
    generator = torch.Generator().manual_seed(seed)
    fakes = (not_digits.make_not_digits(pool, images, labels, seed=seed + 1, families=not_digits.TRAINED_FAMILIES)
             if not_digit_count else images[:0])
    real = infinite_batches(images, labels, batch_size=batch_size - not_digit_count, seed=seed)
    for x, y in real:
        picked = fakes[torch.randint(pool, (not_digit_count,), generator=generator)] if not_digit_count else fakes
        yield (
            torch.cat([random_affine(x, generator), picked]),
            torch.cat([y, torch.full((not_digit_count,), NOT_A_DIGIT, dtype=y.dtype)]),
        )


@torch.no_grad()
def evaluate(model: DigitClassifier, *, seed: int = 12345) -> dict[str, float]:
    """Test-split accuracy, and the share of unseen non-digits (per family) called "not a digit".

    Every family in :data:`not_digits.FAMILIES` is measured, including the
    ones left out of training (``blend``), so the manifest shows the limits too.
    """
    return accuracy_and_family_shares(model, lambda logits: logits.argmax(1) == NOT_A_DIGIT, "not_digit_recall_",
                                      seed=seed)


@torch.no_grad()
def accuracy_and_family_shares(model: DigitClassifier, hit, prefix: str, *, seed: int) -> dict[str, float]:
    """``test_accuracy`` on the test split, then ``prefix + family``: the share of 600 non-digits of each
    :data:`not_digits.FAMILIES` family for which ``hit(logits)`` (a bool per image) holds."""
    model.eval()
    images, labels = datasets.digits("test")
    train_images, train_labels = datasets.digits("train")
    result = {"test_accuracy": float((model(images).argmax(1) == labels).float().mean())}
    for family in not_digits.FAMILIES:
        fakes = not_digits.make_not_digits(600, train_images, train_labels, seed=seed, families=[family])
        result[f"{prefix}{family}"] = float(hit(model(fakes)).float().mean())
    return result


def train_classifier(*, steps: int = 4000, seed: int = 0, lr: float = 2e-3, progress: bool = True, device=None,
                     not_a_digit: bool = True):
    """Train a :class:`DigitClassifier` from scratch; returns ``(model, history)``.

    ``not_a_digit=False`` trains the plain 10-class classifier (no non-digits in the batches).
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    torch.manual_seed(seed)
    model = DigitClassifier() if not_a_digit else DigitClassifier(num_classes=NOT_A_DIGIT)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    images, labels = datasets.digits("train")

    def step(batch, state):
        for group in optimizer.param_groups:  # cosine decay to zero over the run
            group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * state.step / steps))
        return train_step(batch, state)

    history = fit(
        {"model": model},
        step,
        classifier_batches(images, labels, seed=seed, not_digit_count=16 if not_a_digit else 0),
        optimizers={"model": optimizer},
        steps=steps,
        seed=seed,
        device=device,
        progress=progress,
    )
    return model.cpu().eval(), history

"""Train the reference digit classifier (``coursekit train classifier``).

Real training digits, randomly rotated (±10°), scaled (0.9-1.1) and shifted
(±2 px), and some of them made fainter or slightly blurred (so that "faint"
or "soft" alone never means "not a digit"), share each batch with non-digits
drawn from a fixed pool of :mod:`coursekit.not_digits` families labelled
:data:`NOT_A_DIGIT`. The held-out families (:data:`not_digits.HELD_OUT_FAMILIES`)
never appear in training: :func:`evaluate` measures them as a test of
whether the extra class generalises. Every knob is in :data:`SETTINGS`.
"""

from __future__ import annotations

import math

import torch

from .. import datasets, not_digits
from ..augment import random_affine
from ..classification import train_step
from ..models import classifier as networks
from ..models.classifier import NOT_A_DIGIT, REFERENCE_WIDTHS, DigitClassifier
from ..not_digits import gaussian_blur
from ..train import fit, infinite_batches

__all__ = [
    "COMMAND", "NAME", "DEFAULTS", "SETTINGS", "CONFIDENCE", "soften", "classifier_batches", "evaluate",
    "confident_digit", "accuracy_and_family_shares", "train_classifier", "load"
]

COMMAND = "coursekit train classifier"
NAME = "digit_classifier"
DEFAULTS = {"steps": 6000, "seed": 0}
SETTINGS = {
    "widths": REFERENCE_WIDTHS,
    "batch_size": 128,
    "not_digit_count": 32,  # of the batch_size images, drawn from the pool
    "pool": 24000,
    "lr": 2e-3,
    "faint_share": 0.25,  # real digits scaled to 55-100 % brightness
    "soft_share": 0.15,  # real digits blurred with sigma 0.3-1.0 px
    "still_share": 0.25,  # images (real or not) not moved by random_affine
}
CONFIDENCE = 0.9  # the yardstick's threshold (coursekit.metrics.CONFIDENCE)


def soften(images: torch.Tensor, generator: torch.Generator, *, faint_share: float, soft_share: float) -> torch.Tensor:
    """Make a random share of real digits fainter (55-100 % brightness) and another share slightly blurred."""
    if faint_share == 0 and soft_share == 0:  # draws nothing, so the plain recipe's batches stay as they were
        return images
    n = len(images)
    soft = torch.rand(n, generator=generator) < soft_share
    if bool(soft.any()):
        sigma = 0.3 + 0.7 * torch.rand(int(soft.sum()), generator=generator)
        images = images.clone()
        images[soft] = gaussian_blur(images[soft], sigma).clamp(0, 1)
    faint = torch.rand(n, 1, 1, 1, generator=generator) < faint_share
    level = 0.55 + 0.45 * torch.rand(n, 1, 1, 1, generator=generator)
    return torch.where(faint, images * level, images)


def classifier_batches(images, labels, *, batch_size: int = 128, not_digit_count: int = 16, pool: int = 12000,
                       seed: int = 0, faint_share: float = 0.0, soft_share: float = 0.0, still_share: float = 0.0):
    """Endless batches: real digits plus ``not_digit_count`` non-digits drawn from a fixed pool of the
    trained families (:data:`not_digits.TRAINED_FAMILIES`), all of them moved by :func:`random_affine`.

    The non-digits are moved too, and ``still_share`` of all images are left
    as they are: the resampling softens edges, and a classifier that saw only
    resampled real digits beside sharp non-digits learns "sharp means not a
    digit" (it rejected 17 % of the real test digits). ``faint_share`` /
    ``soft_share`` of the real digits go through :func:`soften`.
    """
    generator = torch.Generator().manual_seed(seed)
    fakes = (not_digits.make_not_digits(pool, images, labels, seed=seed + 1, families=not_digits.TRAINED_FAMILIES)
             if not_digit_count else images[:0])
    real = infinite_batches(images, labels, batch_size=batch_size - not_digit_count, seed=seed)
    for x, y in real:
        picked = fakes[torch.randint(pool, (not_digit_count,), generator=generator)] if not_digit_count else fakes
        x = torch.cat([soften(x, generator, faint_share=faint_share, soft_share=soft_share), picked])
        moved = random_affine(x, generator)
        if still_share > 0:
            moved = torch.where(torch.rand(len(x), 1, 1, 1, generator=generator) < still_share, x, moved)
        yield (
            moved,
            torch.cat([y, torch.full((not_digit_count,), NOT_A_DIGIT, dtype=y.dtype)]),
        )


@torch.no_grad()
def evaluate(model: DigitClassifier, *, seed: int = 12345) -> dict[str, float]:
    """The yardstick's calibration: test accuracy, the share of real test digits read as a confident
    digit, and per non-digit family (held-out ones included) the share read as a confident digit."""
    result = accuracy_and_family_shares(model, lambda logits: confident_digit(logits), "confident_on_", seed=seed)
    images = datasets.digits("test")[0]
    result["confident_on_real_test"] = float(confident_digit(model(images)).float().mean())
    return result


def confident_digit(logits: torch.Tensor) -> torch.Tensor:
    """Per image: read as a digit (not "not a digit") with probability >= :data:`CONFIDENCE`."""
    top, predicted = torch.softmax(logits, dim=1).max(1)
    return (predicted < NOT_A_DIGIT) & (top >= CONFIDENCE)


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


def train_classifier(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], progress: bool = True,
                     device=None, not_a_digit: bool = True, settings: dict = SETTINGS):
    """Train a :class:`DigitClassifier` from scratch; returns ``(model, history)``.

    ``not_a_digit=False`` trains the plain 10-class classifier (no non-digits in the
    batches); ``settings`` holds the keys of :data:`SETTINGS`.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    torch.manual_seed(seed)
    classes = NOT_A_DIGIT + 1 if not_a_digit else NOT_A_DIGIT
    model = DigitClassifier(num_classes=classes, widths=tuple(settings["widths"]))
    lr = settings["lr"]
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    images, labels = datasets.digits("train")

    def step(batch, state):
        for group in optimizer.param_groups:  # cosine decay to zero over the run
            group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * state.step / steps))
        return train_step(batch, state)

    history = fit(
        {"model": model},
        step,
        classifier_batches(images, labels, seed=seed, batch_size=settings["batch_size"],
                           not_digit_count=settings["not_digit_count"] if not_a_digit else 0, pool=settings["pool"],
                           faint_share=settings["faint_share"], soft_share=settings["soft_share"],
                           still_share=settings["still_share"]),
        optimizers={"model": optimizer},
        steps=steps,
        seed=seed,
        device=device,
        progress=progress,
    )
    return model.cpu().eval(), history


def load(*, directory=None) -> DigitClassifier:
    """The shipped classifier (checkpoint ``digit_classifier``, sha256-checked), in eval mode on the CPU."""
    return networks.load(NAME, directory=directory)

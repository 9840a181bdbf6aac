"""Drawing and checking helpers shared by the widgets that show digits (weeks 3, 5 and 6).

Argument checks (:func:`int_arg`, :func:`number_arg`), the digit classifier
of :mod:`coursekit.metrics` as a widget uses it (:func:`classifier`,
:func:`probabilities`, :func:`reading`), and drawing with OpenCV
(:func:`to_uint8`, :func:`big`, :func:`tiles`, :func:`text`).
"""

from __future__ import annotations

import math
from contextlib import contextmanager

import cv2
import numpy as np
import torch

from ..env import torch_threads

__all__ = ["REFERENCE", "FONT", "TEXT", "int_arg", "number_arg", "eval_mode", "classifier", "probabilities",
           "generator_dim", "to_uint8", "big", "tiles", "text", "reading"]

REFERENCE = "reference"  # classifier=REFERENCE: the shipped digit classifier (coursekit.metrics)
FONT = cv2.FONT_HERSHEY_SIMPLEX
TEXT = (40, 40, 40)


def int_arg(value, name: str, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {bounds}, got {value}")
    return int(value)


def number_arg(value, name: str, low: float, high: float, *, low_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < low or value > high or (low_open and value == low):
        side = "(" if low_open else "["
        raise ValueError(f"{name} must be in {side}{low:g}, {high:g}], got {value!r}")
    return value




@contextmanager
def eval_mode(model):
    """``model`` in eval mode (dropout off) inside the block; its mode is restored afterwards."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


def classifier(classifier, *, required: bool):
    """The classifier to use: the shipped one for :data:`REFERENCE`, a module as given, or ``None``."""
    if isinstance(classifier, str):
        if classifier != REFERENCE:
            raise ValueError(
                f"classifier must be {REFERENCE!r} (the shipped one), a torch module or None, got {classifier!r}"
            )
        from ..metrics import reference_classifier

        return reference_classifier()
    if classifier is None:
        if required:
            raise TypeError(
                "this widget measures its samples with a digit classifier: pass classifier='reference' "
                "(the default) or a DigitClassifier, not None"
            )
        return None
    if not isinstance(classifier, torch.nn.Module):
        raise TypeError(
            f"classifier must be a torch module like coursekit.models.classifier.DigitClassifier, "
            f"got {type(classifier).__name__}"
        )
    return classifier


def probabilities(classifier, images: torch.Tensor) -> torch.Tensor:
    from ..metrics import probabilities

    with eval_mode(classifier), torch_threads(1):
        return probabilities(images, classifier=classifier)


def generator_dim(generator, *, needs: tuple[str, ...], like: str) -> int:
    """Check that ``generator`` has a positive int ``latent_dim`` and the methods ``needs``; return ``latent_dim``."""
    dim = getattr(generator, "latent_dim", None)
    missing = [name for name in needs if not callable(getattr(generator, name, None))]
    if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1 or missing:
        what = f"methods {', '.join(missing)}" if missing else "an int latent_dim"
        raise TypeError(f"generator must be {like}; {type(generator).__name__} lacks {what}")
    return dim


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """``(N, 1, H, W)`` floats in [0, 1] -> ``(N, H, W)`` uint8."""
    array = images.detach().float().cpu().numpy()[:, 0]
    return np.clip(np.rint(array * 255), 0, 255).astype(np.uint8)


def big(gray: np.ndarray, size: int) -> np.ndarray:
    """A gray uint8 image nearest-upscaled to ``size`` x ``size``, as RGB."""
    big = cv2.resize(gray, (size, size), interpolation=cv2.INTER_NEAREST)
    return np.repeat(big[:, :, None], 3, axis=2)


def tiles(gray: np.ndarray, cols: int, factor: int, gap: int) -> np.ndarray:
    """``(N, h, w)`` uint8 tiles upscaled ``factor`` times in a white-gapped grid of ``cols`` columns, RGB."""
    count, h, w = gray.shape
    rows = math.ceil(count / cols)
    th, tw = h * factor, w * factor
    big = gray.repeat(factor, axis=1).repeat(factor, axis=2)
    grid = np.full((rows * th + gap * (rows - 1), cols * tw + gap * (cols - 1)), 255, np.uint8)
    for i in range(count):
        r, c = divmod(i, cols)
        grid[r * (th + gap) : r * (th + gap) + th, c * (tw + gap) : c * (tw + gap) + tw] = big[i]
    return np.repeat(grid[:, :, None], 3, axis=2)


def text(canvas, text: str, x: int, y: int, *, scale: float = 0.45, rgb=TEXT, center: bool = False) -> None:
    if center:
        (w, _), _ = cv2.getTextSize(text, FONT, scale, 1)
        x -= w // 2
    cv2.putText(canvas, text, (int(x), int(y)), FONT, scale, rgb, 1, cv2.LINE_AA)


def reading(probs: torch.Tensor) -> tuple[str, float, bool]:
    """(class label, probability, is a digit) of the most likely class."""
    from ..models.classifier import NOT_A_DIGIT

    top, index = probs.max(dim=-1)
    index = int(index)
    return (str(index) if index != NOT_A_DIGIT else "X"), float(top), index != NOT_A_DIGIT


# --- LatentWalk ----------------------------------------------------------------------------

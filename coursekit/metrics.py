"""One yardstick for generated digits: the reference classifier and the measures built on it.

Weeks 3, 5 and 6 judge their samples with these functions, so numbers from a
GAN, a VAE and a diffusion model can be compared:

- :func:`classifier_score`: how many samples the classifier reads as a digit
  with confidence >= 0.9, and how the samples spread over the 10 classes
  (coverage: classes holding at least 5 % of the samples);
- :func:`conditional_accuracy`: how many samples show the class that was asked for;
- :func:`feature_distance`: the Fréchet distance between the classifier's
  64-d penultimate features of two image sets (an FID for digits);
- :func:`report`: all of them for one set of samples from any generator of
  the course, in one call, with the real-vs-real floor beside the distance.

The classifier (:mod:`coursekit.models.classifier`) has an eleventh class,
"not a digit", trained on things unlike digits (noise, blobs, blur) and on
digit-like junk, the way generators fail (blends, overlays, broken strokes,
half digits, strokes too thick or too thin): neither scores as a confident
digit. Its calibration (confident share on real test digits, on each junk
family and on held-out families) is in its manifest and in ``make bench``.
Images are ``(N, 1, 28, 28)`` (or ``(N, 28, 28)``) floats in [0, 1], white on
black, like :func:`coursekit.datasets.digits`; samples padded to 32x32 (as
diffusers' UNets prefer) are cropped back explicitly (``report(..., padding=2)``
or :func:`crop_padding`). The classifier never takes part in autograd.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from .models.classifier import DIGIT_CLASSES, FEATURE_DIM, NOT_A_DIGIT, DigitClassifier
from .models.classifier import load as load_classifier

__all__ = [
    "CHECKPOINT", "CONFIDENCE", "COVERAGE_SHARE", "MIN_FOR_COVARIANCE", "reference_classifier",
    "check_digits", "probabilities", "features", "DigitScore", "classifier_score", "conditional_accuracy",
    "class_diversity", "frechet_distance", "feature_distance", "crop_padding", "Report", "report"
]

CHECKPOINT = "digit_classifier"
CONFIDENCE = 0.9
COVERAGE_SHARE = 0.05
MIN_FOR_COVARIANCE = FEATURE_DIM + 1


@lru_cache(maxsize=None)
def reference_classifier(device: str = "cpu") -> DigitClassifier:
    """The shipped classifier (checkpoint ``digit_classifier``), in eval mode; loaded once per device."""
    return load_classifier(CHECKPOINT).to(device).eval().requires_grad_(False)


def check_digits(images, *, name: str = "images", min_count: int = 1) -> torch.Tensor:
    """``images`` as a float32 ``(N, 1, 28, 28)`` CPU tensor in [0, 1], or a clear error.

    Accepts torch tensors or NumPy arrays, ``(N, 1, 28, 28)`` or ``(N, 28, 28)``;
    ``uint8`` is read as 0-255 and divided by 255.
    """
    if isinstance(images, np.ndarray):
        images = torch.from_numpy(images)
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"{name} must be a torch tensor or NumPy array, got {type(images).__name__}")
    images = images.detach().cpu()
    if images.ndim == 3:
        images = images.unsqueeze(1)
    if images.ndim != 4 or tuple(images.shape[1:]) != (1, 28, 28):
        padded = images.ndim == 4 and images.shape[1] == 1 and images.shape[2] == images.shape[3] > 28
        hint = f" (digits padded to {images.shape[2]}x{images.shape[3]}? crop them with crop_padding or "
        hint += f"report(..., padding={(images.shape[2] - 28) // 2}))" if padded else ""
        raise ValueError(
            f"{name} must have shape (N, 1, 28, 28) or (N, 28, 28), got {tuple(images.shape)}; "
            f"resize or crop samples to 28x28 gray digits first{hint}"
        )
    if len(images) < min_count:
        raise ValueError(f"{name} holds {len(images)} images; this measure needs at least {min_count}")
    if images.dtype == torch.uint8:
        return images.float() / 255.0
    if not images.is_floating_point():
        raise TypeError(f"{name} must be float in [0, 1] or uint8, got {images.dtype}")
    images = images.float()
    if not bool(torch.isfinite(images).all()):
        raise ValueError(f"{name} contain NaN or infinite values")
    low, high = float(images.min()), float(images.max())
    if low < 0.0 or high > 1.0:
        hint = " (a tanh output in [-1, 1]? convert with (x + 1) / 2)" if low >= -1.0 and low < 0 else ""
        raise ValueError(f"{name} must lie in [0, 1], got values in [{low:.3g}, {high:.3g}]{hint}")
    return images


@torch.no_grad()
def _run(images: torch.Tensor, method, classifier, batch_size: int) -> torch.Tensor:
    model = classifier if classifier is not None else reference_classifier()
    device = next(model.parameters()).device
    outputs = [method(model, images[i : i + batch_size].to(device)).cpu() for i in range(0, len(images), batch_size)]
    return torch.cat(outputs)


def probabilities(images, *, classifier=None, batch_size: int = 500) -> torch.Tensor:
    """Softmax probabilities ``(N, 11)``: the 10 digits, then "not a digit"."""
    images = check_digits(images)
    return _run(images, lambda m, x: torch.softmax(m(x), dim=1), classifier, batch_size)


def features(images, *, classifier=None, batch_size: int = 500) -> np.ndarray:
    """The classifier's 64-d penultimate features ``(N, 64)`` as float64."""
    images = check_digits(images)
    return _run(images, lambda m, x: m.features(x), classifier, batch_size).double().numpy()


@dataclass(frozen=True)
class DigitScore:
    """What :func:`classifier_score` measured on ``count`` images."""

    count: int
    confident: float  # share read as a digit (not "not a digit") with confidence >= 0.9
    not_digit: float  # share whose most likely class is "not a digit"
    histogram: tuple[int, ...]  # images per predicted class: digits 0-9, then "not a digit"
    coverage: int  # digit classes holding at least 5 % of all images

    def shares(self) -> np.ndarray:
        """The histogram as fractions of all images."""
        return np.asarray(self.histogram, dtype=np.float64) / self.count

    def __str__(self) -> str:
        return (
            f"확신(≥{CONFIDENCE})한 숫자 {self.confident:.1%}, 숫자 아님 {self.not_digit:.1%}, "
            f"커버리지 {self.coverage}/10 (n={self.count})"
        )


def classifier_score(images, *, classifier=None, confidence: float = CONFIDENCE) -> DigitScore:
    """Share of images read as a digit with probability >= ``confidence``, and the class spread."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    probs = probabilities(images, classifier=classifier)
    top, predicted = probs.max(dim=1)
    is_digit = predicted != NOT_A_DIGIT
    histogram = torch.bincount(predicted, minlength=DIGIT_CLASSES + 1)
    count = len(probs)
    return DigitScore(
        count=count,
        confident=float((is_digit & (top >= confidence)).float().mean()),
        not_digit=float((~is_digit).float().mean()),
        histogram=tuple(int(v) for v in histogram),
        coverage=int((histogram[:DIGIT_CLASSES] >= COVERAGE_SHARE * count).sum()),
    )


def conditional_accuracy(images, labels, *, classifier=None) -> float:
    """Share of images whose most likely class is the requested one (``labels``: digits 0-9)."""
    images = check_digits(images)
    labels = _labels_for(images, labels)
    predicted = probabilities(images, classifier=classifier).argmax(dim=1)
    return float((predicted == labels).float().mean())


def _labels_for(images: torch.Tensor, labels) -> torch.Tensor:
    labels = torch.as_tensor(np.asarray(labels) if not isinstance(labels, torch.Tensor) else labels)
    if labels.shape != (len(images),):
        raise ValueError(f"labels must have shape ({len(images)},), one per image; got {tuple(labels.shape)}")
    if labels.is_floating_point() or labels.dtype == torch.bool:
        raise TypeError(f"labels must be integers 0-9, got {labels.dtype}")
    if len(labels) and (int(labels.min()) < 0 or int(labels.max()) >= DIGIT_CLASSES):
        raise ValueError(f"labels must be digits 0-9, got values in [{int(labels.min())}, {int(labels.max())}]")
    return labels.long()


def class_diversity(images, labels, *, classifier=None) -> float:
    """How different the images of one class are from each other: the mean distance between two of them.

    For each class in ``labels`` with at least two images, the mean Euclidean
    distance between the classifier features of every pair; then the mean over
    those classes. A generator that draws every "7" alike scores near 0; compare
    with real digits of the same classes measured the same way.
    """
    images = check_digits(images)
    labels = _labels_for(images, labels)
    feats = torch.from_numpy(features(images, classifier=classifier))
    spreads = []
    for label in labels.unique().tolist():
        group = feats[labels == label]
        if len(group) >= 2:
            distances = torch.cdist(group, group)
            spreads.append(float(distances.sum() / (len(group) * (len(group) - 1))))
    if not spreads:
        raise ValueError("class_diversity needs at least two images of one class")
    return float(np.mean(spreads))


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Fréchet distance of two feature sets ``(N, D)`` seen as Gaussians.

    ``|mu_a - mu_b|^2 + tr(C_a + C_b - 2 (C_a C_b)^{1/2})``; the trace of the
    matrix square root is computed from the eigenvalues of
    ``C_a^{1/2} C_b C_a^{1/2}``, which is symmetric, so it stays real.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"features must be (N, D) arrays with the same D, got {a.shape} and {b.shape}")
    need = a.shape[1] + 1
    if min(len(a), len(b)) < need:
        raise ValueError(
            f"need at least {need} samples per set for a full-rank {a.shape[1]}-d covariance, "
            f"got {len(a)} and {len(b)}"
        )
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("features contain NaN or infinite values")
    mean_term = float(np.sum((a.mean(0) - b.mean(0)) ** 2))
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    values, vectors = np.linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    cross = np.sqrt(np.clip(np.linalg.eigvalsh(root_a @ cov_b @ root_a), 0, None)).sum()
    return mean_term + float(np.trace(cov_a) + np.trace(cov_b) - 2 * cross)


def feature_distance(a, b, *, classifier=None) -> float:
    """Fréchet distance between the classifier features of two image sets (each at least 65 images)."""
    a = check_digits(a, name="a", min_count=MIN_FOR_COVARIANCE)
    b = check_digits(b, name="b", min_count=MIN_FOR_COVARIANCE)
    return frechet_distance(features(a, classifier=classifier), features(b, classifier=classifier))


def crop_padding(images, padding: int):
    """Cut ``padding`` pixels from every side: 28x28 digits padded to 32x32 (``padding=2``) back to 28x28."""
    if isinstance(padding, bool) or not isinstance(padding, int) or padding < 0:
        raise ValueError(f"padding must be an int >= 0, got {padding!r}")
    if padding == 0:
        return images  # check_digits judges the shape (and names the padding a 32x32 sample needs)
    if isinstance(images, np.ndarray):
        images = torch.from_numpy(images)
    if not isinstance(images, torch.Tensor) or images.ndim not in (3, 4):
        raise TypeError("images must be a tensor or array of shape (N, 1, H, W) or (N, H, W)")
    size = 28 + 2 * padding
    if tuple(images.shape[-2:]) != (size, size):
        raise ValueError(f"padding={padding} expects {size}x{size} images, got {tuple(images.shape[-2:])}")
    return images[..., padding : size - padding, padding : size - padding]


@dataclass(frozen=True)
class Report:
    """What :func:`report` measured on ``count`` samples (``None``: not measured, and why is in the docs)."""

    count: int
    confident: float
    not_digit: float
    coverage: int
    min_class_share: float
    max_class_share: float
    conditional_accuracy: float | None  # only when labels were given
    feature_distance: float | None  # to real test digits; None below 65 samples
    real_floor: float | None  # the same distance from about as many real training digits

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def __str__(self) -> str:
        accuracy = "-" if self.conditional_accuracy is None else f"{self.conditional_accuracy:.1%}"
        distance = "-" if self.feature_distance is None else f"{self.feature_distance:.1f} (진짜끼리 {self.real_floor:.1f})"
        return (
            f"확신(≥{CONFIDENCE})한 숫자 {self.confident:.1%}, 숫자 아님 {self.not_digit:.1%}, "
            f"커버리지 {self.coverage}/10 (클래스 {self.min_class_share:.1%}~{self.max_class_share:.1%}), "
            f"조건 정확도 {accuracy}, 특징 거리 {distance} (n={self.count})"
        )


def _floor_size(count: int) -> int:
    """A class-balanced real set's size close to ``count`` (a multiple of 10, 70 to 4,000)."""
    return min(4000, max(70, round(count / 10) * 10))


@lru_cache(maxsize=8)
def _real_floor(count: int) -> float:
    return _real_distance(count, None)


def _real_distance(count: int, classifier) -> float:
    from .datasets import digits, digits_sample

    return feature_distance(digits_sample(_floor_size(count), "train")[0], digits("test")[0], classifier=classifier)


def report(samples, labels=None, *, padding: int = 0, classifier=None) -> Report:
    """Every yardstick measure of ``samples`` from any generator, in one call.

    ``samples``: ``(N, 1, 28, 28)`` in [0, 1], or padded digits with
    ``padding`` (2 for 32x32). ``labels`` (the classes asked of a conditional
    generator) add the conditional accuracy. The feature distance is to the
    1,000 real test digits, beside the floor a real set of about the same
    size reaches (class-balanced training digits, a multiple of 10 from 70 to
    4,000); both need 65 samples and are ``None`` below that.
    """
    images = check_digits(crop_padding(samples, padding), name="samples")
    score = classifier_score(images, classifier=classifier)
    shares = score.shares()[:DIGIT_CLASSES]
    accuracy = None if labels is None else conditional_accuracy(images, labels, classifier=classifier)
    distance = floor = None
    if len(images) >= MIN_FOR_COVARIANCE:
        from .datasets import digits

        distance = feature_distance(images, digits("test")[0], classifier=classifier)
        floor = _real_floor(len(images)) if classifier is None else _real_distance(len(images), classifier)
    return Report(
        count=score.count,
        confident=score.confident,
        not_digit=score.not_digit,
        coverage=score.coverage,
        min_class_share=float(shares.min()),
        max_class_share=float(shares.max()),
        conditional_accuracy=accuracy,
        feature_distance=distance,
        real_floor=floor,
    )

"""Detecting generated faces by their frequency spectrum (Durall et al. 2020, "Watch your up-convolution").

Generators that upsample (transposed convolutions, pixel shuffle, a 64 px
decoder pasted back into a larger frame) leave the high frequencies of their
images wrong: too weak, or with a periodic bump. Durall et al. show that
a 1-D summary is enough to see it:

1. grayscale, 2-D DFT, the log magnitude ``20 log10 |F|``, centred;
2. the azimuthal average: the mean over each ring of radius r (r = 0 .. N/2),
   a profile from low to high frequency (:func:`azimuthal_profile`);
3. a linear classifier on the profiles (logistic regression on standardized
   profiles, :class:`SpectrumDetector`), its threshold chosen on a validation split.

:func:`jpeg` and :func:`half_resize` are the two everyday changes that the
detector is tested against again: both remove high frequencies from real and
fake faces alike.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..images import check_image

__all__ = ["azimuthal_profile", "profiles", "jpeg", "half_resize", "SpectrumDetector", "roc_auc", "PERTURBATIONS", "split",
           "train_and_test"]


def _gray(image) -> np.ndarray:
    image = check_image(image, channels=None, name="image")
    if image.dtype != np.uint8:
        raise ValueError(f"image must be uint8, got {image.dtype}")
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    return image.astype(np.float64)


def azimuthal_profile(image) -> np.ndarray:
    """The azimuthally averaged log spectrum of a uint8 image (H x W, or H x W x 3 RGB): ``min(H, W) // 2 + 1`` values."""
    gray = _gray(image)
    h, w = gray.shape
    if min(h, w) < 8:
        raise ValueError(f"image of {h}x{w} is too small for a spectrum (at least 8x8)")
    spectrum = 20 * np.log10(np.abs(np.fft.fftshift(np.fft.fft2(gray))) + 1e-8)
    y, x = np.indices((h, w))
    radius = np.hypot(x - w // 2, y - h // 2).round().astype(int)
    rings = min(h, w) // 2 + 1
    keep = radius < rings
    total = np.bincount(radius[keep], spectrum[keep], minlength=rings)
    count = np.bincount(radius[keep], minlength=rings)
    return total / np.maximum(count, 1)


def profiles(images) -> np.ndarray:
    """:func:`azimuthal_profile` of each image, stacked ``(N, rings)``."""
    images = list(images)
    if not images:
        raise ValueError("need at least one image")
    out = [azimuthal_profile(im) for im in images]
    if len({len(p) for p in out}) != 1:
        raise ValueError("images must all have the same size")
    return np.stack(out)


def jpeg(image, quality: int = 75) -> np.ndarray:
    """``image`` (uint8 RGB) saved as JPEG at ``quality`` and read back."""
    image = check_image(image, channels=3, name="image")
    if isinstance(quality, bool) or not isinstance(quality, int) or not 1 <= quality <= 100:
        raise ValueError(f"quality must be an int from 1 to 100, got {quality!r}")
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def half_resize(image) -> np.ndarray:
    """``image`` shrunk to half its size (area) and enlarged back (bilinear), as a re-upload would."""
    image = check_image(image, channels=3, name="image")
    h, w = image.shape[:2]
    small = cv2.resize(image, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def roc_auc(scores_real, scores_fake) -> float:
    """The probability that a random fake scores above a random real (ties count half): the ROC AUC."""
    real, fake = np.asarray(scores_real, np.float64), np.asarray(scores_fake, np.float64)
    if real.ndim != 1 or fake.ndim != 1 or not len(real) or not len(fake):
        raise ValueError("need two non-empty 1-D lists of scores")
    above = (fake[:, None] > real[None, :]).mean()
    ties = (fake[:, None] == real[None, :]).mean()
    return float(above + 0.5 * ties)


class SpectrumDetector:
    """Logistic regression on standardized azimuthal profiles; ``score`` is the probability of "generated"."""

    def __init__(self, C: float = 1.0):
        self.C, self.threshold, self._model = C, 0.5, None

    def fit(self, real, fake) -> "SpectrumDetector":
        """Fit on uint8 images ``real`` and ``fake`` (lists or arrays of the same size)."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        x = np.concatenate([profiles(real), profiles(fake)])
        y = np.r_[np.zeros(len(real)), np.ones(len(fake))]
        self._model = make_pipeline(StandardScaler(), LogisticRegression(C=self.C, max_iter=2000)).fit(x, y)
        return self

    def score(self, images) -> np.ndarray:
        if self._model is None:
            raise RuntimeError("fit the detector first")
        return self._model.predict_proba(profiles(images))[:, 1]

    def choose_threshold(self, real, fake) -> float:
        """The threshold with the best accuracy on this (validation) split; kept for :meth:`accuracy`."""
        s_real, s_fake = self.score(real), self.score(fake)
        candidates = np.unique(np.r_[s_real, s_fake, 0.5])
        accuracy = [((s_real < t).sum() + (s_fake >= t).sum()) for t in candidates]
        self.threshold = float(candidates[int(np.argmax(accuracy))])
        return self.threshold

    def accuracy(self, real, fake) -> float:
        s_real, s_fake = self.score(real), self.score(fake)
        return float(((s_real < self.threshold).sum() + (s_fake >= self.threshold).sum()) / (len(s_real) + len(s_fake)))

    def auc(self, real, fake) -> float:
        return roc_auc(self.score(real), self.score(fake))


PERTURBATIONS = {"clean": None, "jpeg75": lambda im: jpeg(im, 75), "resize0.5": half_resize}


def split(count: int, seed: int = 0, shares=(0.5, 0.2, 0.3)) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random train / validation / test index arrays over ``count`` items."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 10:
        raise ValueError(f"count must be an int >= 10, got {count!r}")
    order = np.random.default_rng(seed).permutation(count)
    a, b = int(shares[0] * count), int((shares[0] + shares[1]) * count)
    return order[:a], order[a:b], order[b:]


def train_and_test(real, fake, *, seed: int = 0) -> tuple[SpectrumDetector, dict[str, float]]:
    """Fit on a train split, choose the threshold on a validation split, and measure on the held-out rest.

    Returns the detector and ``{"auc_<p>", "accuracy_<p>"}`` for each perturbation ``p`` of
    :data:`PERTURBATIONS` applied to the test images (real and fake alike).
    """
    real, fake = list(real), list(fake)
    if len(real) != len(fake):
        raise ValueError(f"need as many real as fake images, got {len(real)} and {len(fake)}")
    train, val, test = split(len(real), seed)
    pick = lambda images, index: [images[i] for i in index]  # noqa: E731
    detector = SpectrumDetector().fit(pick(real, train), pick(fake, train))
    detector.choose_threshold(pick(real, val), pick(fake, val))
    out = {}
    for name, change in PERTURBATIONS.items():
        r, f = pick(real, test), pick(fake, test)
        if change is not None:
            r, f = [change(im) for im in r], [change(im) for im in f]
        out[f"auc_{name}"], out[f"accuracy_{name}"] = detector.auc(r, f), detector.accuracy(r, f)
    return detector, out

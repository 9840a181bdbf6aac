"""The frequency-spectrum detector: profiles, AUC, a detector that separates blurred from sharp, perturbations."""

import numpy as np
import pytest

from coursekit.datasets import portrait
from coursekit.faces import spectrum_detector as sd


def _patches(blur: bool, n=24, seed=0):
    import cv2

    rgb = portrait("collins")
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        y, x = rng.integers(0, 512 - 64, 2)
        patch = np.ascontiguousarray(rgb[y:y + 64, x:x + 64])
        if blur:  # what a 32 px decoder upsampled to 64 px would give
            patch = cv2.resize(cv2.resize(patch, (32, 32), interpolation=cv2.INTER_AREA), (64, 64))
        out.append(patch)
    return out


def test_the_profile_of_a_constant_image_has_only_the_dc_term():
    flat = np.full((32, 32), 100, np.uint8)
    p = sd.azimuthal_profile(flat)
    assert p.shape == (17,) and p[0] > 60 and (p[1:] < -100).all()
    assert sd.azimuthal_profile(np.zeros((64, 64, 3), np.uint8)).shape == (33,)


def test_blurring_lowers_the_high_frequencies():
    sharp, soft = sd.profiles(_patches(False)), sd.profiles(_patches(True))
    assert soft[:, -8:].mean() < sharp[:, -8:].mean() - 5
    assert abs(soft[:, :3].mean() - sharp[:, :3].mean()) < 3


def test_roc_auc():
    assert sd.roc_auc([0, 0.1], [0.9, 1]) == 1 and sd.roc_auc([0.9, 1], [0, 0.1]) == 0
    assert sd.roc_auc([0.5], [0.5]) == 0.5
    with pytest.raises(ValueError, match="non-empty"):
        sd.roc_auc([], [1])


def test_a_detector_trained_on_one_split_separates_another():
    det = sd.SpectrumDetector().fit(_patches(False, seed=0), _patches(True, seed=0))
    threshold = det.choose_threshold(_patches(False, 12, seed=1), _patches(True, 12, seed=1))
    assert 0 <= threshold <= 1
    real, fake = _patches(False, seed=2), _patches(True, seed=2)
    assert det.auc(real, fake) > 0.95 and det.accuracy(real, fake) > 0.9
    # a 0.5x resize blurs the real patches too: the detector's cue is gone
    resized = [sd.half_resize(p) for p in real]
    assert det.accuracy(resized, fake) < det.accuracy(real, fake)


def test_perturbations_keep_the_size():
    patch = _patches(False, 1)[0]
    assert sd.jpeg(patch).shape == patch.shape and sd.half_resize(patch).shape == patch.shape
    assert np.abs(sd.jpeg(patch, 95).astype(int) - patch).mean() < np.abs(sd.jpeg(patch, 10).astype(int) - patch).mean()


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="uint8"):
        sd.azimuthal_profile(np.zeros((16, 16), np.float32))
    with pytest.raises(ValueError, match="too small"):
        sd.azimuthal_profile(np.zeros((4, 4), np.uint8))
    with pytest.raises(ValueError, match="same size"):
        sd.profiles([np.zeros((16, 16), np.uint8), np.zeros((32, 32), np.uint8)])
    with pytest.raises(ValueError, match="quality"):
        sd.jpeg(np.zeros((16, 16, 3), np.uint8), 0)
    with pytest.raises(RuntimeError, match="fit"):
        sd.SpectrumDetector().score([np.zeros((16, 16), np.uint8)])

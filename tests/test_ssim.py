"""SSIM against scikit-image's, its limits, masks and gradients."""

import numpy as np
import pytest
import torch
from skimage.metrics import structural_similarity

from coursekit.datasets import portrait
from coursekit.ssim import dssim, ssim, ssim_map


@pytest.fixture(scope="module")
def faces():
    rgb = torch.from_numpy(portrait("collins")[150:214, 200:264].copy()).permute(2, 0, 1).float() / 255
    noisy = (rgb + 0.1 * torch.randn(rgb.shape, generator=torch.Generator().manual_seed(0))).clamp(0, 1)
    return rgb[None], noisy[None]


def test_ssim_agrees_with_scikit_image(faces):
    a, b = faces
    ours = float(ssim_map(a, b)[..., 5:-5, 5:-5].mean())  # scikit-image leaves out the window's half at the border
    theirs = structural_similarity(a[0].permute(1, 2, 0).numpy(), b[0].permute(1, 2, 0).numpy(), channel_axis=2,
                                   data_range=1.0, gaussian_weights=True, sigma=1.5, use_sample_covariance=False)
    assert ours == pytest.approx(theirs, abs=1e-4)


def test_identical_images_score_one_and_dssim_zero(faces):
    a, _ = faces
    assert float(ssim(a, a)) == pytest.approx(1.0, abs=1e-5)
    assert float(dssim(a, a)) == pytest.approx(0.0, abs=1e-5)
    assert ssim_map(a, a).shape == (1, 1, 64, 64)


def test_more_noise_scores_lower_and_dssim_is_in_range(faces):
    a, b = faces
    worse = (a + 0.3 * torch.randn(a.shape, generator=torch.Generator().manual_seed(1))).clamp(0, 1)
    assert float(ssim(a, worse)) < float(ssim(a, b)) < 1
    assert 0 < float(dssim(a, worse)) <= 1


def test_a_mask_measures_only_inside_it(faces):
    a, b = faces
    half = a.clone()
    half[..., 32:] = b[..., 32:]  # right half noisy
    left = torch.zeros(1, 1, 64, 64)
    left[..., :24] = 1
    right = 1 - left
    right[..., :40] = 0
    assert float(ssim(a, half, left)) > 0.99 > float(ssim(a, half, right))


def test_ssim_is_differentiable(faces):
    a, b = faces
    b = b.clone().requires_grad_(True)
    dssim(a, b).sum().backward()
    assert b.grad is not None and torch.isfinite(b.grad).all() and b.grad.abs().sum() > 0


@pytest.mark.parametrize("call, message", [
    (lambda a: ssim(a, a[:, :2]), "same shape"),
    (lambda a: ssim(a[0], a[0]), r"\(N, C, H, W\)"),
    (lambda a: ssim(a, a, window=4), "odd int"),
    (lambda a: ssim(a[..., :4, :4], a[..., :4, :4]), "too small"),
    (lambda a: ssim(a, a, data_range=0), "data_range"),
    (lambda a: ssim(a, a, torch.zeros(1, 1, 64, 64)), "empty"),
    (lambda a: ssim(a, a, torch.ones(1, 3, 64, 64)), "one channel"),
])
def test_bad_inputs_are_refused(faces, call, message):
    with pytest.raises(ValueError, match=message):
        call(faces[0])

"""Random augmentations: random_affine (classifier training) and translate (DiffAugment for GANs)."""

import pytest
import torch

from coursekit import datasets
from coursekit.augment import random_affine, translate


@pytest.fixture(scope="module")
def digits():
    return datasets.digits_sample(60, "train")[0]


def test_random_affine_moves_digits_a_little_and_keeps_their_ink(digits):
    moved = random_affine(digits, torch.Generator().manual_seed(0))
    assert moved.shape == digits.shape and not torch.equal(moved, digits)
    ink_ratio = moved.sum((1, 2, 3)) / digits.sum((1, 2, 3))
    assert float(ink_ratio.min()) > 0.7 and float(ink_ratio.max()) < 1.4
    still = random_affine(digits, torch.Generator(), degrees=0.0, scale=0.0, shift=0.0)
    torch.testing.assert_close(still, digits, atol=1e-5, rtol=0)


def test_translate_shifts_whole_pixels_and_fills_with_the_background():
    image = -torch.ones(1, 1, 8, 8)
    image[0, 0, 3, 4] = 1.0
    torch.manual_seed(0)
    shifted = translate(image.repeat(200, 1, 1, 1), max_shift=2)
    positions = [tuple(int(v) for v in (s[0] == 1).nonzero()[0]) for s in shifted]
    rows, cols = {p[0] for p in positions}, {p[1] for p in positions}
    assert rows == {1, 2, 3, 4, 5} and cols == {2, 3, 4, 5, 6}  # every offset in [-2, 2] occurs
    assert bool(((shifted == 1).sum((1, 2, 3)) == 1).all())  # nothing blurred or lost
    assert set(shifted.unique().tolist()) == {-1.0, 1.0}


def test_translate_passes_gradients_to_the_images(digits):
    x = digits.clone().requires_grad_(True)
    translate(x, 2).sum().backward()
    assert x.grad is not None and float(x.grad.sum()) > 0


def test_translate_zero_shift_is_the_identity(digits):
    assert translate(digits, 0) is digits


@pytest.mark.parametrize("bad", [-1, 1.5, True, 28])
def test_translate_refuses_bad_shifts(digits, bad):
    with pytest.raises(ValueError, match="max_shift"):
        translate(digits, bad)


def test_bad_batches_are_refused(digits):
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        translate(digits[:, 0], 2)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        random_affine(digits.to(torch.uint8), torch.Generator())


# --- random_warp (DeepFaceLab's random warp) -------------------------------------

from coursekit.augment import random_warp  # noqa: E402


def _faces():
    from coursekit.datasets import portrait

    rgb = torch.from_numpy(portrait("collins")[120:248, 180:308].copy()).permute(2, 0, 1).float() / 255
    return torch.nn.functional.interpolate(rgb[None], size=(64, 64), mode="area").repeat(4, 1, 1, 1)


def test_random_warp_bends_the_inside_and_keeps_the_border():
    faces = _faces()
    warped = random_warp(faces, torch.Generator().manual_seed(0))
    assert warped.shape == faces.shape
    inside = (warped - faces)[..., 8:-8, 8:-8].abs().mean()
    edge = (warped - faces)[..., [0, -1], :].abs().mean()
    assert inside > 0.02 and edge < 0.2 * inside
    assert not torch.allclose(warped[0], warped[1])  # each image its own field
    same = random_warp(faces, torch.Generator().manual_seed(0))
    assert torch.equal(warped, same)


def test_random_warp_with_no_jitter_is_the_identity_and_more_jitter_bends_more():
    faces = _faces()
    assert torch.allclose(random_warp(faces, torch.Generator(), jitter=0.0), faces, atol=1e-5)
    small = (random_warp(faces, torch.Generator().manual_seed(1), jitter=0.1) - faces).abs().mean()
    large = (random_warp(faces, torch.Generator().manual_seed(1), jitter=0.4) - faces).abs().mean()
    assert large > 1.5 * small


@pytest.mark.parametrize("options, message", [(dict(cells=1), "cells"), (dict(jitter=0.8), "jitter"),
                                              (dict(jitter=True), "jitter")])
def test_random_warp_refuses_bad_settings(options, message):
    with pytest.raises(ValueError, match=message):
        random_warp(_faces(), torch.Generator(), **options)

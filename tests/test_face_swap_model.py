"""The shared-encoder face-swap autoencoder and its DeepFaceLab loss."""

import pytest
import torch

from coursekit.face_swap_loss import WEIGHTS, blur_mask, face_swap_loss, ssim_window
from coursekit.models.face_swap_ae import DEFAULTS, FaceSwapAE, encoder_shapes


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return FaceSwapAE(("hopper", "collins"))


def test_shapes_follow_the_lecture(model):
    faces = torch.rand(2, 3, 64, 64)
    latent = model.encode(faces)
    assert latent.shape == (2, DEFAULTS["latent_channels"], 8, 8)
    with torch.no_grad():
        face, mask = model(faces, "collins")
    assert face.shape == (2, 3, 64, 64) and mask.shape == (2, 1, 64, 64)
    assert 0 <= float(face.min()) and float(face.max()) <= 1 and 0 <= float(mask.min()) and float(mask.max()) <= 1
    shapes = dict(encoder_shapes())
    assert shapes["input"] == (3, 64, 64) and shapes["flatten"] == (256 * 4 * 4,)
    assert list(shapes.values())[-1] == (128, 8, 8)
    assert encoder_shapes(96, (32, 64, 128, 256))[4][1] == (256, 6, 6)


def test_the_encoder_is_shared_and_each_identity_has_its_own_decoder(model):
    assert set(model.decoders) == {"hopper", "collins"}
    a, b = (dict(model.decoders[n].named_parameters()) for n in ("hopper", "collins"))
    assert all(a[k] is not b[k] for k in a)
    faces = torch.rand(3, 3, 64, 64)
    swapped, _ = model.swap(faces, "collins")
    with torch.no_grad():
        assert torch.allclose(swapped, model.decode(model.encode(faces), "collins")[0])
        assert not torch.allclose(swapped, model(faces, "hopper")[0])
    assert model.training  # swap leaves the mode as it was


def test_the_model_is_small_enough_to_ship(model):
    params = sum(p.numel() for p in model.parameters())
    assert 1e6 < params < 3e6  # a few MB in float16


@pytest.mark.parametrize("options, message", [
    (dict(identities=("a",)), "at least two"), (dict(identities=("a", "a")), "at least two"),
    (dict(size=60), "divisible"), (dict(decoder_widths=(16, 8)), "do not reach"),
    (dict(encoder_widths=()), "encoder_widths"), (dict(dense=0), "dense"),
])
def test_bad_settings_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        FaceSwapAE(**options)


def test_bad_faces_and_names_are_refused(model):
    with pytest.raises(ValueError, match=r"\(N, 3, 64, 64\)"):
        model.encode(torch.rand(2, 3, 32, 32))
    with pytest.raises(ValueError, match="no decoder for 'trump'"):
        model.decode(torch.rand(1, 128, 8, 8), "trump")


def test_the_loss_is_zero_for_a_perfect_rebuild_and_weights_its_parts():
    target = torch.rand(2, 3, 64, 64)
    mask = torch.zeros(2, 1, 64, 64)
    mask[..., 16:48, 16:48] = 1
    perfect = face_swap_loss(target, mask, target, mask)
    assert float(perfect["loss"]) == pytest.approx(0, abs=1e-5)
    off = face_swap_loss(target.flip(-1), 1 - mask, target, mask)
    assert float(off["loss"]) == pytest.approx(sum(WEIGHTS[k] * float(off[k]) for k in WEIGHTS), rel=1e-5)
    assert float(off["mask"]) == pytest.approx(1.0)


def test_the_loss_ignores_what_lies_outside_the_blurred_mask():
    target = torch.rand(1, 3, 64, 64)
    mask = torch.zeros(1, 1, 64, 64)
    mask[..., 20:44, 20:44] = 1
    outside = target.clone()
    outside[..., :10, :] = 0  # far from the mask
    assert float(face_swap_loss(outside, mask, target, mask)["loss"]) == pytest.approx(0, abs=1e-5)


def test_the_loss_has_gradients_for_face_and_mask():
    face = torch.rand(1, 3, 64, 64, requires_grad=True)
    mask = torch.rand(1, 1, 64, 64, requires_grad=True)
    face_swap_loss(face, mask, torch.rand(1, 3, 64, 64), torch.ones(1, 1, 64, 64))["loss"].backward()
    assert face.grad.abs().sum() > 0 and mask.grad.abs().sum() > 0


def test_mask_blur_and_window_sizes():
    mask = torch.zeros(1, 1, 64, 64)
    mask[..., 32:, :] = 1
    soft = blur_mask(mask)
    assert soft.shape == mask.shape and 0 < float(soft[0, 0, 31, 5]) < 1 and float(soft[0, 0, 40, 5]) == 1
    assert ssim_window(64) == 5 and ssim_window(96) == 9 and ssim_window(128) == 11
    with pytest.raises(ValueError, match="size"):
        ssim_window(4)
    with pytest.raises(ValueError, match=r"\(N, 1, H, W\)"):
        blur_mask(torch.zeros(1, 3, 8, 8))
    with pytest.raises(ValueError, match="shapes differ"):
        face_swap_loss(torch.rand(1, 3, 64, 64), mask, torch.rand(1, 3, 32, 32), mask)

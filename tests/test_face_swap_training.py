"""Training the face-swap autoencoder: augmentation, the step, and a short run that learns."""

import pytest
import torch

from coursekit.face_swap_training import augment_faces, make_face_swap_step, train_face_swap
from coursekit.models.face_swap_ae import FaceSwapAE


def _sets(n=8):
    g = torch.Generator().manual_seed(0)
    masks = torch.zeros(n, 1, 64, 64)
    masks[..., 12:52, 14:50] = 1
    return {"a": (torch.rand(n, 3, 64, 64, generator=g) * 0.3 + 0.2, masks),
            "b": (torch.rand(n, 3, 64, 64, generator=g) * 0.3 + 0.5, masks.clone())}


def test_augmentation_moves_face_and_mask_together_and_warps_the_input_only():
    faces, masks = _sets()["a"]
    inputs, targets, target_masks = augment_faces(faces, masks, torch.Generator().manual_seed(0))
    assert inputs.shape == faces.shape and target_masks.shape == masks.shape
    assert not torch.allclose(targets, faces)  # moved
    assert not torch.allclose(inputs, targets)  # and the input bent on top
    plain, same, _ = augment_faces(faces, masks, torch.Generator().manual_seed(0), warp=False)
    assert torch.equal(plain, same) and torch.allclose(same, targets)
    # the mask followed the face: both moved by the same affine map
    edge = masks[:, :, :, 13:15].sum()
    assert target_masks.sum() == pytest.approx(float(masks.sum()), rel=0.15) and edge > 0
    with pytest.raises(ValueError, match="need faces"):
        augment_faces(faces, masks[:3], torch.Generator())


def test_a_short_run_lowers_the_loss_for_both_identities():
    torch.manual_seed(0)
    model = FaceSwapAE(("a", "b"), encoder_widths=(8, 8, 16, 16), dense=16, latent_channels=16, decoder_widths=(8, 8, 8))
    history = train_face_swap(model, _sets(), steps=30, batch_size=4, lr=2e-3)
    for key in ("loss", "loss_a", "loss_b"):
        values = history.losses[key]
        assert len(values) == 30 and sum(values[-5:]) < sum(values[:5])


def test_the_step_touches_both_decoders_and_the_shared_encoder():
    torch.manual_seed(0)
    model = FaceSwapAE(("a", "b"), encoder_widths=(8, 8, 16, 16), dense=16, latent_channels=16, decoder_widths=(8, 8, 8))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    train_face_swap(model, _sets(), steps=1, batch_size=4)
    after = model.state_dict()
    for part in ("encoder.0.weight", "decoders.a.face.weight", "decoders.b.mask.weight"):
        assert not torch.equal(before[part], after[part]), part


def test_face_sets_must_match_the_identities():
    model = FaceSwapAE(("a", "b"))
    with pytest.raises(ValueError, match="exactly the model's identities"):
        train_face_swap(model, {"a": _sets()["a"]}, steps=1)
    assert callable(make_face_swap_step(warp=False))

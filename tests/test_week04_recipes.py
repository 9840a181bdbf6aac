"""The shipped week-4 checkpoints: the autoencoder deepfake and its warp ablation."""

import torch

from coursekit.checkpoints import read_manifest
from coursekit.faces import puppet, puppet_sets
from coursekit.faces.extract import extract
from coursekit.models.face_swap_ae import FaceSwapAE
from coursekit.recipes import command, deepfake_ae, deepfake_ae_nowarp
from coursekit.ssim import ssim


def test_both_recipes_are_train_commands_with_small_manifests():
    for name, module in (("deepfake-ae", deepfake_ae), ("deepfake-ae-nowarp", deepfake_ae_nowarp)):
        assert command.RECIPES[name].module == module.__name__.rsplit(".", 1)[1]
        manifest = read_manifest(module.NAME)
        assert manifest["command"] == module.COMMAND and manifest["bytes"] < 6_000_000
        assert manifest["extra"]["settings"]["warp"] is (module is deepfake_ae)
        assert "train_seconds" in manifest["extra"] and manifest["extra"]["hardware"]


def test_the_shipped_model_rebuilds_a_held_out_face_better_than_it_swaps_it():
    model = deepfake_ae.load()
    assert isinstance(model, FaceSwapAE) and set(model.identities) == {"hopper", "collins"}
    pose = puppet_sets.held_out_poses(1)[0]
    frame = puppet.render(*puppet_sets.portrait_fit("collins"), pose)
    face = extract(frame.image, points=frame.points)
    crop = torch.from_numpy(face.crop).permute(2, 0, 1)[None].float() / 255
    mask = torch.from_numpy(face.mask)[None, None]
    own, _ = model.swap(crop, "collins")
    other, _ = model.swap(crop, "hopper")
    assert float(ssim(own, crop, mask)) > 0.5
    assert float(ssim(own, crop, mask)) > float(ssim(other, crop, mask)) + 0.05


def test_the_ablation_is_the_same_network_without_the_warp():
    warp, nowarp = deepfake_ae.load(), deepfake_ae_nowarp.load()
    assert [k for k, _ in warp.named_parameters()] == [k for k, _ in nowarp.named_parameters()]
    assert deepfake_ae_nowarp.SETTINGS == {**deepfake_ae.SETTINGS, "warp": False}

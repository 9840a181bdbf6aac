"""The shipped week-7 checkpoints: latent diffusion, ControlNet, the thick-stroke checkpoint and the LoRA adapter."""

import pytest
import torch

from coursekit import datasets, metrics, strokes
from coursekit.checkpoints import read_manifest
from coursekit.diffusion.latent import LatentDigitDiffusion
from coursekit.models.lora import lora_parameters, set_lora_scale
from coursekit.recipes import command, controlnet, ddpm, ddpm_thick, ldm, lora_thick

TEN = torch.arange(10)


@pytest.fixture(scope="module")
def base():
    return ddpm.load()


def test_every_week7_recipe_is_a_train_command_with_its_manifest():
    for name, module in (("ldm", ldm), ("controlnet", controlnet), ("ddpm-thick", ddpm_thick), ("lora-thick", lora_thick)):
        assert command.RECIPES[name].module == module.__name__.rsplit(".", 1)[1]
        manifest = read_manifest(module.NAME)
        assert manifest["command"] == module.COMMAND and manifest["bytes"] < 5_000_000


def test_shipped_latent_model_samples_the_digits_asked_for():
    model = ldm.load()
    assert isinstance(model, LatentDigitDiffusion) and model.sample_shape == (4, 7, 7)
    images = model.generate(TEN.repeat(5), seed=5, steps=10)
    assert images.shape == (50, 1, 28, 28)
    assert metrics.conditional_accuracy(images, TEN.repeat(5)) >= 0.8
    assert read_manifest("ldm")["metrics"]["worst_conditional_accuracy"] >= ldm.BAR["conditional_accuracy"]


def test_shipped_controlnet_follows_edges_and_ships_only_its_branch(base):
    model = controlnet.load()
    assert set(controlnet.shipped_weights(model)) == set(model.net.control.state_dict())
    assert all(not key.startswith(("base.", "up")) for key in controlnet.shipped_weights(model))
    images, labels = datasets.digits("test")
    edges = strokes.edge_maps(images[:20])
    model.net.condition = edges
    controlled = model.generate(labels[:20], seed=3, steps=10)
    model.net.condition = None
    plain = base.generate(labels[:20], seed=3, steps=10)
    gain = float(strokes.edge_agreement(controlled, edges).median() - strokes.edge_agreement(plain, edges).median())
    assert gain > 0.15
    with pytest.raises(ValueError, match="set .condition"):
        model.generate([1], steps=2)


def test_thick_checkpoint_has_the_base_architecture_and_thicker_strokes(base):
    thick = ddpm_thick.load()
    assert list(thick.state_dict()) == list(base.state_dict())
    labels = TEN.repeat(2)
    wider = strokes.stroke_width(thick.generate(labels, seed=4, steps=10)).median() - \
        strokes.stroke_width(base.generate(labels, seed=4, steps=10)).median()
    assert float(wider) > 1.0


def test_lora_adapter_is_small_and_its_strength_blends_the_style(base):
    model = lora_thick.load()
    adapter = sum(p.numel() for p in lora_parameters(model.net))
    assert adapter < 0.1 * sum(p.numel() for p in base.net.parameters())
    assert read_manifest("lora_thick")["bytes"] < 0.1 * read_manifest("ddpm")["bytes"]
    set_lora_scale(model.net, 0.0)
    assert torch.allclose(model.generate(TEN, seed=6, steps=5), base.generate(TEN, seed=6, steps=5), atol=1e-5)
    widths = []
    for scale in (0.0, 1.0):
        set_lora_scale(model.net, scale)
        widths.append(float(strokes.stroke_width(model.generate(TEN.repeat(2), seed=6, steps=10)).median()))
    assert widths[1] > widths[0] + 1.0

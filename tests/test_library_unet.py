"""coursekit.models.library_unet and the recipe race: the same job through diffusers' UNet2DModel."""

import pytest
import torch

from coursekit.diffusion.training import diffusion_loss
from coursekit.models.library_unet import LibraryUNet
from coursekit.recipes import ddpm, diffusion_race


def small(**kwargs):
    torch.manual_seed(0)
    return LibraryUNet(channels=(8, 16), attention=(False, True), layers_per_block=1, **kwargs)


def test_library_unet_is_called_like_the_course_unet():
    net = small()
    x = torch.randn(3, 1, 28, 28)
    out = net(x, torch.tensor([0, 500, 999]), torch.tensor([1, 2, net.null_label]))
    assert out.shape == x.shape and net.null_label == 10 and net.in_channels == 1
    assert net.unet.config.num_class_embeds == 11  # ten digits and the null class


def test_library_unet_trains_through_the_shared_objective():
    net = small()
    pipeline = ddpm.build(ddpm.SETTINGS)
    images = torch.rand(4, 1, 28, 28) * 2 - 1
    loss = diffusion_loss(net, images, torch.arange(4), pipeline.schedule, p_uncond=0.5, null_label=net.null_label)
    loss.backward()
    assert torch.isfinite(loss) and net.unet.class_embedding.weight.grad is not None


def test_library_unet_rejects_bad_configs():
    with pytest.raises(ValueError, match="num_classes"):
        LibraryUNet(num_classes=0)
    with pytest.raises(ValueError, match="one entry per block"):
        LibraryUNet(channels=(8, 16), attention=(True,))
    with pytest.raises(ValueError, match="cannot be halved"):
        LibraryUNet(size=30, channels=(8, 16, 16, 16), attention=(False,) * 4)
    with pytest.raises(ValueError, match="one t and one label"):
        small()(torch.randn(2, 1, 28, 28), torch.tensor([1]), torch.tensor([1, 2]))


def test_ddpm_build_makes_either_network():
    assert isinstance(ddpm.build(diffusion_race.RECIPES["hf-course"]).net, LibraryUNet)
    assert type(ddpm.build().net).__name__ == "UNet"
    with pytest.raises(ValueError, match="model must be one of"):
        ddpm.build({**ddpm.SETTINGS, "model": "transformer"})


def test_race_recipes_differ_where_the_issue_says():
    ours, usual = diffusion_race.RECIPES["coursekit"], diffusion_race.RECIPES["hf-course"]
    assert (usual["schedule"], usual["prediction"], usual["min_snr"], usual["lr"]) == ("linear", "epsilon", None, 1e-3)
    assert usual["ema"] == 0.0 and usual["p_uncond"] == 0.0 and usual["guidance"] == 1.0
    assert ours == ddpm.SETTINGS


def test_a_tiny_race_records_a_curve():
    result = diffusion_race.race("coursekit", minutes=0.03, points=2, per_class=7, final_per_class=7)
    assert [p["step"] for p in result["curve"]] == [result["steps"] // 2, result["steps"]]
    assert all(0 <= p["conditional_accuracy"] <= 1 and p["samples"] == 70 for p in result["curve"])
    assert result["train_minutes"] > 0 and result["seconds_per_step"] > 0
    assert result["loss_first_50"] > 0 and result["loss_last_50"] > 0


def test_race_rejects_bad_arguments():
    with pytest.raises(ValueError, match="recipe must be one of"):
        diffusion_race.race("fastest")
    with pytest.raises(ValueError, match="minutes"):
        diffusion_race.race("coursekit", minutes=0)
    with pytest.raises(ValueError, match="points"):
        diffusion_race.race("coursekit", points=0)

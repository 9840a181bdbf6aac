import matplotlib

matplotlib.use("Agg")
import pytest
import torch

from coursekit.diffusion.architecture import STABLE_DIFFUSION_15, draw_pipelines, miniature_parts
from coursekit.diffusion.latent import LatentDigitDiffusion
from coursekit.models.unet import UNet
from coursekit.models.vae import SpatialVAE


def test_miniature_parts_count_the_pipeline():
    torch.manual_seed(0)
    net = UNet(in_channels=4, channels=(16, 32, 32))
    parts = miniature_parts(LatentDigitDiffusion(net, SpatialVAE()))
    assert set(parts) == set(STABLE_DIFFUSION_15)
    assert parts["latent"] == "4x7x7 (4x down)"
    assert "widths 16/32/32" in parts["unet"] and "1,408" in parts["prompt"]  # 11 classes x 128
    with pytest.raises(TypeError, match="LatentDigitDiffusion"):
        miniature_parts(object())


def test_draw_pipelines_draws_five_boxes_per_row():
    ax = draw_pipelines([STABLE_DIFFUSION_15, STABLE_DIFFUSION_15])
    assert len(ax.patches) == 10
    assert any("860M" in t.get_text() for t in ax.texts)
    with pytest.raises(ValueError, match="keys"):
        draw_pipelines([{"name": "x"}])

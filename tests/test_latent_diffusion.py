import pytest
import torch

from coursekit import datasets
from coursekit.diffusion.latent import LatentDigitDiffusion
from coursekit.diffusion.pipeline import DigitDiffusion
from coursekit.models.unet import UNet
from coursekit.models.vae import SpatialVAE, load_spatial


@pytest.fixture(scope="module")
def pipeline():
    torch.manual_seed(0)
    return LatentDigitDiffusion(UNet(in_channels=4, channels=(16, 32, 32)), load_spatial(), steps=4).eval()


def test_the_chain_runs_on_latents_and_the_vae_decodes_them(pipeline):
    assert pipeline.sample_shape == (4, 7, 7) and pipeline.clip is None
    images = pipeline.generate([1, 2, 3], seed=0)
    assert images.shape == (3, 1, 28, 28) and 0 <= float(images.min()) and float(images.max()) <= 1
    assert torch.equal(images, pipeline.generate([1, 2, 3], seed=0))
    # an untrained UNet predicts ε = 0, so DDIM's x0_hat is x_T / sqrt(ᾱ_T): not clamped to [−1, 1]
    start = torch.randn((3, 4, 7, 7), generator=torch.Generator().manual_seed(0))
    assert float(start.abs().max()) > 1
    assert not torch.equal(images, pipeline.to_images(start.clamp(-1, 1)))


def test_encode_gives_the_scaled_latents_with_unit_variance(pipeline):
    latents = pipeline.encode(datasets.digits("train")[0][:500])
    assert latents.shape == (500, 4, 7, 7)
    assert 0.8 < float(latents.std()) < 1.2
    decoded = pipeline.to_images(latents[:20])
    assert float((decoded - datasets.digits("train")[0][:20]).abs().mean()) < 0.1


def test_bad_networks_or_vaes():
    with pytest.raises(ValueError, match="reads 1 channels"):
        LatentDigitDiffusion(UNet(channels=(16, 32, 32)), SpatialVAE())
    with pytest.raises(TypeError, match="spatial VAE"):
        LatentDigitDiffusion(UNet(in_channels=4, channels=(16, 32, 32)), torch.nn.Linear(2, 2))


def test_pixel_pipeline_keeps_its_shape_and_clip():
    pixel = DigitDiffusion(UNet(channels=(16, 32, 32)))
    assert pixel.sample_shape == (1, 28, 28) and pixel.clip == 1.0

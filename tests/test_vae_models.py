"""coursekit.models.vae: the plain autoencoder, the VAE, the spatial VAE and their loader."""

import pytest
import torch

from coursekit.checkpoints import CheckpointError, save_checkpoint
from coursekit.models.vae import VAE, Autoencoder, SpatialVAE, load


@pytest.mark.parametrize("cls", [Autoencoder, VAE])
def test_mlp_models_shapes_and_samples(cls):
    torch.manual_seed(0)
    model = cls(3, (32, 16))
    x = torch.rand(4, 1, 28, 28)
    out = model(x)
    logits = out[0] if cls is VAE else out
    assert logits.shape == (4, 1, 28, 28)
    codes = model.encode(x)
    if cls is VAE:
        assert [c.shape for c in codes] == [(4, 3), (4, 3)]
    else:
        assert codes.shape == (4, 3)
    images = model.sample(6, seed=1)
    assert images.shape == (6, 1, 28, 28) and images.min() >= 0 and images.max() <= 1
    assert torch.equal(images, model.sample(6, seed=1)) and not torch.equal(images, model.sample(6, seed=2))
    assert model.training  # decode_images restores the mode it found
    with pytest.raises(ValueError, match=r"z must be a tensor \(N, 3\)"):
        model.decode_images(torch.zeros(2, 4))
    with pytest.raises(ValueError, match=r"expected images \(N, 1, 28, 28\)"):
        model.encode(torch.zeros(2, 28, 28))


def test_bad_sizes():
    with pytest.raises(ValueError, match="latent_dim"):
        VAE(0)
    with pytest.raises(ValueError, match="hidden"):
        Autoencoder(2, ())
    with pytest.raises(ValueError, match="widths"):
        SpatialVAE(4, (32,))
    with pytest.raises(ValueError, match="latent_channels"):
        SpatialVAE(True)


def test_spatial_vae_latent_is_a_small_image_and_scaling_factor_applies():
    torch.manual_seed(0)
    model = SpatialVAE(4, (8, 16))
    x = torch.rand(3, 1, 28, 28)
    logits, mu, log_var = model(x)
    assert logits.shape == (3, 1, 28, 28) and mu.shape == log_var.shape == (3, 4, 7, 7)
    assert model.latent_shape() == (4, 7, 7)
    model.scaling_factor.fill_(0.5)
    torch.testing.assert_close(model.scaled_latents(x), model.encode(x)[0].detach() * 0.5)
    torch.testing.assert_close(model.prior_codes(2, seed=0), model.prior_codes(2, seed=0) * 1.0)
    assert model.prior_codes(2, seed=0).std() > 1.5  # unit noise / 0.5
    assert model.sample(2, seed=0).shape == (2, 1, 28, 28)
    assert "scaling_factor" in model.state_dict()


def test_load_rebuilds_from_the_manifest(tmp_path):
    torch.manual_seed(0)
    for name, model, settings in (
        ("vae2d", VAE(2, (16,)), {"model": "VAE", "latent_dim": 2, "hidden": [16], "lr": 1e-3}),
        ("vae", SpatialVAE(2, (8, 8)), {"model": "SpatialVAE", "latent_channels": 2, "widths": [8, 8]}),
    ):
        save_checkpoint(model, name, command="test", extra={"settings": settings}, directory=tmp_path)
        loaded = load(name, directory=tmp_path)
        assert type(loaded) is type(model) and not loaded.training
        for key, value in model.state_dict().items():
            assert torch.equal(loaded.state_dict()[key], value)
    save_checkpoint(VAE(2, (16,)), "odd", command="test", extra={"settings": {"model": "GAN"}}, directory=tmp_path)
    with pytest.raises(ValueError, match="does not record a model"):
        load("odd", directory=tmp_path)
    with pytest.raises(CheckpointError):
        load("missing", directory=tmp_path)

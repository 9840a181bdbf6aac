"""The week-5 recipes: `coursekit train ae2d / vae2d / beta-vae / vae / vqvae` write checkpoints that load and measure."""

import json

import pytest
import torch

from coursekit.checkpoints import read_manifest
from coursekit.cli import main
from coursekit.models import vae, vqvae
from coursekit.recipes import vae as spatial_recipe
from coursekit.vae_measures import BAR_2D, check

TWO_D = {"knn_accuracy", "latent_precision", "latent_coverage", "confident", "coverage", "worst_confident",
         "worst_coverage", "confident_seed1000"}


@pytest.mark.parametrize("model, name, kind, keys", [
    ("ae2d", "ae2d", vae.Autoencoder, TWO_D | {"test_nll"}),
    ("vae2d", "vae2d", vae.VAE, TWO_D | {"test_neg_elbo", "test_nll", "test_kl"}),
    ("vae", "vae", vae.SpatialVAE, {"psnr", "psnr_median", "latent_mean_c0", "latent_std_c3", "test_neg_elbo"}),
    ("beta-vae", "beta_vae", vae.BetaSweep, {"b0.5_test_neg_elbo", "b1_confident", "b4_latent_coverage"}),
])
def test_vae_commands_write_loadable_checkpoints(tmp_path, capsys, model, name, kind, keys):
    assert main(["train", model, "--steps", "3", "--device", "cpu", "--out", str(tmp_path)]) == 0
    assert "wrote" in capsys.readouterr().out
    manifest = read_manifest(name, tmp_path)
    assert manifest["command"] == f"coursekit train {model} --steps 3"
    assert keys <= set(manifest["metrics"]), sorted(keys - set(manifest["metrics"]))
    assert manifest["extra"]["steps"] == 3 and "hardware" in manifest["extra"] and "train_seconds" in manifest["extra"]
    loaded = vae.load(name, directory=tmp_path)
    assert isinstance(loaded, kind) and not loaded.training
    json.dumps(manifest)
    assert main(["remeasure", model, "--dir", str(tmp_path), "--reason", "test"]) == 0


def test_spatial_recipe_sets_the_scaling_factor_to_unit_variance(tmp_path):
    torch.manual_seed(0)
    model = vae.SpatialVAE(4, (8, 8)).eval()
    images = torch.rand(64, 1, 28, 28)
    factor = spatial_recipe.fit_scaling_factor(model, images)
    assert model.scaling_factor.item() == pytest.approx(factor)
    assert model.scaled_latents(images).std().item() == pytest.approx(1.0, rel=1e-4)


def test_vqvae_command(tmp_path, capsys):
    assert main(["train", "vqvae", "--steps", "3", "--device", "cpu", "--out", str(tmp_path)]) == 0
    metrics = read_manifest("vqvae", tmp_path)["metrics"]
    assert {"psnr", "codes_used", "perplexity"} <= set(metrics) and 1 <= metrics["codes_used"] <= 32
    assert isinstance(vqvae.load(directory=tmp_path), vqvae.VQVAE)


def test_check_says_which_bars_are_met():
    assert check({"knn_accuracy": 0.9, "confident": 0.5, "coverage": 10}, BAR_2D) == {
        "knn_accuracy": True, "confident": False, "coverage": True}
    with pytest.raises(ValueError, match="lack knn_accuracy"):
        check({"confident": 0.7, "coverage": 10}, BAR_2D)

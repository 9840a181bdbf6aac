"""Train week 7's latent diffusion model (``coursekit train ldm``): Stable Diffusion in miniature, and measure it.

The week-5 spatial VAE (``coursekit train vae``, frozen) turns each of the
4,000 training digits into a 4x7x7 latent (its mean, times the VAE's scaling
factor: unit variance). A :class:`coursekit.models.unet.UNet` with 4 input
channels (widths 64/128/128, attention at 2x2, 2.0M parameters) learns to
denoise them with the recipe of ``coursekit train ddpm`` (cosine schedule,
ε-prediction, min-SNR-5, 10 % null labels, AdamW with warm-up and cosine
decay, EMA 0.999) at batch 128. The shipped
:class:`coursekit.diffusion.latent.LatentDigitDiffusion` holds the EMA network
and the VAE (as a Stable Diffusion checkpoint holds its VAE). Measured by
:func:`coursekit.diffusion.measures.evaluate` (DDIM 20 steps, 1,000 samples per
seed); bar :data:`BAR`.
"""

from __future__ import annotations

from .. import datasets
from ..checkpoints import load_checkpoint, recorded_settings
from ..diffusion.latent import LatentDigitDiffusion
from ..diffusion.measures import evaluate
from ..diffusion.training import train_diffusion
from ..env import seed_everything
from ..models.unet import UNet
from ..models.vae import SpatialVAE, load_spatial
from ..train import History

__all__ = ["COMMAND", "NAME", "DEFAULTS", "STORE_DTYPE", "SETTINGS", "BAR", "build", "train_ldm", "evaluate", "load"]

COMMAND = "coursekit train ldm"
NAME = "ldm"
DEFAULTS = {"steps": 3000, "seed": 0}
SETTINGS = {
    "model": "UNet", "latent_channels": 4, "channels": (64, 128, 128), "attention": True, "emb_dim": 128,
    "schedule": "cosine", "num_train_steps": 1000, "prediction": "epsilon", "min_snr": 5.0, "p_uncond": 0.1,
    "lr": 2e-3, "warmup": 200, "batch_size": 128, "ema": 0.999,
    "guidance": 2.0, "sampling_steps": 20,
}
STORE_DTYPE = "float16"  # 2.0M UNet weights + the VAE at half size (about 4 MB); measured as stored
BAR = {"conditional_accuracy": 0.90}


def build(settings: dict = SETTINGS, vae: SpatialVAE | None = None) -> LatentDigitDiffusion:
    """A fresh pipeline: an untrained UNet and ``vae`` (an untrained SpatialVAE when ``None``: weights come later)."""
    vae = SpatialVAE(settings["latent_channels"]) if vae is None else vae
    net = UNet(in_channels=settings["latent_channels"], channels=tuple(settings["channels"]),
               attention=settings["attention"], emb_dim=settings["emb_dim"])
    return LatentDigitDiffusion(net, vae.eval(), schedule=settings["schedule"], num_train_steps=settings["num_train_steps"],
                                prediction=settings["prediction"], guidance=settings["guidance"],
                                steps=settings["sampling_steps"])


def train_ldm(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], device=None,
              progress: bool = True) -> tuple[LatentDigitDiffusion, History]:
    """Train the latent UNet on the shipped VAE's latents; returns ``(pipeline around the EMA network, history)``."""
    seed_everything(seed)
    pipeline = build(vae=load_spatial())
    images, labels = datasets.digits("train")
    latents = pipeline.encode(images)
    ema, history = train_diffusion(pipeline.net, latents, labels, pipeline.schedule, SETTINGS, steps=steps, seed=seed,
                                   device=device, progress=progress, check_range=False)
    pipeline.net = ema
    return pipeline.eval(), history


def load(*, directory=None) -> LatentDigitDiffusion:
    """The shipped latent diffusion pipeline (checkpoint ``ldm``: the UNet and its VAE), in eval mode."""
    return load_checkpoint(NAME, build(recorded_settings(NAME, directory)), directory=directory).eval()

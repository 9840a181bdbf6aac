"""Latent diffusion, Stable Diffusion's idea in miniature: diffuse in a VAE's latent, decode at the end (week 7).

Stable Diffusion runs its UNet on 4x64x64 latents of a VAE that downsamples
512x512x3 images 8 times, and decodes only the final latent. Here the UNet
runs on week 5's spatial VAE latents, 4x7x7 for a 1x28x28 digit (4 times
down), scaled by the VAE's ``scaling_factor`` (SD's 0.18215) to unit variance.
:class:`LatentDigitDiffusion` is a :class:`~.pipeline.DigitDiffusion` whose
chain runs on latents and whose :meth:`~LatentDigitDiffusion.to_images`
decodes them; its weights hold the VAE too, as an SD checkpoint does.
"""

from __future__ import annotations

import torch
from torch import nn

from .pipeline import DigitDiffusion

__all__ = ["LatentDigitDiffusion"]


class LatentDigitDiffusion(DigitDiffusion):
    """A class-conditional denoiser on scaled VAE latents plus the VAE that decodes them; images in [0, 1]."""

    clip = None  # latents are not bounded to [−1, 1]: x0_hat is not clamped

    def __init__(self, net: nn.Module, vae: nn.Module, **options):
        super().__init__(net, **options)
        for needed in ("latent_shape", "decode", "scaled_latents", "scaling_factor"):
            if not hasattr(vae, needed):
                raise TypeError(f"vae must be a spatial VAE like models.vae.SpatialVAE (no {needed!r})")
        if net.in_channels != vae.latent_shape()[0]:
            raise ValueError(f"the network reads {net.in_channels} channels but the VAE's latents have "
                             f"{vae.latent_shape()[0]}")
        self.vae = vae
        for p in self.vae.parameters():
            p.requires_grad_(False)

    @property
    def sample_shape(self) -> tuple[int, int, int]:
        """One latent: (4, 7, 7) for the week-5 VAE."""
        return tuple(self.vae.latent_shape())

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        """Digits (N, 1, 28, 28) in [0, 1] -> the scaled latents the network was trained on."""
        return self.vae.scaled_latents(images)

    @torch.no_grad()
    def to_images(self, latents: torch.Tensor) -> torch.Tensor:
        """Scaled latents -> decoded digits in [0, 1] (divide by the scaling factor, decode, sigmoid)."""
        return torch.sigmoid(self.vae.decode(latents / self.vae.scaling_factor))

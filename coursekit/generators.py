"""The course's shipped image generators by name: what ``coursekit sample`` and ``make bench`` draw from.

Each entry says how to load the generator (a ``module:function`` path,
imported only when it is used, so listing the names imports no model code),
the size of its images, and which sampling options apply to it (``label``
for class-conditional models, ``guidance`` and ``steps`` for diffusion
samplers). Weeks 4-7 add their generators here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import numpy as np

__all__ = ["ShippedGenerator", "GENERATORS", "get", "MAX_SAMPLES"]

MAX_SAMPLES = 100_000
OPTIONS = ("label", "guidance", "steps")


@dataclass(frozen=True)
class ShippedGenerator:
    name: str
    description: str
    loader: str  # "module:function" returning the generator (checkpoint sha256-checked)
    image_size: int = 28  # 28, or 32 for digits padded by 2 pixels
    options: tuple[str, ...] = ()  # which of OPTIONS apply

    def load(self):
        module, function = self.loader.split(":")
        return getattr(importlib.import_module(module), function)()

    def sample(self, n: int, seed: int = 0, **options) -> tuple[np.ndarray, np.ndarray | None]:
        """``n`` images as float32 ``(n, 1, S, S)`` in [0, 1], and the labels (``None`` if unconditional)."""
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_SAMPLES:
            raise ValueError(f"the number of samples must be an int from 1 to {MAX_SAMPLES}, got {n!r}")
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**31:
            raise ValueError(f"seed must be an int in [0, 2**31), got {seed!r}")
        unknown = sorted(set(options) - set(OPTIONS))
        if unknown:
            raise ValueError(f"unknown sampling options {unknown}; known: {', '.join(OPTIONS)}")
        given = sorted(k for k, v in options.items() if v is not None)
        unusable = [k for k in given if k not in self.options]
        if unusable:
            takes = f"it takes {', '.join('--' + o for o in self.options)}" if self.options else "it takes none"
            raise ValueError(f"{self.name} has no option {', '.join('--' + k for k in unusable)} ({takes})")
        import torch

        with torch.no_grad():
            drawn = self.load().sample(n, seed, **{k: options[k] for k in given})
        images, labels = drawn if isinstance(drawn, tuple) else (drawn, None)
        images = images.detach().cpu().float().numpy()
        expected = (n, 1, self.image_size, self.image_size)
        if images.shape != expected or not (np.isfinite(images).all() and images.min() >= 0 and images.max() <= 1):
            raise RuntimeError(f"{self.name} gave images of shape {images.shape} outside [0, 1]; expected {expected}")
        if labels is not None:
            labels = np.asarray(labels.cpu() if hasattr(labels, "cpu") else labels, dtype=np.int64)
            if labels.shape != (n,):
                raise RuntimeError(f"{self.name} gave labels of shape {labels.shape}; expected ({n},)")
        return images, labels


GENERATORS = {
    g.name: g
    for g in (
        ShippedGenerator("dcgan", "the week-3 DCGAN (digits, unconditional)", "coursekit.models.gan:load"),
        ShippedGenerator("stylegan", "the week-3 small StyleGAN (digits, unconditional)",
                         "coursekit.models.stylegan:load"),
        ShippedGenerator("vae2d", "the week-5 VAE with a 2-D latent (digits, unconditional)", "coursekit.models.vae:load"),
        ShippedGenerator("vae", "the week-5 spatial VAE, decoding prior noise (4x7x7 latents; week 6 diffuses in them)",
                         "coursekit.models.vae:load_spatial"),
        ShippedGenerator("ddpm", "the week-6 class-conditional pixel-space diffusion model (DDIM, guided; "
                         "without --label an equal share of each digit)", "coursekit.recipes.ddpm:load",
                         options=OPTIONS),
        ShippedGenerator("ldm", "the week-7 latent diffusion model (DDIM in the spatial VAE's 4x7x7 latents, guided, "
                         "decoded by the VAE; without --label an equal share of each digit)", "coursekit.recipes.ldm:load",
                         options=OPTIONS),
    )
}


def get(name: str) -> ShippedGenerator:
    """The shipped generator ``name``, or a clear error naming the ones there are."""
    if name not in GENERATORS:
        raise ValueError(f"no shipped generator named {name!r}; there are: {', '.join(sorted(GENERATORS))}")
    return GENERATORS[name]

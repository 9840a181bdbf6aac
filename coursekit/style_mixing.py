"""Style mixing (StyleGAN): coarse layers from one code, fine layers from another, as a grid."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from .latent import sample_z

if TYPE_CHECKING:
    from .models.stylegan import StyleGenerator

__all__ = ["mixing_grid"]


@torch.no_grad()
def mixing_grid(generator: StyleGenerator, *, rows: int = 5, cols: int = 5, crossover: int = 2, seed: int = 0):
    """Style mixing: ``(rows + 1, cols + 1, 28, 28)`` images in [0, 1], the corner blank.

    Row 0 holds the ``cols`` "fine" sources, column 0 the ``rows`` "coarse"
    sources; cell ``(i, j)`` takes layers ``< crossover`` from coarse source
    ``i`` and the rest from fine source ``j``.
    """
    z = sample_z(rows + cols, generator.latent_dim, seed)
    was_training = generator.training
    generator.eval()
    try:
        w = generator.w_of(z.to(next(generator.parameters()).device))
    finally:
        generator.train(was_training)
    coarse, fine = w[:rows], w[rows:]
    grid = torch.zeros(rows + 1, cols + 1, 28, 28)
    grid[0, 1:] = generator.images_from_ws(fine)[:, 0]
    grid[1:, 0] = generator.images_from_ws(coarse)[:, 0]
    mixed = generator.mix(coarse.repeat_interleave(cols, 0), fine.repeat(rows, 1), crossover)
    grid[1:, 1:] = generator.images_from_ws(mixed)[:, 0].reshape(rows, cols, 28, 28)
    return grid

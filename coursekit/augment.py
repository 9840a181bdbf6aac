"""Random augmentations of image batches ``(N, C, H, W)``, as plain functions.

- :func:`random_affine`: a small rotation, scale and shift per image
  (bilinear), for training a classifier on digits that are not all centred;
- :func:`translate`: DiffAugment's translation (Zhao et al. 2020), an integer
  shift per image that is differentiable with respect to the images, so a GAN
  can pass its fakes through it (see :func:`coursekit.adversarial.make_gan_step`).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

__all__ = ["random_affine", "translate"]


def _check_batch(images) -> torch.Tensor:
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or not images.is_floating_point():
        shape = tuple(images.shape) if isinstance(images, torch.Tensor) else type(images).__name__
        raise ValueError(f"images must be a float tensor (N, C, H, W), got {shape}")
    return images


def random_affine(images: torch.Tensor, generator: torch.Generator, *, degrees=10.0, scale=0.1, shift=2.0):
    """Rotate (±``degrees``), scale (1 ± ``scale``) and shift (±``shift`` px) each image a little.

    Bilinear, zeros outside, the result clamped to [0, 1] (for images in [0, 1]).
    """
    n, _, h, _ = _check_batch(images).shape
    angle = (torch.rand(n, generator=generator) * 2 - 1) * math.radians(degrees)
    factor = 1 + (torch.rand(n, generator=generator) * 2 - 1) * scale
    offset = (torch.rand(n, 2, generator=generator) * 2 - 1) * (2 * shift / h)
    cos, sin = torch.cos(angle) / factor, torch.sin(angle) / factor
    theta = torch.stack([torch.stack([cos, -sin, offset[:, 0]], 1), torch.stack([sin, cos, offset[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, align_corners=False, padding_mode="zeros").clamp(0, 1)


def translate(images: torch.Tensor, max_shift: int = 2, *, fill: float = -1.0) -> torch.Tensor:
    """Shift each image by its own random integer offset in ``[-max_shift, max_shift]`` (both axes).

    Pixels shifted in from outside take the value ``fill`` (-1: the background
    of images in [-1, 1]). Uses torch's global random generator, on the
    images' device; the gradient flows to ``images`` (it is a gather).
    """
    images = _check_batch(images)
    if isinstance(max_shift, bool) or not isinstance(max_shift, int) or max_shift < 0:
        raise ValueError(f"max_shift must be an int >= 0, got {max_shift!r}")
    n, c, h, w = images.shape
    if max_shift == 0:
        return images
    if max_shift >= min(h, w):
        raise ValueError(f"max_shift {max_shift} must be smaller than the image ({h}x{w})")
    m = max_shift
    padded = F.pad(images, (m, m, m, m), value=float(fill))
    dy, dx = (torch.randint(-m, m + 1, (n,), device=images.device) for _ in range(2))
    rows = (torch.arange(h, device=images.device) + m)[None, :] - dy[:, None]  # (N, H): source row of each output row
    cols = (torch.arange(w, device=images.device) + m)[None, :] - dx[:, None]
    picked = torch.gather(padded, 2, rows[:, None, :, None].expand(n, c, h, w + 2 * m))
    return torch.gather(picked, 3, cols[:, None, None, :].expand(n, c, h, w))

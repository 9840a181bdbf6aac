"""Random augmentations of image batches ``(N, C, H, W)``, as plain functions.

- :func:`random_affine`: a small rotation, scale and shift per image
  (bilinear), for training a classifier on digits that are not all centred;
- :func:`random_warp`: DeepFaceLab's random warp, a coarse grid whose interior
  points are jittered and smoothly interpolated: the input a face-swap
  autoencoder must rebuild the unwarped face from;
- :func:`translate`: DiffAugment's translation (Zhao et al. 2020), an integer
  shift per image that is differentiable with respect to the images, so a GAN
  can pass its fakes through it (see :func:`coursekit.adversarial.make_gan_step`).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

__all__ = ["random_affine", "random_warp", "translate"]


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


def random_warp(images: torch.Tensor, generator: torch.Generator, *, cells: int = 4, jitter: float = 0.24):
    """Bend each image by a smooth random field: a ``cells`` x ``cells`` grid whose interior points move.

    Each interior grid point moves by a normal offset of ``jitter`` times the
    cell size (DeepFaceLab: 5 cells, 0.24); the border stays put, and the
    offsets are interpolated bicubically between the points. Pixels are read
    bilinearly, the border repeated. ``jitter=0`` returns the images unchanged.
    """
    n, _, h, w = _check_batch(images).shape
    if isinstance(cells, bool) or not isinstance(cells, int) or cells < 2:
        raise ValueError(f"cells must be an int >= 2, got {cells!r}")
    if isinstance(jitter, bool) or not isinstance(jitter, (int, float)) or not 0 <= jitter <= 0.5:
        raise ValueError(f"jitter must be a number in [0, 0.5] (of a cell), got {jitter!r}")
    offsets = torch.randn(n, 2, cells + 1, cells + 1, generator=generator) * (jitter * 2 / cells)
    offsets[..., 0, :] = offsets[..., -1, :] = offsets[..., :, 0] = offsets[..., :, -1] = 0
    field = F.interpolate(offsets, size=(h, w), mode="bicubic", align_corners=True).permute(0, 2, 3, 1)
    identity = F.affine_grid(torch.eye(2, 3).expand(n, 2, 3), [n, 1, h, w], align_corners=True)
    grid = (identity + field.to(identity.dtype)).to(images.device, images.dtype)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="border", align_corners=True)


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

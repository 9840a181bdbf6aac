"""Structural similarity (Wang et al. 2004), differentiable, so it can be a loss as well as a measure.

SSIM compares local means, variances and the covariance of two images under a
Gaussian window (σ = 1.5, 11 x 11 as in the paper):

    SSIM = (2 μ_a μ_b + C1)(2 σ_ab + C2) / ((μ_a² + μ_b² + C1)(σ_a² + σ_b² + C2)),
    C1 = (0.01 L)², C2 = (0.03 L)², L = the data range.

- :func:`ssim_map`: the per-pixel SSIM ``(N, 1, H, W)`` (channels averaged), the
  window's edge handled by reflecting the image;
- :func:`ssim`: its mean per image, or the mean inside a mask (what week 4
  measures a swapped face by);
- :func:`dssim`: ``(1 - SSIM) / 2``, DeepFaceLab's structural loss.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["ssim_map", "ssim", "dssim"]


def _window(size: int, sigma: float, channels: int, like: torch.Tensor) -> torch.Tensor:
    x = torch.arange(size, dtype=like.dtype, device=like.device) - (size - 1) / 2
    g = torch.exp(-x**2 / (2 * sigma**2))
    g = g / g.sum()
    return (g[:, None] * g[None, :]).expand(channels, 1, size, size).contiguous()


def _check(a, b, window: int) -> None:
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, torch.Tensor) or value.ndim != 4 or not value.is_floating_point():
            got = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
            raise ValueError(f"{name} must be a float batch (N, C, H, W), got {got}")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}")
    if isinstance(window, bool) or not isinstance(window, int) or window < 3 or window % 2 == 0:
        raise ValueError(f"window must be an odd int >= 3, got {window!r}")
    if min(a.shape[-2:]) <= window // 2:
        raise ValueError(f"images of {tuple(a.shape[-2:])} are too small for an {window}x{window} window")


def ssim_map(a: torch.Tensor, b: torch.Tensor, *, data_range: float = 1.0, window: int = 11,
             sigma: float = 1.5) -> torch.Tensor:
    """Per-pixel SSIM of two batches ``(N, C, H, W)``, averaged over channels: ``(N, 1, H, W)``."""
    _check(a, b, window)
    if not data_range > 0:
        raise ValueError(f"data_range must be > 0, got {data_range!r}")
    channels = a.shape[1]
    kernel = _window(window, sigma, channels, a)
    pad = window // 2

    def blur(x):
        return F.conv2d(F.pad(x, (pad,) * 4, mode="reflect"), kernel, groups=channels)

    mu_a, mu_b = blur(a), blur(b)
    var_a = blur(a * a) - mu_a**2
    var_b = blur(b * b) - mu_b**2
    cov = blur(a * b) - mu_a * mu_b
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    value = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return value.mean(1, keepdim=True)


def _masked_mean(values: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    if mask is None:
        return values.flatten(1).mean(1)
    if not isinstance(mask, torch.Tensor) or mask.shape != values.shape:
        got = tuple(mask.shape) if isinstance(mask, torch.Tensor) else type(mask).__name__
        raise ValueError(f"mask must be a tensor {tuple(values.shape)} (one channel), got {got}")
    weight = mask.to(values.dtype).flatten(1)
    total = weight.sum(1)
    if (total <= 0).any():
        raise ValueError("a mask is empty: nothing to measure inside it")
    return (values.flatten(1) * weight).sum(1) / total


def ssim(a: torch.Tensor, b: torch.Tensor, mask: torch.Tensor | None = None, **options) -> torch.Tensor:
    """Mean SSIM per image ``(N,)``; with ``mask`` ``(N, 1, H, W)`` (weights in [0, 1]), the weighted mean inside it."""
    return _masked_mean(ssim_map(a, b, **options), mask)


def dssim(a: torch.Tensor, b: torch.Tensor, mask: torch.Tensor | None = None, **options) -> torch.Tensor:
    """Structural dissimilarity ``(1 - SSIM) / 2`` per image, in [0, 1] (0 = identical)."""
    return (1 - ssim(a, b, mask, **options)) / 2

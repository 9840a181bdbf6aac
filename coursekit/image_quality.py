"""How close a reconstruction is to its original, per image: mean squared error and PSNR."""

from __future__ import annotations

import torch

__all__ = ["mse", "psnr"]


def _pair(a, b) -> tuple[torch.Tensor, torch.Tensor]:
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, torch.Tensor) or not value.is_floating_point() or value.ndim < 2:
            got = f"{tuple(value.shape)} {value.dtype}" if isinstance(value, torch.Tensor) else type(value).__name__
            raise ValueError(f"{name} must be a batch of float images (N, ...), got {got}")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}")
    if not (torch.isfinite(a).all() and torch.isfinite(b).all()):
        raise ValueError("images contain NaN or infinite values")
    return a.detach().float().cpu(), b.detach().float().cpu()


def mse(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Mean squared error per image, ``(N,)``."""
    a, b = _pair(a, b)
    return (a - b).pow(2).flatten(1).mean(1)


def psnr(a: torch.Tensor, b: torch.Tensor, *, data_range: float = 1.0) -> torch.Tensor:
    """Peak signal-to-noise ratio per image in dB, ``(N,)``: 10 log10(range² / MSE); ``inf`` where they are equal."""
    if isinstance(data_range, bool) or not isinstance(data_range, (int, float)) or not data_range > 0:
        raise ValueError(f"data_range must be a positive number (1 for [0, 1] images), got {data_range!r}")
    return 10 * torch.log10(data_range**2 / mse(a, b))

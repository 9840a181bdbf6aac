"""The face-swap autoencoder's loss, as DeepFaceLab writes it.

Inside the destination's mask, blurred so its edge counts less:

    loss = 10 · DSSIM(face ⊙ m, target ⊙ m) + 10 · mean((face ⊙ m − target ⊙ m)²) + mean((mask − target_mask)²)

DSSIM (:func:`coursekit.ssim.dssim`) keeps edges and texture, the squared
error keeps colors, and the last term teaches the decoder's mask output where
the face is (the merge step pastes through it). DeepFaceLab's SSIM window is
``resolution / 11.6`` pixels (5 at 64 px, rounded to odd here).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .ssim import dssim

__all__ = ["WEIGHTS", "ssim_window", "blur_mask", "face_swap_loss"]

WEIGHTS = {"dssim": 10.0, "mse": 10.0, "mask": 1.0}


def ssim_window(size: int) -> int:
    """DeepFaceLab's SSIM filter size for a face of ``size`` px, made odd (at least 3)."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 8:
        raise ValueError(f"size must be an int >= 8 (pixels), got {size!r}")
    window = int(size / 11.6)
    return max(3, window if window % 2 else window + 1)


def blur_mask(mask: torch.Tensor) -> torch.Tensor:
    """The mask blurred by a box of ``size / 32`` px (DeepFaceLab's ``resolution // 32``), values kept in [0, 1]."""
    if not isinstance(mask, torch.Tensor) or mask.ndim != 4 or mask.shape[1] != 1:
        got = tuple(mask.shape) if isinstance(mask, torch.Tensor) else type(mask).__name__
        raise ValueError(f"mask must be (N, 1, H, W), got {got}")
    radius = max(1, mask.shape[-1] // 32)
    k = 2 * radius + 1
    return F.avg_pool2d(F.pad(mask, (radius,) * 4, mode="replicate"), k, stride=1)


def face_swap_loss(face: torch.Tensor, mask: torch.Tensor, target: torch.Tensor,
                   target_mask: torch.Tensor) -> dict[str, torch.Tensor]:
    """``{"loss", "dssim", "mse", "mask"}`` (batch means) for predicted ``face``/``mask`` against the target's."""
    for name, value, channels in (("face", face, 3), ("mask", mask, 1), ("target", target, 3),
                                  ("target_mask", target_mask, 1)):
        if not isinstance(value, torch.Tensor) or value.ndim != 4 or value.shape[1] != channels:
            got = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
            raise ValueError(f"{name} must be (N, {channels}, H, W), got {got}")
    if face.shape != target.shape or mask.shape != target_mask.shape or face.shape[-2:] != mask.shape[-2:]:
        raise ValueError(f"shapes differ: face {tuple(face.shape)}, target {tuple(target.shape)}, "
                         f"mask {tuple(mask.shape)}, target_mask {tuple(target_mask.shape)}")
    m = blur_mask(target_mask)
    a, b = face * m, target * m
    parts = {"dssim": dssim(a, b, window=ssim_window(face.shape[-1])).mean(), "mse": (a - b).pow(2).mean(),
             "mask": (mask - target_mask).pow(2).mean()}
    parts["loss"] = sum(WEIGHTS[k] * parts[k] for k in WEIGHTS)
    return parts

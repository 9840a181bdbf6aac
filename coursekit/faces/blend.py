"""Step 6: blending the new face into the photo: alpha (feathered mask) or Poisson (cv2.seamlessClone)."""

from __future__ import annotations

import cv2
import numpy as np

from ..images import ImageError, check_image

__all__ = ["MODES", "alpha_blend", "poisson_blend", "blend"]

MODES = ("poisson", "alpha")


def _inputs(face, background, mask):
    face = check_image(face, channels=3, name="face")
    background = check_image(background, channels=3, name="background")
    if face.shape != background.shape or face.dtype != np.uint8 or background.dtype != np.uint8:
        raise ImageError(f"face and background must be uint8 images of one shape, got {face.shape} and {background.shape}")
    mask = np.asarray(mask, dtype=np.float32)
    if mask.shape != face.shape[:2] or mask.min() < 0 or mask.max() > 1:
        raise ImageError(f"mask must be a float array in [0, 1] of shape {face.shape[:2]}")
    if not (mask > 0).any():
        raise ImageError("mask is empty: there is no face region to blend")
    return face, background, mask


def alpha_blend(face, background, mask) -> np.ndarray:
    """``mask * face + (1 - mask) * background``, pixel by pixel."""
    face, background, mask = _inputs(face, background, mask)
    out = face.astype(np.float32) * mask[..., None] + background.astype(np.float32) * (1 - mask[..., None])
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def poisson_blend(face, background, mask) -> np.ndarray:
    """Poisson image editing (``cv2.seamlessClone``): the face's gradients, the background's colors at the seam.

    A mask touching the image border is pulled in by 2 pixels first, since
    seamlessClone needs a frame of background around the region.
    """
    face, background, mask = _inputs(face, background, mask)
    binary = (mask > 0.5).astype(np.uint8) * 255
    binary[:2, :] = binary[-2:, :] = 0
    binary[:, :2] = binary[:, -2:] = 0
    if not binary.any():
        raise ImageError("mask is too small or too close to the border for Poisson blending; use alpha blending")
    x, y, w, h = cv2.boundingRect(binary)
    center = (x + w // 2, y + h // 2)
    return cv2.seamlessClone(np.ascontiguousarray(face), np.ascontiguousarray(background), binary, center, cv2.NORMAL_CLONE)


def blend(face, background, mask, mode: str = "poisson") -> np.ndarray:
    """Blend with ``mode`` ``"poisson"`` or ``"alpha"``."""
    if mode not in MODES:
        raise ValueError(f"blend mode must be one of {', '.join(MODES)}, got {mode!r}")
    return poisson_blend(face, background, mask) if mode == "poisson" else alpha_blend(face, background, mask)

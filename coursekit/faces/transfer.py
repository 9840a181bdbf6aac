"""Step 5: color transfer, so a pasted face takes on the skin tone and light of its new photo.

Three ways, each using only the face pixels for its statistics (a mask):
- :func:`reinhard`: per Lab channel, ``(p - mean_p) * std_d / std_p + mean_d``
  (DeepFaceLab's "rct"). DeepFaceLab zeroes the pixels outside the mask but
  still counts them; here they are left out of the statistics entirely.
- :func:`blur_ratio`: the classic landmark swap's ``src * G(dst) / G(src)``
  with a Gaussian about 0.75 of the eye distance wide.
- :func:`histogram_match`: each RGB channel's distribution mapped onto the target's.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..color import lab_float_to_rgb, rgb_to_lab_float
from ..images import ImageError, check_image
from .landmarks import eye_centers


__all__ = ["reinhard", "blur_ratio", "histogram_match", "METHODS"]

def _mask_of(image: np.ndarray, mask, name: str) -> np.ndarray:
    if mask is None:
        return np.ones(image.shape[:2], bool)
    mask = np.asarray(mask)
    if mask.shape != image.shape[:2]:
        raise ImageError(f"{name} shape {mask.shape} does not match its image's {image.shape[:2]}")
    inside = mask > 0.5 if mask.dtype != bool else mask
    if inside.sum() < 2:
        raise ImageError(f"{name} selects fewer than 2 pixels; no color statistics can be taken")
    return inside


def _pair(source, target, source_mask, target_mask):
    source = check_image(source, channels=3, name="source")
    target = check_image(target, channels=3, name="target")
    if source.dtype != np.uint8 or target.dtype != np.uint8:
        raise ImageError("color transfer works on uint8 RGB images; convert with coursekit.images.to_uint8")
    return source, target, _mask_of(source, source_mask, "source_mask"), _mask_of(target, target_mask, "target_mask")


def reinhard(source, target, source_mask=None, target_mask=None) -> np.ndarray:
    """``source`` recolored so its face pixels have the Lab mean and std of ``target``'s face pixels."""
    source, target, src_in, tgt_in = _pair(source, target, source_mask, target_mask)
    src_lab, tgt_lab = rgb_to_lab_float(source), rgb_to_lab_float(target)
    src_mean, src_std = src_lab[src_in].mean(axis=0), src_lab[src_in].std(axis=0)
    tgt_mean, tgt_std = tgt_lab[tgt_in].mean(axis=0), tgt_lab[tgt_in].std(axis=0)
    moved = (src_lab - src_mean) * (tgt_std / np.maximum(src_std, 1e-6)) + tgt_mean
    moved[..., 0] = np.clip(moved[..., 0], 0, 100)
    return lab_float_to_rgb(moved)


def blur_ratio(source, target, points, mask=None, amount: float = 0.75) -> np.ndarray:
    """``source * G(target) / G(source)`` for two images of one size, aligned on the same face.

    ``points`` are the 68 landmarks of that face; the Gaussian's size is
    ``amount`` times the distance between the eye centers (made odd).
    Only pixels inside ``mask`` (if given) are changed.
    """
    source, target, inside, _ = _pair(source, target, mask, None)
    if source.shape != target.shape:
        raise ImageError(f"blur_ratio needs images of one size (aligned), got {source.shape} and {target.shape}")
    right, left = eye_centers(points)
    kernel = max(3, int(amount * np.linalg.norm(left - right)) | 1)
    blur_src = cv2.GaussianBlur(source, (kernel, kernel), 0).astype(np.float64)
    blur_tgt = cv2.GaussianBlur(target, (kernel, kernel), 0).astype(np.float64)
    corrected = source.astype(np.float64) * (blur_tgt + 1.0) / (blur_src + 1.0)  # +1: no division by 0
    out = np.where(inside[..., None], corrected, source)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def histogram_match(source, target, source_mask=None, target_mask=None) -> np.ndarray:
    """Map each RGB channel of ``source``'s face pixels onto the distribution of ``target``'s."""
    source, target, src_in, tgt_in = _pair(source, target, source_mask, target_mask)
    out = source.copy()
    for c in range(3):
        src_values = source[..., c][src_in]
        src_cdf = np.cumsum(np.bincount(src_values, minlength=256)) / src_values.size
        tgt_values = target[..., c][tgt_in]
        tgt_cdf = np.cumsum(np.bincount(tgt_values, minlength=256)) / tgt_values.size
        lookup = np.interp(src_cdf, tgt_cdf, np.arange(256))
        channel = out[..., c]
        channel[src_in] = np.rint(lookup[src_values]).astype(np.uint8)
    return out


METHODS = {"rct": reinhard, "hist": histogram_match}

"""Merging a generated face crop back into its frame, as DeepFaceLab's merger does, and marking the result.

:func:`merge_face` takes the decoder's face and mask in the aligned crop's
coordinates and

1. shapes the mask: the decoder's mask times the frame's landmark hull,
   eroded by ``erode`` px and feathered over ``feather`` px (in the crop);
2. optionally matches the face's colors to the frame's face (``color="rct"``:
   Reinhard's transfer in Lab, :func:`coursekit.faces.transfer.reinhard`);
3. warps face and mask back through the inverse of the alignment matrix;
4. blends (``"alpha"`` through the soft mask, or ``"poisson"``);
5. marks the frame as AI-generated (visible label and invisible watermark).
"""

from __future__ import annotations

import cv2
import numpy as np

from ..images import check_image
from .blend import MODES as BLEND_MODES
from .blend import blend as blend_images
from .extract import AlignedFace
from .transfer import reinhard

__all__ = ["COLORS", "crop_mask", "merge_face"]

COLORS = ("none", "rct")


def _check_pixels(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name} must be a non-negative int (pixels), got {value!r}")
    return int(value)


def crop_mask(decoder_mask: np.ndarray, aligned: AlignedFace, *, erode: int = 2, feather: int = 3) -> np.ndarray:
    """The blending mask in the crop: decoder mask x landmark hull, eroded then feathered (float32 in [0, 1])."""
    erode, feather = _check_pixels("erode", erode), _check_pixels("feather", feather)
    decoder_mask = np.asarray(decoder_mask, np.float32)
    if decoder_mask.shape != aligned.mask.shape:
        raise ValueError(f"decoder mask of shape {decoder_mask.shape} must match the crop's {aligned.mask.shape}")
    mask = (np.minimum(decoder_mask, aligned.mask) > 0.5).astype(np.uint8)
    if erode:
        mask = cv2.erode(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * erode + 1, 2 * erode + 1)))
    out = mask.astype(np.float32)
    if feather:
        out = cv2.GaussianBlur(out, (0, 0), sigmaX=feather / 2.0) * (mask > 0)
    return out


def merge_face(frame, aligned: AlignedFace, face, decoder_mask, *, erode: int = 2, feather: int = 3,
               color: str = "none", blend: str = "alpha", mark: bool = True) -> np.ndarray:
    """``frame`` with the crop-space ``face`` (uint8 RGB) pasted in where ``aligned`` was cut out."""
    frame = check_image(frame, channels=3, name="frame")
    face = check_image(face, channels=3, name="face")
    if face.shape != aligned.crop.shape or face.dtype != np.uint8:
        raise ValueError(f"face must be a uint8 crop of shape {aligned.crop.shape}, got {face.shape} {face.dtype}")
    if color not in COLORS:
        raise ValueError(f"color must be one of {', '.join(COLORS)}, got {color!r}")
    if blend not in BLEND_MODES:
        raise ValueError(f"blend must be one of {', '.join(BLEND_MODES)}, got {blend!r}")
    mask = crop_mask(decoder_mask, aligned, erode=erode, feather=feather)
    if not (mask > 0).any():
        raise ValueError("the mask is empty after erosion: nothing to paste")
    if color == "rct":
        inside = mask > 0.5
        face = reinhard(face, aligned.crop, inside, inside)
    h, w = frame.shape[:2]
    inverse = cv2.invertAffineTransform(aligned.matrix)
    face_full = cv2.warpAffine(np.ascontiguousarray(face), inverse, (w, h), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)
    mask_full = np.clip(cv2.warpAffine(mask, inverse, (w, h), flags=cv2.INTER_LINEAR, borderValue=0), 0, 1)
    out = blend_images(face_full, np.ascontiguousarray(frame), mask_full, blend)
    if mark:
        from .watermark import mark_ai_generated

        out = mark_ai_generated(out)
    return out

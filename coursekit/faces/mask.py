"""Step 4: which pixels are face. The convex hull of the landmarks, optionally with the forehead,
eroded (to stay inside the face) and feathered (soft edge for blending)."""

from __future__ import annotations

import cv2
import numpy as np

from .landmarks import check_68, clip_to_image

__all__ = ["FOREHEAD_RAISE", "hull_points", "face_mask"]

FOREHEAD_RAISE = 0.2  # brow points move up by this fraction of the brow-to-nose-tip distance (plus that distance)


def hull_points(points, forehead: bool = False) -> np.ndarray:
    """The landmarks whose convex hull is the face; with ``forehead``, brow points raised too."""
    points = check_68(points)
    if not forehead:
        return points
    brows = points[17:27]
    lift = np.linalg.norm(points[30] - points[27]) * (1 + FOREHEAD_RAISE)
    up = points[27] - points[30]  # from nose tip towards the brows: "up" in the face's frame
    up = up / (np.linalg.norm(up) or 1.0)
    return np.vstack([points, brows + up * lift])


def face_mask(shape: tuple[int, ...], points, forehead: bool = False, erode: int = 0, feather: int = 0) -> np.ndarray:
    """A float32 mask in [0, 1] of the image ``shape``: 1 inside the face hull.

    ``erode`` shrinks it by that many pixels; ``feather`` blurs its edge over
    about that many pixels. Landmarks outside the image are clipped first.
    """
    if len(shape) < 2 or shape[0] < 1 or shape[1] < 1:
        raise ValueError(f"shape must be an image shape (H, W[, C]), got {shape!r}")
    for name, value in (("erode", erode), ("feather", feather)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"{name} must be a non-negative int (pixels), got {value!r}")
    hull = cv2.convexHull(np.rint(clip_to_image(hull_points(points, forehead), shape)).astype(np.int32))
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, hull, 255)
    if erode:
        mask = cv2.erode(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * erode + 1, 2 * erode + 1)))
    out = mask.astype(np.float32) / 255.0
    if feather:
        out = cv2.GaussianBlur(out, (0, 0), sigmaX=feather / 2.0)
        out *= mask > 0  # feather inwards only: nothing outside the (eroded) hull
    return out

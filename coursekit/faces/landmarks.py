"""Step 2: landmarks, dlib's 68 iBUG points (or its 5-point model) inside a face box."""

from __future__ import annotations

import numpy as np

from ..images import check_image, to_uint8
from . import models
from .detect import Face

__all__ = ["JAW", "NOSE", "MOUTH", "face_landmarks", "clip_to_image", "eye_centers", "check_68"]

# index ranges of the 68-point iBUG layout
JAW = range(0, 17)
RIGHT_BROW, LEFT_BROW = range(17, 22), range(22, 27)
NOSE = range(27, 36)
RIGHT_EYE, LEFT_EYE = range(36, 42), range(42, 48)
MOUTH = range(48, 68)


def face_landmarks(rgb: np.ndarray, face: Face, points: int = 68) -> np.ndarray:
    """``(points, 2)`` float array of (x, y) landmarks for one detected face.

    Points may fall slightly outside the image when the face touches the
    border; :func:`clip_to_image` keeps them inside where a step needs that.
    """
    rgb = np.ascontiguousarray(to_uint8(check_image(rgb, channels=3, name="rgb")))
    if not isinstance(face, Face):
        raise TypeError(f"face must be a coursekit.faces.detect.Face, got {type(face).__name__}")
    shape = models.shape_predictor(points)(rgb, face.to_dlib())
    return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)


def clip_to_image(points: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Points moved inside an image of the given shape (no IndexError at the border)."""
    h, w = shape[:2]
    return np.column_stack([np.clip(points[:, 0], 0, w - 1), np.clip(points[:, 1], 0, h - 1)])


def eye_centers(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centers of the right and left eye (image left and image right) of 68 landmarks."""
    points = check_68(points)
    return points[list(RIGHT_EYE)].mean(axis=0), points[list(LEFT_EYE)].mean(axis=0)


def check_68(points: np.ndarray) -> np.ndarray:
    """Raise unless ``points`` is a (68, 2) array of finite numbers."""
    points = np.asarray(points, dtype=np.float64)
    if points.shape != (68, 2) or not np.isfinite(points).all():
        raise ValueError(f"expected 68 (x, y) landmarks as a (68, 2) array, got shape {points.shape}")
    return points

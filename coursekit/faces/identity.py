"""Who is this? dlib's 128-d face descriptor, and the distance that says "same person" below 0.6."""

from __future__ import annotations

import numpy as np

from ..images import check_image, to_uint8
from . import models
from .detect import Face, choose_face

__all__ = ["SAME_PERSON_THRESHOLD", "face_descriptor", "face_distance", "same_person"]

SAME_PERSON_THRESHOLD = 0.6  # dlib's usual threshold for its descriptor


def face_descriptor(rgb: np.ndarray, face: Face | None = None) -> np.ndarray:
    """The 128-d descriptor of ``face`` (default: the largest face) in an RGB image."""
    rgb = np.ascontiguousarray(to_uint8(check_image(rgb, channels=3, name="rgb")))
    face = face or choose_face(rgb)
    shape = models.shape_predictor(5)(rgb, face.to_dlib())
    return np.array(models.descriptor_model().compute_face_descriptor(rgb, shape), dtype=np.float64)


def face_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance between two descriptors (smaller = more alike)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.shape != (128,) or b.shape != (128,):
        raise ValueError(f"descriptors must have shape (128,), got {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b))


def same_person(a: np.ndarray, b: np.ndarray, threshold: float = SAME_PERSON_THRESHOLD) -> bool:
    """Whether two descriptors are closer than dlib's threshold."""
    return face_distance(a, b) < threshold

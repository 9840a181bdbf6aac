"""Step 1: find faces. dlib's HOG detector, OpenCV's Haar cascade as a fallback, dlib's CNN on request."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..images import check_image, to_uint8
from . import models

__all__ = ["METHODS", "NoFaceError", "Face", "detect_faces", "choose_face"]

METHODS = ("auto", "hog", "haar", "cnn")


class NoFaceError(ValueError):
    """No face was found where one was needed."""


@dataclass(frozen=True)
class Face:
    """One detected face: its box in pixels (left, top, right, bottom), a score and the detector."""

    left: int
    top: int
    right: int
    bottom: int
    score: float
    method: str

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def area(self) -> int:
        return self.width * self.height

    @property
    def center(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2

    def to_dlib(self):
        import dlib

        return dlib.rectangle(int(self.left), int(self.top), int(self.right), int(self.bottom))


def _hog(rgb: np.ndarray, upsample: int) -> list[Face]:
    boxes, scores, _ = models.hog_detector().run(rgb, upsample, 0.0)
    return [Face(b.left(), b.top(), b.right(), b.bottom(), float(s), "hog") for b, s in zip(boxes, scores)]


def _cnn(rgb: np.ndarray, upsample: int) -> list[Face]:
    found = models.cnn_detector()(rgb, upsample)
    return [Face(d.rect.left(), d.rect.top(), d.rect.right(), d.rect.bottom(), float(d.confidence), "cnn") for d in found]


def _haar(rgb: np.ndarray) -> list[Face]:
    import cv2

    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    side = max(24, min(gray.shape) // 10)
    boxes, _, weights = models.haar_cascade().detectMultiScale3(
        gray, scaleFactor=1.1, minNeighbors=5, minSize=(side, side), outputRejectLevels=True
    )
    return [Face(int(x), int(y), int(x + w), int(y + h), float(s), "haar") for (x, y, w, h), s in zip(boxes, np.ravel(weights))]


def detect_faces(rgb: np.ndarray, method: str = "auto", upsample: int = 1, min_score: float = 0.3) -> list[Face]:
    """All faces in an RGB image, largest first; an empty list when there are none.

    ``method``: ``"hog"`` (dlib), ``"haar"`` (OpenCV), ``"cnn"`` (dlib MMOD,
    slow) or ``"auto"``: HOG, and the Haar cascade only if HOG finds nothing.
    ``min_score`` drops weak HOG detections (scores near 0 are mostly
    false alarms such as badges or patterns); it does not apply to Haar and CNN.
    Boxes may reach past the image border; downstream steps handle that.
    """
    rgb = to_uint8(check_image(rgb, channels=3, name="rgb"))
    if method not in METHODS:
        raise ValueError(f"unknown detection method {method!r}; choose one of: {', '.join(METHODS)}")
    if isinstance(upsample, bool) or not isinstance(upsample, int) or not 0 <= upsample <= 3:
        raise ValueError(f"upsample must be an int in 0..3, got {upsample!r}")
    rgb = np.ascontiguousarray(rgb)
    if method == "cnn":
        faces = _cnn(rgb, upsample)
    elif method == "haar":
        faces = _haar(rgb)
    else:
        faces = [f for f in _hog(rgb, upsample) if f.score >= min_score]
        if not faces and method == "auto":
            faces = _haar(rgb)
    return sorted(faces, key=lambda f: (-f.area, -f.score))


def choose_face(rgb: np.ndarray, face_index: int = 0, method: str = "auto", what: str = "image") -> Face:
    """The face number ``face_index`` (0 = largest) or a :class:`NoFaceError` saying what was found."""
    faces = detect_faces(rgb, method=method)
    if not faces:
        raise NoFaceError(f"no face found in the {what}; use a clearer, frontal photo of a face")
    if not 0 <= face_index < len(faces):
        raise NoFaceError(f"the {what} has {len(faces)} face(s); face index {face_index} does not exist")
    return faces[face_index]

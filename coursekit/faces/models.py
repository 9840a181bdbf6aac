"""The face models, loaded once by file path.

dlib's models ship as files inside the ``face_recognition_models`` package.
Its ``__init__`` imports the removed ``pkg_resources``, so the package is never
imported: :func:`model_path` finds its folder with ``importlib.util.find_spec``,
which does not run ``__init__``.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

__all__ = [
    "MODEL_FILES", "MissingModelError", "model_path", "hog_detector", "cnn_detector", "shape_predictor",
    "descriptor_model", "haar_cascade"
]

MODEL_FILES = {
    "landmarks68": "shape_predictor_68_face_landmarks.dat",
    "landmarks5": "shape_predictor_5_face_landmarks.dat",
    "cnn_detector": "mmod_human_face_detector.dat",
    "descriptor": "dlib_face_recognition_resnet_model_v1.dat",
}


class MissingModelError(ImportError):
    """A face model or the library that runs it is not installed."""


def _dlib():
    try:
        import dlib
    except ImportError:
        raise MissingModelError("dlib is not installed; install it with: pip install dlib-bin") from None
    return dlib


def model_path(name: str) -> Path:
    """Path of one of the bundled dlib model files (see ``MODEL_FILES``)."""
    if name not in MODEL_FILES:
        raise KeyError(f"unknown face model {name!r}; choose one of: {', '.join(MODEL_FILES)}")
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise MissingModelError(
            "the face models are not installed; install them with: pip install face_recognition_models==0.3.0"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / MODEL_FILES[name]
    if not path.is_file():
        raise MissingModelError(f"face model file {path} is missing; reinstall face_recognition_models")
    return path


@lru_cache(maxsize=None)
def hog_detector():
    """dlib's HOG + linear SVM frontal face detector."""
    return _dlib().get_frontal_face_detector()


@lru_cache(maxsize=None)
def cnn_detector():
    """dlib's CNN (MMOD) face detector: slower, finds turned and small faces."""
    return _dlib().cnn_face_detection_model_v1(str(model_path("cnn_detector")))


@lru_cache(maxsize=None)
def shape_predictor(points: int = 68):
    """dlib's landmark predictor with 68 (iBUG) or 5 points."""
    if points not in (68, 5):
        raise ValueError(f"landmark models have 68 or 5 points, not {points!r}")
    return _dlib().shape_predictor(str(model_path(f"landmarks{points}")))


@lru_cache(maxsize=None)
def descriptor_model():
    """dlib's ResNet that maps an aligned face to a 128-d descriptor."""
    return _dlib().face_recognition_model_v1(str(model_path("descriptor")))


@lru_cache(maxsize=None)
def haar_cascade():
    """OpenCV's bundled frontal-face Haar cascade (OpenCV 4.x wheels ship it)."""
    import cv2

    path = Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"
    cascade = cv2.CascadeClassifier(str(path))
    if cascade.empty():
        raise MissingModelError(
            f"OpenCV's Haar cascade is missing at {path}; install opencv-python-headless 4.x (5.x has none)"
        )
    return cascade

"""Step 3: alignment. Umeyama's similarity transform fits landmarks to a mean-face template.

Umeyama (1991), "Least-squares estimation of transformation parameters between
two point patterns": for points ``x_i`` and ``y_i`` with means ``mu_x, mu_y``,
variance ``sigma_x^2`` of the ``x_i`` and covariance
``Sigma = 1/n sum (y_i - mu_y)(x_i - mu_x)^T = U D V^T``,

    R = U S V^T,   c = trace(D S) / sigma_x^2,   t = mu_y - c R mu_x,

where ``S = diag(1, ..., 1, -1)`` when ``det(Sigma) < 0`` (otherwise the best
fit would be a reflection), else the identity.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..images import check_image
from .landmarks import check_68
from .template import FIT_POINTS, TEMPLATE_68

__all__ = [
    "PADDING", "SIZES", "umeyama", "apply_transform", "template_in_crop", "alignment_matrix", "align_face",
    "paste_back"
]

# Padding around the template's inner-face box, as a fraction of the crop:
# DeepFaceLab's full_face uses 0.2109375, its whole_face 0.40.
PADDING = {"full_face": 0.2109375, "whole_face": 0.40}
SIZES = (64, 96, 128, 256)


def _points(points, name: str) -> np.ndarray:
    array = np.asarray(points, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] not in (2, 3) or len(array) < array.shape[1] or not np.isfinite(array).all():
        raise ValueError(f"{name} must be an (n, 2) or (n, 3) array of finite points with n >= dims, got {array.shape}")
    return array


def umeyama(src, dst, estimate_scale: bool = True) -> np.ndarray:
    """The similarity transform (rotation, uniform scale, translation) that maps ``src`` onto ``dst``.

    Least squares over all point pairs; reflections are excluded. Returns the
    ``(d+1, d+1)`` homogeneous matrix (``d`` = 2 or 3), so ``dst ~ M @ [x, 1]``.
    """
    src, dst = _points(src, "src"), _points(dst, "dst")
    if src.shape != dst.shape:
        raise ValueError(f"src and dst need the same shape, got {src.shape} and {dst.shape}")
    n, d = src.shape
    mu_src, mu_dst = src.mean(axis=0), dst.mean(axis=0)
    src_c, dst_c = src - mu_src, dst - mu_dst
    sigma = dst_c.T @ src_c / n
    u, singular, vt = np.linalg.svd(sigma)
    s = np.ones(d)
    if np.linalg.det(sigma) < 0 or (np.isclose(np.linalg.det(sigma), 0) and np.linalg.det(u) * np.linalg.det(vt) < 0):
        s[-1] = -1
    rotation = u @ np.diag(s) @ vt
    variance = (src_c**2).sum() / n
    if variance == 0:
        raise ValueError("src points all coincide; a transform needs points that are spread out")
    scale = (singular * s).sum() / variance if estimate_scale else 1.0
    matrix = np.eye(d + 1)
    matrix[:d, :d] = scale * rotation
    matrix[:d, d] = mu_dst - scale * rotation @ mu_src
    return matrix


def apply_transform(matrix: np.ndarray, points) -> np.ndarray:
    """Map ``(n, d)`` points through a homogeneous ``(d+1, d+1)`` or affine ``(d, d+1)`` matrix."""
    points = _points(points, "points")
    matrix = np.asarray(matrix, dtype=np.float64)
    d = points.shape[1]
    if matrix.shape not in ((d + 1, d + 1), (d, d + 1)):
        raise ValueError(f"matrix of shape {matrix.shape} does not fit {d}-d points")
    return points @ matrix[:d, :d].T + matrix[:d, d]


def template_in_crop(size: int, padding: float) -> np.ndarray:
    """The 68-point template placed in a ``size`` x ``size`` crop with the given padding."""
    return (TEMPLATE_68 * (1 - 2 * padding) + padding) * size


def _check_size(size: int) -> int:
    if size not in SIZES:
        raise ValueError(f"aligned face size must be one of {SIZES}, got {size!r}")
    return size


def _check_padding(padding) -> float:
    if isinstance(padding, str):
        if padding not in PADDING:
            raise ValueError(f"padding must be a number in [0, 0.45] or one of {', '.join(PADDING)}")
        return PADDING[padding]
    if not 0 <= float(padding) <= 0.45:
        raise ValueError(f"padding must lie in [0, 0.45], got {padding!r}")
    return float(padding)


def alignment_matrix(points, size: int = 128, padding="full_face") -> np.ndarray:
    """The 2x3 matrix taking image coordinates to the aligned crop (fit on the inner-face points)."""
    points = check_68(points)
    target = template_in_crop(_check_size(size), _check_padding(padding))
    return umeyama(points[FIT_POINTS], target[FIT_POINTS])[:2]


def align_face(rgb: np.ndarray, points, size: int = 128, padding="full_face") -> tuple[np.ndarray, np.ndarray]:
    """Crop the face upright and centered at ``size`` x ``size``; returns ``(crop, matrix)``.

    ``matrix`` (2x3) maps image coordinates into the crop; :func:`paste_back`
    uses its inverse. Pixels outside the photo are filled by reflecting the border.
    """
    rgb = check_image(rgb, channels=3, name="rgb")
    matrix = alignment_matrix(points, size, padding)
    crop = cv2.warpAffine(np.ascontiguousarray(rgb), matrix, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    return crop, matrix


def paste_back(crop: np.ndarray, matrix: np.ndarray, image: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Warp an aligned crop back into ``image`` with the inverse of ``matrix``.

    Without ``mask`` the whole crop square replaces the pixels it covers; with a
    float ``mask`` in [0, 1] (crop-sized) they are blended by it.
    """
    image = check_image(image, channels=3, name="image")
    crop = check_image(crop, channels=3, name="crop")
    h, w = image.shape[:2]
    inverse = cv2.invertAffineTransform(np.asarray(matrix, dtype=np.float64))
    if mask is None:
        mask = np.ones(crop.shape[:2], np.float32)
    if np.asarray(mask).shape != crop.shape[:2]:
        raise ValueError(f"mask shape {np.asarray(mask).shape} must match the crop's {crop.shape[:2]}")
    warped = cv2.warpAffine(np.ascontiguousarray(crop), inverse, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    alpha = cv2.warpAffine(np.asarray(mask, np.float32), inverse, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)[..., None]
    out = warped.astype(np.float32) * alpha + image.astype(np.float32) * (1 - alpha)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)

"""The landmark face swap: detect, landmarks, warp the source face onto the destination's
landmarks, mask, correct color, blend, and mark the result as AI-generated."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..images import check_image, to_uint8
from . import transfer
from .align import apply_transform, umeyama
from .blend import MODES as BLEND_MODES
from .blend import blend as blend_images
from .detect import Face, choose_face
from .landmarks import face_landmarks
from .mask import face_mask
from .warp import piecewise_affine, similarity_warp
from .options import COLOR_METHODS  # noqa: F401  (re-exported)



__all__ = ["FaceFit", "SwapResult", "fit_face", "correct_color", "face_region", "swap_faces"]

@dataclass
class FaceFit:
    """A face found in a photo: its box and 68 landmarks."""

    face: Face
    points: np.ndarray


@dataclass
class SwapResult:
    """The swapped (and marked) image with what the swap was built from."""

    image: np.ndarray
    source: FaceFit
    target: FaceFit
    mask: np.ndarray
    warped: np.ndarray


def fit_face(rgb: np.ndarray, face_index: int = 0, what: str = "image") -> FaceFit:
    """Detect face number ``face_index`` (0 = largest) and its 68 landmarks."""
    face = choose_face(rgb, face_index, what=what)
    return FaceFit(face, face_landmarks(rgb, face))


def correct_color(warped, target, points, mask, method: str = "blur_ratio") -> np.ndarray:
    """Match the warped face's colors to the destination's face region with one of ``COLOR_METHODS``."""
    if method == "blur_ratio":
        return transfer.blur_ratio(warped, target, points, mask)
    if method not in COLOR_METHODS:
        raise ValueError(f"color method must be one of {', '.join(COLOR_METHODS)}, got {method!r}")
    inside = mask > 0.5
    recolored = transfer.METHODS[method](warped, target, inside, inside)
    return np.where(inside[..., None], recolored, warped)


def face_region(points: np.ndarray, shape: tuple[int, ...], margin: float = 0.25) -> tuple[slice, slice]:
    """Rows and columns around the landmarks (plus ``margin`` of their size), inside the image.

    The swap works on this window only, so its cost follows the face's size, not the photo's.
    """
    h, w = shape[:2]
    low, high = points.min(axis=0), points.max(axis=0)
    pad = (high - low) * margin + 4
    x0, y0 = np.floor(low - pad).astype(int)
    x1, y1 = np.ceil(high + pad).astype(int)
    return slice(max(y0, 0), min(y1, h)), slice(max(x0, 0), min(x1, w))


def swap_faces(
    source: np.ndarray,
    target: np.ndarray,
    *,
    correct: bool = True,
    color_method: str = "rct",
    warp_2d: bool = False,
    blend: str = "poisson",
    source_index: int = 0,
    target_index: int = 0,
    forehead: bool = False,
    label_corner: str = "bottom-right",
    source_fit: FaceFit | None = None,
    target_fit: FaceFit | None = None,
) -> SwapResult:
    """Put the face of ``source`` onto the face in ``target`` (RGB uint8 images).

    - faces: the largest of each photo unless ``source_index``/``target_index`` say otherwise;
    - warp: piecewise affine onto the target's landmarks (the target's face shape
      and expression), or with ``warp_2d`` one similarity transform (the source's shape);
    - mask: the target's landmark hull (``forehead=True`` adds the forehead; with
      ``warp_2d`` also inside the moved source hull), eroded by 1/20 of the face width;
    - ``correct``: color correction by ``color_method`` (``COLOR_METHODS``);
    - ``blend``: ``"poisson"`` or ``"alpha"`` (feathered);
    - always marked: a visible label in ``label_corner`` and an invisible watermark.

    Pass ``source_fit``/``target_fit`` to reuse faces found earlier (video does).
    ``mask`` and ``warped`` in the result cover the whole target image.
    """
    source = to_uint8(check_image(source, channels=3, name="source"))
    target = to_uint8(check_image(target, channels=3, name="target"))
    if blend not in BLEND_MODES:
        raise ValueError(f"blend must be one of {', '.join(BLEND_MODES)}, got {blend!r}")
    if color_method not in COLOR_METHODS:
        raise ValueError(f"color method must be one of {', '.join(COLOR_METHODS)}, got {color_method!r}")
    src = source_fit or fit_face(source, source_index, "source image")
    dst = target_fit or fit_face(target, target_index, "destination image")
    rows, cols = face_region(dst.points, target.shape)
    window = np.ascontiguousarray(target[rows, cols])
    offset = np.array([cols.start, rows.start], dtype=np.float64)
    dst_points = dst.points - offset
    erode = max(2, dst.face.width // 20)
    feather = erode if blend == "alpha" else 0
    mask = face_mask(window.shape, dst_points, forehead=forehead, erode=erode, feather=feather)
    if warp_2d:
        warped = similarity_warp(source, src.points, dst_points, window.shape)
        moved = apply_transform(umeyama(src.points, dst_points), src.points)
        mask = np.minimum(mask, face_mask(window.shape, moved, forehead=forehead, erode=erode, feather=feather))
    else:
        warped = piecewise_affine(source, src.points, dst_points, window.shape)
    if correct:
        warped = correct_color(warped, window, dst_points, mask, color_method)
    out = target.copy()
    out[rows, cols] = blend_images(warped, window, mask, blend)
    full_mask = np.zeros(target.shape[:2], np.float32)
    full_mask[rows, cols] = mask
    full_warped = np.zeros_like(target)
    full_warped[rows, cols] = warped
    from .watermark import mark_ai_generated

    return SwapResult(mark_ai_generated(out, corner=label_corner), src, dst, full_mask, full_warped)

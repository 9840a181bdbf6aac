"""Moving the source face onto the destination's landmarks: piecewise affine over a Delaunay
triangulation (takes on the destination's face shape) or one similarity transform (keeps the source's)."""

from __future__ import annotations

import cv2
import numpy as np
from scipy.spatial import Delaunay

from ..images import check_image
from .align import umeyama


__all__ = ["triangles", "MESH_POINTS", "piecewise_affine", "similarity_warp"]

def triangles(points) -> np.ndarray:
    """Delaunay triangles (index triples) over a set of 2-D points."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) < 3:
        raise ValueError(f"need at least 3 (x, y) points, got shape {points.shape}")
    return Delaunay(points).simplices


# The inner-lip points (60-67) are left out of the mesh: on a closed mouth they
# coincide, and a triangle of zero area has no affine map (it smears far pixels in).
MESH_POINTS = list(range(60))


def piecewise_affine(source, source_points, target_points, target_shape) -> np.ndarray:
    """Warp ``source`` so that each triangle of its landmarks lands on the same triangle of ``target_points``.

    For 68 landmarks the mesh uses points 0-59 (see ``MESH_POINTS``). Returns an
    image of ``target_shape``; pixels outside the landmarks' hull are 0.
    Triangles reaching past the image border are cut at the border.
    """
    source = check_image(source, channels=3, name="source")
    source_points = np.asarray(source_points, np.float64)
    target_points = np.asarray(target_points, np.float64)
    if source_points.shape != target_points.shape:
        raise ValueError("source and target need the same number of landmarks")
    if len(source_points) == 68:
        source_points, target_points = source_points[MESH_POINTS], target_points[MESH_POINTS]
    h, w = target_shape[:2]
    out = np.zeros((h, w, 3), np.float32)
    for tri in triangles(target_points):
        (ax, ay), (bx, by) = source_points[tri[1:]] - source_points[tri[0]]
        if abs(ax * by - ay * bx) < 1e-3:
            continue  # a flat source triangle: no affine map exists
        dst_tri = target_points[tri].astype(np.float32)
        x, y, bw, bh = cv2.boundingRect(np.rint(dst_tri).astype(np.int32))
        x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + bw + 1, w), min(y + bh + 1, h)
        if x1 <= x0 or y1 <= y0:
            continue
        local = dst_tri - np.float32([x0, y0])
        matrix = cv2.getAffineTransform(source_points[tri].astype(np.float32), local)
        patch = cv2.warpAffine(source, matrix, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        inside = np.zeros((y1 - y0, x1 - x0), np.float32)
        cv2.fillConvexPoly(inside, np.rint(local).astype(np.int32), 1.0)
        region = out[y0:y1, x0:x1]
        region[:] = np.where(inside[..., None] > 0, patch, region)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def similarity_warp(source, source_points, target_points, target_shape) -> np.ndarray:
    """Warp ``source`` with the one similarity transform (Umeyama) that best maps its landmarks to the target's."""
    source = check_image(source, channels=3, name="source")
    matrix = umeyama(source_points, target_points)[:2]
    h, w = target_shape[:2]
    return cv2.warpAffine(np.ascontiguousarray(source), matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)

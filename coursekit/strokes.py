"""Digit "styles" and conditions for week 7: thick strokes, stroke width, Canny edge maps and edge agreement.

- :func:`thicken`: morphological dilation with a 3x3 cross, the "thick-stroke
  style" that a second checkpoint and a LoRA adapter learn;
- :func:`stroke_width`: ink area / skeleton length, in pixels, per image;
- :func:`edge_maps`: week 2's Canny edges of each digit (a ControlNet "canny" condition);
- :func:`edge_agreement`: how well images follow given edge maps (an F1 score
  of edge pixels, each allowed to miss by ``tolerance`` pixels).
"""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F

__all__ = ["CANNY_LOW", "CANNY_HIGH", "thicken", "stroke_width", "edge_maps", "edge_agreement"]

CANNY_LOW, CANNY_HIGH = 50, 150  # thresholds for 28x28 digits in 0-255
_CROSS = torch.tensor([[0.0, 1.0, 0.0], [1.0, 1.0, 1.0], [0.0, 1.0, 0.0]])


def _digits(images, name: str = "images") -> torch.Tensor:
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or images.shape[1] != 1 or len(images) == 0:
        raise ValueError(f"{name} must be a non-empty tensor (N, 1, H, W) in [0, 1], got "
                         f"{getattr(images, 'shape', type(images).__name__)}")
    if not images.is_floating_point() or float(images.min()) < 0 or float(images.max()) > 1:
        raise ValueError(f"{name} must hold floats in [0, 1] (x / 255 for uint8 pictures)")
    return images.detach().float().cpu()


def thicken(images: torch.Tensor) -> torch.Tensor:
    """Each pixel becomes the largest of itself and its 4 neighbours (dilation by a cross): strokes 2 px wider."""
    images = _digits(images)
    neighbours = F.unfold(F.pad(images, (1, 1, 1, 1)), 3)  # (N, 9, H*W)
    picked = neighbours[:, _CROSS.flatten() > 0]
    return picked.max(dim=1).values.reshape(images.shape)


def stroke_width(images: torch.Tensor, *, threshold: float = 0.5) -> torch.Tensor:
    """(N,) mean stroke width in pixels: ink pixels (above ``threshold``) / pixels of their skeleton; 0 for blank."""
    from skimage.morphology import skeletonize

    ink = (_digits(images)[:, 0] > threshold).numpy()
    widths = [float(i.sum()) / max(int(skeletonize(i).sum()), 1) for i in ink]
    return torch.tensor(widths)


def edge_maps(images: torch.Tensor, *, low: float = CANNY_LOW, high: float = CANNY_HIGH) -> torch.Tensor:
    """Canny edges (:func:`coursekit.filters.canny`) of each image as a (N, 1, H, W) map of 0 and 1."""
    from .filters import canny

    images = _digits(images)
    pixels = (images[:, 0].numpy() * 255).round().astype(np.uint8)
    return torch.from_numpy(np.stack([canny(p, low, high) for p in pixels]) / 255.0).float()[:, None]


def _near(edges: torch.Tensor, tolerance: int) -> torch.Tensor:
    return F.max_pool2d(edges, 2 * tolerance + 1, stride=1, padding=tolerance) if tolerance else edges


def edge_agreement(images: torch.Tensor, edges: torch.Tensor, *, tolerance: int = 0) -> torch.Tensor:
    """(N,) F1 of the images' Canny edges against ``edges`` (0/1 maps), a pixel counting within ``tolerance`` px.

    Precision: the share of the images' edge pixels near a given edge; recall:
    the share of given edge pixels near one of the images'. 1 = the same edges.
    """
    images = _digits(images)
    edges = _digits(edges, "edges")
    if edges.shape != images.shape:
        raise ValueError(f"edges must be shaped like images {tuple(images.shape)}, got {tuple(edges.shape)}")
    if not bool(((edges == 0) | (edges == 1)).all()):
        raise ValueError("edges must be maps of 0 and 1 (edge_maps gives them)")
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0:
        raise ValueError(f"tolerance must be an int >= 0 (pixels), got {tolerance!r}")
    found = edge_maps(images)
    hit_found = (found * _near(edges, tolerance)).flatten(1).sum(1)
    hit_given = (edges * _near(found, tolerance)).flatten(1).sum(1)
    precision = hit_found / found.flatten(1).sum(1).clamp(min=1)
    recall = hit_given / edges.flatten(1).sum(1).clamp(min=1)
    return torch.where(precision + recall > 0, 2 * precision * recall / (precision + recall).clamp(min=1e-12),
                       torch.zeros_like(precision))

"""The week-4 face sets: puppet frames of the two portraits, extracted, with held-out poses shared by both.

- :func:`portrait_fit`: a portrait and its 68 landmarks (dlib, cached);
- :func:`face_set`: ``count`` training frames of one identity (its own random
  poses, seed per identity) run through the real extraction (detect,
  landmarks, align, mask): ``(faces, masks)`` tensors;
- :func:`held_out_poses`: poses from another seed, rendered on *both*
  portraits, so each frame of one person has its ground truth in the other's;
- :func:`clip_poses`: a smooth clip (poses eased between random key poses),
  for video and flicker.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .puppet import LIMITS, Pose, random_pose

__all__ = ["IDENTITIES", "TRAIN_SEEDS", "HELD_OUT_SEED", "CLIP_SEED", "portrait_fit", "face_set", "held_out_poses",
           "clip_poses"]

IDENTITIES = ("hopper", "collins")
TRAIN_SEEDS = {"hopper": 10, "collins": 11}
HELD_OUT_SEED = 100
CLIP_SEED = 200


@lru_cache(maxsize=None)
def portrait_fit(name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(rgb, points)`` of portrait ``name`` (read-only arrays)."""
    from ..datasets import portrait
    from .swap import fit_face

    if name not in IDENTITIES:
        raise ValueError(f"identity must be one of {', '.join(IDENTITIES)}, got {name!r}")
    rgb = portrait(name)
    points = fit_face(rgb).points
    rgb.setflags(write=False)
    points.setflags(write=False)
    return rgb, points


def _check_count(count) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}")
    return count


def face_set(name: str, count: int = 300, *, seed: int | None = None, size: int = 64):
    """Aligned faces and masks ``(N, 3, S, S)``, ``(N, 1, S, S)`` of ``count`` puppet frames (frames without a face dropped)."""
    from .extract import extract_frames, stack
    from .puppet import frames

    rgb, points = portrait_fit(name)
    rendered = frames(rgb, points, _check_count(count), seed=TRAIN_SEEDS[name] if seed is None else seed)
    faces = [f for f in extract_frames([f.image for f in rendered], size) if f is not None]
    return stack(faces)


def held_out_poses(count: int = 40, seed: int = HELD_OUT_SEED) -> list[Pose]:
    """``count`` random poses for evaluation (no training frame uses this seed)."""
    rng = np.random.default_rng(seed)
    return [random_pose(rng) for _ in range(_check_count(count))]


def clip_poses(count: int = 48, seed: int = CLIP_SEED, *, keys: int = 4) -> list[Pose]:
    """A smooth clip: ``keys`` random key poses (the first the photo itself), eased between them."""
    _check_count(count)
    if isinstance(keys, bool) or not isinstance(keys, int) or not 2 <= keys <= count:
        raise ValueError(f"keys must be an int from 2 to count ({count}), got {keys!r}")
    rng = np.random.default_rng(seed)
    key_poses = [Pose()] + [random_pose(rng, lighting=False) for _ in range(keys - 1)]
    values = np.array([[getattr(p, k) for k in LIMITS] for p in key_poses])
    t = np.linspace(0, keys - 1, count)
    low = np.minimum(np.floor(t).astype(int), keys - 2)
    ease = (1 - np.cos(np.pi * (t - low))) / 2
    mixed = values[low] * (1 - ease)[:, None] + values[low + 1] * ease[:, None]
    return [Pose(**dict(zip(LIMITS, (float(v) for v in row)))) for row in mixed]

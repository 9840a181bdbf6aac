"""A face puppet: one portrait re-posed through its 68 landmarks into frames with known parameters.

There is no face data set on disk, only two portraits, so week 4 makes its
frames: :func:`pose_landmarks` moves the landmarks as a head turn (yaw,
pitch: the points ride on a cylinder with the nose standing out of it),
a roll, a scale, an open mouth, a smile and half-closed eyes would move them;
:func:`render` warps the whole photo onto the moved points (piecewise affine,
with the forehead and the image border in the mesh), paints the open mouth's
inside, and shifts the lighting and color. Every frame keeps its
:class:`Pose`, so the same pose rendered on another portrait is the ground
truth of a face swap.

The limits are those of a 2-D warp of one photo: nothing hidden in the photo
(the far cheek, the teeth) can appear, a turn is a plausible squeeze rather
than a new view, and each identity has one source photo.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace

import cv2
import numpy as np

from ..images import check_image
from .landmarks import check_68
from .mask import hull_points
from .warp import piecewise_affine

__all__ = ["LIMITS", "Pose", "PuppetFrame", "random_pose", "pose_landmarks", "render", "frames"]

# What each parameter may be: the range a 2-D warp of one photo still shows convincingly.
LIMITS = {
    "yaw": (-15.0, 15.0),  # degrees, turning the head to its left (+) or right (-)
    "pitch": (-12.0, 12.0),  # degrees, nodding up (+) or down (-)
    "roll": (-15.0, 15.0),  # degrees, tilting in the image plane
    "scale": (0.85, 1.15),  # size relative to the photo
    "mouth": (0.0, 1.0),  # 0 closed .. 1 open (lower lip and chin down by 12 % of the face width)
    "smile": (0.0, 1.0),  # mouth corners out and up
    "eyes": (0.3, 1.0),  # 1 open .. 0.3 mostly closed (upper lids lowered)
    "brightness": (0.75, 1.25),  # multiplies every channel
    "light": (-1.0, 1.0),  # light from the image's right (+) or left (-): a horizontal brightness ramp
    "warmth": (-1.0, 1.0),  # more red and less blue (+) or the reverse (-), up to 12 levels
}

# How far each landmark stands out of the face's cylinder, in face half-widths (nose tip most).
_DEPTH = np.zeros(68)
_DEPTH[27:31] = np.linspace(0.15, 0.45, 4)  # the nose bridge down to the tip
_DEPTH[31:36] = 0.25  # nostrils
_DEPTH[36:48] = 0.05  # eyes
_DEPTH[48:68] = 0.15  # lips
_DEPTH[17:27] = 0.08  # brows
_FOREHEAD_DEPTH = 0.05
_LOWER_LIP, _LOWER_INNER, _UPPER_INNER = [55, 56, 57, 58, 59], [65, 66, 67], [61, 62, 63]
_CHIN = list(range(4, 13))
_UPPER_LIDS, _LOWER_LIDS = [37, 38, 43, 44], [41, 40, 47, 46]


@dataclass(frozen=True)
class Pose:
    """The parameters of one puppet frame (see :data:`LIMITS`); the default is the photo itself."""

    yaw: float = 0.0
    pitch: float = 0.0
    roll: float = 0.0
    scale: float = 1.0
    mouth: float = 0.0
    smile: float = 0.0
    eyes: float = 1.0
    brightness: float = 1.0
    light: float = 0.0
    warmth: float = 0.0

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            low, high = LIMITS[field.name]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"{field.name} must be a number, got {value!r}")
            if not low <= value <= high:
                raise ValueError(f"{field.name} must be within [{low:g}, {high:g}], got {value!r}")

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}


@dataclass
class PuppetFrame:
    """One rendered frame: the image, its posed landmarks and the pose it was made with."""

    image: np.ndarray
    points: np.ndarray
    pose: Pose


def random_pose(rng: np.random.Generator, *, expression: bool = True, lighting: bool = True) -> Pose:
    """A pose drawn uniformly inside :data:`LIMITS` (mouth, smile and eyes at rest half the time)."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
    draw = {k: float(rng.uniform(*LIMITS[k])) for k in ("yaw", "pitch", "roll", "scale")}
    if expression:
        draw["mouth"] = float(rng.uniform(0, 1)) if rng.random() < 0.5 else 0.0
        draw["smile"] = float(rng.uniform(0, 1)) if rng.random() < 0.5 else 0.0
        draw["eyes"] = float(rng.uniform(*LIMITS["eyes"])) if rng.random() < 0.3 else 1.0
    if lighting:
        draw.update({k: float(rng.uniform(*LIMITS[k])) for k in ("brightness", "light", "warmth")})
    return Pose(**draw)


def _forehead(points: np.ndarray) -> np.ndarray:
    return hull_points(points, forehead=True)[68:]


def _face_frame(points: np.ndarray):
    """The face's centre, half-width, and unit right/down directions (from the eyes' line)."""
    right = points[45] - points[36]
    right = right / np.linalg.norm(right)
    down = np.array([-right[1], right[0]])
    centre = points[[0, 16, 8, 27]].mean(axis=0)
    half_width = np.linalg.norm(points[16] - points[0]) / 2
    return centre, half_width, right, down


def _expression(points: np.ndarray, pose: Pose, half_width: float, right: np.ndarray, down: np.ndarray) -> np.ndarray:
    moved = points.copy()
    width = 2 * half_width
    drop = pose.mouth * 0.12 * width
    moved[_LOWER_LIP] += down * drop
    moved[_LOWER_INNER] += down * drop * 0.9
    moved[_UPPER_INNER] -= down * drop * 0.1
    chin = points[_CHIN]
    weight = np.clip(1 - np.abs(chin - points[8]) @ np.abs(right) / (0.6 * width), 0, 1)
    moved[_CHIN] += down * (drop * 0.8 * weight)[:, None]
    for corner, side in ((48, -1), (54, 1), (60, -1), (64, 1)):
        moved[corner] += pose.smile * width * (0.05 * side * right - 0.04 * down)
    for neighbour, side in ((49, -1), (59, -1), (53, 1), (55, 1)):
        moved[neighbour] += pose.smile * width * (0.02 * side * right - 0.02 * down)
    lids = points[_UPPER_LIDS]
    moved[_UPPER_LIDS] = lids + (1 - pose.eyes) * 0.85 * (points[_LOWER_LIDS] - lids)
    return moved


def _turn(points: np.ndarray, depth: np.ndarray, pose: Pose, centre, half_width, right, down) -> np.ndarray:
    """Yaw and pitch: each point on a cylinder of the face's half-width, standing ``depth`` out of it."""
    rel = points - centre
    u, v = rel @ right, rel @ down
    radius = 1.05 * half_width
    x = u
    z = np.sqrt(np.clip(radius**2 - u**2, 0, None)) + depth * half_width
    yaw, pitch = math.radians(pose.yaw), math.radians(pose.pitch)
    x2 = x * math.cos(yaw) + z * math.sin(yaw) - radius * math.sin(yaw)  # the face's centre stays put
    zp = half_width * (0.6 + depth)  # a flatter curve top to bottom, around the face's centre
    v2 = v * math.cos(pitch) - (zp - 0.6 * half_width) * math.sin(pitch)
    return centre + np.outer(x2, right) + np.outer(v2, down)


def pose_landmarks(points, pose: Pose) -> np.ndarray:
    """Where the 68 landmarks ``points`` of a frontal face go under ``pose`` (lighting aside)."""
    points = check_68(points).astype(np.float64)
    if not isinstance(pose, Pose):
        raise ValueError(f"pose must be a Pose, got {type(pose).__name__}")
    return _pose_all(points, pose)[:68]


def _pose_all(points: np.ndarray, pose: Pose) -> np.ndarray:
    """The 68 posed landmarks followed by the 10 posed forehead points."""
    centre, half_width, right, down = _face_frame(points)
    moved = _expression(points, pose, half_width, right, down)
    every = np.vstack([moved, _forehead(points)])
    depth = np.concatenate([_DEPTH, np.full(10, _FOREHEAD_DEPTH)])
    turned = _turn(every, depth, pose, centre, half_width, right, down)
    angle = math.radians(pose.roll)
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    return centre + pose.scale * (turned - centre) @ rotation.T


def _anchors(shape) -> np.ndarray:
    """Fixed points on the image border (corners and edge midpoints and quarters) so the whole photo is in the mesh."""
    h, w = shape[:2]
    xs, ys = np.linspace(0, w - 1, 5), np.linspace(0, h - 1, 5)
    border = [(x, 0) for x in xs] + [(x, h - 1) for x in xs] + [(0, y) for y in ys[1:-1]] + [(w - 1, y) for y in ys[1:-1]]
    return np.array(border, np.float64)


def _mouth_inside(image: np.ndarray, posed: np.ndarray, closed: np.ndarray, amount: float) -> np.ndarray:
    """Darken the gap the open mouth made: inside the posed inner lips, outside where they were closed."""
    if amount <= 0:
        return image
    opened, before = (np.zeros(image.shape[:2], np.float32) for _ in range(2))
    cv2.fillPoly(opened, [np.rint(posed[60:68]).astype(np.int32)], 1.0)
    cv2.fillPoly(before, [np.rint(closed[60:68]).astype(np.int32)], 1.0)
    gap = np.clip(opened - before, 0, 1)
    inside = cv2.GaussianBlur(gap, (0, 0), 1.0)[..., None] * min(1.0, 2 * amount)
    dark = np.array([60, 25, 30], np.float32)
    return image * (1 - inside) + dark * inside


def _lighting(image: np.ndarray, pose: Pose) -> np.ndarray:
    w = image.shape[1]
    ramp = 1 + 0.25 * pose.light * (np.arange(w, dtype=np.float32) / max(w - 1, 1) - 0.5)
    lit = image * (pose.brightness * ramp)[None, :, None]
    return lit + np.array([12, 0, -12], np.float32) * pose.warmth


def render(rgb, points, pose: Pose) -> PuppetFrame:
    """``rgb`` re-posed: its face moved from its landmarks ``points`` to :func:`pose_landmarks`, then relit."""
    rgb = check_image(rgb, channels=3, name="rgb")
    points = check_68(points).astype(np.float64)
    if not isinstance(pose, Pose):
        raise ValueError(f"pose must be a Pose, got {type(pose).__name__}")
    if rgb.dtype != np.uint8:
        raise ValueError(f"rgb must be uint8 (a photo), got {rgb.dtype}")
    posed = _pose_all(points, pose)
    mesh = list(range(60)) + list(range(68, 78))  # the inner lips meet on a closed mouth: no triangle there
    source = np.vstack([np.vstack([points, _forehead(points)])[mesh], _anchors(rgb.shape)])
    target = np.vstack([posed[mesh], _anchors(rgb.shape)])
    warped = piecewise_affine(rgb, source, target, rgb.shape).astype(np.float32)
    closed = _pose_all(points, replace(pose, mouth=0.0))
    image = _lighting(_mouth_inside(warped, posed, closed, pose.mouth), pose)
    return PuppetFrame(np.clip(np.rint(image), 0, 255).astype(np.uint8), posed[:68], pose)


def frames(rgb, points, count: int, seed: int = 0, **pose_options) -> list[PuppetFrame]:
    """``count`` frames of random poses (:func:`random_pose`, from ``seed``) rendered from one portrait."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}")
    rng = np.random.default_rng(seed)
    return [render(rgb, points, random_pose(rng, **pose_options)) for _ in range(count)]

"""Extraction, the first step of every autoencoder deepfake: from frames to aligned face crops with masks.

For each frame: detect the face, find its 68 landmarks, align them to the
mean-face template with Umeyama's similarity (:mod:`coursekit.faces.align`,
DeepFaceLab's ``full_face`` padding), and draw the landmark hull in the crop as
the face mask. :func:`extract` does it for one image, :func:`extract_frames`
for a list (a puppet clip), :func:`extract_video` for a user's own video
(``coursekit faces-extract``), writing numbered crops and masks and a JSON of
each crop's alignment matrix and landmarks.

Only extract faces of people who agreed to it: a face set is what a deepfake
of that person is trained from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..images import check_image
from .align import align_face, apply_transform
from .detect import NoFaceError
from .mask import face_mask

__all__ = ["DEFAULT_SIZE", "AlignedFace", "extract", "extract_frames", "stack", "extract_video"]

DEFAULT_SIZE = 64


@dataclass
class AlignedFace:
    """One extracted face: the crop (uint8), its mask (float32 in [0, 1]), the 2x3 matrix image → crop,
    and the landmarks in the crop's and in the image's coordinates."""

    crop: np.ndarray
    mask: np.ndarray
    matrix: np.ndarray
    points: np.ndarray
    image_points: np.ndarray


def extract(rgb, size: int = DEFAULT_SIZE, *, points=None, padding="full_face") -> AlignedFace:
    """The aligned face of ``rgb`` (the largest one; its landmarks found by dlib unless ``points`` are given)."""
    from .swap import fit_face

    rgb = check_image(rgb, channels=3, name="rgb")
    image_points = fit_face(rgb).points if points is None else np.asarray(points, np.float64)
    crop, matrix = align_face(rgb, image_points, size, padding)
    crop_points = apply_transform(matrix, image_points)
    return AlignedFace(crop, face_mask(crop.shape, crop_points), matrix, crop_points, image_points)


def extract_frames(frames, size: int = DEFAULT_SIZE, **options) -> list[AlignedFace | None]:
    """:func:`extract` on each frame; ``None`` where no face was found."""
    out = []
    for frame in frames:
        try:
            out.append(extract(frame, size, **options))
        except NoFaceError:
            out.append(None)
    return out


def stack(faces) -> tuple["torch.Tensor", "torch.Tensor"]:  # noqa: F821
    """Crops and masks of aligned faces as training tensors: ``(N, 3, S, S)`` and ``(N, 1, S, S)`` in [0, 1]."""
    import torch

    faces = list(faces)
    if not faces or any(not isinstance(f, AlignedFace) for f in faces):
        raise ValueError("need a non-empty list of AlignedFace (drop the frames where no face was found)")
    crops = torch.from_numpy(np.stack([f.crop for f in faces])).permute(0, 3, 1, 2).float() / 255
    masks = torch.from_numpy(np.stack([f.mask for f in faces]))[:, None].float()
    return crops, masks


def extract_video(video, out_dir, size: int = DEFAULT_SIZE, *, every: int = 1, max_frames: int | None = None) -> dict:
    """Extract the face of every ``every``-th frame of ``video`` into ``out_dir``; returns the report written there.

    Writes ``face_00000.png`` (crop), ``mask_00000.png`` and ``faces.json``
    (frame index, matrix and landmarks of each crop). Frames without a face are skipped and counted.
    """
    from .video import read_frames

    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ValueError(f"every must be a positive int (frames), got {every!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames, fps = read_frames(video)
    records, read, missed = [], 0, 0
    for index, frame in enumerate(frames):
        if max_frames is not None and read >= max_frames:
            break
        if index % every:
            continue
        read += 1
        try:
            face = extract(frame, size)
        except NoFaceError:
            missed += 1
            continue
        name = f"{len(records):05d}"
        cv2.imwrite(str(out_dir / f"face_{name}.png"), cv2.cvtColor(face.crop, cv2.COLOR_RGB2BGR))
        cv2.imwrite(str(out_dir / f"mask_{name}.png"), np.rint(face.mask * 255).astype(np.uint8))
        records.append({"frame": index, "matrix": face.matrix.tolist(), "points": face.points.round(2).tolist()})
    report = {"video": str(video), "fps": fps, "size": size, "frames_read": read, "faces": len(records),
              "no_face": missed, "records": records}
    (out_dir / "faces.json").write_text(json.dumps(report, indent=1))
    return report

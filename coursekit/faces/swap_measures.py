"""How good a face swap is, measured on puppet frames whose ground truth is known.

For a direction "S on D" (the face of S put onto frames of D) and each
held-out pose k: D's frame k is the destination, S rendered with pose k is the
ground truth. Two swaps are measured on the same frames:

- ``ae``: the autoencoder (:class:`coursekit.models.face_swap_ae.FaceSwapAE`):
  extract D's face, decode it with S's decoder, merge it back
  (:func:`coursekit.faces.merge.merge_face`);
- ``landmark``: the non-learned swap of ``coursekit faceswap``
  (:func:`coursekit.faces.swap.swap_faces`: S's photo warped onto the frame's
  landmarks, color corrected, Poisson blended).

Measures (per frame, then medians or shares):

- ``ssim`` / ``psnr``: the result cut out with D's alignment against the
  ground truth's aligned crop, inside the ground truth's face mask;
- ``identity``: dlib descriptor distances of the result to S's photo
  (``to_source``, should be < 0.6) and to D's (``to_destination``, > 0.6);
  ``identity_pass``: the share of frames with both (no face found = fail);
- ``landmark_error``: landmarks found on the result against D's posed
  landmarks, mean distance in face widths (expression and pose kept);
- ``flicker``: over a smooth clip, the mean frame-to-frame change inside the
  face of the result's crops minus the ground truth's (0 = as steady as the truth).
"""

from __future__ import annotations

import cv2
import numpy as np

from .detect import NoFaceError
from .extract import AlignedFace, extract
from .identity import SAME_PERSON_THRESHOLD, face_descriptor, face_distance
from .landmarks import face_landmarks
from .detect import choose_face
from .merge import merge_face
from .puppet import random_pose, render
from .puppet_sets import IDENTITIES, clip_poses, held_out_poses, portrait_fit

__all__ = ["BAR", "METHODS", "crop_like", "crop_tensors", "decode_as", "merge_or_none", "masked_ssim", "ae_swap", "landmark_swap", "frame_measures", "measure_direction", "measure",
           "check", "table", "detector_crops"]

BAR = {"identity_pass": 0.80, "landmark_error": 0.05}  # and the ae's masked SSIM above the landmark swap's
METHODS = ("ae", "landmark")


def crop_like(image: np.ndarray, aligned: AlignedFace) -> np.ndarray:
    """``image`` cut out with ``aligned``'s matrix and size (the same crop as the frame's face)."""
    size = aligned.crop.shape[0]
    return cv2.warpAffine(np.ascontiguousarray(image), aligned.matrix, (size, size), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REFLECT)


def crop_tensors(crops) -> "torch.Tensor":  # noqa: F821
    """uint8 crops ``(S, S, 3)`` as one float batch ``(N, 3, S, S)`` in [0, 1]."""
    import torch

    return torch.from_numpy(np.stack(list(crops))).permute(0, 3, 1, 2).float() / 255


def decode_as(model, crops, to: str) -> tuple[np.ndarray, np.ndarray]:
    """``to``'s decoder on uint8 crops (one batch): faces ``(N, S, S, 3)`` uint8 and masks ``(N, S, S)`` float32."""
    faces, masks = model.swap(crop_tensors(crops), to)
    return (faces.permute(0, 2, 3, 1).numpy() * 255).round().astype(np.uint8), masks[:, 0].numpy()


def merge_or_none(frame: np.ndarray, aligned: AlignedFace, face: np.ndarray, mask: np.ndarray, **merge_options):
    """:func:`coursekit.faces.merge.merge_face`, or ``None`` where the decoder's mask is empty (nothing to paste)."""
    try:
        return merge_face(frame, aligned, face, mask, **merge_options)
    except ValueError:
        return None


def masked_ssim(crop: np.ndarray, truth: AlignedFace) -> float:
    """SSIM of a uint8 crop against the ground truth's aligned face, inside the truth's mask."""
    import torch

    from ..ssim import ssim

    return float(ssim(crop_tensors([crop]), crop_tensors([truth.crop]), torch.from_numpy(truth.mask)[None, None]))


def ae_swap(model, frames: list[np.ndarray], to: str, **merge_options) -> tuple[list, list[AlignedFace]]:
    """Each frame with its face replaced by ``to``'s decoder output; returns ``(results, aligned faces)``."""
    from .watermark import mark_ai_generated

    aligned = [extract(f, model.size) for f in frames]
    faces, masks = decode_as(model, [a.crop for a in aligned], to)
    results = [merge_or_none(frame, a, face, mask, **merge_options) for frame, a, face, mask in
               zip(frames, aligned, faces, masks)]
    # an empty decoder mask: nothing pasted, the (marked) frame counts as a failed swap
    return [mark_ai_generated(f) if r is None else r for f, r in zip(frames, results)], aligned


def landmark_swap(source: str, frames: list[np.ndarray]) -> list[np.ndarray]:
    """Each frame with ``source``'s photo swapped in by :func:`coursekit.faces.swap.swap_faces`."""
    from .swap import FaceFit, fit_face, swap_faces

    rgb, points = portrait_fit(source)
    src = FaceFit(choose_face(rgb), np.array(points))
    return [swap_faces(rgb, f, source_fit=src, target_fit=fit_face(f)).image for f in frames]


def _masked_ssim_psnr(result_crop: np.ndarray, truth: AlignedFace) -> tuple[float, float]:
    value = masked_ssim(result_crop, truth)
    inside = truth.mask > 0.5
    mse = float(((result_crop.astype(np.float64) - truth.crop) ** 2)[inside].mean()) / 255**2
    return value, float(10 * np.log10(1 / max(mse, 1e-10)))


def frame_measures(result: np.ndarray, destination: AlignedFace, destination_points: np.ndarray, truth: AlignedFace,
                   source_descriptor: np.ndarray, destination_descriptor: np.ndarray) -> dict[str, float]:
    """The per-frame measures of one swapped frame (see the module's doc)."""
    ssim_value, psnr_value = _masked_ssim_psnr(crop_like(result, destination), truth)
    out = {"ssim": ssim_value, "psnr": psnr_value}
    try:
        face = choose_face(result)
    except NoFaceError:
        return {**out, "to_source": float("nan"), "to_destination": float("nan"), "identity_pass": 0.0,
                "landmark_error": float("nan")}
    descriptor = face_descriptor(result, face)
    to_source, to_destination = face_distance(descriptor, source_descriptor), face_distance(descriptor, destination_descriptor)
    width = np.linalg.norm(destination_points[16] - destination_points[0])
    error = np.linalg.norm(face_landmarks(result, face) - destination_points, axis=1).mean() / width
    passed = to_source < SAME_PERSON_THRESHOLD < to_destination
    return {**out, "to_source": to_source, "to_destination": to_destination, "identity_pass": float(passed),
            "landmark_error": float(error)}


def _flicker(crops: list[np.ndarray], masks: list[np.ndarray]) -> float:
    changes = [np.abs(b.astype(np.float64) - a)[(ma > 0.5) & (mb > 0.5)].mean()
               for a, b, ma, mb in zip(crops, crops[1:], masks, masks[1:])]
    return float(np.mean(changes)) / 255


def measure_direction(model, source: str, destination: str, poses, clip=None, **merge_options) -> dict[str, dict]:
    """Per-method lists of per-frame measures for ``source`` on ``destination`` (and flicker, with ``clip``)."""
    source_rgb, source_points = portrait_fit(source)
    dest_rgb, dest_points = portrait_fit(destination)
    source_descriptor, dest_descriptor = face_descriptor(source_rgb), face_descriptor(dest_rgb)
    dest_frames = [render(dest_rgb, dest_points, p) for p in poses]
    truths = [extract(render(source_rgb, source_points, p).image, model.size) for p in poses]
    images = [f.image for f in dest_frames]
    ae_results, aligned = ae_swap(model, images, source, **merge_options)
    results = {"ae": ae_results, "landmark": landmark_swap(source, images)}
    out = {}
    for method, frames in results.items():
        out[method] = [frame_measures(r, a, f.points, t, source_descriptor, dest_descriptor)
                       for r, a, f, t in zip(frames, aligned, dest_frames, truths)]
    if clip is not None:
        clip_frames = [render(dest_rgb, dest_points, p).image for p in clip]
        truth = [extract(render(source_rgb, source_points, p).image, model.size) for p in clip]
        truth_flicker = _flicker([t.crop for t in truth], [t.mask for t in truth])
        ae_clip, clip_aligned = ae_swap(model, clip_frames, source, **merge_options)
        for method, frames in (("ae", ae_clip), ("landmark", landmark_swap(source, clip_frames))):
            crops = [crop_like(r, a) for r, a in zip(frames, clip_aligned)]
            out[f"{method}_flicker"] = _flicker(crops, [a.mask for a in clip_aligned]) - truth_flicker
    return out


def measure(model, *, poses: int = 40, clip: int = 24, **merge_options) -> dict[str, float]:
    """Both directions of the two identities: ``{method}_{source}_on_{destination}_{measure}`` medians and shares."""
    held_out = held_out_poses(poses)
    clip_list = clip_poses(clip) if clip else None
    out = {}
    for source, destination in (IDENTITIES, IDENTITIES[::-1]):
        per = measure_direction(model, source, destination, held_out, clip_list, **merge_options)
        for method in METHODS:
            rows = per[method]
            prefix = f"{method}_{source}_on_{destination}_"
            for key in ("ssim", "psnr", "to_source", "to_destination", "landmark_error"):
                values = np.array([r[key] for r in rows], np.float64)
                out[prefix + key] = float(np.nanmedian(values)) if np.isfinite(values).any() else float("nan")
            out[prefix + "identity_pass"] = float(np.mean([r["identity_pass"] for r in rows]))
            if clip_list is not None:
                out[prefix + "flicker"] = per[f"{method}_flicker"]
    return out


def check(measured: dict[str, float]) -> dict[str, bool]:
    """Which of the shipped checkpoint's bars ``measured`` meets, per direction."""
    verdicts = {}
    for source, destination in (IDENTITIES, IDENTITIES[::-1]):
        ae, lm = f"ae_{source}_on_{destination}_", f"landmark_{source}_on_{destination}_"
        verdicts[f"{source} on {destination}: identity passes on >= 80% of frames"] = \
            measured[ae + "identity_pass"] >= BAR["identity_pass"]
        verdicts[f"{source} on {destination}: landmark error <= 5% of face width"] = \
            measured[ae + "landmark_error"] <= BAR["landmark_error"]
        verdicts[f"{source} on {destination}: masked SSIM above the landmark swap's"] = \
            measured[ae + "ssim"] > measured[lm + "ssim"]
    return verdicts


_ROWS = (("masked SSIM vs truth", "ssim", "{:.2f}"), ("masked PSNR vs truth (dB)", "psnr", "{:.1f}"),
         ("distance to source", "to_source", "{:.2f}"), ("distance to destination", "to_destination", "{:.2f}"),
         ("identity pass (share)", "identity_pass", "{:.0%}"), ("landmark error (face widths)", "landmark_error", "{:.1%}"),
         ("flicker minus truth", "flicker", "{:+.3f}"))


def table(measured: dict[str, float], methods=METHODS) -> str:
    """The measures as a text table: one row per measure, a column per method and direction."""
    directions = [(s, d) for s, d in (IDENTITIES, IDENTITIES[::-1])]
    columns = [(m, s, d) for s, d in directions for m in methods]
    head = f"{'':<30}" + "".join(f"{m + ': ' + s[0].upper() + ' on ' + d[0].upper():>18}" for m, s, d in columns)
    lines = [head]
    for label, key, fmt in _ROWS:
        cells = [measured.get(f"{m}_{s}_on_{d}_{key}") for m, s, d in columns]
        if all(c is None for c in cells):
            continue
        lines.append(f"{label:<30}" + "".join(f"{'-' if c is None else fmt.format(c):>18}" for c in cells))
    return "\n".join(lines)


def detector_crops(model, count: int = 100, seed: int = 300) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``count`` real and ``count`` swapped aligned crops (uint8), half of each per identity, for a detector.

    Real: a puppet frame of a pose from ``seed`` with its *own* face pasted back through the same merge
    (so real and fake crops are resampled alike). Swapped: the other identity's frame with this one's face
    from the autoencoder, merged the same way. Neither is marked here, so a detector cannot learn the
    watermark instead of the faces. The frames' known landmarks stand in for the detector (same crops, faster).
    """
    rng = np.random.default_rng(seed)
    real, fake = [], []
    for i in range(count):
        source, destination = (IDENTITIES if i % 2 else IDENTITIES[::-1])
        pose = random_pose(rng)
        own = render(*portrait_fit(source), pose)
        own_aligned = extract(own.image, model.size, points=own.points)
        frame = render(*portrait_fit(destination), random_pose(rng))
        aligned = extract(frame.image, model.size, points=frame.points)
        faces, masks = decode_as(model, [aligned.crop], source)
        merged = merge_or_none(frame.image, aligned, faces[0], masks[0], mark=False)
        kept = merge_or_none(own.image, own_aligned, own_aligned.crop, masks[0], mark=False)
        if merged is None or kept is None:
            continue
        fake.append(crop_like(merged, aligned))
        real.append(crop_like(kept, own_aligned))
    return real, fake

"""The face pipeline: does a swap move the identity and keep the pose, how fast is each step,
and how many 640x480 video frames per second does the swap manage on this CPU.

Targets (issue 5): for collins -> hopper and back, the result's face is at most
0.6 from the source and more than 0.6 from the destination (dlib descriptor
distance); the result's landmarks are within 5% of the face width of the
destination's; video at 640x480 runs at 5 frames/s or more.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from coursekit.datasets import portrait
from coursekit.env import set_threads
from coursekit.faces import align, blend, detect, identity, landmarks, mask, swap, transfer, warp
from coursekit.faces.video import make_test_video, swap_video

from .common import print_table, summarize, time_calls

# (name, swap options): the command's defaults first, then the identity-moving mode
MODES = [
    ("piecewise + rct (default)", dict(warp_2d=False)),
    ("warp-2d + rct", dict(warp_2d=True)),
    ("warp-2d + forehead + rct", dict(warp_2d=True, forehead=True)),
]
IDENTITY_MODE = "warp-2d + forehead + rct"


def swap_quality() -> list[dict]:
    images = {"collins": portrait("collins"), "hopper": portrait("hopper")}
    fits = {n: swap.fit_face(img) for n, img in images.items()}
    described = {n: identity.face_descriptor(img) for n, img in images.items()}
    rows = []
    for mode, options in MODES:
        for source, target in (("collins", "hopper"), ("hopper", "collins")):
            result = swap.swap_faces(images[source], images[target], **options)
            found = swap.fit_face(result.image)
            descriptor = identity.face_descriptor(result.image, found.face)
            to_source = identity.face_distance(descriptor, described[source])
            to_target = identity.face_distance(descriptor, described[target])
            drift = np.linalg.norm(found.points - fits[target].points, axis=1).mean() / fits[target].face.width
            rows.append(dict(mode=mode, direction=f"{source} -> {target}", to_source=to_source,
                             to_target=to_target, landmark_drift=drift,
                             identity_ok=to_source <= 0.6 < to_target, pose_ok=drift <= 0.05))
    return rows


def print_quality(rows: list[dict]) -> None:
    print("\nFace swap quality (dlib descriptor distances; same person below 0.6)")
    print(f"{'mode':<28} {'direction':<20} {'to source':>9} {'to dest':>8} {'landmarks':>10}  identity moved  pose kept")
    for r in rows:
        print(f"{r['mode']:<28} {r['direction']:<20} {r['to_source']:>9.3f} {r['to_target']:>8.3f} "
              f"{r['landmark_drift']:>9.1%}  {'yes' if r['identity_ok'] else 'no':>14}  {'yes' if r['pose_ok'] else 'no':>9}")


def step_times() -> list[dict]:
    source, target = portrait("collins"), portrait("hopper")
    src_fit, dst_fit = swap.fit_face(source), swap.fit_face(target)
    face = dst_fit.face
    rows, region = [], swap.face_region(dst_fit.points, target.shape)
    window = np.ascontiguousarray(target[region])
    points = dst_fit.points - [region[1].start, region[0].start]
    face_mask = mask.face_mask(window.shape, points, erode=max(2, face.width // 20))
    warped = warp.piecewise_affine(source, src_fit.points, points, window.shape)
    steps = {
        "detect (HOG, upsample 1, 512x600)": lambda: detect.detect_faces(target),
        "detect (HOG, upsample 0, 512x600)": lambda: detect.detect_faces(target, upsample=0),
        "landmarks (68 points)": lambda: landmarks.face_landmarks(target, face),
        "align (Umeyama + 256 px crop)": lambda: align.align_face(target, dst_fit.points, size=256),
        "warp (piecewise affine)": lambda: warp.piecewise_affine(source, src_fit.points, points, window.shape),
        "mask (hull, eroded)": lambda: mask.face_mask(window.shape, points, erode=max(2, face.width // 20)),
        "color (rct, face window)": lambda: transfer.reinhard(warped, window, face_mask > 0.5, face_mask > 0.5),
        "blend (Poisson)": lambda: blend.poisson_blend(warped, window, face_mask),
        "swap, faces known (warp..mark)": lambda: swap.swap_faces(source, target, source_fit=src_fit, target_fit=dst_fit),
    }
    for name, action in steps.items():
        rows.append(summarize(name, time_calls([action] * 15), target=None))
    return rows


def video_speed() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        clip = make_test_video(Path(folder) / "moving.mp4", seconds=2.5, fps=20, size=(640, 480))
        start = time.perf_counter()
        report = swap_video(portrait("collins"), clip, Path(folder) / "out.mp4", progress=False)
        seconds = time.perf_counter() - start
    return dict(frames=report.frames, swapped=report.swapped, seconds=seconds, fps=report.frames / seconds, codec=report.codec)


def main() -> list[dict]:
    set_threads(2)
    quality = swap_quality()
    print_quality(quality)
    steps = step_times()
    print_table("Face pipeline: time per face (one face, 2 threads)", steps)
    speed = video_speed()
    print(f"\nVideo: {speed['frames']} frames of 640x480, face swapped in {speed['swapped']}, "
          f"{speed['seconds']:.1f} s, {speed['fps']:.1f} frames/s (target 5), codec {speed['codec']}")
    rows = [
        dict(name=f"identity moved ({IDENTITY_MODE}, {r['direction']})", ok=r["identity_ok"])
        for r in quality if r["mode"] == IDENTITY_MODE
    ]
    rows += [dict(name=f"pose kept ({r['mode']}, {r['direction']})", ok=r["pose_ok"]) for r in quality]
    rows.append(dict(name="video at 5 frames/s or more", ok=speed["fps"] >= 5))
    return rows


if __name__ == "__main__":
    main()

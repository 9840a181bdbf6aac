"""Face swap on video: read frames (file or webcam), follow the face from frame to frame,
swap, and write an MP4 in which every frame is marked as AI-generated.

Following the face: each frame is searched near where the face was; when the
detector misses a frame, the landmarks are carried over by optical flow, so
one missed detection does not drop the face. Landmarks are smoothed over time
(an exponential moving average that resets on a big jump), which removes most
of the frame-to-frame flicker of a per-frame swap.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from ..images import check_image
from .detect import Face, detect_faces
from .landmarks import face_landmarks
from .swap import FaceFit, swap_faces

__all__ = [
    "CODECS", "mp4_codec", "open_writer", "make_test_video", "read_frames", "FaceTracker", "VideoReport",
    "swap_video"
]

CODECS = ("avc1", "mp4v")  # H.264 where OpenCV has it, else MPEG-4 part 2


@contextlib.contextmanager
def _quiet_stderr():
    """Silence C-level stderr (FFmpeg prints errors while OpenCV probes for an H.264 encoder)."""
    try:
        saved = os.dup(2)
    except OSError:  # no real stderr (some notebook front ends): nothing to silence
        yield
        return
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


@lru_cache(maxsize=1)
def mp4_codec() -> str:
    """The first codec in ``CODECS`` that this OpenCV build can write (probed once, quietly)."""
    with tempfile.TemporaryDirectory() as folder, _quiet_stderr():
        for codec in CODECS:
            writer = cv2.VideoWriter(str(Path(folder) / "probe.mp4"), cv2.VideoWriter_fourcc(*codec), 10.0, (64, 64))
            opened = writer.isOpened()
            writer.release()
            if opened:
                return codec
    raise RuntimeError(f"this OpenCV build cannot write MP4 video (tried codecs {', '.join(CODECS)})")


def open_writer(path, fps: float, size: tuple[int, int]):
    """An OpenCV VideoWriter for ``path`` (MP4), H.264 if available, else mp4v; returns (writer, codec)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"output folder {path.parent} does not exist")
    if not fps > 0:
        raise ValueError(f"fps must be positive, got {fps!r}")
    codec = mp4_codec()
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*codec), float(fps), tuple(int(v) for v in size))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write {path} with codec {codec}")
    return writer, codec


def make_test_video(path, portrait: str = "hopper", seconds: float = 2.5, fps: int = 20, size=(640, 480)) -> Path:
    """Write a short video of a portrait that moves, grows and tilts, for tests without downloads.

    Over ``seconds`` the face slides across the frame, scales by about +-15%
    and rotates by up to +-8 degrees, on a gray background.
    """
    from ..datasets import portrait as load_portrait

    face = load_portrait(portrait)
    width, height = size
    frames = max(2, int(round(seconds * fps)))
    scale0 = 0.75 * height / face.shape[0]
    writer, _ = open_writer(path, fps, size)
    try:
        for i in range(frames):
            t = i / (frames - 1)
            angle = 8 * np.sin(2 * np.pi * t)
            scale = scale0 * (1 + 0.15 * np.sin(np.pi * t))
            center = (width / 2 + 0.15 * width * np.sin(2 * np.pi * t), height / 2 + 0.05 * height * np.cos(2 * np.pi * t))
            matrix = cv2.getRotationMatrix2D((face.shape[1] / 2, face.shape[0] / 2), angle, scale)
            matrix[:, 2] += np.array(center) - np.array([face.shape[1] / 2, face.shape[0] / 2])
            frame = cv2.warpAffine(face, matrix, (width, height), borderValue=(128, 128, 128))
            writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    finally:
        writer.release()
    return Path(path)


def read_frames(source):
    """RGB frames from a video file path or a webcam index, and the stream's fps."""
    if isinstance(source, (str, Path)):
        if not Path(source).is_file():
            raise FileNotFoundError(f"no video file at {source}")
        capture = cv2.VideoCapture(str(source))
    elif isinstance(source, int) and not isinstance(source, bool):
        capture = cv2.VideoCapture(source)
    else:
        raise TypeError(f"video source must be a file path or a camera index, got {source!r}")
    if not capture.isOpened():
        raise RuntimeError(f"OpenCV cannot open the video source {source!r}")
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0

    def frames():
        try:
            while True:
                ok, frame = capture.read()
                if not ok:
                    return
                yield cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
        finally:
            capture.release()

    return frames(), fps


@dataclass
class FaceTracker:
    """Follows one face through frames: detect, else optical flow; smooths the landmarks."""

    smoothing: float = 0.5  # weight of the new landmarks in the moving average
    reset_fraction: float = 0.25  # a jump larger than this fraction of the face width resets the average
    points: np.ndarray | None = None
    face: Face | None = None
    previous_gray: np.ndarray | None = field(default=None, repr=False)
    misses: int = 0

    def _detect(self, rgb: np.ndarray) -> Face | None:
        faces = detect_faces(rgb, method="hog", upsample=0)
        if not faces and min(rgb.shape[:2]) < 400:
            faces = detect_faces(rgb, method="hog", upsample=1)
        if not faces:
            return None
        if self.face is None:
            return faces[0]
        cx, cy = self.face.center  # the same person: the face nearest to the last one
        return min(faces, key=lambda f: (f.center[0] - cx) ** 2 + (f.center[1] - cy) ** 2)

    def _flow(self, gray: np.ndarray) -> np.ndarray | None:
        moved, status, _ = cv2.calcOpticalFlowPyrLK(
            self.previous_gray, gray, self.points.astype(np.float32).reshape(-1, 1, 2), None, winSize=(21, 21), maxLevel=3
        )
        if moved is None or status.mean() < 0.8:
            return None
        return moved.reshape(-1, 2).astype(np.float64)

    def update(self, rgb: np.ndarray) -> FaceFit | None:
        """The face in this frame (``None`` until a face has been seen)."""
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        face = self._detect(rgb)
        if face is not None:
            new = face_landmarks(rgb, face)
            self.face, self.misses = face, 0
        elif self.points is not None:
            new = self._flow(gray)
            self.misses += 1
        else:
            new = None
        if new is None:
            self.previous_gray = gray
            return None if self.points is None or self.misses > 5 else FaceFit(self.face, self.points)
        if self.points is not None:
            jump = np.linalg.norm(new - self.points, axis=1).mean()
            if jump < self.reset_fraction * max(self.face.width, 1):
                new = self.smoothing * new + (1 - self.smoothing) * self.points
        self.points, self.previous_gray = new, gray
        return FaceFit(self.face, self.points)


@dataclass
class VideoReport:
    """What a video swap did: frames read, frames with a face swapped, codec, seconds, frames per second."""

    frames: int
    swapped: int
    codec: str
    seconds: float

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds else 0.0


def swap_video(source_rgb, video, out_path, *, correct: bool = True, warp_2d: bool = False,
               max_frames: int | None = None, progress: bool = True, label_corner: str = "bottom-right") -> VideoReport:
    """Swap the face of ``source_rgb`` into every frame of ``video`` (a path or a camera index).

    Frames where no face has been found yet are written unchanged but still
    marked. Writes to a temporary file beside ``out_path`` and renames it at
    the end, so a failure leaves nothing half-written.
    """
    from tqdm.auto import tqdm

    from .swap import fit_face
    from .watermark import mark_ai_generated

    source_rgb = check_image(source_rgb, channels=3, name="source image")
    out_path = Path(out_path)
    source_fit = fit_face(source_rgb, what="source image")
    frames, fps = read_frames(video)
    tracker = FaceTracker()
    partial = out_path.with_name(f".{out_path.stem}.partial{out_path.suffix}")
    writer, codec, count, swapped = None, "", 0, 0
    start = time.perf_counter()
    bar = tqdm(total=max_frames, unit="frame", disable=not progress, desc="faceswap-video")
    try:
        for frame in frames:
            if max_frames is not None and count >= max_frames:
                break
            if writer is None:
                writer, codec = open_writer(partial, fps, (frame.shape[1], frame.shape[0]))
            fit = tracker.update(frame)
            if fit is not None:
                result = swap_faces(source_rgb, frame, correct=correct, warp_2d=warp_2d,
                                    source_fit=source_fit, target_fit=fit, label_corner=label_corner)
                frame_out, swapped = result.image, swapped + 1
            else:
                frame_out = mark_ai_generated(frame, corner=label_corner)
            writer.write(cv2.cvtColor(frame_out, cv2.COLOR_RGB2BGR))
            count += 1
            bar.update(1)
    except BaseException:
        if writer is not None:
            writer.release()
        partial.unlink(missing_ok=True)
        raise
    finally:
        bar.close()
    if writer is None:
        raise RuntimeError(f"the video {video!r} has no frames")
    writer.release()
    partial.replace(out_path)
    return VideoReport(count, swapped, codec, time.perf_counter() - start)

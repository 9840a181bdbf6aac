"""``coursekit faceswap`` and ``coursekit faceswap-video``: the lecture's face-swap programs, headless.

Expected failures (see ``add_commands``) are one clear line on stderr and exit
status 1, printed by ``coursekit.cli.main``; nothing is half-written
(outputs go to a temporary file that is renamed at the end).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["IMAGE_SUFFIXES", "CommandError", "write_marked_image", "faceswap", "faceswap_video", "faces_extract",
           "add_commands"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


class CommandError(Exception):
    """A problem with the command's inputs, reported as one line."""


def _existing_file(path: str, flag: str) -> Path:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"{flag} {path}: no such file")
    return file


def _output(path: str, inputs: list[Path], suffixes: tuple[str, ...]) -> Path:
    out = Path(path)
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(f"--out {path}: the folder {folder} does not exist (create it first)")
    if out.suffix.lower() not in suffixes:
        raise CommandError(f"--out {path}: use one of the file types {', '.join(suffixes)}")
    if out.exists() and any(out.resolve() == i.resolve() for i in inputs):
        raise CommandError(f"--out {path} would overwrite an input file; choose another name")
    return out


def _read_image(path: Path):
    from ..images import ImageError, load

    try:
        return load(path, drop_alpha=True)
    except ImageError as err:
        raise CommandError(str(err)) from None


def write_marked_image(path: Path, rgb) -> None:
    """Write an already marked RGB image atomically: PNG with AI-generated text chunks, or JPEG with a comment."""
    from PIL import Image

    from ..files import atomic_write
    from .watermark import save_png_with_metadata

    if path.suffix.lower() == ".png":
        save_png_with_metadata(path, rgb)
        return
    comment = b"AI-generated image (coursekit face swap)"
    atomic_write(path, lambda tmp: Image.fromarray(rgb).save(tmp, format="JPEG", quality=95, comment=comment))


def faceswap(args) -> int:
    from .swap import swap_faces

    src, dst = _existing_file(args.src, "--src"), _existing_file(args.dst, "--dst")
    out = _output(args.out, [src, dst], IMAGE_SUFFIXES)
    source, target = _read_image(src), _read_image(dst)
    result = swap_faces(
        source, target, correct=args.correct_color, color_method=args.color_method, warp_2d=args.warp_2d,
        blend=args.blend, forehead=args.forehead, source_index=args.src_face_index,
        target_index=args.face_index, label_corner=args.label_corner,
    )
    write_marked_image(out, result.image)
    print(f"wrote {out} (face swap, marked as AI-generated)")
    return 0


def faceswap_video(args) -> int:
    from .video import swap_video

    src = _existing_file(args.src_img, "--src-img")
    if args.video is not None:
        video = _existing_file(args.video, "--video")
        inputs = [src, video]
    else:
        video, inputs = args.camera, [src]
    out = _output(args.out, inputs, (".mp4",))
    if args.show:
        print("--show: this build of OpenCV is headless and opens no windows; progress is printed instead", file=sys.stderr)
    report = swap_video(
        _read_image(src), video, out, correct=args.correct_color, warp_2d=args.warp_2d,
        max_frames=args.max_frames, progress=True, label_corner=args.label_corner,
    )
    print(f"wrote {out}: {report.frames} frames, face swapped in {report.swapped}, codec {report.codec}, {report.fps:.1f} frames/s")
    return 0


def faces_extract(args) -> int:
    from .extract import extract_video

    video = _existing_file(args.video, "--video")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CommandError(f"--out {out} is a file; give a folder for the crops")
    report = extract_video(video, out, args.size, every=args.every, max_frames=args.max_frames)
    print(f"wrote {report['faces']} aligned {args.size}x{args.size} faces and masks to {out} "
          f"({report['frames_read']} frames read, {report['no_face']} without a face); only use videos of people who agreed")
    return 0


def _common(parser: argparse.ArgumentParser) -> None:
    from .options import CORNERS

    parser.add_argument("--correct-color", action="store_true", help="match the pasted face's colors to the destination")
    parser.add_argument("--warp-2d", action="store_true", help="one similarity transform (keeps the source's face shape) instead of a piecewise-affine warp")
    parser.add_argument("--label-corner", choices=CORNERS, default="bottom-right", help="where the visible AI-GENERATED label goes")


def add_commands(commands) -> None:
    """Register ``faceswap`` and ``faceswap-video`` on the ``coursekit`` command's subparsers.

    ``expected_errors`` are the failures ``coursekit`` reports as one line with exit status 1
    (``ValueError`` covers ``NoFaceError`` and ``ImageError``; nothing of the pipeline is imported here).
    """
    from .options import COLOR_METHODS

    expected_errors = (CommandError, ValueError, FileNotFoundError, RuntimeError)

    image = commands.add_parser("faceswap", help="swap the face of one photo into another",
                                description="Swap the face of FACE onto the face in BODY; the result is marked as AI-generated.")
    image.add_argument("--src", required=True, metavar="FACE", help="photo whose face is used")
    image.add_argument("--dst", required=True, metavar="BODY", help="photo that receives the face")
    image.add_argument("--out", required=True, metavar="OUT", help="output image (.png with metadata, or .jpg)")
    image.add_argument("--blend", choices=("poisson", "alpha"), default="poisson", help="how the face is blended in")
    image.add_argument("--color-method", choices=COLOR_METHODS, default="rct", help="color correction with --correct-color")
    image.add_argument("--forehead", action="store_true", help="also replace the forehead (moves more of the identity)")
    image.add_argument("--face-index", type=int, default=0, help="which face of BODY when there are several (0 = largest)")
    image.add_argument("--src-face-index", type=int, default=0, help="which face of FACE (0 = largest)")
    _common(image)
    image.set_defaults(run=faceswap, expected_errors=expected_errors)

    video = commands.add_parser("faceswap-video", help="swap a face into every frame of a video",
                                description="Swap the face of FACE into a video or webcam stream; every frame is marked as AI-generated.")
    video.add_argument("--src-img", required=True, metavar="FACE", help="photo whose face is used")
    where = video.add_mutually_exclusive_group(required=True)
    where.add_argument("--video", metavar="VIDEO", help="input video file")
    where.add_argument("--camera", type=int, metavar="N", help="webcam index")
    video.add_argument("--out", required=True, metavar="OUT", help="output video (.mp4)")
    video.add_argument("--show", action="store_true", help="preview while working (headless builds print progress instead)")
    video.add_argument("--max-frames", type=int, default=None, help="stop after this many frames (needed for a webcam)")
    _common(video)
    video.set_defaults(run=faceswap_video, expected_errors=expected_errors)

    extract = commands.add_parser("faces-extract", help="aligned face crops and masks from a video (a face set)",
                                  description="Detect, align (Umeyama, full_face) and mask the face in a video's frames, "
                                              "the first step of an autoencoder deepfake. Use only videos of people who agreed.")
    extract.add_argument("--video", required=True, metavar="VIDEO", help="input video file")
    extract.add_argument("--out", required=True, metavar="DIR", help="folder for face_NNNNN.png, mask_NNNNN.png and faces.json")
    extract.add_argument("--size", type=int, choices=(64, 96, 128, 256), default=64, help="crop size in pixels")
    extract.add_argument("--every", type=int, default=1, help="use every N-th frame")
    extract.add_argument("--max-frames", type=int, default=None, help="stop after reading this many frames")
    extract.set_defaults(run=faces_extract, expected_errors=expected_errors)

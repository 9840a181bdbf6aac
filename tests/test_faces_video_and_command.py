"""Video swap with tracking, and the faceswap commands (every error one clear line)."""

import cv2
import numpy as np
import pytest
from PIL import Image

from coursekit import cli
from coursekit.datasets import portrait
from coursekit.faces import video
from coursekit.faces.watermark import detect_watermark, read_png_metadata


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return video.make_test_video(tmp_path_factory.mktemp("video") / "moving.mp4", seconds=1.0, fps=10)


def read_all(path):
    frames, fps = video.read_frames(path)
    return list(frames), fps


def test_test_video_moves_the_face(clip):
    frames, fps = read_all(clip)
    assert len(frames) == 10 and frames[0].shape == (480, 640, 3) and fps == 10
    assert np.abs(frames[0].astype(int) - frames[3]).mean() > 5  # it moves


def test_swap_video_writes_marked_frames(clip, tmp_path):
    out = tmp_path / "swapped.mp4"
    report = video.swap_video(portrait("collins"), clip, out, progress=False)
    assert report.frames == 10 and report.swapped == 10 and report.codec in video.CODECS
    frames, _ = read_all(out)
    assert len(frames) == 10
    assert all(detect_watermark(f).found for f in frames[::3])
    assert not list(tmp_path.glob(".*partial*"))


def test_tracker_keeps_the_face_through_a_missed_detection(clip):
    frames, _ = read_all(clip)
    tracker = video.FaceTracker()
    assert tracker.update(frames[0]) is not None
    tracker._detect = lambda rgb: None  # the detector misses the next frame
    fit = tracker.update(frames[1])
    assert fit is not None and tracker.misses == 1
    assert np.abs(fit.points - tracker.points).max() == 0


def test_tracker_smooths_small_jitter(clip):
    frames, _ = read_all(clip)
    tracker = video.FaceTracker(smoothing=0.5)
    first = tracker.update(frames[0]).points.copy()
    jittered = tracker.update(frames[0]).points  # same frame again: same landmarks
    np.testing.assert_allclose(jittered, first, atol=1e-9)


def test_video_errors(tmp_path, clip):
    with pytest.raises(FileNotFoundError, match="no video file"):
        video.read_frames(tmp_path / "none.mp4")
    with pytest.raises(TypeError, match="camera index"):
        video.read_frames(1.5)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        video.open_writer(tmp_path / "no" / "x.mp4", 10, (64, 64))
    with pytest.raises(ValueError, match="fps"):
        video.open_writer(tmp_path / "x.mp4", 0, (64, 64))
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(RuntimeError):
        video.swap_video(portrait("collins"), tmp_path / "empty.mp4", tmp_path / "o.mp4", progress=False)
    assert not (tmp_path / "o.mp4").exists()


@pytest.fixture
def photos(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Image.fromarray(portrait("collins")).save("collins.png")
    Image.fromarray(portrait("hopper")).save("hopper.jpg")
    return tmp_path


def run(capsys, *args):
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_faceswap_command_in_the_current_folder(photos, capsys):
    code, out, err = run(capsys, "faceswap", "--src", "collins.png", "--dst", "hopper.jpg", "--out", "out.png", "--correct-color")
    assert code == 0 and "wrote out.png" in out and not err
    written = np.asarray(Image.open("out.png").convert("RGB"))
    assert written.shape == (600, 512, 3) and detect_watermark(written).found
    assert read_png_metadata("out.png")["AI-Generated"] == "true"
    code, _, _ = run(capsys, "faceswap", "--src", "hopper.jpg", "--dst", "collins.png", "--out", "back.jpg", "--warp-2d", "--blend", "alpha")
    assert code == 0 and detect_watermark(np.asarray(Image.open("back.jpg"))).found


@pytest.mark.parametrize(
    "args, message",
    [
        (["--src", "none.png", "--dst", "hopper.jpg", "--out", "o.png"], "--src none.png: no such file"),
        (["--src", "collins.png", "--dst", "hopper.jpg", "--out", "nofolder/o.png"], "folder nofolder does not exist"),
        (["--src", "collins.png", "--dst", "hopper.jpg", "--out", "hopper.jpg"], "would overwrite an input"),
        (["--src", "collins.png", "--dst", "hopper.jpg", "--out", "o.gif"], "file types"),
        (["--src", "bad.png", "--dst", "hopper.jpg", "--out", "o.png"], "cannot read bad.png"),
        (["--src", "blank.png", "--dst", "hopper.jpg", "--out", "o.png"], "no face found in the source image"),
        (["--src", "collins.png", "--dst", "blank.png", "--out", "o.png"], "no face found in the destination image"),
    ],
    ids=["missing", "no-folder", "overwrite", "suffix", "unreadable", "no-face-src", "no-face-dst"],
)
def test_faceswap_errors_are_one_line(photos, capsys, args, message):
    (photos / "bad.png").write_text("not an image")
    Image.fromarray(np.full((200, 200, 3), 128, np.uint8)).save("blank.png")
    code, out, err = run(capsys, "faceswap", *args)
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1
    assert not (photos / "o.png").exists()


def test_faceswap_video_command(photos, capsys, clip):
    code, out, err = run(capsys, "faceswap-video", "--src-img", "collins.png", "--video", str(clip),
                         "--out", "swapped.mp4", "--correct-color", "--show", "--max-frames", "4")
    assert code == 0 and "4 frames" in out and "headless" in err
    code, _, err = run(capsys, "faceswap-video", "--src-img", "collins.png", "--video", str(clip), "--out", str(clip))
    assert code == 1 and "would overwrite" in err
    code, _, err = run(capsys, "faceswap-video", "--src-img", "collins.png", "--video", str(clip), "--out", "x.avi")
    assert code == 1 and ".mp4" in err


def test_help_is_english(capsys):
    with pytest.raises(SystemExit):
        cli.main(["faceswap", "--help"])
    text = capsys.readouterr().out
    assert "--correct-color" in text and "--warp-2d" in text and "--blend" in text
    assert not any("\uac00" <= ch <= "\ud7a3" for ch in text)


def test_tracker_resets_on_a_big_jump():
    from coursekit.faces.landmarks import face_landmarks

    face = cv2.resize(portrait("hopper"), (320, 375))
    left, right = (np.full((480, 800, 3), 128, np.uint8) for _ in range(2))
    left[50:425, 20:340] = face
    right[50:425, 460:780] = face  # the face jumps 440 pixels at once
    tracker = video.FaceTracker(smoothing=0.5)
    assert tracker.update(left) is not None
    fit = tracker.update(right)
    assert tracker.misses == 0 and fit.face.left > 400
    # no averaging with the old place: the landmarks are this frame's own
    np.testing.assert_allclose(fit.points, face_landmarks(right, fit.face))


def test_report_fps():
    assert video.VideoReport(frames=10, swapped=9, codec="mp4v", seconds=2.0).fps == 5.0
    assert video.VideoReport(frames=0, swapped=0, codec="mp4v", seconds=0.0).fps == 0.0

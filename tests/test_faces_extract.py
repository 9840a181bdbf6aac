"""Extraction: aligned 64 px crops with masks, from photos, puppet frames and a video (and its command)."""

import json

import cv2
import numpy as np
import pytest
import torch

from coursekit import cli
from coursekit.datasets import portrait
from coursekit.faces import extract, puppet, video
from coursekit.faces.align import template_in_crop, PADDING


@pytest.fixture(scope="module")
def collins_face():
    return extract.extract(portrait("collins"))


def test_a_crop_is_aligned_to_the_template_and_masked(collins_face):
    face = collins_face
    assert face.crop.shape == (64, 64, 3) and face.crop.dtype == np.uint8
    assert face.mask.shape == (64, 64) and 0.3 < face.mask.mean() < 0.9
    template = template_in_crop(64, PADDING["full_face"])
    assert np.linalg.norm(face.points - template, axis=1).mean() < 3.0  # pixels of 64
    # the matrix maps the image's landmarks onto the crop's
    mapped = face.image_points @ face.matrix[:, :2].T + face.matrix[:, 2]
    assert np.allclose(mapped, face.points)
    assert face.mask[int(face.points[30, 1]), int(face.points[30, 0])] == 1  # the nose tip is face


def test_crops_of_puppet_frames_look_alike_whatever_the_pose(collins_face):
    rgb = portrait("collins")
    frame = puppet.render(rgb, collins_face.image_points, puppet.Pose(yaw=0, roll=12, scale=0.9))
    turned = extract.extract(frame.image)
    # alignment undoes roll and scale: the faces (not the background, which stays put) nearly agree
    inside = collins_face.mask > 0.5
    assert np.abs(turned.crop.astype(float) - collins_face.crop)[inside].mean() < 8
    given = extract.extract(frame.image, points=frame.points)
    assert np.linalg.norm(given.points - turned.points, axis=1).mean() < 2.0


def test_frames_without_a_face_give_none_and_stack_makes_tensors(collins_face):
    faces = extract.extract_frames([portrait("collins"), np.full((200, 200, 3), 128, np.uint8)])
    assert faces[1] is None and faces[0] is not None
    crops, masks = extract.stack([faces[0], collins_face])
    assert crops.shape == (2, 3, 64, 64) and masks.shape == (2, 1, 64, 64)
    assert crops.dtype == torch.float32 and 0 <= float(crops.min()) and float(crops.max()) <= 1
    with pytest.raises(ValueError, match="AlignedFace"):
        extract.stack(faces)
    with pytest.raises(ValueError, match="non-empty"):
        extract.stack([])


def test_extract_video_writes_a_face_set(tmp_path, monkeypatch, capsys):
    clip = video.make_test_video(tmp_path / "clip.mp4", seconds=0.6, fps=10)
    report = extract.extract_video(clip, tmp_path / "set", every=2)
    assert report["frames_read"] == 3 and report["faces"] + report["no_face"] == 3 and report["faces"] >= 2
    written = json.loads((tmp_path / "set" / "faces.json").read_text())
    assert len(written["records"]) == report["faces"]
    crop = cv2.imread(str(tmp_path / "set" / "face_00000.png"))
    assert crop.shape == (64, 64, 3)
    assert cv2.imread(str(tmp_path / "set" / "mask_00000.png"), cv2.IMREAD_GRAYSCALE).max() == 255
    with pytest.raises(ValueError, match="every"):
        extract.extract_video(clip, tmp_path / "x", every=0)

    monkeypatch.chdir(tmp_path)
    assert cli.main(["faces-extract", "--video", "clip.mp4", "--out", "cmd", "--max-frames", "2"]) == 0
    out = capsys.readouterr().out
    assert "aligned 64x64 faces" in out and "agreed" in out and (tmp_path / "cmd" / "faces.json").is_file()
    assert cli.main(["faces-extract", "--video", "nothing.mp4", "--out", "cmd"]) == 1
    (tmp_path / "file").write_text("x")
    assert cli.main(["faces-extract", "--video", "clip.mp4", "--out", "file"]) == 1
    assert "is a file" in capsys.readouterr().err

"""Puppet face sets, merging a decoded face back, and the swap measures against ground truth."""

import numpy as np
import pytest
import torch

from coursekit.faces import merge, puppet, puppet_sets, swap_measures
from coursekit.faces.extract import extract
from coursekit.faces.identity import face_descriptor
from coursekit.faces.watermark import detect_watermark
from coursekit.models.face_swap_ae import FaceSwapAE


@pytest.fixture(scope="module")
def hopper_frame():
    rgb, points = puppet_sets.portrait_fit("hopper")
    frame = puppet.render(rgb, points, puppet.Pose(yaw=8, mouth=0.4))
    return frame, extract(frame.image)


def test_portrait_fits_are_cached_and_read_only():
    rgb, points = puppet_sets.portrait_fit("collins")
    assert puppet_sets.portrait_fit("collins")[0] is rgb and points.shape == (68, 2)
    with pytest.raises(ValueError):
        rgb[0, 0, 0] = 1
    with pytest.raises(ValueError, match="identity must be one of"):
        puppet_sets.portrait_fit("someone")


def test_face_sets_and_poses():
    faces, masks = puppet_sets.face_set("hopper", 3)
    assert faces.shape == (3, 3, 64, 64) and masks.shape == (3, 1, 64, 64)
    held = puppet_sets.held_out_poses(5)
    assert held == puppet_sets.held_out_poses(5) and len(set(held)) == 5
    train_rng = np.random.default_rng(puppet_sets.TRAIN_SEEDS["hopper"])
    assert puppet.random_pose(train_rng) != held[0]
    clip = puppet_sets.clip_poses(12, keys=3)
    assert clip[0] == puppet.Pose() and len(clip) == 12
    steps = [abs(a.yaw - b.yaw) for a, b in zip(clip, clip[1:])]
    assert max(steps) < 10  # smooth
    with pytest.raises(ValueError, match="keys"):
        puppet_sets.clip_poses(3, keys=5)
    with pytest.raises(ValueError, match="count"):
        puppet_sets.held_out_poses(0)


def test_merge_pastes_the_face_back_and_marks_the_frame(hopper_frame):
    frame, aligned = hopper_frame
    grey = np.full_like(aligned.crop, 128)
    merged = merge.merge_face(frame.image, aligned, grey, np.ones((64, 64), np.float32))
    changed = np.abs(merged.astype(int) - frame.image).sum(-1) > 30
    nose = frame.points[30].astype(int)
    assert changed[nose[1], nose[0]] and not changed[5:60, 5:60].any()  # the face, not the corner
    assert detect_watermark(merged).found
    same = merge.merge_face(frame.image, aligned, aligned.crop, np.ones((64, 64), np.float32), mark=False)
    assert np.abs(same.astype(int) - frame.image).mean() < 1.0  # its own crop back: (almost) nothing changes
    recolored = merge.merge_face(frame.image, aligned, grey, np.ones((64, 64), np.float32), color="rct", mark=False)
    assert abs(recolored[nose[1], nose[0]].astype(int) - frame.image[nose[1], nose[0]]).mean() < 60
    with pytest.raises(ValueError, match="color must be one of"):
        merge.merge_face(frame.image, aligned, grey, np.ones((64, 64)), color="lab")
    with pytest.raises(ValueError, match="empty"):
        merge.merge_face(frame.image, aligned, grey, np.zeros((64, 64)))
    with pytest.raises(ValueError, match="uint8 crop"):
        merge.merge_face(frame.image, aligned, grey[:32], np.ones((64, 64)))
    with pytest.raises(ValueError, match="erode"):
        merge.crop_mask(np.ones((64, 64)), aligned, erode=-1)


def test_the_ground_truth_itself_scores_perfectly(hopper_frame):
    frame, aligned = hopper_frame
    rgb, _ = puppet_sets.portrait_fit("hopper")
    collins, _ = puppet_sets.portrait_fit("collins")
    own = swap_measures.frame_measures(frame.image, aligned, frame.points, aligned, face_descriptor(rgb),
                                       face_descriptor(collins))
    assert own["ssim"] > 0.99 and own["psnr"] > 40
    assert own["to_source"] < 0.6 < own["to_destination"] and own["identity_pass"] == 1
    assert own["landmark_error"] < 0.03
    blank = swap_measures.frame_measures(np.full_like(frame.image, 90), aligned, frame.points, aligned,
                                         face_descriptor(rgb), face_descriptor(collins))
    assert blank["identity_pass"] == 0 and np.isnan(blank["landmark_error"]) and blank["ssim"] < 0.5


def test_measure_runs_both_methods_and_check_reads_the_bars():
    torch.manual_seed(0)
    model = FaceSwapAE(("hopper", "collins"))
    for decoder in model.decoders.values():
        torch.nn.init.constant_(decoder.mask.bias, 10.0)  # mask = 1: paste the whole crop
    per = swap_measures.measure_direction(model, "collins", "hopper", puppet_sets.held_out_poses(2),
                                          puppet_sets.clip_poses(3, keys=2))
    assert set(per) == {"ae", "landmark", "ae_flicker", "landmark_flicker"} and len(per["ae"]) == 2
    # an untrained decoder's output is no one, the landmark swap is a face with the destination's landmarks
    assert per["landmark"][0]["ssim"] > per["ae"][0]["ssim"]
    assert per["landmark"][0]["landmark_error"] < 0.05
    good = {f"{m}_{s}_on_{d}_{k}": v for m, s, d in [(m, *pair) for m in ("ae", "landmark")
                                                    for pair in (("hopper", "collins"), ("collins", "hopper"))]
            for k, v in (("identity_pass", 0.9), ("landmark_error", 0.03), ("ssim", 0.6 if m == "ae" else 0.5))}
    assert all(swap_measures.check(good).values()) and len(swap_measures.check(good)) == 6
    good["ae_collins_on_hopper_ssim"] = 0.4
    assert not swap_measures.check(good)["collins on hopper: masked SSIM above the landmark swap's"]

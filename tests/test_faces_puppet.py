"""The face puppet: poses move the landmarks as they say, render keeps the photo, bad input is refused."""

import dataclasses

import numpy as np
import pytest

from coursekit.datasets import portrait
from coursekit.faces import puppet, swap
from coursekit.faces.detect import choose_face
from coursekit.faces.landmarks import face_landmarks


@pytest.fixture(scope="module")
def collins():
    rgb = portrait("collins")
    return rgb, swap.fit_face(rgb).points


def _width(points):
    return np.linalg.norm(points[16] - points[0])


def test_the_default_pose_is_the_photo(collins):
    rgb, points = collins
    assert np.allclose(puppet.pose_landmarks(points, puppet.Pose()), points)
    frame = puppet.render(rgb, points, puppet.Pose())
    assert frame.image.shape == rgb.shape and frame.image.dtype == np.uint8
    assert np.abs(frame.image.astype(int) - rgb).mean() < 1.0


def test_yaw_moves_the_nose_tip_more_than_the_face_edge_and_the_right_way(collins):
    _, points = collins
    left = puppet.pose_landmarks(points, puppet.Pose(yaw=15))
    right = puppet.pose_landmarks(points, puppet.Pose(yaw=-15))
    nose_shift = left[30, 0] - points[30, 0]
    assert nose_shift > 0.05 * _width(points) and right[30, 0] < points[30, 0]
    # the far side of the face is squeezed: the jaw span shrinks
    assert _width(left) < _width(points)


def test_roll_and_scale_are_a_similarity_of_the_landmarks(collins):
    _, points = collins
    posed = puppet.pose_landmarks(points, puppet.Pose(roll=10, scale=0.9))
    eyes = posed[45] - posed[36]
    before = points[45] - points[36]
    turned = np.degrees(np.arctan2(eyes[1], eyes[0]) - np.arctan2(before[1], before[0]))
    assert turned == pytest.approx(10, abs=0.5)
    assert np.linalg.norm(eyes) / np.linalg.norm(before) == pytest.approx(0.9, rel=0.02)


def test_expressions_move_their_own_landmarks(collins):
    _, points = collins
    mouth = puppet.pose_landmarks(points, puppet.Pose(mouth=1))
    gap = lambda p: np.linalg.norm(p[66] - p[62])  # noqa: E731
    assert gap(mouth) - gap(points) > 0.08 * _width(points)
    assert np.allclose(mouth[17:48], points[17:48])  # brows, eyes and nose stay
    smile = puppet.pose_landmarks(points, puppet.Pose(smile=1))
    assert np.linalg.norm(smile[54] - smile[48]) > np.linalg.norm(points[54] - points[48])
    eyes = puppet.pose_landmarks(points, puppet.Pose(eyes=0.3))
    assert np.linalg.norm(eyes[37] - eyes[41]) < 0.5 * np.linalg.norm(points[37] - points[41])


def test_a_rendered_frame_is_found_again_where_its_pose_put_the_face(collins):
    rgb, points = collins
    frame = puppet.render(rgb, points, puppet.Pose(yaw=10, roll=-8, scale=0.95, mouth=0.6))
    found = face_landmarks(frame.image, choose_face(frame.image))
    error = np.linalg.norm(found - frame.points, axis=1).mean() / _width(frame.points)
    assert error < 0.05


def test_lighting_changes_colors_only(collins):
    rgb, points = collins
    plain = puppet.render(rgb, points, puppet.Pose()).image.astype(float)
    warm = puppet.render(rgb, points, puppet.Pose(warmth=1)).image.astype(float)
    assert (warm[..., 0] - plain[..., 0]).mean() > 5 and (warm[..., 2] - plain[..., 2]).mean() < -5
    lit = puppet.render(rgb, points, puppet.Pose(light=1)).image.astype(float)
    assert lit[:, -50:].mean() - plain[:, -50:].mean() > 5 and lit[:, :50].mean() < plain[:, :50].mean()


def test_frames_are_reproducible_and_keep_their_poses(collins):
    rgb, points = collins
    a, b = puppet.frames(rgb, points, 3, seed=4), puppet.frames(rgb, points, 3, seed=4)
    assert [f.pose for f in a] == [f.pose for f in b]
    assert all(np.array_equal(x.image, y.image) for x, y in zip(a, b))
    assert len({f.pose for f in a}) == 3
    for f in a:
        for name, (low, high) in puppet.LIMITS.items():
            assert low <= getattr(f.pose, name) <= high
    still = puppet.random_pose(np.random.default_rng(0), expression=False, lighting=False)
    assert (still.mouth, still.smile, still.eyes, still.brightness, still.light, still.warmth) == (0, 0, 1, 1, 0, 0)
    assert set(still.as_dict()) == {f.name for f in dataclasses.fields(puppet.Pose)}


@pytest.mark.parametrize("bad, message", [(dict(yaw=40), "yaw must be within"), (dict(mouth=-0.1), "mouth"),
                                          (dict(scale=float("nan")), "scale must be a number"),
                                          (dict(eyes=True), "eyes must be a number")])
def test_poses_outside_the_limits_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        puppet.Pose(**bad)


def test_bad_inputs_are_refused(collins):
    rgb, points = collins
    with pytest.raises(ValueError, match="68"):
        puppet.pose_landmarks(points[:60], puppet.Pose())
    with pytest.raises(ValueError, match="pose must be a Pose"):
        puppet.render(rgb, points, {"yaw": 3})
    with pytest.raises(ValueError, match="uint8"):
        puppet.render(rgb.astype(np.float32) / 255, points, puppet.Pose())
    with pytest.raises(ValueError, match="count"):
        puppet.frames(rgb, points, 0)
    with pytest.raises(ValueError, match="numpy Generator"):
        puppet.random_pose(3)

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from coursekit import color
from coursekit.images import ImageError

RNG = np.random.default_rng(0)
RANDOM = RNG.integers(0, 256, (128, 128, 3), dtype=np.uint8)
# every 5th level of every channel, so all the edge cases (grays, primaries, black, white) are in
CUBE = np.stack(np.meshgrid(*[np.arange(0, 256, 5)] * 3, indexing="ij"), -1).reshape(-1, 1, 3).astype(np.uint8)
HUE_OK = RANDOM.copy()
HUE_OK[..., 0] %= 180

uint8_images = arrays(np.uint8, st.tuples(st.integers(1, 12), st.integers(1, 12), st.just(3)))


def max_diff(a, b):
    return int(np.abs(np.asarray(a).astype(int) - np.asarray(b).astype(int)).max())


def opencv_lab_float(rgb):
    """OpenCV's exact (float) Lab, stored the 8-bit way: L*255/100, a+128, b+128."""
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    return np.rint(lab * [255 / 100, 1, 1] + [0, 128, 128])


def opencv_lab_to_rgb_float(lab):
    real = lab.astype(np.float32) * np.float32([100 / 255, 1, 1]) - np.float32([0, 128, 128])
    return np.rint(np.clip(cv2.cvtColor(real, cv2.COLOR_Lab2RGB), 0, 1) * 255)


@pytest.mark.parametrize("image", [RANDOM, CUBE], ids=["random", "cube"])
@pytest.mark.parametrize(
    "ours, code",
    [
        (color.rgb_to_gray, cv2.COLOR_RGB2GRAY),
        (color.rgb_to_hsv, cv2.COLOR_RGB2HSV),
        (color.rgb_to_ycrcb, cv2.COLOR_RGB2YCrCb),
        (color.ycrcb_to_rgb, cv2.COLOR_YCrCb2RGB),
    ],
    ids=["gray", "hsv", "ycrcb", "ycrcb_inverse"],
)
def test_matches_opencv_8bit_within_one(image, ours, code):
    expected = cv2.cvtColor(image, code)
    got = ours(image)
    assert got.dtype == np.uint8 and got.shape == expected.shape
    assert max_diff(got, expected) <= 1


@pytest.mark.parametrize("image", [HUE_OK, np.ascontiguousarray(CUBE[(CUBE[..., 0] < 180)][:, None])], ids=["random", "cube"])
def test_hsv_inverse_matches_opencv(image):
    assert max_diff(color.hsv_to_rgb(image), cv2.cvtColor(image, cv2.COLOR_HSV2RGB)) <= 1


@pytest.mark.parametrize("image", [RANDOM, CUBE], ids=["random", "cube"])
def test_lab_matches_opencv(image):
    # OpenCV's exact (float) path: within 1 on every channel, both directions
    assert max_diff(color.rgb_to_lab(image), opencv_lab_float(image)) <= 1
    assert max_diff(color.lab_to_rgb(image), opencv_lab_to_rgb_float(image)) <= 1
    # OpenCV's 8-bit path approximates with integer tables and differs from its own
    # float path by up to 3; we stay within that.
    assert max_diff(color.rgb_to_lab(image), cv2.cvtColor(image, cv2.COLOR_RGB2Lab)) <= 3
    assert max_diff(color.lab_to_rgb(image), cv2.cvtColor(image, cv2.COLOR_Lab2RGB)) <= 3


def test_known_values():
    pixels = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [0, 0, 0]]], np.uint8)
    np.testing.assert_array_equal(color.rgb_to_gray(pixels)[0], [76, 150, 29, 255, 0])
    np.testing.assert_array_equal(color.rgb_to_hsv(pixels)[0, :, 0], [0, 60, 120, 0, 0])  # 0, 120, 240 degrees / 2
    np.testing.assert_array_equal(color.rgb_to_hsv(pixels)[0, 3], [0, 0, 255])  # white: no hue, no saturation
    np.testing.assert_array_equal(color.rgb_to_lab(pixels)[0, 3], [255, 128, 128])  # white: L=100, a=b=0
    np.testing.assert_array_equal(color.rgb_to_lab(pixels)[0, 4], [0, 128, 128])


def test_hue_just_below_360_wraps_to_zero():
    # R max, B slightly above G: hue about 359 degrees, which rounds to 180 -> 0
    pixel = np.array([[[255, 0, 1]]], np.uint8)
    assert color.rgb_to_hsv(pixel)[0, 0, 0] == cv2.cvtColor(pixel, cv2.COLOR_RGB2HSV)[0, 0, 0]


@settings(max_examples=60, deadline=None)
@given(uint8_images)
def test_property_forward_matches_opencv(image):
    assert max_diff(color.rgb_to_gray(image), cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)) <= 1
    assert max_diff(color.rgb_to_hsv(image), cv2.cvtColor(image, cv2.COLOR_RGB2HSV)) <= 1
    assert max_diff(color.rgb_to_ycrcb(image), cv2.cvtColor(image, cv2.COLOR_RGB2YCrCb)) <= 1
    assert max_diff(color.rgb_to_lab(image), opencv_lab_float(image)) <= 1


@settings(max_examples=60, deadline=None)
@given(uint8_images)
def test_property_round_trips(image):
    # the 8-bit storage loses a little: hue is kept in 2-degree steps, YCrCb rounds once
    assert max_diff(color.ycrcb_to_rgb(color.rgb_to_ycrcb(image)), image) <= 2
    assert max_diff(color.hsv_to_rgb(color.rgb_to_hsv(image)), image) <= 4


@pytest.mark.parametrize("fn", [color.rgb_to_gray, color.rgb_to_hsv, color.rgb_to_ycrcb, color.rgb_to_lab,
                                color.hsv_to_rgb, color.ycrcb_to_rgb, color.lab_to_rgb])
def test_bad_input(fn):
    with pytest.raises(ImageError, match="uint8"):
        fn(np.zeros((4, 4, 3), np.float32))
    with pytest.raises(ImageError, match=r"\(H, W, 3\)"):
        fn(np.zeros((4, 4), np.uint8))
    with pytest.raises(TypeError):
        fn([[0, 0, 0]])


def test_hsv_to_rgb_rejects_hue_over_179():
    bad = np.zeros((2, 2, 3), np.uint8)
    bad[0, 0, 0] = 200
    with pytest.raises(ImageError, match="0..179"):
        color.hsv_to_rgb(bad)


def test_convert_channel_and_spaces():
    assert set(color.SPACES) == {"RGB", "HSV", "YCrCb", "Lab"}
    np.testing.assert_array_equal(color.convert(RANDOM, "RGB"), RANDOM)
    np.testing.assert_array_equal(color.convert(RANDOM, "Lab"), color.rgb_to_lab(RANDOM))
    np.testing.assert_array_equal(color.convert_back(color.convert(RANDOM, "RGB"), "RGB"), RANDOM)
    np.testing.assert_array_equal(color.convert_back(color.rgb_to_ycrcb(RANDOM), "YCrCb"), color.ycrcb_to_rgb(color.rgb_to_ycrcb(RANDOM)))
    np.testing.assert_array_equal(color.channel(RANDOM, "HSV", "S"), color.rgb_to_hsv(RANDOM)[..., 1])
    with pytest.raises(ValueError, match="RGB, HSV, YCrCb, Lab"):
        color.convert(RANDOM, "XYZ")
    with pytest.raises(ValueError, match="channels L, a, b"):
        color.channel(RANDOM, "Lab", "H")


def test_hsv_mask_matches_in_range():
    hsv = color.rgb_to_hsv(RANDOM)
    ours = color.hsv_mask(hsv, (10, 40), (50, 200), (30, 250))
    np.testing.assert_array_equal(ours, cv2.inRange(hsv, (10, 50, 30), (40, 200, 250)))
    assert ours.dtype == np.uint8 and set(np.unique(ours)) <= {0, 255}


def test_hsv_mask_wraps_hue():
    hsv = np.zeros((1, 180, 3), np.uint8)
    hsv[0, :, 0] = np.arange(180)
    hsv[..., 1:] = 255
    mask = color.hsv_mask(hsv, (170, 5))
    assert np.flatnonzero(mask[0]).tolist() == [0, 1, 2, 3, 4, 5] + list(range(170, 180))


def test_hsv_mask_bad_input():
    hsv = color.rgb_to_hsv(RANDOM)
    with pytest.raises(ValueError, match="0..179"):
        color.hsv_mask(hsv, (0, 200))
    with pytest.raises(ValueError, match="pair"):
        color.hsv_mask(hsv, 5)
    with pytest.raises(ValueError, match="low <= high"):
        color.hsv_mask(hsv, (0, 10), (200, 100))
    with pytest.raises(ImageError, match="uint8"):
        color.hsv_mask(hsv.astype(np.float32) / 255)


def test_apply_mask():
    mask = np.zeros(RANDOM.shape[:2], np.uint8)
    mask[:10] = 255
    out = color.apply_mask(RANDOM, mask)
    np.testing.assert_array_equal(out[:10], RANDOM[:10])
    assert not out[10:].any()
    with pytest.raises(ImageError, match="does not match"):
        color.apply_mask(RANDOM, mask[:5])

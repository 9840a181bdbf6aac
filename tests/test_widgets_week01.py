import numpy as np
import pytest

from coursekit import color
from coursekit.widgets.base import encode_png, fit
from coursekit.widgets.week01 import ColorSpaceExplorer, HsvThreshold, stretch

RNG = np.random.default_rng(0)
SMALL = {"noise": RNG.integers(0, 256, (40, 60, 3), dtype=np.uint8), "flat": np.full((30, 30, 3), 90, np.uint8)}


def test_explorer_redraws_on_every_knob():
    explorer = ColorSpaceExplorer(SMALL, size=64)
    seen = {explorer.image.value}
    explorer.space.value = "Lab"
    assert explorer.channel.options == ("L", "a", "b") and explorer.channel.value == "L"
    seen.add(explorer.image.value)
    explorer.channel.value = "b"
    seen.add(explorer.image.value)
    explorer.stretched.value = False
    seen.add(explorer.image.value)
    explorer.photo.value = "flat"
    seen.add(explorer.image.value)
    assert len(seen) == 5
    assert "Lab의 b 채널" in explorer.status.value


def test_explorer_render_shows_the_channel():
    explorer = ColorSpaceExplorer(SMALL, size=60)
    explorer.space.value = "HSV"
    explorer.channel.value = "V"
    explorer.stretched.value = False
    frame = explorer.render()
    rgb = fit(SMALL["noise"], 60)
    assert frame.shape == (rgb.shape[0], 2 * rgb.shape[1], 3)
    np.testing.assert_array_equal(frame[:, : rgb.shape[1]], rgb)
    np.testing.assert_array_equal(frame[:, rgb.shape[1]:, 0], color.rgb_to_hsv(rgb)[..., 2])


def test_explorer_repr_and_mimebundle():
    explorer = ColorSpaceExplorer(SMALL, size=32)
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"].startswith("ColorSpaceExplorer(이미지='noise'")
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_threshold_mask_and_wrap():
    widget = HsvThreshold(SMALL, size=60, hue=(20, 60), saturation=(0, 255), value=(0, 255))
    hsv = color.rgb_to_hsv(fit(SMALL["noise"], 60))
    np.testing.assert_array_equal(widget.mask(), color.hsv_mask(hsv, (20, 60)))
    before = widget.image.value
    widget.wrap.value = True
    assert widget.image.value != before
    np.testing.assert_array_equal(widget.mask(), 255 - color.hsv_mask(hsv, (20, 60)))
    np.testing.assert_array_equal(widget.mask(), color.hsv_mask(hsv, (61, 19)))
    assert "선택된 픽셀" in widget.status.value


def test_threshold_wrap_of_the_full_circle_selects_nothing():
    widget = HsvThreshold(SMALL, size=60, hue=(0, 179), saturation=(0, 255), value=(0, 255))
    assert widget.mask().all()
    widget.wrap.value = True
    assert not widget.mask().any()
    assert "0.0%" in widget.status.value


def test_threshold_frame_has_three_panels():
    widget = HsvThreshold(SMALL, size=50)
    frame = widget.update()
    assert frame.shape[1] == 3 * fit(SMALL["noise"], 50).shape[1]


def test_default_photos_load():
    explorer = ColorSpaceExplorer(size=64)
    assert explorer.photo.options[0] == "coffee"


def test_bad_input():
    with pytest.raises(TypeError, match="dict"):
        ColorSpaceExplorer([SMALL["noise"]])
    with pytest.raises(ValueError, match="size"):
        ColorSpaceExplorer(SMALL, size=4)
    with pytest.raises(ValueError, match="uint8"):
        encode_png(np.zeros((4, 4, 3), np.float32))


def test_stretch():
    gray = np.array([[10, 20], [30, 10]], np.uint8)
    np.testing.assert_array_equal(stretch(gray), [[0, 128], [255, 0]])
    flat = np.full((2, 2), 7, np.uint8)
    np.testing.assert_array_equal(stretch(flat), flat)

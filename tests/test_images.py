import matplotlib

matplotlib.use("Agg")

import cv2
import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from PIL import Image

from coursekit import images
from coursekit.images import BGRImage, ImageError


@pytest.fixture
def rgb():
    return np.random.default_rng(0).integers(0, 256, (6, 8, 3), dtype=np.uint8)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_load_array_is_canonical(rgb):
    out = images.load(rgb)
    assert out.dtype == np.uint8 and out.shape == (6, 8, 3)
    np.testing.assert_array_equal(out, rgb)


def test_load_float_array_and_as_float(rgb):
    as_float = rgb.astype(np.float32) / 255
    np.testing.assert_array_equal(images.load(as_float), rgb)
    out = images.load(rgb, as_float=True)
    assert out.dtype == np.float32 and 0 <= out.min() and out.max() <= 1
    np.testing.assert_allclose(out * 255, rgb, atol=1e-4)


def test_load_gray_becomes_three_equal_channels():
    gray = np.arange(12, dtype=np.uint8).reshape(3, 4)
    out = images.load(gray)
    assert out.shape == (3, 4, 3)
    assert (out[..., 0] == gray).all() and (out[..., 2] == gray).all()
    assert images.load(gray[..., None]).shape == (3, 4, 3)


def test_load_path_and_pil(tmp_path, rgb):
    path = tmp_path / "x.png"
    Image.fromarray(rgb).save(path)
    np.testing.assert_array_equal(images.load(path), rgb)
    np.testing.assert_array_equal(images.load(str(path)), rgb)
    np.testing.assert_array_equal(images.load(Image.fromarray(rgb)), rgb)


def test_load_pil_gray_and_palette(rgb):
    assert images.load(Image.fromarray(rgb).convert("L")).shape == (6, 8, 3)
    assert images.load(Image.fromarray(rgb).convert("P")).shape == (6, 8, 3)


def test_load_alpha_needs_consent(rgb):
    rgba = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    np.testing.assert_array_equal(images.load(rgba), rgb)  # fully opaque: nothing lost
    rgba[0, 0, 3] = 10
    with pytest.raises(ImageError, match="drop_alpha=True"):
        images.load(rgba)
    np.testing.assert_array_equal(images.load(rgba, drop_alpha=True), rgb)
    with pytest.raises(ImageError, match="drop_alpha"):
        images.load(Image.fromarray(rgba))


def test_load_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no image file"):
        images.load(tmp_path / "missing.png")
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    with pytest.raises(ImageError, match="cannot read"):
        images.load(bad)
    with pytest.raises(TypeError, match="file path, a numpy array or a PIL image"):
        images.load(42)
    with pytest.raises(ImageError, match=r"values in \[-0.5"):
        images.load(np.full((2, 2, 3), -0.5))
    with pytest.raises(ImageError, match="dtype int64"):
        images.load(np.zeros((2, 2, 3), np.int64))
    with pytest.raises(ImageError, match="color image"):
        images.load(np.zeros((2, 2, 5), np.uint8))


def test_check_image_messages():
    with pytest.raises(ImageError, match="grayscale"):
        images.check_image(np.zeros((4, 4), np.uint8), channels=3)
    with pytest.raises(ImageError, match="gray image"):
        images.check_image(np.zeros((4, 4, 3), np.uint8), channels=1)
    with pytest.raises(ImageError, match="NaN"):
        images.check_image(np.full((2, 2, 3), np.nan, np.float32))
    with pytest.raises(ImageError, match="empty"):
        images.check_image(np.zeros((0, 4, 3), np.uint8))
    with pytest.raises(TypeError, match="numpy array"):
        images.check_image([[1, 2]])
    with pytest.raises(ValueError, match="channels must be"):
        images.check_image(np.zeros((4, 4, 3), np.uint8), channels=2)


def test_to_uint8_and_to_float_round_trip(rgb):
    np.testing.assert_array_equal(images.to_uint8(images.to_float(rgb)), rgb)
    with pytest.raises(ImageError, match="nothing is clipped"):
        images.to_uint8(np.full((2, 2), 1.5))


def test_bgr_round_trip_matches_opencv(rgb):
    bgr = images.to_bgr(rgb)
    assert isinstance(bgr, BGRImage)
    np.testing.assert_array_equal(np.asarray(bgr), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    back = images.to_rgb(bgr)
    assert type(back) is np.ndarray
    np.testing.assert_array_equal(back, rgb)
    assert isinstance(bgr[1:3], BGRImage)  # views keep the tag


def test_bgr_guards(rgb):
    bgr = images.to_bgr(rgb)
    with pytest.raises(ImageError, match="already in BGR"):
        images.to_bgr(bgr)
    with pytest.raises(ImageError, match="to_rgb"):
        images.show(bgr)
    with pytest.raises(ImageError, match="to_rgb"):
        images.load(bgr)
    with pytest.raises(ImageError, match="color image"):
        images.to_rgb(np.zeros((3, 3), np.uint8))


def test_read_bgr(tmp_path, rgb):
    path = tmp_path / "x.png"
    Image.fromarray(rgb).save(path)
    bgr = images.read_bgr(path)
    assert isinstance(bgr, BGRImage)
    np.testing.assert_array_equal(images.to_rgb(bgr), rgb)
    with pytest.raises(FileNotFoundError):
        images.read_bgr(tmp_path / "nope.png")
    (tmp_path / "bad.png").write_bytes(b"xx")
    with pytest.raises(ImageError, match="cannot read"):
        images.read_bgr(tmp_path / "bad.png")


def test_gray_to_rgb_rejects_color(rgb):
    with pytest.raises(ImageError):
        images.gray_to_rgb(rgb)


def test_grid_draws_titles_and_mixed_inputs(rgb):
    tensor = torch.rand(1, 5, 5)
    fig = images.grid([rgb, rgb[..., 0], tensor, rgb > 100], ["a", "b", "c", "d"], ncols=3)
    axes = fig.axes
    assert len(axes) == 6  # 2 rows x 3, the empty ones switched off
    assert [ax.get_title() for ax in axes[:4]] == ["a", "b", "c", "d"]
    assert not axes[4].axison and not axes[5].axison


def test_grid_per_image_colormaps_and_ranges(rgb):
    fig = images.grid([rgb[..., 0], rgb[..., 1]], cmap=["gray", "hsv"], vrange=[None, (0, 180)])
    assert fig.axes[1].images[0].get_clim() == (0, 180)
    assert fig.axes[0].images[0].get_clim() == (0, 255)
    with pytest.raises(ValueError, match="one value"):
        images.grid([rgb, rgb], cmap=["gray"])


def test_grid_with_a_range_draws_signed_float_images_but_not_nan():
    weights = np.linspace(-2.0, 3.0, 25).reshape(5, 5)
    fig = images.grid([weights, torch.from_numpy(weights)], vrange=(-3.0, 3.0), cmap="RdBu_r")
    assert fig.axes[0].images[0].get_clim() == (-3.0, 3.0)
    with pytest.raises(images.ImageError, match="float images must lie in"):
        images.grid([weights, weights])  # without a range, [0, 1] is still required
    with pytest.raises(images.ImageError, match="NaN"):
        images.grid([weights, np.full((5, 5), np.nan)], vrange=(0.0, 1.0))


def test_grid_accepts_a_tensor_batch():
    fig = images.grid(torch.rand(4, 1, 7, 7), ncols=2)
    assert len(fig.axes) == 4


def test_grid_bad_input(rgb):
    with pytest.raises(ValueError, match="one title per image"):
        images.grid([rgb, rgb], ["only one"])
    with pytest.raises(ValueError, match="single RGB image"):
        images.grid(rgb)
    with pytest.raises(ValueError, match="at least one"):
        images.grid([])
    with pytest.raises(ValueError, match="ncols"):
        images.grid([rgb], ncols=0)
    with pytest.raises(TypeError, match="list"):
        images.grid("abc")


def test_show_single_image_and_title(rgb, monkeypatch):
    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    images.show(rgb, "only")
    assert shown and shown[0].axes[0].get_title() == "only"


def test_mosaic_places_tiles_in_rows_with_gaps():
    import torch

    from coursekit.images import mosaic

    tiles = torch.stack([torch.full((1, 2, 3), float(i) / 4) for i in range(5)])
    out = mosaic(tiles, 3, gap=1, fill=0.9)
    assert out.shape == (2 * 2 + 1, 3 * 3 + 2)
    assert out[0, 0] == 0 and out[0, 4] == np.float32(0.25) and out[3, 4] == np.float32(1.0)
    assert out[2, 0] == np.float32(0.9) and out[3, 8] == np.float32(0.9)  # the gap row and the missing sixth tile
    assert mosaic(np.zeros((2, 4, 4)), 2, gap=0).shape == (4, 8)
    with pytest.raises(ValueError, match="gray images"):
        mosaic(np.zeros((2, 3, 4, 4)), 2)
    with pytest.raises(ValueError, match="ncols"):
        mosaic(tiles, 0)


def test_draw_mosaic_draws_one_gray_picture_on_given_or_new_axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from coursekit.images import draw_mosaic, mosaic

    tiles = np.random.default_rng(0).random((6, 28, 28))
    ax = draw_mosaic(tiles, 3, title="six")
    assert ax.get_title() == "six" and not ax.axison
    np.testing.assert_array_equal(ax.images[0].get_array(), mosaic(tiles, 3))
    assert ax.figure.get_figwidth() == pytest.approx(0.55 * 3)
    _, given = plt.subplots()
    assert draw_mosaic(tiles, 2, ax=given) is given
    with pytest.raises(ValueError, match="gray images"):
        draw_mosaic(np.zeros((2, 3, 4, 4)), 2)
    plt.close("all")

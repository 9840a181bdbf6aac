"""Tests of coursekit.faces.watermark: visible label, invisible mark, PNG metadata."""

import cv2
import numpy as np
import pytest
from PIL import Image

from coursekit.datasets import photo, photos, portrait
from coursekit.faces import watermark as wm
from coursekit.images import ImageError

INTER = {"area": cv2.INTER_AREA, "linear": cv2.INTER_LINEAR}


def _frame_640x480() -> np.ndarray:
    crop = photo("motorcycle")[:, :667]  # 500x667 is 4:3
    return cv2.resize(crop, (640, 480), interpolation=cv2.INTER_AREA)


def _load(name: str) -> np.ndarray:
    if name == "frame":
        return _frame_640x480()
    if name in ("hopper", "collins"):
        return portrait(name)
    return photo(name)


TEST_IMAGES = ["coffee", "chelsea", "hopper", "collins", "frame"]


@pytest.fixture(scope="module", params=TEST_IMAGES)
def pair(request):
    """(original, marked) for each test photo."""
    original = _load(request.param)
    return original, wm.embed_watermark(original)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float(10 * np.log10(255.0**2 / mse))


def jpeg(rgb: np.ndarray, quality: int = 75) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.cvtColor(cv2.imdecode(buf, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def rescale(rgb: np.ndarray, factor: float, interpolation: int) -> np.ndarray:
    height, width = rgb.shape[:2]
    size = (round(width * factor), round(height * factor))
    return cv2.resize(rgb, size, interpolation=interpolation)


def assert_detected(rgb: np.ndarray, min_accuracy: float = 0.97) -> None:
    result = wm.detect_watermark(rgb)
    assert result.found, result
    assert result.bit_accuracy >= min_accuracy, result


# --- the invisible mark ---------------------------------------------------------


def test_payload_and_parameters():
    assert isinstance(wm.PAYLOAD, bytes) and len(wm.PAYLOAD) == 4
    assert wm.REPEATS * 32 == wm.N_BLOCKS
    assert 0.5 < wm.THRESHOLD <= 1.0


def test_embed_keeps_shape_dtype_is_deterministic_and_copies(pair):
    original, marked = pair
    before = original.copy()
    again = wm.embed_watermark(original)
    assert marked.shape == original.shape and marked.dtype == np.uint8
    np.testing.assert_array_equal(marked, again)
    np.testing.assert_array_equal(original, before)
    assert not np.array_equal(marked, original)


def test_embed_changes_only_luma(pair):
    original, marked = pair
    crcb = lambda rgb: cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb)[:, :, 1:].astype(int)  # noqa: E731
    # Rounding to uint8 moves chroma by at most a level or two; away from clipping it is 0.
    assert np.abs(crcb(marked) - crcb(original)).mean() < 0.5


def test_invisible_psnr_at_least_38_db(pair):
    original, marked = pair
    value = psnr(original, marked)
    print(f"PSNR {original.shape}: {value:.2f} dB")
    assert value >= 38.0


def test_detects_clean_mark_and_decodes_payload(pair):
    result = wm.detect_watermark(pair[1])
    assert result == wm.WatermarkResult(True, 1.0, wm.PAYLOAD)


def test_survives_jpeg_75(pair):
    assert_detected(jpeg(pair[1], 75))


@pytest.mark.parametrize(
    "factor, interpolation",
    [(0.9, "area"), (0.9, "linear"), (1.1, "area"), (1.1, "linear")],
)
def test_survives_10_percent_resize(pair, factor, interpolation):
    assert_detected(rescale(pair[1], factor, INTER[interpolation]))


def test_survives_resize_then_jpeg_75(pair):
    assert_detected(jpeg(rescale(pair[1], 0.9, cv2.INTER_AREA), 75))


@pytest.mark.parametrize("size", [(64, 64), (65, 97), (128, 128), (300, 451)])
def test_small_and_odd_sizes(size):
    original = cv2.resize(photo("chelsea"), size[::-1], interpolation=cv2.INTER_AREA)
    marked = wm.embed_watermark(original)
    assert marked.shape == original.shape
    assert wm.detect_watermark(marked).found


def test_other_payload_is_a_different_mark():
    marked = wm.embed_watermark(photo("coffee"), payload=b"TEST")
    assert wm.detect_watermark(marked, payload=b"TEST") == wm.WatermarkResult(True, 1.0, b"TEST")
    result = wm.detect_watermark(marked)  # checked against the default payload
    assert result.payload == b"TEST" and not result.found


UNMARKED = [
    "astronaut", "coffee", "chelsea", "rocket", "hubble", "ihc",
    "motorcycle", "camera", "coins", "moon", "china", "flower",
]  # fmt: skip


@pytest.mark.parametrize("name", UNMARKED)
def test_unmarked_photos_are_not_found(name):
    assert name in photos()
    result = wm.detect_watermark(photo(name))
    print(f"unmarked {name}: bit_accuracy {result.bit_accuracy:.3f}")
    assert not result.found
    assert result.bit_accuracy < wm.THRESHOLD


@pytest.mark.parametrize("seed", range(5))
def test_unmarked_noise_and_portrait_are_not_found(seed):
    noise = np.random.default_rng(seed).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    assert not wm.detect_watermark(noise).found
    assert not wm.detect_watermark(jpeg(portrait("hopper"), 60 + 5 * seed)).found


# --- the visible label --------------------------------------------------------


def _changed_box(before: np.ndarray, after: np.ndarray):
    ys, xs = np.nonzero(np.any(before != after, axis=2))
    return ys.min(), ys.max(), xs.min(), xs.max()


@pytest.mark.parametrize("corner", wm.CORNERS)
def test_label_drawn_in_that_corner_only(corner):
    image = _frame_640x480()
    labeled = wm.add_visible_label(image, corner=corner)
    top, bottom, left, right = _changed_box(image, labeled)
    height, width = image.shape[:2]
    if corner.startswith("top"):
        assert bottom < height // 4
    else:
        assert top > 3 * height // 4
    if corner.endswith("left"):
        assert right < width // 2
    else:
        assert left > width // 2


def test_label_is_dark_box_with_white_text_and_readable_on_128px():
    image = np.full((128, 128, 3), 200, np.uint8)
    labeled = wm.add_visible_label(image)
    top, bottom, left, right = _changed_box(image, labeled)
    assert bottom - top + 1 >= 12  # box tall enough for ~9 px letters
    assert right - left + 1 >= 80
    box = labeled[top : bottom + 1, left : right + 1]
    assert (box > 200).all(axis=2).sum() >= 40  # white (anti-aliased) text
    assert np.median(box) < 100  # on a dark box


def test_label_grows_with_image_and_fits_64px():
    small = wm.add_visible_label(np.zeros((64, 64, 3), np.uint8) + 128)
    large = np.zeros((1080, 1920, 3), np.uint8) + 128
    top, bottom, left, right = _changed_box(large, wm.add_visible_label(large))
    assert bottom - top > 30
    assert small.shape == (64, 64, 3)


def test_bad_corner_lists_the_choices():
    with pytest.raises(ValueError, match="top-left, top-right, bottom-left, bottom-right"):
        wm.add_visible_label(photo("coffee"), corner="center")
    with pytest.raises(ValueError, match="top-left"):
        wm.mark_ai_generated(photo("coffee"), corner=None)


@pytest.mark.parametrize("corner", wm.CORNERS)
def test_mark_ai_generated_is_labeled_and_detected(corner):
    image = _load("hopper")
    marked = wm.mark_ai_generated(image, corner=corner)
    label_only = wm.add_visible_label(image, corner=corner)
    assert psnr(label_only, marked) >= 38.0
    assert_detected(marked, 1.0)
    assert_detected(jpeg(marked, 75))


# --- PNG files ----------------------------------------------------------------


def test_png_round_trip_keeps_metadata_and_mark(tmp_path):
    marked = wm.mark_ai_generated(_frame_640x480())
    path = wm.save_png_with_metadata(tmp_path / "out.png", marked)
    assert path == tmp_path / "out.png"
    meta = wm.read_png_metadata(path)
    assert meta["AI-Generated"] == "true" and meta["Software"] == "coursekit"
    loaded = np.asarray(Image.open(path).convert("RGB"))
    np.testing.assert_array_equal(loaded, marked)
    assert_detected(loaded, 1.0)
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]  # no temp file left


def test_save_png_overwrites_and_accepts_str(tmp_path):
    path = tmp_path / "frame.png"
    path.write_bytes(b"old")
    wm.save_png_with_metadata(str(path), wm.mark_ai_generated(photo("chelsea")))
    assert wm.read_png_metadata(path)["AI-Generated"] == "true"


def test_save_png_refuses_missing_folder_and_other_suffix(tmp_path):
    image = wm.mark_ai_generated(photo("chelsea"))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        wm.save_png_with_metadata(tmp_path / "missing" / "out.png", image)
    with pytest.raises(ValueError, match=r"\.png"):
        wm.save_png_with_metadata(tmp_path / "out.jpg", image)
    assert list(tmp_path.iterdir()) == []


def test_read_png_metadata_of_plain_png_is_empty(tmp_path):
    path = tmp_path / "plain.png"
    Image.fromarray(photo("chelsea")).save(path)
    assert wm.read_png_metadata(path) == {}


# --- bad inputs -----------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, error, message",
    [
        (np.zeros((100, 100, 3), np.float32), ImageError, "uint8"),
        (np.zeros((100, 100), np.uint8), ImageError, "grayscale"),
        (np.zeros((100, 100, 1), np.uint8), ImageError, r"\(H, W, 3\)"),
        (np.zeros((100, 100, 4), np.uint8), ImageError, "RGBA"),
        (np.zeros((100, 100, 3), np.int32), ImageError, "uint8"),
        (np.zeros((63, 200, 3), np.uint8), ImageError, "at least 64x64"),
        ([[0, 0, 0]], TypeError, "numpy array"),
    ],
)
@pytest.mark.parametrize(
    "function",
    [wm.embed_watermark, wm.detect_watermark, wm.add_visible_label, wm.mark_ai_generated],
)
def test_bad_images_raise_clear_errors(function, bad, error, message):
    with pytest.raises(error, match=message):
        function(bad)


def test_save_png_checks_the_image(tmp_path):
    with pytest.raises(ImageError, match="uint8"):
        wm.save_png_with_metadata(tmp_path / "x.png", np.zeros((80, 80, 3), np.float64))


@pytest.mark.parametrize(
    "payload, error, message",
    [
        (b"abc", ValueError, "exactly 4 bytes"),
        (b"abcde", ValueError, "exactly 4 bytes"),
        ("CKAI", TypeError, "bytes"),
    ],
)
def test_bad_payload_raises(payload, error, message):
    image = photo("chelsea")
    with pytest.raises(error, match=message):
        wm.embed_watermark(image, payload)
    with pytest.raises(error, match=message):
        wm.detect_watermark(image, payload)


@pytest.mark.parametrize("gain, offset", [(1.0, 3.0), (1.0, -2.0), (0.97, 0.0), (1.03, 2.0)])
def test_survives_brightness_and_contrast_shifts(gain, offset):
    marked = wm.embed_watermark(portrait("hopper"))
    shifted = np.clip(marked.astype(np.float64) * gain + offset, 0, 255).astype(np.uint8)
    assert wm.detect_watermark(shifted).found


def test_survives_an_mp4_round_trip(tmp_path):
    import cv2

    frame = wm.embed_watermark(cv2.resize(portrait("hopper"), (640, 480)))
    path = tmp_path / "marked.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (640, 480))
    for _ in range(3):
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()
    capture = cv2.VideoCapture(str(path))
    ok, decoded = capture.read()
    capture.release()
    assert ok
    assert wm.detect_watermark(cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB)).found

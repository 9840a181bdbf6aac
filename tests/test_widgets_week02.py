import cv2
import numpy as np
import pytest
import torch

from coursekit import color, filters
from coursekit.datasets import digits
from coursekit.models.classifier import DigitClassifier
from coursekit.widgets.base import fit
from coursekit.widgets.week02 import CUSTOM, PRESETS, FeatureMapViewer, KernelEditor, SlidingWindow

RNG = np.random.default_rng(0)
SMALL = {"noise": RNG.integers(0, 256, (40, 60, 3), dtype=np.uint8), "flat": np.full((30, 30, 3), 90, np.uint8)}


def assert_rgb(frame):
    assert frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[2] == 3


def halves(frame):
    width = frame.shape[1] // 2
    return frame[:, :width], frame[:, width:]


# --- KernelEditor ----------------------------------------------------------------------


def test_identity_preset_shows_the_original_twice():
    editor = KernelEditor(SMALL, size=64)
    editor.preset.value = "identity"
    frame = editor.update()
    assert_rgb(frame)
    original, filtered = halves(frame)
    np.testing.assert_array_equal(original, fit(SMALL["noise"], 64))
    np.testing.assert_array_equal(filtered, original)
    assert "커널 합 1" in editor.status.value and "'항등'" in editor.status.value


def test_preset_fills_the_cells():
    editor = KernelEditor(SMALL, size=64)
    editor.preset.value = "sobel_x"
    np.testing.assert_array_equal(editor.kernel(), filters.KERNELS["sobel_x"])
    cells = np.array([c.value for c in editor.cells]).reshape(5, 5)
    np.testing.assert_array_equal(cells[1:4, 1:4], filters.KERNELS["sobel_x"])
    assert not cells[0].any() and not cells[:, 0].any()  # the unused ring is cleared
    assert editor.kernel_size.value == 3
    assert "커널 합 0" in editor.status.value
    editor.preset.value = "gaussian5"
    assert editor.kernel_size.value == 5
    np.testing.assert_allclose(editor.kernel(), filters.gaussian_kernel(5, 1.0))
    assert all(not c.disabled and c.layout.visibility == "visible" for c in editor.cells)


@pytest.mark.parametrize("preset", ["sobel_y", "box5", "gaussian5", "laplacian", "identity"])
def test_a_preset_change_redraws_once(preset, count_updates):
    editor = KernelEditor(SMALL, size=64)
    editor.preset.value = "box5" if preset != "box5" else "emboss"
    calls = count_updates(editor)
    before = editor.image.value
    editor.preset.value = preset
    assert len(calls) == 1
    assert editor.image.value != before
    assert editor.preset.value == preset  # filling the cells did not switch to "직접 입력"


def test_editing_a_cell_switches_to_the_free_kernel(count_updates):
    editor = KernelEditor(SMALL, size=64)
    editor.preset.value = "identity"
    calls = count_updates(editor)
    before = editor.image.value
    editor.cells[12].value = 2.0  # the centre
    assert len(calls) == 1
    assert editor.preset.value == CUSTOM
    assert editor.image.value != before
    expected = np.zeros((3, 3))
    expected[1, 1] = 2
    np.testing.assert_array_equal(editor.kernel(), expected)
    _, filtered = halves(editor.render())
    np.testing.assert_array_equal(filtered, filters.filter_image(fit(SMALL["noise"], 64), expected))
    assert "직접 입력" in editor.status.value and "커널 합 2" in editor.status.value


def test_3x3_mode_ignores_the_outer_cells(count_updates):
    editor = KernelEditor(SMALL, size=64)
    editor.preset.value = "box"
    assert [c.disabled for c in editor.cells].count(False) == 9
    assert editor.cells[0].layout.visibility == "hidden" and editor.cells[6].layout.visibility == "visible"
    calls = count_updates(editor)
    before = editor.image.value
    editor.cells[0].value = 100.0  # a corner: outside the 3x3 kernel
    assert calls == [] and editor.image.value == before
    assert editor.preset.value == "box"
    np.testing.assert_array_equal(editor.kernel(), filters.KERNELS["box"])
    editor.kernel_size.value = 5  # now the corner counts: a different kernel, one redraw
    assert len(calls) == 1 and editor.preset.value == CUSTOM
    assert editor.kernel()[0, 0] == 100 and editor.image.value != before
    editor.kernel_size.value = 3
    np.testing.assert_array_equal(editor.kernel(), filters.KERNELS["box"])
    assert len(calls) == 2


@pytest.mark.parametrize("gray", [False, True])
@pytest.mark.parametrize("normalize", ["clip", "abs", "minmax"])
def test_the_picture_is_filter_image(normalize, gray):
    editor = KernelEditor(SMALL, size=64)
    editor.preset.value = "sobel_y"
    editor.gray.value = gray
    editor.normalize.value = normalize
    frame = editor.update()
    assert_rgb(frame)
    rgb = fit(SMALL["noise"], 64)
    source = color.rgb_to_gray(rgb) if gray else rgb
    expected = filters.filter_image(source, filters.KERNELS["sobel_y"], normalize=normalize)
    original, filtered = halves(frame)
    if gray:
        for channel in range(3):
            np.testing.assert_array_equal(original[..., channel], source)
            np.testing.assert_array_equal(filtered[..., channel], expected)
    else:
        np.testing.assert_array_equal(original, source)
        np.testing.assert_array_equal(filtered, expected)
    assert normalize in editor.status.value


def test_display_and_gray_knobs_redraw():
    editor = KernelEditor(SMALL, size=64)
    editor.preset.value = "laplacian"
    seen = {editor.image.value}
    for normalize in ("abs", "minmax"):
        editor.normalize.value = normalize
        seen.add(editor.image.value)
    editor.gray.value = True
    seen.add(editor.image.value)
    editor.photo.value = "flat"
    seen.add(editor.image.value)
    assert len(seen) == 5
    assert "흑백 원본" in editor.status.value
    assert "모두 같은 값" in editor.status.value  # a flat photo under a Laplacian, stretched


def test_caption_reports_clipping():
    editor = KernelEditor(SMALL, size=64)
    editor.preset.value = "sharpen"
    editor.normalize.value = "clip"
    assert "0 미만" in editor.status.value and "255 초과" in editor.status.value
    editor.normalize.value = "abs"
    assert "부호를 뒤집고" in editor.status.value


def test_set_kernel_redraws_once(count_updates):
    editor = KernelEditor(SMALL, size=64)
    calls = count_updates(editor)
    kernel = np.arange(25, dtype=float).reshape(5, 5) / 300
    editor.set_kernel(kernel)
    assert len(calls) == 1
    assert editor.preset.value == CUSTOM and editor.kernel_size.value == 5
    np.testing.assert_allclose(editor.kernel(), kernel)
    with pytest.raises(ValueError, match="3x3 or 5x5"):
        editor.set_kernel(np.ones((4, 4)))
    with pytest.raises(ValueError, match="NaN"):
        editor.set_kernel(np.full((3, 3), np.nan))


def test_kernel_editor_repr_and_bad_input():
    editor = KernelEditor(SMALL, size=32)
    editor.preset.value = "sobel_x"
    bundle = editor._repr_mimebundle_()
    assert bundle["text/plain"].startswith("KernelEditor(이미지='noise', 커널='sobel_x'")
    assert "[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]" in bundle["text/plain"]
    with pytest.raises(TypeError, match="dict"):
        KernelEditor([SMALL["noise"]])
    with pytest.raises(ValueError, match="size"):
        KernelEditor(SMALL, size=4)


def test_kernel_editor_default_photos_and_labels():
    editor = KernelEditor(size=32)
    assert editor.photo.options[0] == "coffee"
    labels = dict((key, label) for label, key in editor.preset.options)
    assert labels["sobel_x"] == "소벨 x" and labels["box5"].startswith("5x5 상자 블러") and labels[CUSTOM] == "직접 입력"
    assert set(filters.KERNELS) <= set(PRESETS)


# --- SlidingWindow ---------------------------------------------------------------------


def test_formula_in_the_caption():
    window = SlidingWindow()  # n=7, k=3, p=1, s=2
    assert "⌊(7 + 2·1 − 3) / 2⌋ + 1 = 4" in window.status.value
    for k, p, s in [(5, 0, 1), (2, 3, 3), (1, 0, 2), (4, 2, 3), (3, 1, 1)]:
        window.kernel_size.value, window.padding.value, window.stride.value = k, p, s
        expected = (7 + 2 * p - k) // s + 1
        assert f"⌊(7 + 2·{p} − {k}) / {s}⌋ + 1 = {expected}" in window.status.value
        assert window.out_size() == expected == filters.output_size(7, k, p, s)
        assert window.position.max == expected * expected - 1
        assert window.output().shape == (expected, expected)


def test_the_shown_value_is_conv2d():
    window = SlidingWindow(n=6, kernel=3, padding=2, stride=2)
    reference = filters.conv2d(window.input, np.ones((3, 3)), padding=2, stride=2)
    out = window.out_size()
    for index in range(out * out):
        window.position.value = index
        row, col, value = window.current()
        assert (row, col) == divmod(index, out)
        assert value == reference[row, col]
        assert f"= {value} (" in window.status.value and f"위치 {index} = {row}행 {col}열" in window.status.value


def test_window_moves_in_the_picture():
    window = SlidingWindow()
    frame = window.update()
    assert_rgb(frame)
    assert 560 <= frame.shape[1] <= 700
    seen = {window.image.value}
    for index in range(1, 6):
        window.position.value = index
        seen.add(window.image.value)
    assert len(seen) == 6
    assert window.input.min() >= 0 and window.input.max() <= 3


def test_position_max_updates_and_clamps(count_updates):
    window = SlidingWindow(kernel=1, padding=3, stride=1)
    assert window.position.max == 13 * 13 - 1
    window.position.value = 150
    calls = count_updates(window)
    window.kernel_size.value = 5  # 9 x 9 outputs: 150 is out of range
    assert len(calls) == 1  # the clamp did not redraw a second time
    assert window.position.max == 80 and window.position.value == 80
    assert window.current() == (8, 8, int(window.output()[8, 8]))
    window.stride.value = 3
    assert window.position.max == 8 and window.position.value == 8
    assert len(calls) == 2


def test_impossible_combination():
    window = SlidingWindow(n=3, kernel=5, padding=0, stride=1)
    frame = window.update()
    assert_rgb(frame)
    assert "불가능" in window.status.value and "3 + 2·0 = 3" in window.status.value
    assert window.out_size() == 0 and window.output() is None and window.current() is None
    assert window.position.disabled and window.position.max == 0
    window.padding.value = 1  # 3 + 2 = 5: fits exactly once
    assert not window.position.disabled and window.position.max == 0
    assert "⌊(3 + 2·1 − 5) / 1⌋ + 1 = 1" in window.status.value
    window.padding.value = 0
    assert "불가능" in window.status.value


def test_leftover_columns_are_explained():
    window = SlidingWindow(n=7, kernel=2, padding=0, stride=2)  # (7 - 2) / 2 leaves 1 column
    assert "1칸은 창이 닿지 않아" in window.status.value


def test_sliding_window_repr_and_bad_input():
    assert repr(SlidingWindow()).startswith("SlidingWindow(커널 크기 k=3, 패딩 p=1, 스트라이드 s=2, 출력 위치=0")
    with pytest.raises(ValueError, match="n must be from 1 to 10"):
        SlidingWindow(n=0)
    with pytest.raises(ValueError, match="n must be"):
        SlidingWindow(n=11)
    with pytest.raises(TypeError, match="n must be an int"):
        SlidingWindow(n=7.0)
    with pytest.raises(ValueError, match="kernel"):
        SlidingWindow(kernel=6)
    with pytest.raises(ValueError, match="stride"):
        SlidingWindow(stride=0)
    with pytest.raises(TypeError, match="padding"):
        SlidingWindow(padding=True)


def test_a_worked_example_with_its_own_input_and_kernel():
    values = np.array([[1, 2, 3, 4, 1], [2, 1, 0, 1, 2], [3, 0, 1, 1, 0], [1, 2, 1, 0, 1], [0, 1, 2, 3, 1]])
    weights = np.array([[1, 0, 1], [1, 0, 1], [0, 1, 0]])
    window = SlidingWindow(values, weights, padding=0, stride=1)
    assert window.kernel_size.disabled and window.out_size() == 3
    assert window.current() == (0, 0, 6)
    assert "1x1 + 2x0 + 3x1 + 2x1 + 1x0 + 0x1 + 3x0 + 0x1 + 1x0 = 6" in window.status.value
    assert "패딩 0)" not in window.status.value
    window.position.value = 1
    assert window.current() == (0, 1, 9)
    np.testing.assert_array_equal(window.output(), filters.conv2d(values, weights))
    window.padding.value = 1  # the fixed kernel stays, the grid grows
    assert window.out_size() == 5 and window.kernel().shape == (3, 3)


def test_worked_example_bad_input():
    with pytest.raises(ValueError, match="values must be a square 2-D grid"):
        SlidingWindow(np.zeros((3, 4), int))
    with pytest.raises(ValueError, match="weights must be a square 2-D grid of side 1 to 5"):
        SlidingWindow(np.zeros((5, 5), int), np.ones((6, 6), int))
    with pytest.raises(ValueError, match="integers"):
        SlidingWindow(np.full((5, 5), 0.5))


# --- FeatureMapViewer ------------------------------------------------------------------


@pytest.fixture(scope="module")
def three_digits():
    images, labels = digits("test")
    return images[:3], labels[:3]


@pytest.fixture()
def model():
    torch.manual_seed(0)
    return DigitClassifier()


def reference_maps(model, image):
    with torch.no_grad():
        return [m[0].numpy() for m in model.eval().feature_maps(image[None])]


def test_layer_switch_updates_the_channel_slider(model, three_digits, count_updates):
    viewer = FeatureMapViewer(model, *three_digits)
    assert viewer.channel.max == 15
    calls = count_updates(viewer)
    viewer.layer.value = 1
    assert viewer.channel.max == 31 and len(calls) == 1
    viewer.layer.value = 2
    assert viewer.channel.max == 63
    viewer.channel.value = 40
    viewer.layer.value = 0  # 40 is no channel of layer 1: clamped, one redraw
    assert viewer.channel.max == 15 and viewer.channel.value == 15
    assert len(calls) == 4
    assert [label for label, _ in viewer.layer.options] == [
        "1층 (16채널, 28×28)",
        "2층 (32채널, 14×14)",
        "3층 (64채널, 7×7)",
    ]


def test_single_channel_picture(model, three_digits):
    images, labels = three_digits
    viewer = FeatureMapViewer(model, images, labels)
    viewer.digit.value = 1
    viewer.layer.value = 1
    viewer.channel.value = 5
    frame = viewer.update()
    assert_rgb(frame)
    size = viewer.size
    assert frame.shape[0] == size
    digit = np.rint(images[1, 0].numpy() * 255).astype(np.uint8)
    upscaled = cv2.resize(digit, (size, size), interpolation=cv2.INTER_NEAREST)
    np.testing.assert_array_equal(frame[:size, :size, 0], upscaled)
    layer = reference_maps(model, images[1])[1]
    values = np.rint(layer[5] / layer.max() * 255).astype(np.uint8)
    expected = cv2.applyColorMap(values, cv2.COLORMAP_VIRIDIS)[..., ::-1]  # BGR -> RGB
    panel = frame[:, size + viewer.GAP : 2 * size + viewer.GAP]
    np.testing.assert_array_equal(panel[:: size // 14, :: size // 14], expected)
    top = np.unravel_index(layer.argmax(), layer.shape)
    assert "2층 채널 5 / 31" in viewer.status.value and "정답" in viewer.status.value
    assert "공통 기준" in viewer.status.value
    # viridis: low values dark purple (blue > red), the layer maximum yellow (red > blue)
    colored = viewer._scaled()
    assert colored[top] == 255
    bar = frame[:, -1]
    assert bar[0, 0] > 200 and bar[0, 2] < 100 and bar[-1, 2] > bar[-1, 0]


def test_all_channels_grid(model, three_digits):
    viewer = FeatureMapViewer(model, three_digits[0])
    single = viewer.update()
    viewer.all_channels.value = True
    assert viewer.channel.disabled
    grid = viewer.update()
    assert_rgb(grid)
    assert grid.shape != single.shape
    assert "16개 채널 전부" in viewer.status.value
    viewer.layer.value = 2
    assert "64개 채널 전부" in viewer.status.value
    before = viewer.image.value
    viewer.channel.value = 9  # moves the frame in the grid
    assert viewer.image.value != before
    viewer.all_channels.value = False
    assert not viewer.channel.disabled


def test_feature_maps_are_cached_and_the_mode_restored(model, three_digits):
    model.train()
    calls = []
    original = model.feature_maps

    def counted(x):
        calls.append(model.training)
        return original(x)

    model.feature_maps = counted
    viewer = FeatureMapViewer(model, three_digits[0])
    for index in (1, 2, 0, 1, 2):
        viewer.digit.value = index
    viewer.layer.value = 2
    assert calls == [False, False, False]  # once per digit, in eval mode
    assert model.training  # put back as it was
    for mine, theirs in zip(viewer.maps(2), reference_maps(original.__self__, three_digits[0][2])):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)  # a batch of 3 vs one image: last-bit differences


def test_digit_change_redraws(model, three_digits):
    viewer = FeatureMapViewer(model, *three_digits)
    seen = {viewer.image.value}
    for index in (1, 2):
        viewer.digit.value = index
        seen.add(viewer.image.value)
    assert len(seen) == 3
    label = int(three_digits[1][2])
    assert viewer.digit.options[2] == (f"2번 (정답 {label})", 2)
    assert repr(viewer).startswith("FeatureMapViewer(숫자=2, 층=0, 채널=0, 모든 채널=False")


def test_feature_map_viewer_bad_input(model, three_digits):
    images, labels = three_digits
    with pytest.raises(TypeError, match="feature_maps"):
        FeatureMapViewer(torch.nn.Linear(2, 2), images)
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        FeatureMapViewer(model, torch.zeros(3, 1, 32, 32))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        FeatureMapViewer(model, images * 255)
    with pytest.raises(TypeError, match="torch tensor or NumPy"):
        FeatureMapViewer(model, [[0.0]])
    with pytest.raises(ValueError, match="at least 1"):
        FeatureMapViewer(model, images[:0])
    with pytest.raises(ValueError, match="2 labels for 3 digits"):
        FeatureMapViewer(model, images, labels[:2])
    with pytest.raises(TypeError, match="labels"):
        FeatureMapViewer(model, images, "012")
    with pytest.raises(ValueError, match="size"):
        FeatureMapViewer(model, images, size=10)

    class Flat(torch.nn.Module):
        def feature_maps(self, x):
            return [x.flatten(1)]

    with pytest.raises(TypeError, match=r"\(1, C, H, W\)"):
        FeatureMapViewer(Flat(), images)

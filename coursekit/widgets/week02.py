"""Week 2 widgets: a live kernel editor, a sliding-window stride/padding demo, and a CNN feature-map viewer.

- :class:`KernelEditor`: type a 3x3 or 5x5 kernel (or pick a classic one) and
  see a photo filtered by it, with the kernel's sum and what the display
  mapping did to values outside 0..255.
- :class:`SlidingWindow`: kernel size, padding and stride on a small integer
  grid; the window, the output cell it fills and the output-size formula.
- :class:`FeatureMapViewer`: what each conv block of a
  :class:`~coursekit.models.classifier.DigitClassifier` sees in a digit.

Every picture is drawn with NumPy/OpenCV (no matplotlib; Korean labels with
Pillow in the bundled NanumGothic), and every number comes from
:mod:`coursekit.filters` or the model itself.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .. import color, filters
from ..env import torch_threads
from ..images import gray_to_rgb
from .base import HeldExplorer, photo_set

__all__ = ["KernelEditor", "SlidingWindow", "FeatureMapViewer", "PRESETS", "CUSTOM"]


# --- KernelEditor ----------------------------------------------------------------------

KERNEL_LABELS = {
    "identity": "항등",
    "box": "상자 블러",
    "gaussian": "가우시안 블러",
    "sharpen": "샤프닝",
    "sobel_x": "소벨 x",
    "sobel_y": "소벨 y",
    "laplacian": "라플라시안",
    "emboss": "엠보스",
}
CUSTOM = "custom"
# preset key -> (Korean label, kernel); 3x3 presets from filters.KERNELS, then two 5x5 ones
PRESETS: dict[str, tuple[str, np.ndarray]] = {
    name: (KERNEL_LABELS.get(name, name), k) for name, k in filters.KERNELS.items()
}
PRESETS["box5"] = ("5x5 상자 블러", filters.box_kernel(5))
PRESETS["gaussian5"] = ("5x5 가우시안 (σ=1)", filters.gaussian_kernel(5, 1.0))
for _label, _k in PRESETS.values():
    _k.setflags(write=False)

NORMALIZE_LABELS = {
    "clip": "clip: 0~255 밖의 값은 잘라냄",
    "abs": "abs: 절댓값을 취한 뒤 잘라냄 (음수 경계도 밝게)",
    "minmax": "minmax: 결과의 최소~최대를 0~255로 늘림",
}
CELL = 5  # the editor's grid is always 5x5; 3x3 kernels use its centre


def _to_display(raw: np.ndarray, normalize: str) -> np.ndarray:
    """Exactly :func:`coursekit.filters.filter_image`'s mapping of a filtered result to uint8."""
    out = raw
    if normalize == "abs":
        out = np.abs(raw)
    elif normalize == "minmax":
        low, high = raw.min(), raw.max()
        out = (raw - low) / (high - low) * 255 if high > low else np.zeros_like(raw)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _number(x: float) -> str:
    text = f"{x:.4g}"
    return "0" if text == "-0" else text


class KernelEditor(HeldExplorer):
    """Edit a 3x3 or 5x5 kernel cell by cell (or pick a preset) and see a photo filtered by it live.

    The picture is original | filtered (:func:`coursekit.filters.conv2d` with
    "same" padding and mirrored borders, as :func:`~coursekit.filters.filter_image`
    does); the caption shows the kernel's sum and what the display mapping did.
    """

    def __init__(self, images: dict | None = None, size: int = 256):
        import ipywidgets as widgets

        self.photos = photo_set(images, size)
        self._gray: dict[str, np.ndarray] = {}
        self._raw_key = None
        self.photo = widgets.Dropdown(options=list(self.photos), description="이미지")
        options = [(label, key) for key, (label, _) in PRESETS.items()] + [("직접 입력", CUSTOM)]
        self.preset = widgets.Dropdown(options=options, value="sharpen", description="커널")
        self.kernel_size = widgets.ToggleButtons(options=[("3x3", 3), ("5x5", 5)], value=3, description="크기")
        self.normalize = widgets.Dropdown(
            options=[(label, key) for key, label in NORMALIZE_LABELS.items()], value="clip", description="표시"
        )
        self.gray = widgets.Checkbox(value=False, description="흑백으로")
        self.cells = [
            widgets.FloatText(value=0.0, layout=widgets.Layout(width="72px")) for _ in range(CELL * CELL)
        ]
        self.grid = widgets.GridBox(
            self.cells, layout=widgets.Layout(grid_template_columns=f"repeat({CELL}, 76px)", grid_gap="3px")
        )
        self._fill(PRESETS["sharpen"][1])
        self._show_cells(3)
        for cell in self.cells:
            cell.observe(self._cell_changed, names="value")
        self.kernel_size.observe(lambda change: self._show_cells(change["new"]), names="value")
        super().__init__([self.photo, self.preset, self.kernel_size, self.normalize, self.gray])
        note = widgets.HTML(
            "<b>커널 값</b> — 칸을 고치면 '직접 입력'이 됩니다 (3x3일 때는 가운데 9칸만 사용).<br>"
            "소벨·라플라시안은 '흑백으로'를 켜면 경계가 더 잘 보입니다."
        )
        self.widget = widgets.VBox(
            [widgets.HBox([widgets.VBox(self.controls), widgets.VBox([note, self.grid])]), self.image, self.status]
        )

    # the cells ---------------------------------------------------------------------

    @staticmethod
    def _inside(index: int, size: int) -> bool:
        r, c = divmod(index, CELL)
        lo = (CELL - size) // 2
        return lo <= r < lo + size and lo <= c < lo + size

    def _show_cells(self, size: int) -> None:
        for i, cell in enumerate(self.cells):
            used = self._inside(i, size)
            cell.disabled = not used
            cell.layout.visibility = "visible" if used else "hidden"

    def _fill(self, k: np.ndarray) -> None:
        values = np.zeros((CELL, CELL))
        lo = (CELL - k.shape[0]) // 2
        values[lo : lo + k.shape[0], lo : lo + k.shape[1]] = k
        for cell, value in zip(self.cells, values.ravel()):
            cell.value = float(value)

    def kernel(self) -> np.ndarray:
        """The kernel in use: the central 3x3 cells or all 5x5 cells, as float64."""
        values = np.array([cell.value for cell in self.cells], dtype=np.float64).reshape(CELL, CELL)
        lo = (CELL - self.kernel_size.value) // 2
        return values[lo : lo + self.kernel_size.value, lo : lo + self.kernel_size.value].copy()

    def set_kernel(self, k) -> None:
        """Type a whole 3x3 or 5x5 kernel into the cells at once (one redraw; the preset becomes '직접 입력')."""
        k = np.asarray(k, dtype=np.float64)
        if k.shape not in ((3, 3), (5, 5)):
            raise ValueError(f"kernel must be 3x3 or 5x5, got shape {k.shape}")
        if not np.isfinite(k).all():
            raise ValueError("kernel contains NaN or infinite values")
        with self.hold():
            self.kernel_size.value = k.shape[0]
            self._fill(k)
            self.preset.value = CUSTOM

    # events ------------------------------------------------------------------------

    def _cell_changed(self, change) -> None:
        if self._holding:
            return
        if not self._inside(self.cells.index(change["owner"]), self.kernel_size.value):
            return  # a hidden outer cell in 3x3 mode: not part of the kernel
        with self.hold():
            self.preset.value = CUSTOM

    def _on_change(self, change) -> None:
        if self._holding:
            return
        owner = change["owner"]
        if owner is self.preset and change["new"] != CUSTOM:
            k = PRESETS[change["new"]][1]
            with self.hold():  # 9 or 25 cell changes and a size change: one redraw
                self.kernel_size.value = k.shape[0]
                self._fill(k)
        elif owner is self.kernel_size and self.preset.value != CUSTOM:
            with self.hold():  # a preset has its own size: the kernel in use is no longer that preset
                self.preset.value = CUSTOM
        else:
            self.update()

    # drawing -----------------------------------------------------------------------

    def source(self) -> np.ndarray:
        """The image being filtered: the RGB photo, or its gray version with "흑백으로"."""
        name = self.photo.value
        if not self.gray.value:
            return self.photos[name]
        if name not in self._gray:
            self._gray[name] = color.rgb_to_gray(self.photos[name])
        return self._gray[name]

    def render(self) -> np.ndarray:
        source = self.source()
        k = self.kernel()
        key = (self.photo.value, self.gray.value, k.shape, k.tobytes())
        if key != self._raw_key:  # a display change reuses the filtered values
            self._raw = filters.conv2d(source, k, padding="same", pad_mode="reflect")
            self._raw_key = key
        self._kernel = k
        shown = _to_display(self._raw, self.normalize.value)
        if source.ndim == 2:
            return np.hstack([gray_to_rgb(source), gray_to_rgb(shown)])
        return np.hstack([source, shown])

    def _mapping_note(self) -> str:
        raw, mode = self._raw, self.normalize.value
        low, high = float(raw.min()), float(raw.max())
        span = f"필터 결과 범위 {low:.1f} ~ {high:.1f}"
        if mode == "clip":
            below, above = float((raw < -0.5).mean()), float((raw >= 255.5).mean())
            return f"{span}; clip: 0 미만 {below:.1%}는 0(검정), 255 초과 {above:.1%}는 255(흰색)로 잘림"
        if mode == "abs":
            negative, above = float((raw < -0.5).mean()), float((np.abs(raw) >= 255.5).mean())
            return f"{span}; abs: 음수 {negative:.1%}의 부호를 뒤집고, 255 초과 {above:.1%}는 잘림"
        if high == low:
            return f"{span}; minmax: 결과가 모두 같은 값이라 전부 0(검정)으로 표시"
        return f"{span}; minmax: {low:.1f} → 0, {high:.1f} → 255로 늘림"

    def caption(self) -> str:
        total = float(self._kernel.sum())
        if abs(total - 1) < 1e-6:
            meaning = "합이 1: 평균 밝기가 그대로"
        elif abs(total) < 1e-6:
            meaning = "합이 0: 평평한 곳은 0이 되고 변화(경계)만 남음"
        else:
            meaning = f"합이 {_number(total)}: 평평한 곳의 밝기가 {_number(total)}배"
        name = "직접 입력" if self.preset.value == CUSTOM else PRESETS[self.preset.value][0]
        source = "흑백 원본" if self.gray.value else "원본"
        size = self.kernel_size.value
        return (
            f"왼쪽: {source} · 오른쪽: {size}x{size} 커널 '{name}' 적용 결과 — 커널 합 {_number(total)} ({meaning})"
            f"<br>{self._mapping_note()}"
        )

    def __repr__(self) -> str:
        rows = ", ".join("[" + ", ".join(_number(v) for v in row) + "]" for row in self.kernel())
        return f"{super().__repr__()[:-1]}, 커널=[{rows}])"


# --- SlidingWindow ---------------------------------------------------------------------

_WIDTH = 640
_MARGIN = 20
_TOP = 34
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_INPUT_FILL = (222, 235, 250)
_PAD_FILL = (200, 200, 200)
_WINDOW_INPUT_FILL = (255, 222, 185)
_WINDOW_PAD_FILL = (225, 198, 170)
_HIGHLIGHT = (220, 50, 30)
_LINE = (110, 110, 110)


def _bounded_int(value, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int from {low} to {high}, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low} to {high}, got {value}")
    return int(value)


def _label(canvas, text: str, org: tuple[int, int], rgb, size: int = 17, bold: bool = True) -> None:
    """Draw ``text`` (Hangul too, in NanumGothic) on the RGB canvas in place; ``org`` is the baseline's left end."""
    from PIL import Image, ImageDraw

    from ..fonts import pil_font

    image = Image.fromarray(canvas)
    ImageDraw.Draw(image).text(org, text, fill=tuple(rgb), font=pil_font(size, bold), anchor="ls")
    canvas[...] = np.asarray(image)


def _centered_text(canvas, text: str, x0: int, y0: int, cell: int, rgb, scale: float, thickness: int) -> None:
    (w, h), _ = cv2.getTextSize(text, _FONT, scale, thickness)
    org = (x0 + (cell - w) // 2, y0 + (cell + h) // 2)
    cv2.putText(canvas, text, org, _FONT, scale, rgb, thickness, cv2.LINE_AA)


class SlidingWindow(HeldExplorer):
    """Kernel size, padding and stride on a small integer grid: the window, the output cell and the formula.

    By default the input is a fixed ``n`` x ``n`` grid of integers 0-3
    (``seed``) and the kernel is all ones, so each output value is the sum of
    the numbers under the window. Pass ``values`` (a square integer grid) and
    ``weights`` (a square integer kernel, whose size then stays fixed) to step
    through a worked example. The values come from :func:`coursekit.filters.conv2d`.
    """

    MAX_N = 10

    def __init__(self, values=None, weights=None, *, n: int = 7, kernel: int = 3, padding: int = 1,
                 stride: int = 2, seed: int = 0):
        import ipywidgets as widgets

        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be an int, got {seed!r}")
        if values is None:
            self.n = _bounded_int(n, "n", 1, self.MAX_N)
            self.input = np.random.default_rng(seed).integers(0, 4, (self.n, self.n))
        else:
            self.input = _integer_grid(values, "values", self.MAX_N)
            self.n = len(self.input)
        self.weights = None if weights is None else _integer_grid(weights, "weights", 5)
        kernel = len(self.weights) if self.weights is not None else _bounded_int(kernel, "kernel", 1, 5)
        padding = _bounded_int(padding, "padding", 0, 3)
        stride = _bounded_int(stride, "stride", 1, 3)
        self._outputs: dict[tuple[int, int, int], np.ndarray] = {}
        self.kernel_size = widgets.IntSlider(value=kernel, min=1, max=5, description="커널 크기 k",
                                             disabled=self.weights is not None)
        self.padding = widgets.IntSlider(value=padding, min=0, max=3, description="패딩 p")
        self.stride = widgets.IntSlider(value=stride, min=1, max=3, description="스트라이드 s")
        self.position = widgets.IntSlider(value=0, min=0, max=0, description="출력 위치")
        self._set_position_range()
        super().__init__([self.kernel_size, self.padding, self.stride, self.position])

    def kernel(self) -> np.ndarray:
        """The kernel in use: the given ``weights``, or all ones of the slider's size."""
        k = self.kernel_size.value
        return self.weights if self.weights is not None else np.ones((k, k), int)

    def out_size(self) -> int:
        """Output side ``floor((n + 2p - k) / s) + 1``, or 0 when the kernel does not fit."""
        k, p, s = self.kernel_size.value, self.padding.value, self.stride.value
        if k > self.n + 2 * p:
            return 0
        return filters.output_size(self.n, k, p, s)

    def output(self) -> np.ndarray | None:
        """The whole output grid, :func:`coursekit.filters.conv2d` with :meth:`kernel` (``None``: impossible)."""
        k, p, s = self.kernel_size.value, self.padding.value, self.stride.value
        if not self.out_size():
            return None
        key = (k, p, s)
        if key not in self._outputs:
            self._outputs[key] = filters.conv2d(self.input, self.kernel(), padding=p, stride=s)
        return self._outputs[key]

    def current(self) -> tuple[int, int, int] | None:
        """``(row, col, value)`` of the output cell at the slider's position (``None``: impossible)."""
        out = self.output()
        if out is None:
            return None
        row, col = divmod(self.position.value, out.shape[1])
        return row, col, int(round(out[row, col]))

    def _set_position_range(self) -> None:
        out = self.out_size()
        self.position.max = max(out * out - 1, 0)  # a smaller max clamps the value
        self.position.disabled = out == 0

    def _on_change(self, change) -> None:
        if self._holding:
            return
        if change["owner"] is self.position:
            self.update()
            return
        with self.hold():  # a clamped position must not redraw a second time
            self._set_position_range()

    # drawing -----------------------------------------------------------------------

    def _grid(self, canvas, values, x0: int, y0: int, cell: int, fills, colors) -> None:
        rows, cols = values.shape
        scale = cell / 52
        thickness = 2 if cell >= 30 else 1
        for r in range(rows):
            for c in range(cols):
                x, y = x0 + c * cell, y0 + r * cell
                cv2.rectangle(canvas, (x, y), (x + cell, y + cell), fills[r][c], -1)
                cv2.rectangle(canvas, (x, y), (x + cell, y + cell), _LINE, 1)
                _centered_text(canvas, str(int(values[r, c])), x, y, cell, colors[r][c], scale, thickness)

    def render(self) -> np.ndarray:
        n, k, p, s = self.n, self.kernel_size.value, self.padding.value, self.stride.value
        padded_n = n + 2 * p
        out_n = self.out_size()
        cells_across = (padded_n + out_n) if out_n else max(padded_n, k) + 8
        cell = int(min(48, max(12, (_WIDTH - 3 * _MARGIN) // cells_across)))
        rows = max(padded_n, k)
        canvas = np.full((_TOP + rows * cell + _MARGIN + 4, _WIDTH, 3), 255, np.uint8)

        padded = np.pad(self.input, p)
        real = np.zeros((padded_n, padded_n), bool)
        real[p : p + n, p : p + n] = True
        window = np.zeros_like(real)
        if out_n:
            row, col, _ = self.current()
            window[row * s : row * s + k, col * s : col * s + k] = True
        def fill(r: int, c: int) -> tuple:
            if window[r, c]:
                return _WINDOW_INPUT_FILL if real[r, c] else _WINDOW_PAD_FILL
            return _INPUT_FILL if real[r, c] else _PAD_FILL

        fills = [[fill(r, c) for c in range(padded_n)] for r in range(padded_n)]
        colors = [[(0, 0, 0) if real[r, c] else (120, 120, 120) for c in range(padded_n)] for r in range(padded_n)]
        x0, y0 = _MARGIN, _TOP
        self._grid(canvas, padded, x0, y0, cell, fills, colors)
        _label(canvas, f"입력 {n}x{n} + 패딩 {p} = {padded_n}x{padded_n}", (x0, _TOP - 12), (0, 0, 0))

        if not out_n:  # the kernel does not fit: show it hanging over the padded input
            cv2.rectangle(canvas, (x0, y0), (x0 + k * cell, y0 + k * cell), _HIGHLIGHT, 3)
            tx = x0 + max(padded_n, k) * cell + _MARGIN
            for i, line in enumerate(
                ["불가능한 조합:", f"커널 k = {k} > n + 2p", f"(n + 2p = {n} + 2*{p} = {padded_n})", "출력 없음"]
            ):
                _label(canvas, line, (tx, y0 + 24 + 26 * i), _HIGHLIGHT, size=18, bold=i == 0)
            return canvas

        cv2.rectangle(
            canvas,
            (x0 + col * s * cell, y0 + row * s * cell),
            (x0 + (col * s + k) * cell, y0 + (row * s + k) * cell),
            _HIGHLIGHT,
            3,
        )
        out = self.output()
        ox = x0 + padded_n * cell + _MARGIN
        oy = y0 + (padded_n - out_n) * cell // 2
        index = np.arange(out_n * out_n).reshape(out_n, out_n)
        current = self.position.value
        out_fills = [
            [_WINDOW_INPUT_FILL if index[r, c] == current else (255, 255, 255) for c in range(out_n)]
            for r in range(out_n)
        ]
        out_colors = [
            [(0, 0, 0) if index[r, c] <= current else (185, 185, 185) for c in range(out_n)] for r in range(out_n)
        ]
        out_values = np.rint(out).astype(int)
        self._grid(canvas, out_values, ox, oy, cell, out_fills, out_colors)
        corner = (ox + col * cell, oy + row * cell)
        cv2.rectangle(canvas, corner, (corner[0] + cell, corner[1] + cell), _HIGHLIGHT, 3)
        _label(canvas, f"출력 {out_n}x{out_n}", (ox, _TOP - 12), (0, 0, 0))
        return canvas

    def caption(self) -> str:
        n, k, p, s = self.n, self.kernel_size.value, self.padding.value, self.stride.value
        if not self.out_size():
            return (
                f"<b>불가능한 조합</b>: 커널 k = {k}가 패딩한 입력 n + 2p = {n} + 2·{p} = {n + 2 * p}보다 커서 "
                f"창을 놓을 자리가 없습니다 (k ≤ n + 2p 이어야 함). 패딩을 늘리거나 커널을 줄이세요."
            )
        out_n = self.out_size()
        row, col, value = self.current()
        padded = np.pad(self.input, p)
        window = padded[row * s : row * s + k, col * s : col * s + k].ravel()
        if self.weights is None:
            terms, what = " + ".join(str(int(t)) for t in window), "커널(모두 1)"
        else:
            terms = " + ".join(f"{int(a)}x{int(b)}" for a, b in zip(window, self.weights.ravel()))
            what = "커널"
        formula = (
            f"출력 크기 = ⌊(n + 2p − k) / s⌋ + 1 = ⌊({n} + 2·{p} − {k}) / {s}⌋ + 1 = {out_n} "
            f"→ 출력 {out_n}×{out_n}"
        )
        left = (n + 2 * p - k) % s
        if left:
            formula += f" (오른쪽·아래 {left}칸은 창이 닿지 않아 쓰이지 않음)"
        return (
            f"{formula}<br>위치 {self.position.value} = {row}행 {col}열: 빨간 창 안의 수 × {what}의 합 = "
            f"{terms} = {value}" + (" (회색 칸은 패딩 0)" if p else "")
        )


def _integer_grid(values, name: str, largest: int) -> np.ndarray:
    """A square 2-D integer array of side 1..``largest`` with small values, or a clear error."""
    grid = np.asarray(values)
    if grid.ndim != 2 or grid.shape[0] != grid.shape[1] or not 1 <= grid.shape[0] <= largest:
        raise ValueError(f"{name} must be a square 2-D grid of side 1 to {largest}, got shape {grid.shape}")
    if not np.issubdtype(grid.dtype, np.integer) or np.abs(grid).max() > 99:
        raise ValueError(f"{name} must hold integers from -99 to 99 (they are drawn in the cells), got {grid.dtype}")
    return grid.astype(int)


# --- FeatureMapViewer ------------------------------------------------------------------


def _colormap(values: np.ndarray) -> np.ndarray:
    """uint8 values of any shape -> RGB colors of shape ``values.shape + (3,)`` (viridis)."""
    flat = np.ascontiguousarray(values.reshape(-1, values.shape[-1]))
    bgr = cv2.applyColorMap(flat, cv2.COLORMAP_VIRIDIS)
    return np.ascontiguousarray(bgr[..., ::-1]).reshape(values.shape + (3,))


def _labels(labels, count: int) -> list[str] | None:
    if labels is None:
        return None
    if hasattr(labels, "tolist"):
        labels = labels.tolist()
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
        raise TypeError(f"labels must be a sequence with one label per digit, got {type(labels).__name__}")
    if len(labels) != count:
        raise ValueError(f"labels must have one entry per digit: got {len(labels)} labels for {count} digits")
    return [str(label) for label in labels]


class FeatureMapViewer(HeldExplorer):
    """The feature maps a CNN computes for a digit: one channel at a time, or all channels of a layer.

    ``model`` is a :class:`~coursekit.models.classifier.DigitClassifier` (or any
    module with ``feature_maps(x)`` returning ``(1, C, H, W)`` tensors);
    ``digits`` is ``(N, 1, 28, 28)`` (or ``(N, 28, 28)``) in [0, 1].
    Colors are scaled by the layer's maximum over all its channels for that
    digit, so channels can be compared with each other.
    """

    GAP = 12

    def __init__(self, model, digits, labels=None, *, size: int = 224):
        import ipywidgets as widgets

        from ..metrics import check_digits

        if not callable(getattr(model, "feature_maps", None)):
            raise TypeError(
                f"model must have a feature_maps(x) method, like coursekit.models.classifier.DigitClassifier; "
                f"got {type(model).__name__}"
            )
        if isinstance(size, bool) or not isinstance(size, int) or size < 28:
            raise ValueError(f"size must be an int of at least 28 pixels, got {size!r}")
        self.model = model
        self.digits = check_digits(digits, name="digits")
        self.labels = _labels(labels, len(self.digits))
        self.size = size
        self._cache: dict[int, list[np.ndarray]] = {}
        first = self.maps(0)
        self.shapes = [m.shape for m in first]  # (C, H, W) per layer

        names = [f"{i}번" + (f" (정답 {self.labels[i]})" if self.labels else "") for i in range(len(self.digits))]
        self.digit = widgets.Dropdown(options=[(name, i) for i, name in enumerate(names)], value=0, description="숫자")
        self.layer = widgets.Dropdown(
            options=[(f"{i + 1}층 ({c}채널, {h}×{w})", i) for i, (c, h, w) in enumerate(self.shapes)],
            value=0,
            description="층",
        )
        self.channel = widgets.IntSlider(value=0, min=0, max=self.shapes[0][0] - 1, description="채널")
        self.all_channels = widgets.Checkbox(value=False, description="모든 채널")
        super().__init__([self.digit, self.layer, self.channel, self.all_channels])

    def maps(self, index: int) -> list[np.ndarray]:
        """The feature maps of digit ``index``, one float32 ``(C, H, W)`` array per layer (computed once)."""
        if index not in self._cache:
            import torch

            model = self.model
            is_module = isinstance(model, torch.nn.Module)
            parameter = next(iter(model.parameters()), None) if is_module else None
            x = self.digits[index : index + 1]
            if parameter is not None:
                x = x.to(parameter.device)
            was_training = model.training if is_module else False
            if is_module:
                model.eval()  # dropout/batch norm as at test time
            try:  # one 28x28 image is too little work to share between threads
                with torch.no_grad(), torch_threads(1):
                    outputs = model.feature_maps(x)
            finally:
                if is_module:
                    model.train(was_training)
            if not isinstance(outputs, (list, tuple)) or not outputs:
                raise TypeError("model.feature_maps(x) must return a non-empty list of (1, C, H, W) tensors")
            maps = []
            for i, out in enumerate(outputs):
                if not isinstance(out, torch.Tensor) or out.ndim != 4 or out.shape[0] != 1:
                    raise TypeError(
                        f"model.feature_maps(x) must return (1, C, H, W) tensors; layer {i + 1} gave "
                        f"{tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__}"
                    )
                maps.append(out[0].detach().float().cpu().numpy())
            self._cache[index] = maps
        return self._cache[index]

    def _on_change(self, change) -> None:
        if self._holding:
            return
        owner = change["owner"]
        if owner is self.layer:
            with self.hold():  # a smaller max clamps the channel: still one redraw
                self.channel.max = self.shapes[change["new"]][0] - 1
            return
        if owner is self.all_channels:
            self.channel.disabled = bool(change["new"])
        self.update()

    def _scaled(self) -> np.ndarray:
        """The layer's maps as uint8 0..255, scaled by the layer's range over all channels."""
        layer = self.maps(self.digit.value)[self.layer.value]
        self._low = min(0.0, float(layer.min()))
        self._high = float(layer.max())
        if self._high <= self._low:
            return np.zeros(layer.shape, np.uint8)
        return np.clip(np.rint((layer - self._low) * (255.0 / (self._high - self._low))), 0, 255).astype(np.uint8)

    def _grid(self, colored: np.ndarray) -> np.ndarray:
        count, h, w = colored.shape[:3]
        cols = math.ceil(math.sqrt(count))
        rows = math.ceil(count / cols)
        gap = 2
        factor = max(1, (2 * self.size - gap * (cols - 1)) // (cols * w))
        tile = w * factor
        big = colored.repeat(factor, axis=1).repeat(factor, axis=2)
        grid = np.full((rows * tile + gap * (rows - 1), cols * tile + gap * (cols - 1), 3), 255, np.uint8)
        for i in range(count):
            r, c = divmod(i, cols)
            grid[r * (tile + gap) : r * (tile + gap) + tile, c * (tile + gap) : c * (tile + gap) + tile] = big[i]
        r, c = divmod(self.channel.value, cols)
        x, y = c * (tile + gap), r * (tile + gap)
        cv2.rectangle(grid, (x, y), (x + tile - 1, y + tile - 1), _HIGHLIGHT, 2)
        return grid

    def render(self) -> np.ndarray:
        size = self.size
        digit = self.digits[self.digit.value, 0].numpy()
        digit = np.clip(np.rint(digit * 255), 0, 255).astype(np.uint8)
        digit = gray_to_rgb(cv2.resize(digit, (size, size), interpolation=cv2.INTER_NEAREST))
        scaled = self._scaled()
        if self.all_channels.value:
            panel = self._grid(_colormap(scaled))
        else:
            colored = _colormap(scaled[self.channel.value])
            panel = cv2.resize(colored, (size, size), interpolation=cv2.INTER_NEAREST)
            bar = _colormap(np.linspace(255, 0, size).round().astype(np.uint8)[:, None].repeat(14, axis=1))
            panel = np.hstack([panel, np.full((size, 6, 3), 255, np.uint8), bar])
        height = max(size, panel.shape[0])
        canvas = np.full((height, size + self.GAP + panel.shape[1], 3), 255, np.uint8)
        canvas[:size, :size] = digit
        canvas[: panel.shape[0], size + self.GAP :] = panel
        return canvas

    def caption(self) -> str:
        index, layer = self.digit.value, self.layer.value
        count, h, w = self.shapes[layer]
        answer = f" (정답 {self.labels[index]})" if self.labels else ""
        scale = (
            f"색은 이 숫자의 {layer + 1}층 전체 채널 공통 기준: {_number(self._low)}(보라) → "
            f"{_number(self._high)}(노랑), 그래서 채널끼리 밝기를 비교할 수 있음"
        )
        if self._high <= self._low:
            scale = f"이 숫자에서 {layer + 1}층의 값이 모두 {_number(self._high)} (ReLU가 모두 꺼짐)"
        if self.all_channels.value:
            shown = f"{layer + 1}층의 {count}개 채널 전부 ({h}×{w}, 빨간 테두리 = 채널 {self.channel.value})"
        else:
            peak = float(self.maps(index)[layer][self.channel.value].max())
            shown = (
                f"{layer + 1}층 채널 {self.channel.value} / {count - 1} ({h}×{w}을 최근접 확대, "
                f"이 채널의 최대 {_number(peak)})"
            )
        return f"왼쪽: 입력 숫자 {index}번{answer} · 오른쪽: {shown}<br>{scale}"

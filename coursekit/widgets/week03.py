"""Week 3 widgets: walking a GAN's latent space, the truncation trick, and StyleGAN's style mixing.

- :class:`LatentWalk`: sliders along a few random orthonormal directions in
  z space around a starting code; the digit, and a strip showing what the most
  recently moved direction does from -scale to +scale.
- :class:`TruncationExplorer`: a ψ slider; a grid of samples from the same
  codes (so it morphs) and the reference classifier's class histogram, i.e. the
  quality / diversity trade-off of :func:`coursekit.latent.truncate`.
- :class:`StyleMixer`: two seeds and a crossover layer of a
  :class:`~coursekit.models.stylegan.StyleGenerator`: coarse source | mix | fine source.

Every picture is drawn with NumPy/OpenCV (no matplotlib). Generators run on one
CPU thread: a batch of a few 28x28 digits is too little work to share, and on a
busy 2-core machine handing it between threads costs more than it saves.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import torch

from ..env import torch_threads
from ..latent import sample_z
from .base import HeldExplorer
from .digit_views import (
    FONT as _FONT,
    REFERENCE,
    TEXT as _TEXT,
    int_arg as _int_arg,
    number_arg as _number_arg,
    eval_mode as _eval,
    classifier as _classifier,
    probabilities as _probabilities,
    generator_dim as _generator,
    to_uint8 as _to_uint8,
    big as _big,
    tiles as _tiles,
    text as _text,
    reading as _reading,
)

__all__ = ["LatentWalk", "TruncationExplorer", "StyleMixer", "REFERENCE"]

MAX_SEED = 999
STRIP_STEPS = 7
PSI_MIN, PSI_MAX, PSI_STEP = 0.0, 1.5, 0.05

_MUTED = (140, 140, 140)
_HIGHLIGHT = (220, 50, 30)
_COVERED = (60, 110, 200)
_UNCOVERED = (170, 190, 215)
_NOT_DIGIT = (230, 120, 40)
_SOURCE_A = (60, 110, 200)
_SOURCE_B = (230, 120, 40)


# --- shared helpers ----------------------------------------------------------------------



class LatentWalk(HeldExplorer):
    """Move a latent code along a few random orthonormal directions and watch the digit change.

    ``generator`` is a :class:`~coursekit.models.gan.Generator` (or any module
    with ``latent_dim`` and ``generate(z)`` giving ``(N, 1, 28, 28)`` images in
    [0, 1], such as a StyleGenerator). The code is
    ``z = sample_z(1, latent_dim, 출발점) + Σ_i offset_i · d_i`` with ``directions``
    unit vectors ``d_i`` (orthonormal, from ``seed``). The picture is the digit
    (nearest-upscaled to ``size``) and a strip of the digit at -scale .. +scale
    along the direction moved last, the other offsets unchanged. ``classifier``:
    :data:`REFERENCE` (the shipped digit classifier), a ``DigitClassifier``, or
    ``None`` (no readings).
    """

    GAP = 16
    TILE = 64
    TILE_GAP = 4

    def __init__(self, generator, *, directions: int = 4, seed: int = 0, scale: float = 3.0,
                 classifier=REFERENCE, size: int = 224):
        import ipywidgets as widgets

        dim = _generator(generator, needs=("generate",), like="a GAN generator with latent_dim and generate(z)")
        count = _int_arg(directions, "directions", 1, min(8, dim))
        seed = _int_arg(seed, "seed", 0, MAX_SEED)
        self.scale = _number_arg(scale, "scale", 0.0, 20.0, low_open=True)
        self.size = _int_arg(size, "size", 28, 1024)
        self.generator = generator
        self.classifier = _classifier(classifier, required=False)
        rng = np.random.default_rng(seed)
        q, _ = np.linalg.qr(rng.standard_normal((dim, count)))
        self.directions = torch.from_numpy(q.T.astype(np.float32))  # (count, dim), orthonormal rows
        self._starts: dict[int, torch.Tensor] = {}
        self._active = 0

        self.start = widgets.IntSlider(value=seed, min=0, max=MAX_SEED, description="새 출발점 (시드)")
        step = round(self.scale / 20, 4)
        self.offsets = [
            widgets.FloatSlider(value=0.0, min=-self.scale, max=self.scale, step=step, readout_format="+.2f",
                                description=f"방향 {i + 1}")
            for i in range(count)
        ]
        self.reset_button = widgets.Button(description="모든 방향 0으로")
        self.reset_button.on_click(lambda _button: self.reset())
        super().__init__([self.start, *self.offsets])
        self.widget = widgets.VBox(
            [widgets.HBox([widgets.VBox(self.controls), self.reset_button]), self.image, self.status]
        )

    # codes ------------------------------------------------------------------------------

    @property
    def active(self) -> int:
        """The index of the direction the strip shows (the one moved last)."""
        return self._active

    def start_code(self) -> torch.Tensor:
        """The starting code ``(1, latent_dim)`` of the current 출발점 seed."""
        seed = self.start.value
        if seed not in self._starts:
            self._starts[seed] = sample_z(1, self.directions.shape[1], seed)
        return self._starts[seed]

    def values(self) -> torch.Tensor:
        """The offsets along the directions, ``(directions,)``."""
        return torch.tensor([s.value for s in self.offsets], dtype=torch.float32)

    def code(self) -> torch.Tensor:
        """The current code ``(1, latent_dim)``: the start plus each offset times its direction."""
        return self.start_code() + self.values()[None] @ self.directions

    def strip_values(self) -> np.ndarray:
        """The offsets along the active direction that the strip shows (-scale .. +scale)."""
        return np.linspace(-self.scale, self.scale, STRIP_STEPS)

    def set_offsets(self, values) -> None:
        """Set all direction sliders at once (one redraw); the strip then shows the last direction."""
        values = [float(v) for v in values]
        if len(values) != len(self.offsets):
            raise ValueError(f"give one offset per direction ({len(self.offsets)}), got {len(values)}")
        with self.hold():
            for slider, value in zip(self.offsets, values):
                slider.value = value

    def reset(self) -> None:
        """All offsets back to 0 (the starting code), one redraw."""
        self.set_offsets([0.0] * len(self.offsets))

    # events / drawing -------------------------------------------------------------------

    def _on_change(self, change) -> None:
        for i, slider in enumerate(self.offsets):
            if change["owner"] is slider:
                self._active = i
        if not self._holding:
            self.update()

    def render(self) -> np.ndarray:
        a = self._active
        values = self.values()
        z = self.code()
        along = torch.from_numpy(self.strip_values().astype(np.float32))
        strip = z + (along - values[a])[:, None] * self.directions[a][None]
        with torch_threads(1):
            images = self.generator.generate(torch.cat([z, strip]))
        self._probs = None if self.classifier is None else _probabilities(self.classifier, images)
        gray = _to_uint8(images)

        size, tile, gap = self.size, self.TILE, self.TILE_GAP
        strip_w = STRIP_STEPS * tile + (STRIP_STEPS - 1) * gap
        left = size + self.GAP
        height = max(size, 176)
        canvas = np.full((height, left + strip_w + 8, 3), 255, np.uint8)
        canvas[:size, :size] = _big(gray[0], size)

        top = 34
        _text(canvas, f"direction {a + 1}: {-self.scale:+.1f} ... {self.scale:+.1f} (others fixed)", left, 20)
        centers = []
        for i in range(STRIP_STEPS):
            x = left + i * (tile + gap)
            canvas[top : top + tile, x : x + tile] = _big(gray[1 + i], tile)
            centers.append(x + tile // 2)
            if self._probs is not None:
                label, p, is_digit = _reading(self._probs[1 + i])
                _text(canvas, f"{label} {p:.0%}", x + tile // 2, top + tile + 16, scale=0.4,
                      rgb=_TEXT if is_digit else _NOT_DIGIT, center=True)
        axis_y = top + tile + 38
        cv2.line(canvas, (centers[0], axis_y), (centers[-1], axis_y), _MUTED, 1)
        for cx, t in zip(centers, self.strip_values()):
            cv2.line(canvas, (cx, axis_y - 4), (cx, axis_y + 4), _MUTED, 1)
            _text(canvas, f"{t:+.1f}", cx, axis_y + 20, scale=0.38, rgb=_MUTED, center=True)
        value = float(values[a])
        mx = round(centers[0] + (value + self.scale) / (2 * self.scale) * (centers[-1] - centers[0]))
        triangle = np.array([[mx, axis_y - 2], [mx - 7, axis_y - 14], [mx + 7, axis_y - 14]], np.int32)
        cv2.fillPoly(canvas, [triangle], _HIGHLIGHT)
        return canvas

    def caption(self) -> str:
        a = self._active
        moved = [f"방향 {i + 1} {s.value:+.2f}" for i, s in enumerate(self.offsets) if s.value != 0]
        where = "이동: " + ", ".join(moved) if moved else "이동 없음 (출발점 그대로)"
        norm = float(self.code().norm())
        text = (
            f"왼쪽: 출발점 시드 {self.start.value}에서 {where} — |z| = {norm:.2f} "
            f"(가우시안 z의 길이는 보통 √{self.directions.shape[1]} ≈ {math.sqrt(self.directions.shape[1]):.1f})"
            f"<br>오른쪽 띠: 마지막으로 움직인 방향 {a + 1}의 값만 {-self.scale:+.1f}부터 {self.scale:+.1f}까지 바꾼 그림 "
            f"(다른 방향은 그대로, 빨간 표시 = 지금 위치)"
        )
        if self._probs is not None:
            label, p, is_digit = _reading(self._probs[0])
            reading = f"'{label}' (확률 {p:.0%})" if is_digit else f"숫자 아님 (확률 {p:.0%})"
            text += f"<br>분류기의 판독: {reading} · 띠 아래 숫자는 각 그림의 판독 (X = 숫자 아님)"
        return text


# --- TruncationExplorer ----------------------------------------------------------------------


class TruncationExplorer(HeldExplorer):
    """The truncation trick: a ψ slider, a grid of samples and the classifier's class histogram.

    ``generator.sample(N, seed, psi=ψ)`` draws the same codes for every ψ, so the
    grid morphs as ψ moves: a DCGAN :class:`~coursekit.models.gan.Generator`
    scales z by ψ; a :class:`~coursekit.models.stylegan.StyleGenerator` pulls w
    towards its mean ``w_avg``. ``max(n, measure_n)`` samples are drawn per ψ:
    the first ``n`` are shown, the first ``measure_n`` are measured with
    :func:`coursekit.metrics.classifier_score`. Results are cached per ψ.
    """

    GAP = 16
    CHART_W = 300
    GRID_SIDE = 448  # the grid's target width in pixels

    def __init__(self, generator, *, n: int = 64, measure_n: int = 300, seed: int = 0, psi: float = 1.0,
                 classifier=REFERENCE):
        import ipywidgets as widgets

        _generator(generator, needs=("sample",), like="a GAN generator with latent_dim and sample(n, seed, psi=)")
        self.n = _int_arg(n, "n", 1, 256)
        self.measure_n = _int_arg(measure_n, "measure_n", 1, 5000)
        self.seed = _int_arg(seed, "seed", 0)
        psi = _number_arg(psi, "psi", PSI_MIN, PSI_MAX)
        self.generator = generator
        self.classifier = _classifier(classifier, required=True)
        self.in_w = torch.is_tensor(getattr(generator, "w_avg", None))  # StyleGAN: truncation in w space
        self._cache: dict[float, tuple[np.ndarray, object]] = {}
        self.psi = widgets.FloatSlider(value=round(psi / PSI_STEP) * PSI_STEP, min=PSI_MIN, max=PSI_MAX,
                                       step=PSI_STEP, readout_format=".2f", description="ψ (중심으로 당기기)")
        super().__init__([self.psi])

    @staticmethod
    def _key(psi: float) -> float:
        return round(float(psi), 4)

    def measure(self, psi: float | None = None):
        """``(grid digits (n, 28, 28) uint8, DigitScore)`` at ``psi`` (default: the slider's), computed once."""
        psi = self.psi.value if psi is None else _number_arg(psi, "psi", -10.0, 10.0)
        key = self._key(psi)
        if key not in self._cache:
            from ..metrics import classifier_score

            with torch_threads(1):
                images = self.generator.sample(max(self.n, self.measure_n), self.seed, psi=key)
            with _eval(self.classifier), torch_threads(1):
                score = classifier_score(images[: self.measure_n], classifier=self.classifier)
            self._cache[key] = (_to_uint8(images[: self.n]), score)
        return self._cache[key]

    def score(self, psi: float | None = None):
        """The :class:`~coursekit.metrics.DigitScore` at ``psi`` (default: the slider's)."""
        return self.measure(psi)[1]

    def scores(self) -> dict[float, object]:
        """Every ψ measured so far -> its DigitScore, in increasing ψ (a table of the trade-off)."""
        return {psi: self._cache[psi][1] for psi in sorted(self._cache)}

    def _chart(self, score, height: int) -> np.ndarray:
        from ..metrics import COVERAGE_SHARE

        w = self.CHART_W
        canvas = np.full((height, w, 3), 255, np.uint8)
        shares = score.shares()
        top_share = float(shares.max())
        y_max = next(m for m in (0.25, 0.5, 1.0) if top_share <= m + 1e-12)
        x0, x1, y0, y1 = 34, w - 6, 44, height - 24  # plot area: y0 top, y1 baseline
        _text(canvas, f"classes of {score.count} samples", x0, 18)

        def y_of(share: float) -> int:
            return round(y1 - min(share, y_max) / y_max * (y1 - y0))

        for tick in (0.0, y_max / 2, y_max):
            y = y_of(tick)
            cv2.line(canvas, (x0, y), (x1, y), (225, 225, 225), 1)
            _text(canvas, f"{tick:.0%}", 2, y + 4, scale=0.35, rgb=_MUTED)
        slot = (x1 - x0) / len(shares)
        for i, share in enumerate(shares):
            left, right = round(x0 + i * slot + 2), round(x0 + (i + 1) * slot - 2)
            if i == len(shares) - 1:
                fill = _NOT_DIGIT
            else:
                fill = _COVERED if share >= COVERAGE_SHARE - 1e-12 else _UNCOVERED
            if share > 0:
                cv2.rectangle(canvas, (left, y_of(share)), (right, y1), fill, -1)
            _text(canvas, str(score.histogram[i]), (left + right) // 2, y_of(share) - 4, scale=0.32,
                  rgb=_MUTED, center=True)
            _text(canvas, "X" if i == len(shares) - 1 else str(i), (left + right) // 2, y1 + 16, scale=0.42,
                  center=True)
        y = y_of(COVERAGE_SHARE)
        for x in range(x0, x1, 8):  # dashed: the coverage threshold
            cv2.line(canvas, (x, y), (min(x + 4, x1), y), _HIGHLIGHT, 1)
        return canvas

    def render(self) -> np.ndarray:
        digits, score = self.measure()
        cols = math.ceil(math.sqrt(self.n))
        factor = max(1, self.GRID_SIDE // (cols * 28))
        grid = _tiles(digits, cols, factor, gap=2)
        height = max(grid.shape[0], 240)
        canvas = np.full((height, grid.shape[1] + self.GAP + self.CHART_W, 3), 255, np.uint8)
        canvas[: grid.shape[0], : grid.shape[1]] = grid
        canvas[:, grid.shape[1] + self.GAP :] = self._chart(score, height)
        return canvas

    def caption(self) -> str:
        from ..metrics import CONFIDENCE, COVERAGE_SHARE

        psi = self.psi.value
        score = self.score()
        line = (
            f"ψ = {psi:.2f}: 확신(≥{CONFIDENCE:g})한 숫자 {score.confident:.0%} · 숫자 아님 {score.not_digit:.0%} · "
            f"커버리지 {score.coverage}/10 (샘플 {score.count}개를 분류기로 측정, 그림은 그중 앞 {self.n}개)"
        )
        how = (
            "StyleGAN: w를 평균 w̄ 쪽으로 당김, w' = w̄ + ψ(w − w̄)" if self.in_w
            else "DCGAN: z에 ψ를 곱함, z' = ψ·z (중심 0)"
        )
        if psi == 0:
            meaning = "ψ = 0: 모든 코드가 중심 하나로 모여 전부 같은 그림"
        elif psi < 1:
            meaning = ("ψ를 낮출수록 샘플이 중심으로 모여 종류가 줄어듦(커버리지↓); 확신 있는 숫자가 늘지 줄지는 모델마다 다름 "
                       "(위 줄의 측정으로 확인)")
        elif psi == 1:
            meaning = "ψ = 1: 당기지 않음 (학습 때와 같은 분포)"
        else:
            meaning = "ψ > 1: 중심에서 더 멀리 밀어냄 — 다양하지만 이상한 샘플이 늘어남"
        legend = f"막대: 예측 클래스별 샘플 수 (X = 숫자 아님, 빨간 점선 = 커버리지 기준 {COVERAGE_SHARE:.0%})"
        return f"{line}<br>{how} — {meaning}<br>{legend}"


# --- StyleMixer ----------------------------------------------------------------------------


def _layer_span(layers: range) -> str:
    from ..models.stylegan import RESOLUTIONS

    sizes = sorted({RESOLUTIONS[i] for i in layers if i < len(RESOLUTIONS)})
    where = f" ({', '.join(f'{s}×{s}' for s in sizes)})" if sizes else ""
    return (f"층 {layers[0]}–{layers[-1]}" if len(layers) > 1 else f"층 {layers[0]}") + where


GROUP_MEANING = {
    "coarse": "숫자 종류·자세·기울기",
    "middle": "획 두께·고리와 끝 모양",
    "fine": "가장자리·질감",
}


class StyleMixer(HeldExplorer):
    """StyleGAN's style mixing: A's ``w`` for the layers before the crossover, B's from there on.

    ``style_generator`` is a :class:`~coursekit.models.stylegan.StyleGenerator`.
    Codes come from ``sample_z(1, latent_dim, seed)`` mapped to w (truncated
    towards ``w_avg`` by ``psi``); the picture is A (coarse source) | mix | B
    (fine source), with a row of boxes saying which layer took which w.
    """

    PANEL = 196
    GAP = 16

    def __init__(self, style_generator, *, seed: int = 0, crossover: int = 2, psi: float = 1.0):
        import ipywidgets as widgets

        _generator(
            style_generator,
            needs=("mix", "w_of", "images_from_ws"),
            like="a StyleGenerator (coursekit.models.stylegan) with mix(), w_of() and images_from_ws(); "
            "a DCGAN feeds one z to all layers, so its styles cannot be mixed",
        )
        self.num_layers = _int_arg(getattr(style_generator, "num_layers", None), "style_generator.num_layers", 1)
        seed = _int_arg(seed, "seed", 0, MAX_SEED - 1)
        crossover = _int_arg(crossover, "crossover", 0, self.num_layers)
        self.psi = _number_arg(psi, "psi", PSI_MIN, PSI_MAX)
        self.generator = style_generator
        self._ws: dict[int, torch.Tensor] = {}
        self.coarse_seed = widgets.IntSlider(value=seed, min=0, max=MAX_SEED, description="A: 거친 스타일 시드")
        self.fine_seed = widgets.IntSlider(value=seed + 1, min=0, max=MAX_SEED, description="B: 세밀한 스타일 시드")
        self.crossover = widgets.IntSlider(value=crossover, min=0, max=self.num_layers,
                                           description="교차 층 (이 층부터 B)")
        super().__init__([self.coarse_seed, self.fine_seed, self.crossover])

    def w(self, seed: int) -> torch.Tensor:
        """The ``(1, w_dim)`` code of ``seed`` (computed once)."""
        if seed not in self._ws:
            z = sample_z(1, self.generator.latent_dim, seed)
            with torch.no_grad(), _eval(self.generator), torch_threads(1):
                device = next(self.generator.parameters()).device
                self._ws[seed] = self.generator.w_of(z.to(device), self.psi).cpu()
        return self._ws[seed]

    def ws(self) -> torch.Tensor:
        """``(3, num_layers, w_dim)``: A everywhere, the mix, B everywhere."""
        wa, wb = self.w(self.coarse_seed.value), self.w(self.fine_seed.value)
        mixed = self.generator.mix(wa, wb, self.crossover.value)
        return torch.cat([self.generator.mix(wa, wb, self.num_layers), mixed, self.generator.mix(wa, wb, 0)])

    def render(self) -> np.ndarray:
        with torch_threads(1):
            images = self.generator.images_from_ws(self.ws())
        gray = _to_uint8(images)
        p, gap, top = self.PANEL, self.GAP, 26
        width = 3 * p + 2 * gap
        canvas = np.full((top + p + 58, width, 3), 255, np.uint8)
        titles = (f"A (seed {self.coarse_seed.value})", f"mix (B from layer {self.crossover.value})",
                  f"B (seed {self.fine_seed.value})")
        for i, title in enumerate(titles):
            x = i * (p + gap)
            canvas[top : top + p, x : x + p] = _big(gray[i], p)
            _text(canvas, title, x + p // 2, 18, center=True)
        from ..models.stylegan import RESOLUTIONS

        boxes = self.num_layers
        box_w = min(56, (p - 4) // boxes)
        x0 = p + gap + (p - boxes * box_w) // 2
        y = top + p + 10
        for i in range(boxes):
            fill = _SOURCE_A if i < self.crossover.value else _SOURCE_B
            x = x0 + i * box_w
            cv2.rectangle(canvas, (x + 1, y), (x + box_w - 2, y + 20), fill, -1)
            _text(canvas, "A" if i < self.crossover.value else "B", x + box_w // 2, y + 15, scale=0.42,
                  rgb=(255, 255, 255), center=True)
            if i < len(RESOLUTIONS):
                _text(canvas, str(RESOLUTIONS[i]), x + box_w // 2, y + 38, scale=0.36, rgb=_MUTED, center=True)
        return canvas

    def caption(self) -> str:
        from ..models.stylegan import LAYER_GROUPS

        c, layers = self.crossover.value, self.num_layers
        if c == 0:
            split = "모든 층이 B의 w → 가운데 = B"
        elif c == layers:
            split = "모든 층이 A의 w → 가운데 = A"
        else:
            split = f"A의 w: {_layer_span(range(0, c))} · B의 w: {_layer_span(range(c, layers))}"
        groups = " · ".join(
            f"{'A' if max(idx) < c else 'B' if min(idx) >= c else 'A/B'}: {GROUP_MEANING.get(name, name)} "
            f"(층 {min(idx)}–{max(idx)})"
            for name, idx in LAYER_GROUPS.items()
            if max(idx) < layers
        )
        return (
            f"왼쪽 A (거친 스타일의 출처) | 가운데 섞은 그림 | 오른쪽 B (세밀한 스타일의 출처) — {split}"
            f"<br>층마다 맡는 것 (학습된 모델 기준): {groups}"
        )

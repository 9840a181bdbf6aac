"""Week 7 widget: the web UI's img2img and inpainting tab in miniature.

:class:`EditPad` takes one input digit (damaged, drawn or real) and a mask of
the pixels to keep. Its knobs: the mode (img2img or inpainting), the img2img
**strength** (how much noise is added before denoising), the prompt (class)
and the seed. Each change runs :func:`coursekit.diffusion.editing.img2img` or
:func:`~coursekit.diffusion.editing.inpaint` once and shows the input, the
result and what the digit classifier reads. The same settings always give the
same result.
"""

from __future__ import annotations

import numpy as np
import torch

from ..diffusion.editing import img2img, inpaint
from .base import HeldExplorer
from .digit_views import REFERENCE, big, classifier, int_arg, probabilities, reading, text, to_uint8

__all__ = ["EditPad", "IMG2IMG", "INPAINT"]

IMG2IMG, INPAINT = "img2img", "인페인팅"


class EditPad(HeldExplorer):
    """img2img / inpainting of ``image`` (1, 28, 28) with a ``pipeline``; ``keep`` (1, 28, 28): 1 = keep for inpainting."""

    GAP = 12

    def __init__(self, pipeline, image: torch.Tensor, keep: torch.Tensor, *, label: int = 3, strength: float = 0.6,
                 seed: int = 0, size: int = 200, classifier_=REFERENCE):
        import ipywidgets as widgets

        if not callable(getattr(pipeline, "generate", None)) or not hasattr(pipeline, "default_steps"):
            raise TypeError("pipeline must be a coursekit.diffusion.pipeline.DigitDiffusion (pixel space)")
        for name, value in (("image", image), ("keep", keep)):
            if not isinstance(value, torch.Tensor) or value.shape != (1, 28, 28):
                raise ValueError(f"{name} must be one digit-sized map, a tensor (1, 28, 28), got "
                                 f"{getattr(value, 'shape', type(value).__name__)}")
        if float(image.min()) < 0 or float(image.max()) > 1:
            raise ValueError("image must hold values in [0, 1]")
        if not bool(((keep == 0) | (keep == 1)).all()):
            raise ValueError("keep must hold only 0 (regenerate) and 1 (keep)")
        if isinstance(strength, bool) or not isinstance(strength, (int, float)) or not 0 <= strength <= 1:
            raise ValueError(f"strength must be a number in [0, 1], got {strength!r}")
        self.pipeline, self.size = pipeline, int_arg(size, "size", 64, 1024)
        self.input, self.keep = image[None].float(), keep[None].float()
        self.classifier = classifier(classifier_, required=True)
        self.mode = widgets.Dropdown(options=[IMG2IMG, INPAINT], value=IMG2IMG, description="모드")
        self.strength = widgets.FloatSlider(value=float(strength), min=0.0, max=1.0, step=0.05, description="강도 (strength)")
        self.prompt = widgets.Dropdown(options=[str(c) for c in range(pipeline.num_classes)],
                                       value=str(int_arg(label, "label", 0, pipeline.num_classes - 1)),
                                       description="프롬프트 (숫자)")
        self.seed = widgets.IntSlider(value=int_arg(seed, "seed", 0, 999), min=0, max=999, description="시드")
        self._probs = None
        super().__init__([self.mode, self.strength, self.prompt, self.seed])

    def result(self) -> torch.Tensor:
        """The edited digit for the current knobs, ``(1, 1, 28, 28)`` in [0, 1]."""
        labels, seed = [int(self.prompt.value)], int(self.seed.value)
        if self.mode.value == INPAINT:
            return inpaint(self.pipeline, self.input, self.keep, labels, seed=seed)
        return img2img(self.pipeline, self.input, labels, strength=float(self.strength.value), seed=seed)

    def shown_input(self) -> torch.Tensor:
        """The input as the mode sees it: inpainting greys out the pixels it regenerates."""
        if self.mode.value == INPAINT:
            return self.keep * self.input + (1 - self.keep) * 0.5
        return self.input

    def render(self) -> np.ndarray:
        out = self.result()
        self._probs = probabilities(self.classifier, out)[0]
        width = 2 * self.size + self.GAP
        canvas = np.full((self.size + 28, width, 3), 255, np.uint8)
        canvas[: self.size, : self.size] = big(to_uint8(self.shown_input())[0], self.size)
        canvas[: self.size, self.size + self.GAP :] = big(to_uint8(out)[0], self.size)
        label, probability, _ = reading(self._probs)
        text(canvas, "input", self.size / 2, self.size + 20, center=True)
        text(canvas, f"classifier: {label} ({probability:.0%})", self.size * 1.5 + self.GAP, self.size + 20, center=True)
        return canvas

    def caption(self) -> str:
        label, probability, is_digit = reading(self._probs)
        asked = self.prompt.value
        verdict = "요청한 숫자" if is_digit and label == asked else "요청과 다름"
        how = ("회색 부분만 다시 그림" if self.mode.value == INPAINT
               else f"강도 {self.strength.value:.2f}: 샘플러 {self.pipeline.default_steps}스텝 중 마지막 "
                    f"{round(self.strength.value * self.pipeline.default_steps)}스텝만 밟음")
        return (f"{self.mode.value}, 프롬프트 {asked}, 시드 {self.seed.value} ({how}) → 분류기: "
                f"{label if is_digit else '숫자 아님'} {probability:.0%} ({verdict})")

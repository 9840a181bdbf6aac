"""Week 6 widgets: the forward process over t, and the web UI's prompt box in miniature.

- :class:`NoisingSlider`: one digit noised to step t under two schedules side by
  side (the same noise ε, so only ᾱ_t differs), with ᾱ_t and the signal-to-noise
  ratio printed under each. Moving t is one ``q_sample`` per schedule.
- :class:`PromptPad`: prompt (class, or the empty prompt), negative prompt, guidance (CFG) scale,
  DDIM steps and seed; each change samples one digit with
  :meth:`coursekit.diffusion.pipeline.DigitDiffusion.generate` and shows what the
  digit classifier reads. The same settings always give the same digit.
"""

from __future__ import annotations

import numpy as np
import torch

from ..diffusion.forward import q_sample
from ..diffusion.noise_schedule import NoiseSchedule
from .base import HeldExplorer
from .digit_views import REFERENCE, big, classifier, int_arg, probabilities, reading, text, to_uint8

__all__ = ["NoisingSlider", "PromptPad", "NO_NEGATIVE", "EMPTY_PROMPT"]

NO_NEGATIVE = "없음"
EMPTY_PROMPT = "(빈 프롬프트)"


class NoisingSlider(HeldExplorer):
    """x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε for a slider over t, under each of ``schedules`` (a dict name → schedule)."""

    GAP = 12

    def __init__(self, image: torch.Tensor, schedules: dict[str, NoiseSchedule], *, seed: int = 0, size: int = 200,
                 t: int = 300):
        import ipywidgets as widgets

        if not isinstance(image, torch.Tensor) or image.shape != (1, 28, 28):
            raise ValueError(f"image must be one digit, a tensor (1, 28, 28) in [0, 1], got "
                             f"{getattr(image, 'shape', type(image).__name__)}")
        if float(image.min()) < 0 or float(image.max()) > 1:
            raise ValueError("image must hold values in [0, 1]")
        if not isinstance(schedules, dict) or not schedules or not all(isinstance(s, NoiseSchedule) for s in schedules.values()):
            raise TypeError("schedules must be a non-empty dict of name -> coursekit.diffusion NoiseSchedule")
        steps = {s.num_steps for s in schedules.values()}
        if len(steps) != 1:
            raise ValueError(f"the schedules must have the same number of steps, got {sorted(steps)}")
        self.num_steps = steps.pop()
        self.size = int_arg(size, "size", 64, 1024)
        self.x0 = image[None].float() * 2 - 1
        self.noise = torch.randn(self.x0.shape, generator=torch.Generator().manual_seed(int_arg(seed, "seed", 0)))
        self.schedules = schedules
        self.t = widgets.IntSlider(value=int_arg(t, "t", 0, self.num_steps - 1), min=0, max=self.num_steps - 1,
                                   step=10, description="잡음 단계 t")
        super().__init__([self.t])

    def noised(self, name: str) -> torch.Tensor:
        """x_t under schedule ``name`` at the slider's t, in [0, 1] (clipped for display)."""
        step = torch.tensor([self.t.value])
        return ((q_sample(self.schedules[name], self.x0, step, self.noise) + 1) / 2).clamp(0, 1)

    def render(self) -> np.ndarray:
        names = list(self.schedules)
        width = len(names) * self.size + (len(names) - 1) * self.GAP
        canvas = np.full((self.size + 48, width, 3), 255, np.uint8)
        for i, name in enumerate(names):
            x = i * (self.size + self.GAP)
            canvas[: self.size, x : x + self.size] = big(to_uint8(self.noised(name))[0], self.size)
            alpha_bar = float(self.schedules[name].alpha_bar(torch.tensor([self.t.value]))[0])
            snr = alpha_bar / (1 - alpha_bar) if alpha_bar < 1 else float("inf")
            text(canvas, name, x + self.size / 2, self.size + 18, center=True)
            text(canvas, f"abar={alpha_bar:.3f} SNR={snr:.3g}", x + self.size / 2, self.size + 38, center=True)
        return canvas

    def caption(self) -> str:
        parts = []
        for name, schedule in self.schedules.items():
            alpha_bar = float(schedule.alpha_bar(torch.tensor([self.t.value]))[0])
            parts.append(f"{name}: 신호 √ᾱ = {alpha_bar ** 0.5:.2f}, 잡음 √(1−ᾱ) = {(1 - alpha_bar) ** 0.5:.2f}")
        return f"t = {self.t.value}/{self.num_steps - 1}. " + "; ".join(parts) + " (같은 잡음 ε)"


class PromptPad(HeldExplorer):
    """Prompt, negative prompt, CFG scale, steps and seed of a class-conditional ``pipeline``; one digit per change."""

    def __init__(self, pipeline, *, label: int = 3, seed: int = 0, size: int = 224, classifier_=REFERENCE):
        import ipywidgets as widgets

        if not callable(getattr(pipeline, "generate", None)) or not hasattr(pipeline, "empty_prompt"):
            raise TypeError("pipeline must be a coursekit.diffusion.pipeline.DigitDiffusion (generate, empty_prompt)")
        self.pipeline, self.size = pipeline, int_arg(size, "size", 64, 1024)
        self.classifier = classifier(classifier_, required=True)
        classes = [str(c) for c in range(pipeline.num_classes)]
        self.prompt = widgets.Dropdown(options=[*classes, EMPTY_PROMPT], value=str(int_arg(label, "label", 0, pipeline.num_classes - 1)),
                                       description="프롬프트 (숫자)")
        self.negative = widgets.Dropdown(options=[NO_NEGATIVE, *classes], value=NO_NEGATIVE,
                                         description="네거티브 프롬프트")
        self.guidance = widgets.FloatSlider(value=pipeline.default_guidance, min=0.0, max=6.0, step=0.5,
                                            description="가이던스 w (CFG)")
        self.steps = widgets.IntSlider(value=pipeline.default_steps, min=2, max=50, step=1, description="DDIM 스텝")
        self.seed = widgets.IntSlider(value=int_arg(seed, "seed", 0, 999), min=0, max=999, description="시드")
        self._probs = None
        super().__init__([self.prompt, self.negative, self.guidance, self.steps, self.seed])

    def settings(self) -> dict:
        """The current knobs as :meth:`DigitDiffusion.generate` arguments (plus the label)."""
        negative = None if self.negative.value == NO_NEGATIVE else int(self.negative.value)
        label = self.pipeline.empty_prompt if self.prompt.value == EMPTY_PROMPT else int(self.prompt.value)
        return {"labels": [label], "negative": negative, "guidance": float(self.guidance.value),
                "steps": int(self.steps.value), "seed": int(self.seed.value)}

    def digit(self) -> torch.Tensor:
        """The digit the current knobs make, ``(1, 1, 28, 28)`` in [0, 1]."""
        return self.pipeline.generate(**self.settings())

    def render(self) -> np.ndarray:
        digit = self.digit()
        self._probs = probabilities(self.classifier, digit)[0]
        canvas = np.full((self.size + 28, self.size, 3), 255, np.uint8)
        canvas[: self.size] = big(to_uint8(digit)[0], self.size)
        label, probability, _ = reading(self._probs)
        text(canvas, f"classifier: {label} ({probability:.0%})", self.size / 2, self.size + 20, center=True)
        return canvas

    def caption(self) -> str:
        label, probability, is_digit = reading(self._probs)
        asked = self.prompt.value
        if asked == EMPTY_PROMPT:
            verdict = "프롬프트 없음"
        else:
            verdict = "요청한 숫자" if is_digit and label == asked else "요청과 다름"
        negative = "" if self.negative.value == NO_NEGATIVE else f", 네거티브 {self.negative.value}"
        return (f"프롬프트 {asked}{negative}, w = {self.guidance.value:g}, DDIM {self.steps.value}스텝, 시드 {self.seed.value}"
                f" → 분류기: {label if is_digit else '숫자 아님'} {probability:.0%} ({verdict}). 같은 설정이면 언제나 같은 숫자입니다.")

"""Week 5 widget: a pad over a 2-D VAE's latent plane that decodes wherever you point.

:class:`LatentPad` has two sliders, the coordinates (z₁, z₂). The picture is
the latent map (the codes of real digits as dots coloured by class, the prior's
1σ and 2σ circles, a cross at the point) beside the digit the decoder makes
there, with the digit classifier's reading underneath. The map is drawn once;
a move only decodes one code and draws the cross, so it redraws in milliseconds.
"""

from __future__ import annotations

import numpy as np
import torch

from .base import HeldExplorer
from .digit_views import REFERENCE, big, classifier, number_arg, probabilities, reading, text, to_uint8

__all__ = ["LatentPad", "CLASS_COLORS"]

CLASS_COLORS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
                (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]  # matplotlib's tab10, by digit


class LatentPad(HeldExplorer):
    """Point at (z₁, z₂) on a 2-D model's latent plane; see the decoded digit and what the classifier reads.

    ``model`` has ``latent_dim == 2`` and ``decode_images(z)``; ``codes``
    ``(N, 2)`` and ``labels`` ``(N,)`` are the dots of the map (for example the
    test digits' μ). ``extent``: the plane shown is [-extent, extent]².
    """

    GAP = 12

    def __init__(self, model, codes: torch.Tensor, labels: torch.Tensor, *, extent: float = 3.0, size: int = 240,
                 classifier_=REFERENCE):
        import ipywidgets as widgets

        if getattr(model, "latent_dim", None) != 2 or not callable(getattr(model, "decode_images", None)):
            raise TypeError("model must be a 2-D autoencoder of coursekit.models.vae (latent_dim 2, decode_images)")
        if not isinstance(codes, torch.Tensor) or codes.ndim != 2 or codes.shape[1] != 2:
            raise ValueError(f"codes must be a tensor (N, 2), got {getattr(codes, 'shape', type(codes).__name__)}")
        if not isinstance(labels, torch.Tensor) or labels.shape != (len(codes),):
            raise ValueError(f"labels must be a tensor of {len(codes)} class indices")
        self.extent = number_arg(extent, "extent", 0.0, 50.0, low_open=True)
        self.size = int(number_arg(size, "size", 64, 1024))
        self.model, self.classifier = model, classifier(classifier_, required=True)
        self.background = self._map(codes.detach().float().cpu(), labels.cpu())
        step = round(self.extent / 60, 4)
        self.z1 = widgets.FloatSlider(value=0.0, min=-self.extent, max=self.extent, step=step, description="z₁",
                                      readout_format="+.2f")
        self.z2 = widgets.FloatSlider(value=0.0, min=-self.extent, max=self.extent, step=step, description="z₂",
                                      readout_format="+.2f")
        self._probs = None
        super().__init__([self.z1, self.z2], columns=2)

    def _pixel(self, z1: float, z2: float) -> tuple[int, int]:
        scale = (self.size - 1) / (2 * self.extent)
        return round((z1 + self.extent) * scale), round((self.extent - z2) * scale)

    def _map(self, codes: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
        import cv2

        canvas = np.full((self.size, self.size, 3), 255, np.uint8)
        centre = self._pixel(0.0, 0.0)
        unit = (self.size - 1) / (2 * self.extent)
        for radius in (1, 2):
            cv2.circle(canvas, centre, round(radius * unit), (170, 170, 170), 1, cv2.LINE_AA)
        inside = (codes.abs() <= self.extent).all(1)
        for (z1, z2), label in zip(codes[inside].tolist(), labels[inside].tolist()):
            cv2.circle(canvas, self._pixel(z1, z2), 2, CLASS_COLORS[int(label) % 10], -1)
        cv2.rectangle(canvas, (0, 0), (self.size - 1, self.size - 1), (120, 120, 120), 1)
        return canvas

    def code(self) -> torch.Tensor:
        """The current point ``(1, 2)``."""
        return torch.tensor([[self.z1.value, self.z2.value]], dtype=torch.float32)

    def set_point(self, z1: float, z2: float) -> None:
        """Move to (z₁, z₂) with one redraw."""
        with self.hold():
            self.z1.value, self.z2.value = float(z1), float(z2)

    def render(self) -> np.ndarray:
        import cv2

        with torch.no_grad():
            digit = self.model.decode_images(self.code())
        self._probs = probabilities(self.classifier, digit)[0]
        canvas = np.full((self.size + 28, 2 * self.size + self.GAP, 3), 255, np.uint8)
        pad = self.background.copy()
        x, y = self._pixel(self.z1.value, self.z2.value)
        cv2.drawMarker(pad, (x, y), (0, 0, 0), cv2.MARKER_CROSS, 18, 2)
        canvas[: self.size, : self.size] = pad
        canvas[: self.size, self.size + self.GAP :] = big(to_uint8(digit)[0], self.size)
        label, probability, _ = reading(self._probs)
        text(canvas, "latent plane (dots: test digits)", self.size / 2, self.size + 20, center=True)
        text(canvas, f"decoded: {label} ({probability:.0%})", self.size * 1.5 + self.GAP, self.size + 20, center=True)
        return canvas

    def caption(self) -> str:
        label, probability, is_digit = reading(self._probs)
        what = f"숫자 {label}" if is_digit else "숫자 아님"
        sure = "확신" if is_digit and probability >= 0.9 else "애매함"
        return (f"(z₁, z₂) = ({self.z1.value:+.2f}, {self.z2.value:+.2f}) → 분류기: {what} {probability:.0%} ({sure}). "
                "회색 원은 사전분포 N(0, I)의 1σ, 2σ입니다.")

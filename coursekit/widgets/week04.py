"""Week 4 widget: turn the puppet's head and face, and see the autoencoder's swap beside the ground truth.

:class:`PuppetSwap` has sliders over the puppet's pose (yaw, pitch, roll,
mouth, smile, eyes) and a direction. Each change renders the destination's
frame with that pose, cuts out its aligned face (with the frame's known
landmarks, so no detector runs on the hot path), swaps it with the
autoencoder, pastes it back (:func:`coursekit.faces.merge.merge_face`) and
shows three aligned crops: the destination, the swap, and the source person
rendered with the same pose (the ground truth), with the masked SSIM of the
swap against the truth. The swap panel carries a visible "AI" label.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..faces.extract import extract
from ..faces.puppet import LIMITS, Pose, render
from ..faces.puppet_sets import IDENTITIES, portrait_fit
from ..faces.swap_measures import crop_like, decode_as, masked_ssim, merge_or_none
from .base import HeldExplorer
from .digit_views import int_arg, text

__all__ = ["PuppetSwap", "SLIDERS", "DIRECTIONS"]

SLIDERS = {"yaw": "고개 돌리기 (yaw, 도)", "pitch": "끄덕이기 (pitch, 도)", "roll": "기울이기 (roll, 도)",
           "mouth": "입 벌리기", "smile": "미소", "eyes": "눈 뜨기"}
DIRECTIONS = {f"{s} 얼굴 → {d} 프레임": (s, d) for s, d in (IDENTITIES[::-1], IDENTITIES)}


class PuppetSwap(HeldExplorer):
    """Destination, autoencoder swap and ground truth for one pose of the puppet, side by side."""

    GAP = 10

    def __init__(self, model, *, direction: str | None = None, size: int = 192):
        import ipywidgets as widgets

        if not callable(getattr(model, "swap", None)) or not set(IDENTITIES) <= set(getattr(model, "identities", ())):
            raise TypeError(f"model must be a FaceSwapAE with decoders for {', '.join(IDENTITIES)}")
        direction = next(iter(DIRECTIONS)) if direction is None else direction
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
        self.model, self.size = model, int_arg(size, "size", 64, 512)
        self.direction = widgets.Dropdown(options=list(DIRECTIONS), value=direction, description="방향")
        self.sliders = {}
        for name, label in SLIDERS.items():
            low, high = LIMITS[name]
            step = 1.0 if high > 2 else 0.05
            self.sliders[name] = widgets.FloatSlider(value=getattr(Pose(), name), min=low, max=high, step=step,
                                                     description=label)
        self._ssim = float("nan")
        super().__init__([self.direction, *self.sliders.values()])

    def pose(self) -> Pose:
        return Pose(**{name: float(s.value) for name, s in self.sliders.items()})

    def panels(self) -> dict[str, np.ndarray]:
        """The three aligned crops (uint8 RGB) for the current knobs: destination, swap, truth."""
        source, destination = DIRECTIONS[self.direction.value]
        pose = self.pose()
        frame = render(*portrait_fit(destination), pose)
        aligned = extract(frame.image, self.model.size, points=frame.points)
        faces, masks = decode_as(self.model, [aligned.crop], source)
        merged = merge_or_none(frame.image, aligned, faces[0], masks[0], mark=False)
        merged = frame.image if merged is None else merged  # an empty mask: nothing pasted
        truth_frame = render(*portrait_fit(source), pose)
        truth = extract(truth_frame.image, self.model.size, points=truth_frame.points)
        swapped = crop_like(merged, aligned)
        self._ssim = masked_ssim(swapped, truth)
        return {"destination": aligned.crop, "swap": swapped, "truth": truth.crop}

    def render(self) -> np.ndarray:
        panels = self.panels()
        s, gap = self.size, self.GAP
        canvas = np.full((s + 28, 3 * s + 2 * gap, 3), 255, np.uint8)
        for i, (name, crop) in enumerate(panels.items()):
            x = i * (s + gap)
            canvas[:s, x:x + s] = cv2.resize(crop, (s, s), interpolation=cv2.INTER_CUBIC)
            text(canvas, {"destination": "destination", "swap": "autoencoder swap", "truth": "ground truth"}[name],
                 x + s / 2, s + 20, center=True)
        x = s + gap
        cv2.rectangle(canvas, (x + 4, 4), (x + 34, 22), (0, 0, 0), -1)
        text(canvas, "AI", x + 11, 18, rgb=(255, 255, 255))
        return canvas

    def caption(self) -> str:
        source, destination = DIRECTIONS[self.direction.value]
        pose = self.pose()
        return (f"{destination}의 프레임 (yaw {pose.yaw:+.0f}°, pitch {pose.pitch:+.0f}°, roll {pose.roll:+.0f}°, "
                f"입 {pose.mouth:.2f}, 미소 {pose.smile:.2f}, 눈 {pose.eyes:.2f})에 {source}의 얼굴 → "
                f"정답과의 얼굴 안 SSIM {self._ssim:.2f}")

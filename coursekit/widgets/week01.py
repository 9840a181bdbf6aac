"""Week 1 widgets: a color-space explorer and HSV range sliders for thresholding."""

from __future__ import annotations

import cv2
import numpy as np

from .. import color
from ..images import check_image, gray_to_rgb
from .base import ImageExplorer, photo_set

__all__ = ["stretch", "ColorSpaceExplorer", "HsvThreshold"]

def stretch(gray: np.ndarray) -> np.ndarray:
    """Map a channel's own min..max onto 0..255 (a flat channel stays as it is)."""
    low, high = int(gray.min()), int(gray.max())
    if high == low:
        return gray
    return np.rint((gray.astype(np.float32) - low) * (255.0 / (high - low))).astype(np.uint8)


class ColorSpaceExplorer(ImageExplorer):
    """Pick a photo, a color space and one of its channels; see that channel as gray."""

    def __init__(self, images: dict | None = None, size: int = 320):
        import ipywidgets as widgets

        self.photos = photo_set(images, size)
        self._converted: dict[tuple[str, str], np.ndarray] = {}
        self.photo = widgets.Dropdown(options=list(self.photos), description="이미지")
        self.space = widgets.Dropdown(options=list(color.SPACES), value="HSV", description="색 공간")
        self.channel = widgets.ToggleButtons(options=color.SPACES["HSV"], description="채널")
        self.stretched = widgets.Checkbox(value=True, description="대비 늘리기 (채널의 최소~최대 → 0~255)")
        self.space.observe(self._space_changed, names="value")
        super().__init__([self.photo, self.space, self.channel, self.stretched])

    def _space_changed(self, change) -> None:
        # New options change the channel's value, and that change redraws.
        self.channel.options = color.SPACES[change["new"]]

    def _on_change(self, change) -> None:
        if change["owner"] is not self.space:  # the channel change already redrew
            self.update()

    def render(self) -> np.ndarray:
        rgb = self.photos[self.photo.value]
        key = (self.photo.value, self.space.value)
        if key not in self._converted:  # switching channels reuses the conversion
            self._converted[key] = color.convert(rgb, self.space.value)
        self._values = self._converted[key][..., color.SPACES[self.space.value].index(self.channel.value)]
        shown = stretch(self._values) if self.stretched.value else self._values
        return np.hstack([rgb, gray_to_rgb(shown)])

    def caption(self) -> str:
        low, high = int(self._values.min()), int(self._values.max())
        return (
            f"왼쪽: 원본 RGB · 오른쪽: {self.space.value}의 {self.channel.value} 채널 "
            f"(값 범위 {low}~{high}, 밝을수록 큰 값)"
        )


class HsvThreshold(ImageExplorer):
    """HSV range sliders that redraw the mask and the masked photo."""

    def __init__(self, images: dict | None = None, size: int = 320, hue=(5, 25), saturation=(80, 255), value=(60, 255)):
        import ipywidgets as widgets

        self.photos = photo_set(images, size)
        self._hsv = {name: color.rgb_to_hsv(img) for name, img in self.photos.items()}
        self.photo = widgets.Dropdown(options=list(self.photos), description="이미지")
        self.hue = widgets.IntRangeSlider(value=hue, min=0, max=179, description="H (색상)")
        self.wrap = widgets.Checkbox(value=False, description="H 범위 밖을 선택 (빨강: 179→0)")
        self.saturation = widgets.IntRangeSlider(value=saturation, min=0, max=255, description="S (채도)")
        self.value = widgets.IntRangeSlider(value=value, min=0, max=255, description="V (명도)")
        super().__init__([self.photo, self.hue, self.wrap, self.saturation, self.value])

    def mask(self) -> np.ndarray:
        """The current mask; with ``wrap`` on, hues *outside* the slider's range are selected."""
        hsv = self._hsv[self.photo.value]
        inside = color.hsv_mask(hsv, self.hue.value, self.saturation.value, self.value.value)
        if not self.wrap.value:
            return inside
        any_hue = color.hsv_mask(hsv, (0, 179), self.saturation.value, self.value.value)
        return np.where(inside > 0, 0, any_hue).astype(np.uint8)

    def render(self) -> np.ndarray:
        mask = self.mask()
        self._selected = float((mask > 0).mean())
        rgb = self.photos[self.photo.value]
        return np.hstack([rgb, gray_to_rgb(mask), color.apply_mask(rgb, mask)])

    def caption(self) -> str:
        return f"원본 · 마스크 · 마스크를 씌운 이미지 — 선택된 픽셀 {self._selected:.1%}"

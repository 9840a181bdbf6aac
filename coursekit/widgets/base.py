"""What every lesson widget shares: controls that redraw one picture.

A widget subclasses :class:`ImageExplorer`, builds its controls, and
implements :meth:`render`, a pure function of the control values that returns
an RGB ``uint8`` array. Redrawing encodes that array as PNG into an
``ipywidgets.Image`` (no matplotlib on the hot path), so a knob turn redraws in
milliseconds, and notebook outputs hold no volatile widget state beyond the
model id that nbval already ignores.

Shared by the widgets of every week: :class:`ImageExplorer` (controls that
redraw one picture), :class:`HeldExplorer` (several control changes, one
redraw), :func:`encode_png`, and the course photos (:func:`photo_set`,
:func:`fit`). A widget module imports these, never another week's names.
"""

from __future__ import annotations

from contextlib import contextmanager

import cv2
import numpy as np

from ..datasets import photo
from ..images import check_image

__all__ = ["ImageExplorer", "HeldExplorer", "encode_png", "fit", "photo_set", "DEFAULT_PHOTOS"]

DEFAULT_PHOTOS = ("coffee", "chelsea", "astronaut", "rocket", "flower")


def fit(rgb: np.ndarray, size: int) -> np.ndarray:
    """Resize so the longer side is ``size`` pixels (area averaging when shrinking)."""
    rgb = check_image(rgb, channels=3)
    if isinstance(size, bool) or not isinstance(size, int) or size < 16:
        raise ValueError(f"size must be an int of at least 16 pixels, got {size!r}")
    h, w = rgb.shape[:2]
    scale = size / max(h, w)
    if scale == 1:
        return np.ascontiguousarray(rgb)
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    return cv2.resize(np.ascontiguousarray(rgb), (round(w * scale), round(h * scale)), interpolation=interpolation)


def photo_set(images, size: int) -> dict[str, np.ndarray]:
    """``images`` (``None``: the course photos :data:`DEFAULT_PHOTOS`) checked and resized by :func:`fit`."""
    if images is None:
        images = {name: photo(name) for name in DEFAULT_PHOTOS}
    if not isinstance(images, dict) or not images:
        raise TypeError("images must be a non-empty dict of name -> RGB uint8 image")
    return {name: fit(check_image(img, channels=3, name=name), size) for name, img in images.items()}


def encode_png(rgb: np.ndarray) -> bytes:
    """PNG bytes of an RGB (or gray) uint8 image."""
    image = check_image(rgb, channels=None)
    if image.dtype != np.uint8:
        raise ValueError(f"encode_png needs a uint8 image, got {image.dtype}")
    array = image[:, :, ::-1] if image.ndim == 3 else image
    ok, buffer = cv2.imencode(".png", np.ascontiguousarray(array), [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:
        raise RuntimeError("OpenCV could not encode the image as PNG")
    return buffer.tobytes()


class ImageExplorer:
    """Controls plus one image that is redrawn whenever a control changes."""

    def __init__(self, controls: list, *, columns: int = 1):
        import ipywidgets as widgets

        self.controls = list(controls)
        for control in self.controls:  # show long Korean labels whole, beside their control
            control.style.description_width = "initial"
        self.image = widgets.Image(format="png")
        self.status = widgets.HTML()
        box = widgets.VBox if columns == 1 else widgets.HBox
        self.widget = widgets.VBox([box(self.controls), self.image, self.status])
        for control in self.controls:
            control.observe(self._on_change, names="value")
        self.update()

    def render(self) -> np.ndarray:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def caption(self) -> str:
        """One line under the picture (HTML allowed); subclasses may override it."""
        return ""

    def _on_change(self, _change) -> None:
        self.update()

    def update(self) -> np.ndarray:
        """Render with the current control values and push the picture to the view."""
        frame = self.render()
        self.image.value = encode_png(frame)
        self.status.value = self.caption()
        return frame

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        values = ", ".join(f"{c.description or type(c).__name__}={c.value!r}" for c in self.controls)
        return f"{type(self).__name__}({values})"


class HeldExplorer(ImageExplorer):
    """An :class:`ImageExplorer` that can set several controls and redraw once at the end."""

    _holding = 0

    @contextmanager
    def hold(self):
        """Inside ``with self.hold():`` control changes do not redraw; leaving the outermost block redraws once."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
        if not self._holding:
            self.update()

    def _on_change(self, change) -> None:
        if not self._holding:
            self.update()

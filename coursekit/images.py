"""Images as arrays: loading into one canonical form, BGR/RGB guards, showing.

The canonical form is an RGB ``uint8`` array of shape ``(H, W, 3)``; the float
form is ``float32`` in ``[0, 1]`` with the same shape. OpenCV works in BGR
order, so arrays coming from ``to_bgr`` are tagged as :class:`BGRImage`, and
:func:`show` refuses them instead of drawing blue faces.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import numpy as np

__all__ = [
    "CANONICAL", "BGRImage", "ImageError", "check_image", "to_uint8", "to_float", "gray_to_rgb", "load",
    "to_bgr", "to_rgb", "read_bgr", "grid", "mosaic", "draw_mosaic", "show"
]

CANONICAL = "RGB uint8 array of shape (H, W, 3)"


class BGRImage(np.ndarray):
    """A ``uint8`` array whose channels are in OpenCV's B, G, R order.

    Made by :func:`to_bgr` (or :func:`read_bgr`); turn it back with :func:`to_rgb`.
    Slices and views keep the tag; OpenCV functions return plain arrays.
    """

    def __new__(cls, array: np.ndarray) -> "BGRImage":
        return np.asarray(array).view(cls)


class ImageError(ValueError):
    """An array or file is not an image in the form the function needs."""


def _describe(array: np.ndarray) -> str:
    return f"an array of shape {array.shape} and dtype {array.dtype}"


def check_image(image, *, channels: int | None = 3, name: str = "image") -> np.ndarray:
    """Check that ``image`` is an RGB/gray image array and return it unchanged.

    Accepts ``uint8`` or floating arrays in ``[0, 1]``; ``channels=3`` needs
    ``(H, W, 3)``, ``channels=1`` needs ``(H, W)``, ``None`` accepts either.
    Raises :class:`ImageError` (or ``TypeError``) with what was expected.
    """
    if not isinstance(image, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy array ({CANONICAL}); got {type(image).__name__}. "
            "Use coursekit.images.load(...) to read a file or a PIL image."
        )
    if image.ndim == 3 and image.shape[2] == 4 and channels in (3, None):
        raise ImageError(
            f"{name} has 4 channels (RGBA); expected 3 (RGB). Use load(..., drop_alpha=True) "
            "if the transparency does not matter."
        )
    if channels == 3 and not (image.ndim == 3 and image.shape[2] == 3):
        hint = (
            " It looks like a grayscale image; use gray_to_rgb(image) or a function for gray images."
            if image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 1)
            else ""
        )
        raise ImageError(f"{name} must be a color image (H, W, 3); got {_describe(image)}.{hint}")
    if channels == 1 and image.ndim != 2:
        raise ImageError(f"{name} must be a gray image (H, W); got {_describe(image)}")
    if channels is None and not (image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3)):
        raise ImageError(f"{name} must be (H, W) or (H, W, 3); got {_describe(image)}")
    if channels not in (1, 3, None):
        raise ValueError(f"channels must be 1, 3 or None, got {channels!r}")
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ImageError(f"{name} is empty: shape {image.shape}")
    if image.dtype == np.uint8:
        return image
    if np.issubdtype(image.dtype, np.floating):
        if not np.isfinite(image).all():
            raise ImageError(f"{name} contains NaN or infinite values")
        low, high = float(image.min()), float(image.max())
        if low < 0.0 or high > 1.0:
            raise ImageError(
                f"{name} is a float image with values in [{low:.3g}, {high:.3g}]; "
                "float images must lie in [0, 1]. Divide a 0-255 image by 255 "
                "(or rescale it yourself: nothing is clipped silently)."
            )
        return image
    raise ImageError(
        f"{name} has dtype {image.dtype}; expected uint8 (0-255) or float in [0, 1]. "
        "Convert it explicitly, e.g. image.astype(np.uint8) after checking its range."
    )


def to_uint8(image: np.ndarray) -> np.ndarray:
    """Return ``image`` as ``uint8`` (a float image in [0, 1] is scaled and rounded)."""
    image = check_image(image, channels=None)
    if image.dtype == np.uint8:
        return np.asarray(image)
    return np.rint(np.asarray(image, dtype=np.float64) * 255.0).astype(np.uint8)


def to_float(image: np.ndarray) -> np.ndarray:
    """Return ``image`` as ``float32`` in [0, 1]."""
    image = check_image(image, channels=None)
    if image.dtype == np.uint8:
        return np.asarray(image, dtype=np.float32) / np.float32(255.0)
    return np.asarray(image, dtype=np.float32)


def gray_to_rgb(gray: np.ndarray) -> np.ndarray:
    """Repeat a gray image ``(H, W)`` into three equal RGB channels."""
    gray = check_image(gray, channels=1, name="gray")
    return np.repeat(np.asarray(gray)[:, :, None], 3, axis=2)


def load(source, *, as_float: bool = False, drop_alpha: bool = False) -> np.ndarray:
    """Load an image from a path, a numpy array or a PIL image into the canonical form.

    Returns an RGB ``uint8`` array ``(H, W, 3)``, or ``float32`` in [0, 1] with
    ``as_float=True``. Gray inputs are repeated into three channels. An alpha
    channel is refused unless ``drop_alpha=True`` (nothing is lost silently).
    A :class:`BGRImage` is refused: convert it with :func:`to_rgb`.
    """
    array = _read_any(source, drop_alpha)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 2:
        array = gray_to_rgb(array)
    array = check_image(array, channels=3, name="loaded image")
    out = to_float(array) if as_float else to_uint8(array)
    return np.ascontiguousarray(out)


def _read_any(source, drop_alpha: bool) -> np.ndarray:
    from PIL import Image

    if isinstance(source, BGRImage):
        raise ImageError("this array is in OpenCV's BGR order; call to_rgb(image) before load")
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"no image file at {path}")
        try:
            with Image.open(path) as pil:
                pil.load()
                return _from_pil(pil, drop_alpha)
        except (OSError, SyntaxError) as err:
            raise ImageError(f"cannot read {path} as an image: {err}") from None
    if isinstance(source, Image.Image):
        return _from_pil(source, drop_alpha)
    if isinstance(source, np.ndarray):
        if source.ndim == 3 and source.shape[2] == 4:
            return _drop_alpha(np.asarray(source), drop_alpha)
        return np.asarray(source)
    raise TypeError(
        f"cannot load an image from {type(source).__name__}; "
        "give a file path, a numpy array or a PIL image"
    )


def _from_pil(pil, drop_alpha: bool) -> np.ndarray:
    if pil.mode in ("RGBA", "LA", "PA") or (pil.mode == "P" and "transparency" in pil.info):
        return _drop_alpha(np.asarray(pil.convert("RGBA")), drop_alpha)
    if pil.mode not in ("RGB", "L"):
        pil = pil.convert("RGB")
    return np.asarray(pil)


def _drop_alpha(rgba: np.ndarray, drop_alpha: bool) -> np.ndarray:
    alpha = rgba[:, :, 3]
    opaque = alpha.max() == alpha.min() == (255 if rgba.dtype == np.uint8 else 1)
    if not (opaque or drop_alpha):
        raise ImageError(
            "the image has a transparency (alpha) channel that is not fully opaque; "
            "pass drop_alpha=True to ignore the transparency"
        )
    return rgba[:, :, :3]


def to_bgr(rgb: np.ndarray) -> BGRImage:
    """Reorder an RGB image into OpenCV's BGR order (tagged as :class:`BGRImage`)."""
    if isinstance(rgb, BGRImage):
        raise ImageError("this image is already in BGR order; to_bgr would swap it back to RGB")
    rgb = check_image(rgb, channels=3, name="rgb")
    return BGRImage(np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1]))


def to_rgb(bgr: np.ndarray) -> np.ndarray:
    """Reorder an OpenCV BGR image (e.g. from ``cv2.imread``) into RGB order."""
    bgr = check_image(bgr, channels=3, name="bgr")
    return np.ascontiguousarray(np.asarray(bgr)[:, :, ::-1])


def read_bgr(path) -> BGRImage:
    """Read a file the way OpenCV does (``cv2.imread``): BGR ``uint8``, tagged."""
    import cv2

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no image file at {path}")
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ImageError(f"OpenCV cannot read {path} as an image")
    return BGRImage(bgr)


def _display_array(image, index: int, ranged: bool = False) -> np.ndarray:
    """Turn one image (numpy or torch, HWC/HW or CHW) into something imshow draws.

    ``ranged``: the caller gave this gray image its own value range, so any finite float values are fine.
    """
    name = f"image {index}"
    if isinstance(image, BGRImage):
        raise ImageError(
            f"{name} is in OpenCV's BGR order and would show with red and blue swapped; "
            "call to_rgb(image) first"
        )
    if type(image).__module__.startswith("torch"):
        image = image.detach().cpu().numpy()
        if image.ndim == 3 and image.shape[0] in (1, 3):  # CHW -> HWC
            image = np.moveaxis(image, 0, -1)
    if not isinstance(image, np.ndarray):
        raise TypeError(f"{name} must be a numpy array or torch tensor, got {type(image).__name__}")
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    if image.dtype == bool:
        image = image.astype(np.uint8) * 255
    if ranged and image.ndim == 2 and np.issubdtype(image.dtype, np.floating):
        if not np.isfinite(image).all():
            raise ImageError(f"{name} contains NaN or infinite values")
        return image
    return check_image(image, channels=None, name=name)


def grid(
    images: Sequence,
    titles: Sequence[str] | None = None,
    *,
    ncols: int | None = None,
    size: float = 3.0,
    cmap="gray",
    vrange=None,
    suptitle: str | None = None,
    show_axes: bool = False,
):
    """Draw several images in a grid with optional titles; returns the matplotlib Figure.

    Images may be RGB/gray numpy arrays (uint8 or float in [0, 1]) or torch
    tensors (CHW or HW). Gray images are drawn with ``cmap`` over the full
    range of their dtype (0..255 or 0..1), so a dark image looks dark; pass
    ``vrange=(low, high)`` to map another range onto the colormap (then a
    gray float image may hold any values, e.g. signed filter weights).
    ``cmap`` and ``vrange`` may also be lists with one entry (or ``None``) per image.
    """
    import matplotlib.pyplot as plt

    if isinstance(images, (str, bytes)) or getattr(images, "ndim", 3) < 3:
        raise TypeError("grid needs a list (or a stacked array) of images; use show(image) for one image")
    if isinstance(images, np.ndarray) and images.ndim == 3 and images.shape[2] == 3:
        raise ValueError(
            f"grid got one array of shape {images.shape}, which looks like a single RGB image; "
            "use show(image), or pass a list of images"
        )
    images = list(images)
    if not images:
        raise ValueError("grid needs at least one image")
    if titles is not None:
        titles = list(titles)
        if len(titles) != len(images):
            raise ValueError(f"got {len(titles)} titles for {len(images)} images; give one title per image")
    if ncols is None:
        ncols = min(len(images), 6)
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive int, got {ncols!r}")
    if not size > 0:
        raise ValueError(f"size must be positive, got {size!r}")
    ranges = _per_image(vrange, len(images), "vrange", lambda v: v is None or (isinstance(v, tuple) and len(v) == 2))
    arrays = [_display_array(img, i, ranges[i] is not None) for i, img in enumerate(images)]
    cmaps = _per_image(cmap, len(arrays), "cmap", lambda v: v is None or isinstance(v, str))
    nrows = math.ceil(len(arrays) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for ax in axes.flat[len(arrays):]:
        ax.axis("off")
    for i, (ax, array) in enumerate(zip(axes.flat, arrays)):
        low, high = ranges[i] or (0, 255 if array.dtype == np.uint8 else 1.0)
        ax.imshow(array, cmap=(cmaps[i] or "gray") if array.ndim == 2 else None, vmin=low, vmax=high)
        if titles is not None:
            ax.set_title(titles[i])
        if not show_axes:
            ax.axis("off")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def mosaic(images, ncols: int, *, gap: int = 2, fill: float = 0.5) -> np.ndarray:
    """One 2-D float array of gray images ``(N, 1, H, W)`` or ``(N, H, W)`` (tensor or array) in rows of ``ncols``.

    Tiles are separated by ``gap`` pixels of the gray level ``fill``; missing tiles in the last row are ``fill`` too.
    Draw it with ``plt.imshow(..., cmap="gray", vmin=0, vmax=1)``: one image, crisp at any size.
    """
    array = images.detach().float().cpu().numpy() if hasattr(images, "detach") else np.asarray(images, dtype=np.float32)
    if array.ndim == 4 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 3 or len(array) == 0:
        raise ValueError(f"mosaic needs gray images (N, 1, H, W) or (N, H, W), got shape {array.shape}")
    for name, value in (("ncols", ncols), ("gap", gap)):
        if isinstance(value, bool) or not isinstance(value, int) or value < (1 if name == "ncols" else 0):
            raise ValueError(f"{name} must be an int >= {1 if name == 'ncols' else 0}, got {value!r}")
    count, h, w = array.shape
    rows = math.ceil(count / ncols)
    out = np.full((rows * h + (rows - 1) * gap, ncols * w + (ncols - 1) * gap), fill, np.float32)
    for i, tile in enumerate(array):
        r, c = divmod(i, ncols)
        out[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = tile
    return out


def draw_mosaic(images, ncols: int, *, title: str | None = None, size: float | None = None, ax=None):
    """Draw :func:`mosaic` of gray digits in [0, 1] on ``ax`` (a new figure ``size`` inches wide if None); returns ax."""
    import matplotlib.pyplot as plt

    picture = mosaic(images, ncols)
    if ax is None:
        width = size or min(12, 0.55 * ncols)
        _, ax = plt.subplots(figsize=(width, width * picture.shape[0] / picture.shape[1]))
    ax.imshow(picture, cmap="gray", vmin=0, vmax=1)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def _per_image(value, count: int, name: str, valid) -> list:
    """Broadcast one setting to every image, or check a list has one entry per image."""
    if valid(value):
        return [value] * count
    values = list(value)
    if len(values) != count or not all(valid(v) for v in values):
        raise ValueError(f"{name} must be one value or a list with one value (or None) per image ({count})")
    return values


def show(images, titles=None, **kwargs) -> None:
    """Show one image or a row of images (with titles) right away, as in a notebook cell.

    Takes the same arguments as :func:`grid`; a single image may be passed bare
    and a single title as a string.
    """
    import matplotlib.pyplot as plt

    if getattr(images, "ndim", 0) in (2, 3):  # one numpy image or one CHW/HW tensor
        images = [images]
    if isinstance(titles, str):
        titles = [titles]
    grid(images, titles, **kwargs)
    plt.show()

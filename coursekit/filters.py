"""Week 2: convolution, pooling and classic filters, written from their formulas in NumPy.

Conventions (the ones deep-learning libraries use):

- :func:`conv2d` is **cross-correlation**, what ``torch.nn.functional.conv2d``
  and ``cv2.filter2D`` compute: the kernel slides over the image unflipped,
  ``out[y, x] = sum_ij kernel[i, j] * padded[y*s + i, x*s + j]``.
  :func:`convolve2d` is the textbook convolution (kernel flipped first).
- Output size along each axis: ``floor((n + 2p - k) / s) + 1`` (:func:`output_size`).
- Images are ``(H, W)`` or ``(H, W, C)``; a color image is filtered channel by
  channel with the same 2-D kernel. ``uint8`` values stay 0..255 (they are
  not divided by 255) and results are ``float64``.
- Borders: ``"constant"`` pads zeros, ``"reflect"`` mirrors without repeating
  the edge pixel (OpenCV's ``BORDER_REFLECT_101``, its default), and
  ``"replicate"`` repeats the edge pixel (``BORDER_REPLICATE``).
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import color
from .images import BGRImage, ImageError, check_image

__all__ = [
    "PAD_MODES", "POOL_MODES", "NORMALIZE", "KERNELS", "output_size", "conv2d", "convolve2d", "pool2d",
    "gaussian_kernel", "box_kernel", "kernel", "gradient_magnitude", "canny", "filter_image"
]

# our name -> numpy.pad's name
PAD_MODES = {"constant": "constant", "reflect": "reflect", "replicate": "edge"}
POOL_MODES = ("max", "average", "avg")
NORMALIZE = ("clip", "abs", "minmax")


def _frozen(rows) -> np.ndarray:
    kernel = np.array(rows, dtype=np.float64)
    kernel.setflags(write=False)  # shared table: use kernel(name) for a copy you can change
    return kernel


_SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
KERNELS = {
    "identity": _frozen([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "box": _frozen(np.ones((3, 3)) / 9),
    "gaussian": _frozen(np.outer([1, 2, 1], [1, 2, 1]) / 16),  # binomial = OpenCV's 3x3, sigma 0
    "sharpen": _frozen([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "sobel_x": _frozen(_SOBEL_X),  # d/dx: bright on the right -> positive
    "sobel_y": _frozen(np.transpose(_SOBEL_X)),  # d/dy: bright below -> positive
    "laplacian": _frozen([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    "emboss": _frozen([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]]),
}


# --- input checks ----------------------------------------------------------------


def _int(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        kind = "positive" if minimum == 1 else "non-negative"
        raise ValueError(f"{name} must be a {kind} int, got {value}")
    return int(value)


def _pair(value, name: str, minimum: int) -> tuple[int, int]:
    """An int used for both axes, or a pair ``(rows, cols)``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (rows, cols), got {value!r}")
        return _int(value[0], name, minimum), _int(value[1], name, minimum)
    value = _int(value, name, minimum)
    return value, value


def _image(image, name: str = "image") -> np.ndarray:
    """Check an array to filter: (H, W) or (H, W, C), integers or finite floats."""
    if not isinstance(image, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy array of shape (H, W) or (H, W, C); got {type(image).__name__}. "
            "Wrap it with np.asarray(...)."
        )
    image = np.asarray(image)  # drop subclasses such as BGRImage
    if image.ndim not in (2, 3) or 0 in image.shape:
        raise ImageError(f"{name} must be a non-empty array of shape (H, W) or (H, W, C); got shape {image.shape}")
    if not (np.issubdtype(image.dtype, np.integer) or np.issubdtype(image.dtype, np.floating)):
        raise ImageError(
            f"{name} must hold uint8 or float values; got dtype {image.dtype}. "
            "Convert it first, e.g. image.astype(np.float64)."
        )
    if np.issubdtype(image.dtype, np.floating) and not np.isfinite(image).all():
        raise ImageError(f"{name} contains NaN or infinite values")
    return image


def _kernel(kernel) -> np.ndarray:
    """Check a 2-D kernel (array or nested list) and return it as float64."""
    try:
        k = np.asarray(kernel)
    except ValueError:
        raise ValueError("kernel must be a rectangular 2-D array; its rows have different lengths") from None
    if not (np.issubdtype(k.dtype, np.integer) or np.issubdtype(k.dtype, np.floating)):
        raise TypeError(f"kernel must hold numbers; got dtype {k.dtype}")
    if k.ndim != 2 or 0 in k.shape:
        raise ValueError(
            f"kernel must be a non-empty 2-D array (kh, kw); got shape {k.shape}. "
            "A color image needs no 3-D kernel: the 2-D kernel is applied to each channel."
        )
    k = k.astype(np.float64)
    if not np.isfinite(k).all():
        raise ValueError("kernel contains NaN or infinite values")
    return k


def _padding(padding, kernel_shape: tuple[int, int]) -> tuple[int, int]:
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0
        if padding == "same":
            kh, kw = kernel_shape
            if kh % 2 == 0 or kw % 2 == 0:
                raise ValueError(
                    f"'same' padding needs an odd kernel size; got {kh} x {kw}. An even kernel has no "
                    "centre pixel, so pad explicitly, e.g. padding=(ph, pw)."
                )
            return kh // 2, kw // 2
        raise ValueError(f"padding must be 'valid', 'same', an int or a pair (rows, cols); got {padding!r}")
    return _pair(padding, "padding", 0)


def _output_size(n: int, k: int, p: int, s: int, what: str) -> int:
    if k > n + 2 * p:
        where = "image" if p == 0 and what.startswith("pool") else "padded image"
        raise ValueError(
            f"{what} {k} is larger than the {where} ({n} + 2 x {p} = {n + 2 * p}); "
            "use a smaller window, a bigger image or more padding"
        )
    return (n + 2 * p - k) // s + 1


def output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """Output length of a convolution along one axis: ``floor((n + 2p - k) / s) + 1``.

    ``n`` input pixels, kernel size ``k``, ``padding`` pixels added on each
    side, window moved ``stride`` pixels at a time.
    """
    n, k = _int(n, "n", 1), _int(k, "k", 1)
    p, s = _int(padding, "padding", 0), _int(stride, "stride", 1)
    return _output_size(n, k, p, s, "kernel size")


# --- convolution and pooling -----------------------------------------------------


def conv2d(image, kernel, *, padding="valid", stride=1, pad_mode: str = "constant") -> np.ndarray:
    """Slide ``kernel`` over ``image`` (cross-correlation, no flip) like ``torch.nn.functional.conv2d``.

    ``out[y, x] = sum over i, j of kernel[i, j] * padded[y*sh + i, x*sw + j]``.

    - ``image``: ``(H, W)`` or ``(H, W, C)`` (each channel gets the same 2-D
      kernel), uint8 (values kept 0..255) or float. Returns float64
      ``(H', W')`` or ``(H', W', C)``; see :func:`output_size`.
    - ``kernel``: any 2-D ``(kh, kw)`` array.
    - ``padding``: ``"valid"`` (none), ``"same"`` (``k // 2`` per side, odd
      kernels only: same size out at stride 1), an int, or ``(ph, pw)``.
    - ``stride``: an int or ``(sh, sw)``.
    - ``pad_mode``: ``"constant"`` (zeros), ``"reflect"`` or ``"replicate"``.
    """
    x = _image(image)
    k = _kernel(kernel)
    ph, pw = _padding(padding, k.shape)
    sh, sw = _pair(stride, "stride", 1)
    if pad_mode not in PAD_MODES:
        raise ValueError(f"pad_mode must be one of: {', '.join(PAD_MODES)}; got {pad_mode!r}")
    kh, kw = k.shape
    out_h = _output_size(x.shape[0], kh, ph, sh, "kernel height")
    out_w = _output_size(x.shape[1], kw, pw, sw, "kernel width")

    planes = x.astype(np.float64).reshape(x.shape[0], x.shape[1], -1)  # (H, W, C), C = 1 for gray
    padded = np.pad(planes, ((ph, ph), (pw, pw), (0, 0)), mode=PAD_MODES[pad_mode])
    out = np.zeros((out_h, out_w, planes.shape[2]))
    # The formula loops over output pixels; we loop over the kh*kw kernel entries
    # instead and handle every output pixel at once: kernel[i, j] meets the
    # padded pixels starting at (i, j), taken every sh rows and sw columns.
    for i in range(kh):
        for j in range(kw):
            if k[i, j] != 0:  # zeros add nothing
                out += k[i, j] * padded[i : i + sh * (out_h - 1) + 1 : sh, j : j + sw * (out_w - 1) + 1 : sw]
    return out if x.ndim == 3 else out[:, :, 0]


def convolve2d(image, kernel, *, padding="valid", stride=1, pad_mode: str = "constant") -> np.ndarray:
    """True (mathematical) convolution: :func:`conv2d` with the kernel flipped in both axes.

    Convolution is defined with ``image[y - i, x - j]``, i.e. the kernel turned
    by 180 degrees; that makes it commutative and associative (blur then blur
    = one bigger blur), as in ``scipy.signal.convolve2d``. Neural networks skip
    the flip because the kernel is learned anyway. For a symmetric kernel
    (box, Gaussian, Laplacian) both agree; for ``sobel_x`` they differ by a sign.
    Same arguments as :func:`conv2d`.
    """
    flipped = _kernel(kernel)[::-1, ::-1]
    return conv2d(image, flipped, padding=padding, stride=stride, pad_mode=pad_mode)


def pool2d(image, size=2, stride=None, mode: str = "max") -> np.ndarray:
    """Max or average pooling over ``size`` x ``size`` windows (no padding, like torch's defaults).

    ``size`` and ``stride`` are ints or ``(rows, cols)`` pairs; ``stride``
    defaults to ``size`` (windows side by side). ``mode`` is ``"max"`` or
    ``"average"`` (``"avg"``). Channels of ``(H, W, C)`` are pooled separately.
    Max pooling keeps the input's dtype (it only picks values); average
    pooling returns float64. Rows/columns left over at the end are dropped.
    """
    x = _image(image)
    size_h, size_w = _pair(size, "size", 1)
    stride_h, stride_w = (size_h, size_w) if stride is None else _pair(stride, "stride", 1)
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be one of: {', '.join(POOL_MODES)}; got {mode!r}")
    _output_size(x.shape[0], size_h, 0, stride_h, "pool height")
    _output_size(x.shape[1], size_w, 0, stride_w, "pool width")
    # every window as a view (no copy): shape (H', W', [C,] size_h, size_w)
    windows = sliding_window_view(x, (size_h, size_w), axis=(0, 1))[::stride_h, ::stride_w]
    if mode == "max":
        return windows.max(axis=(-2, -1))
    return windows.mean(axis=(-2, -1), dtype=np.float64)


# --- kernels ---------------------------------------------------------------------


def gaussian_kernel(size: int, sigma: float) -> np.ndarray:
    """A ``size`` x ``size`` Gaussian blur kernel summing to 1 (= ``cv2.getGaussianKernel`` outer product).

    ``g(x) = exp(-x^2 / (2 sigma^2))`` for ``x = -(size-1)/2 .. (size-1)/2``,
    normalized; the 2-D kernel is ``outer(g, g)`` (a Gaussian is separable).
    """
    size = _int(size, "size", 1)
    if size % 2 == 0:
        raise ValueError(f"size must be odd so the kernel has a centre pixel, got {size}; use 3, 5, 7, ...")
    if isinstance(sigma, bool) or not isinstance(sigma, Real):
        raise TypeError(f"sigma must be a number, got {sigma!r}")
    if not (math.isfinite(sigma) and sigma > 0):
        raise ValueError(
            f"sigma must be a positive finite number, got {sigma!r}. (OpenCV's sigma=0 'derive it from "
            "size' is not supported; KERNELS['gaussian'] is the 3x3 one it gives.)"
        )
    x = np.arange(size) - (size - 1) / 2
    g = np.exp(-(x**2) / (2 * sigma**2))
    g /= g.sum()
    return np.outer(g, g)


def box_kernel(size: int) -> np.ndarray:
    """A ``size`` x ``size`` mean (box blur) kernel: every entry ``1 / size^2``."""
    size = _int(size, "size", 1)
    return np.full((size, size), 1.0 / size**2)


def kernel(name: str) -> np.ndarray:
    """A writable copy of the named 3x3 kernel from :data:`KERNELS`."""
    if name not in KERNELS:
        raise ValueError(f"unknown kernel {name!r}; choose one of: {', '.join(KERNELS)}")
    return KERNELS[name].copy()


# --- edges and display -----------------------------------------------------------


def gradient_magnitude(gray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sobel gradients of a gray ``(H, W)`` image: returns ``(sqrt(gx^2 + gy^2), gx, gy)``, float64.

    ``gx``/``gy`` are :func:`conv2d` with ``sobel_x``/``sobel_y``, ``"same"``
    padding and ``"reflect"`` borders, as ``cv2.Sobel(gray, cv2.CV_64F, ...,
    ksize=3)`` computes them.
    """
    gray = _image(gray, "gray")
    if gray.ndim != 2:
        raise ImageError(
            f"gray must be a 2-D (H, W) image; got shape {gray.shape}. "
            "Convert a color image first with coursekit.color.rgb_to_gray(rgb)."
        )
    gx = conv2d(gray, KERNELS["sobel_x"], padding="same", pad_mode="reflect")
    gy = conv2d(gray, KERNELS["sobel_y"], padding="same", pad_mode="reflect")
    return np.sqrt(gx**2 + gy**2), gx, gy


def _uint8_image(image, name: str = "image") -> np.ndarray:
    if isinstance(image, BGRImage):
        raise ImageError(f"{name} is in OpenCV's BGR order; call coursekit.images.to_rgb(image) first")
    image = check_image(image, channels=None, name=name)
    if image.dtype != np.uint8:
        raise ImageError(
            f"{name} must be uint8 (0-255); got {image.dtype}. "
            "Convert a float image in [0, 1] with coursekit.images.to_uint8(image)."
        )
    return np.asarray(image)


def _threshold(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a non-negative finite number, got {value!r}")
    return float(value)


def canny(image, low: float = 100, high: float = 200) -> np.ndarray:
    """Canny edges (``cv2.Canny``) of an RGB or gray uint8 image: a ``(H, W)`` uint8 map of 0/255.

    Steps inside OpenCV: Sobel gradients, thinning to 1-pixel lines
    (non-maximum suppression), then hysteresis: pixels with gradient above
    ``high`` are edges, those above ``low`` only when connected to one.
    A color image is turned gray first (:func:`coursekit.color.rgb_to_gray`).

    This edge map, stacked to 3 channels, is what a ControlNet "canny"
    condition image is. (The diffusers example calls ``cv2.Canny`` on the RGB
    array, where OpenCV takes the strongest channel's gradient, so on color
    photos its edges differ slightly; on gray images they are identical.)
    """
    image = _uint8_image(image)
    low, high = _threshold(low, "low"), _threshold(high, "high")
    if low > high:
        raise ValueError(f"low threshold ({low:g}) must not be larger than high ({high:g}); swap them")
    import cv2

    gray = color.rgb_to_gray(image) if image.ndim == 3 else image
    return cv2.Canny(np.ascontiguousarray(gray), low, high)


def filter_image(image, kernel, *, normalize: str = "clip") -> np.ndarray:
    """Filter a uint8 RGB (or gray) photo for display: :func:`conv2d` per channel, then back to uint8.

    Uses ``"same"`` padding (odd kernels) with ``"reflect"`` borders, so the
    output has the input's size. Filtered values can leave 0..255 (sharpen
    overshoots, Sobel goes negative); ``normalize`` says how to show them:

    - ``"clip"``: round and clip to 0..255 (values outside are cut off: a
      display choice, fine for blur/sharpen);
    - ``"abs"``: take ``|x|`` first, then clip (edge strength in both directions);
    - ``"minmax"``: stretch ``min..max`` of the whole result (all channels
      together) to 0..255; a constant result gives zeros.
    """
    image = _uint8_image(image)
    if normalize not in NORMALIZE:
        raise ValueError(f"normalize must be one of: {', '.join(NORMALIZE)}; got {normalize!r}")
    out = conv2d(image, kernel, padding="same", pad_mode="reflect")
    if normalize == "abs":
        out = np.abs(out)
    elif normalize == "minmax":
        low, high = out.min(), out.max()
        out = (out - low) / (high - low) * 255 if high > low else np.zeros_like(out)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)

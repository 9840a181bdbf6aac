"""Color spaces written from their formulas (vectorized NumPy), in OpenCV's 8-bit conventions.

Every function takes and returns ``uint8`` arrays of shape ``(H, W, 3)`` (gray:
``(H, W)``) and agrees with ``cv2.cvtColor`` to within 1 per channel:

- gray and YCrCb use the ITU-R BT.601 luma weights;
- HSV stores hue halved (0..179) so it fits a byte, S and V in 0..255;
- Lab is CIE L*a*b* of sRGB with the D65 white point, stored as
  ``L * 255 / 100``, ``a + 128``, ``b + 128``.
"""

from __future__ import annotations

import numpy as np

from .images import ImageError, check_image

__all__ = [
    "LUMA", "RGB_TO_XYZ", "D65_WHITE", "LAB_EPSILON", "LAB_KAPPA", "SPACES", "rgb_to_gray", "rgb_to_ycrcb",
    "ycrcb_to_rgb", "rgb_to_hsv", "hsv_to_rgb", "rgb_to_lab_float", "lab_float_to_rgb", "rgb_to_lab",
    "lab_to_rgb", "convert", "convert_back", "channel", "hsv_mask", "apply_mask"
]

# ITU-R BT.601 luma weights (R, G, B)
LUMA = np.array([0.299, 0.587, 0.114])
# YCrCb chroma scales, as OpenCV uses them
CR_SCALE, CB_SCALE = 0.713, 0.564
# sRGB (linear) -> XYZ, D65
RGB_TO_XYZ = np.array(
    [
        [0.412453, 0.357580, 0.180423],
        [0.212671, 0.715160, 0.072169],
        [0.019334, 0.119193, 0.950227],
    ]
)
D65_WHITE = np.array([0.950456, 1.0, 1.088754])
LAB_EPSILON = 0.008856  # (6/29)**3
LAB_KAPPA = 903.3  # (29/3)**3

SPACES = {
    "RGB": ("R", "G", "B"),
    "HSV": ("H", "S", "V"),
    "YCrCb": ("Y", "Cr", "Cb"),
    "Lab": ("L", "a", "b"),
}


def _rgb_uint8(rgb: np.ndarray, name: str = "rgb") -> np.ndarray:
    rgb = check_image(rgb, channels=3, name=name)
    if rgb.dtype != np.uint8:
        raise ImageError(
            f"{name} must be uint8 (0-255) like OpenCV's 8-bit images; got {rgb.dtype}. "
            "Convert a float image with coursekit.images.to_uint8(image)."
        )
    return np.asarray(rgb, dtype=np.float64)


def _to_uint8(values: np.ndarray) -> np.ndarray:
    """Round to the nearest integer and store as bytes (values are in 0..255 by construction)."""
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)


def rgb_to_gray(rgb: np.ndarray) -> np.ndarray:
    """Luma ``Y = 0.299 R + 0.587 G + 0.114 B`` as a ``(H, W)`` uint8 image."""
    return _to_uint8(_rgb_uint8(rgb) @ LUMA)


def rgb_to_ycrcb(rgb: np.ndarray) -> np.ndarray:
    """``Y`` (luma), ``Cr = (R - Y) * 0.713 + 128``, ``Cb = (B - Y) * 0.564 + 128``."""
    x = _rgb_uint8(rgb)
    y = x @ LUMA
    cr = (x[..., 0] - y) * CR_SCALE + 128.0
    cb = (x[..., 2] - y) * CB_SCALE + 128.0
    return _to_uint8(np.stack([y, cr, cb], axis=-1))


def ycrcb_to_rgb(ycrcb: np.ndarray) -> np.ndarray:
    """Invert :func:`rgb_to_ycrcb`: solve the luma equation for G."""
    x = _rgb_uint8(ycrcb, "ycrcb")
    y, cr, cb = x[..., 0], x[..., 1] - 128.0, x[..., 2] - 128.0
    r = y + cr / CR_SCALE
    b = y + cb / CB_SCALE
    g = (y - LUMA[0] * r - LUMA[2] * b) / LUMA[1]
    return _to_uint8(np.stack([r, g, b], axis=-1))


def rgb_to_hsv(rgb: np.ndarray) -> np.ndarray:
    """Hue (degrees / 2, 0..179), saturation and value (0..255), as OpenCV stores 8-bit HSV.

    ``V = max(R, G, B)``, ``S = (V - min) / V``, and the hue is the angle of
    the dominant channel plus 60 degrees times the difference of the other two
    over ``V - min``.
    """
    x = _rgb_uint8(rgb)
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    v = x.max(axis=-1)
    chroma = v - x.min(axis=-1)
    safe_chroma = np.where(chroma == 0, 1.0, chroma)
    s = np.where(v == 0, 0.0, chroma / np.where(v == 0, 1.0, v))
    hue = np.where(
        v == r,
        60.0 * (g - b) / safe_chroma,
        np.where(v == g, 120.0 + 60.0 * (b - r) / safe_chroma, 240.0 + 60.0 * (r - g) / safe_chroma),
    )
    hue = np.where(chroma == 0, 0.0, hue)
    hue = np.where(hue < 0, hue + 360.0, hue)
    h = np.rint(hue / 2.0)
    h = np.where(h >= 180, h - 180, h)  # 360 degrees is hue 0 again
    return _to_uint8(np.stack([h, s * 255.0, v], axis=-1))


def hsv_to_rgb(hsv: np.ndarray) -> np.ndarray:
    """Invert :func:`rgb_to_hsv` (hue in 0..179 as OpenCV stores it)."""
    x = _rgb_uint8(hsv, "hsv")
    if (x[..., 0] > 179).any():
        raise ImageError("hsv hue channel must be in 0..179 (degrees / 2, OpenCV's 8-bit HSV)")
    hue = x[..., 0] * 2.0 / 60.0  # sector position in [0, 6)
    s, v = x[..., 1] / 255.0, x[..., 2] / 255.0
    sector = np.floor(hue)
    frac = hue - sector
    p = v * (1 - s)
    q = v * (1 - s * frac)
    t = v * (1 - s * (1 - frac))
    sector = sector.astype(int) % 6
    choices = [
        np.stack(c, axis=-1)
        for c in ((v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q))
    ]
    rgb = np.select([(sector == i)[..., None] for i in range(6)], choices)
    return _to_uint8(rgb * 255.0)


def _srgb_to_linear(c: np.ndarray) -> np.ndarray:
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _linear_to_srgb(c: np.ndarray) -> np.ndarray:
    c = np.clip(c, 0.0, 1.0)  # out-of-gamut Lab colors have no sRGB value; clamp like OpenCV
    return np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1 / 2.4) - 0.055)


def _lab_f(t: np.ndarray) -> np.ndarray:
    return np.where(t > LAB_EPSILON, np.cbrt(t), 7.787 * t + 16.0 / 116.0)


def _lab_f_inverse(f: np.ndarray) -> np.ndarray:
    return np.where(f > 6.0 / 29.0, f**3, (f - 16.0 / 116.0) / 7.787)


def rgb_to_lab_float(rgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB uint8 image as floats: L in [0, 100], a and b around 0.

    sRGB is first linearized (the gamma curve), mixed into XYZ, divided by the
    white point, then ``L = 116 f(Y) - 16``, ``a = 500 (f(X) - f(Y))``,
    ``b = 200 (f(Y) - f(Z))`` with ``f(t) = t^(1/3)`` (linear near 0).
    """
    linear = _srgb_to_linear(_rgb_uint8(rgb) / 255.0)
    xyz = linear @ RGB_TO_XYZ.T / D65_WHITE
    fx, fy, fz = (_lab_f(xyz[..., i]) for i in range(3))
    y = xyz[..., 1]
    lightness = np.where(y > LAB_EPSILON, 116.0 * fy - 16.0, LAB_KAPPA * y)
    return np.stack([lightness, 500.0 * (fx - fy), 200.0 * (fy - fz)], axis=-1)


def lab_float_to_rgb(lab: np.ndarray) -> np.ndarray:
    """Invert :func:`rgb_to_lab_float` to sRGB uint8 (colors outside sRGB are clamped to its gamut)."""
    lab = np.asarray(lab, dtype=np.float64)
    if lab.ndim != 3 or lab.shape[2] != 3 or not np.isfinite(lab).all():
        raise ImageError(f"lab must be a finite float array of shape (H, W, 3), got {lab.shape}")
    lightness, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
    fy = (lightness + 16.0) / 116.0
    fx = fy + a / 500.0
    fz = fy - b / 200.0
    y = np.where(lightness > LAB_KAPPA * LAB_EPSILON, fy**3, lightness / LAB_KAPPA)
    xyz = np.stack([_lab_f_inverse(fx), y, _lab_f_inverse(fz)], axis=-1) * D65_WHITE
    linear = xyz @ np.linalg.inv(RGB_TO_XYZ).T
    return _to_uint8(_linear_to_srgb(linear) * 255.0)


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB image, stored as OpenCV's 8-bit Lab: ``L*255/100, a+128, b+128``.

    See :func:`rgb_to_lab_float` for the formulas.
    """
    lab = rgb_to_lab_float(rgb)
    return _to_uint8(np.stack([lab[..., 0] * 255.0 / 100.0, lab[..., 1] + 128.0, lab[..., 2] + 128.0], axis=-1))


def lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """Invert :func:`rgb_to_lab` (colors outside sRGB are clamped to its gamut)."""
    x = _rgb_uint8(lab, "lab")
    return lab_float_to_rgb(np.stack([x[..., 0] * 100.0 / 255.0, x[..., 1] - 128.0, x[..., 2] - 128.0], axis=-1))


_FORWARD = {"HSV": rgb_to_hsv, "YCrCb": rgb_to_ycrcb, "Lab": rgb_to_lab}
_BACKWARD = {"HSV": hsv_to_rgb, "YCrCb": ycrcb_to_rgb, "Lab": lab_to_rgb}


def _space(space: str) -> str:
    if space not in SPACES:
        raise ValueError(f"unknown color space {space!r}; choose one of: {', '.join(SPACES)}")
    return space


def convert(rgb: np.ndarray, space: str) -> np.ndarray:
    """Convert an RGB uint8 image into ``space`` (one of ``SPACES``)."""
    space = _space(space)
    if space == "RGB":
        return np.array(check_image(_rgb_uint8(rgb).astype(np.uint8), channels=3))
    return _FORWARD[space](rgb)


def convert_back(image: np.ndarray, space: str) -> np.ndarray:
    """Convert an image in ``space`` back to RGB uint8."""
    space = _space(space)
    if space == "RGB":
        return np.array(_rgb_uint8(image, "image").astype(np.uint8))
    return _BACKWARD[space](image)


def channel(rgb: np.ndarray, space: str, name: str) -> np.ndarray:
    """One channel (e.g. ``"H"`` of ``"HSV"``) of an RGB image, as a ``(H, W)`` uint8 image."""
    space = _space(space)
    names = SPACES[space]
    if name not in names:
        raise ValueError(f"{space} has channels {', '.join(names)}; got {name!r}")
    return np.ascontiguousarray(convert(rgb, space)[..., names.index(name)])


def _range(bounds, name: str, top: int) -> tuple[int, int]:
    try:
        low, high = (int(v) for v in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high) of integers, got {bounds!r}") from None
    if not (0 <= low <= top and 0 <= high <= top):
        raise ValueError(f"{name} bounds must lie in 0..{top}, got ({low}, {high})")
    return low, high


def hsv_mask(hsv: np.ndarray, hue=(0, 179), saturation=(0, 255), value=(0, 255)) -> np.ndarray:
    """Pixels of an HSV image (OpenCV 8-bit) whose H, S and V fall in the given ranges.

    Ranges are inclusive. Hue is a circle: a hue range with ``low > high``
    (e.g. ``(170, 10)`` for red) wraps around 179 -> 0. Returns a ``(H, W)``
    uint8 mask with 255 inside, 0 outside, like ``cv2.inRange``.
    """
    hsv = check_image(hsv, channels=3, name="hsv")
    if hsv.dtype != np.uint8:
        raise ImageError(f"hsv must be uint8 (OpenCV's 8-bit HSV); got {hsv.dtype}")
    h_lo, h_hi = _range(hue, "hue", 179)
    s_lo, s_hi = _range(saturation, "saturation", 255)
    v_lo, v_hi = _range(value, "value", 255)
    if s_lo > s_hi or v_lo > v_hi:
        raise ValueError("saturation and value ranges need low <= high (only hue wraps around)")
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    in_hue = (h >= h_lo) & (h <= h_hi) if h_lo <= h_hi else (h >= h_lo) | (h <= h_hi)
    inside = in_hue & (s >= s_lo) & (s <= s_hi) & (v >= v_lo) & (v <= v_hi)
    return inside.astype(np.uint8) * 255


def apply_mask(rgb: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Keep the pixels of ``rgb`` where ``mask`` is non-zero, black elsewhere."""
    rgb = check_image(rgb, channels=3, name="rgb")
    mask = np.asarray(mask)
    if mask.shape != rgb.shape[:2]:
        raise ImageError(f"mask shape {mask.shape} does not match the image's {rgb.shape[:2]}")
    return np.where(mask[..., None] > 0, rgb, np.zeros_like(rgb))

"""Marking AI-generated images: a visible label, an invisible watermark, PNG metadata.

Everything the face-swap code writes goes through :func:`mark_ai_generated`
(a corner label, then the invisible mark) and, for still images,
:func:`save_png_with_metadata` (tEXt chunks ``AI-Generated: true``).

The invisible mark is a small DWT-DCT-SVD scheme of our own:

1. take the luma ``Y`` and resize it to a canonical ``WORK_SIZE`` square
   (``INTER_AREA``), so any rescaled copy maps back onto the same grid;
2. one-level Haar DWT, keep the LL band, cut it into ``BLOCK x BLOCK`` blocks;
3. DCT each block, drop its DC term (so a uniform brightness shift, as video
   codecs make, changes nothing), take the largest singular value and move
   it onto the lattice of its payload bit (dithered quantization index
   modulation with step ``STEP``); the 32 payload bits are repeated over all
   blocks (``REPEATS`` times each) in a fixed pseudo-random order;
4. invert, upsample the *difference* to full size and add it to every RGB
   channel (adding ``d`` to R, G and B adds exactly ``d`` to Y and leaves
   Cr and Cb unchanged, so only the luma is marked).

:func:`detect_watermark` repeats steps 1-3 on a suspect image and takes a
soft majority vote per bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pywt
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from coursekit.files import atomic_write
from coursekit.images import ImageError, check_image
from .options import CORNERS  # noqa: F401  (re-exported)

__all__ = [
    "PAYLOAD", "WORK_SIZE", "BLOCK", "STEP", "MIN_SIZE", "BITS", "N_BLOCKS", "REPEATS", "THRESHOLD", "SEED",
    "MIN_FONT_SCALE", "PNG_TEXT", "WatermarkResult", "embed_watermark", "detect_watermark",
    "add_visible_label", "mark_ai_generated", "save_png_with_metadata", "read_png_metadata"
]

PAYLOAD: bytes = b"CKAI"  # "coursekit AI-generated", 32 bits
WORK_SIZE = 256  # canonical working resolution (square) of the luma
BLOCK = 4  # block size in the LL band (LL is WORK_SIZE / 2 = 128 wide)
STEP = 40.0  # QIM quantization step of the largest singular value
MIN_SIZE = 64  # smallest accepted image side, in pixels
BITS = 8 * len(PAYLOAD)
N_BLOCKS = (WORK_SIZE // 2 // BLOCK) ** 2  # 1024 blocks
REPEATS = N_BLOCKS // BITS  # 32 votes per bit
THRESHOLD = 0.9  # found when >= 90 % of the bits (29 of 32) match
SEED = 20240611  # fixes the bit order and the dither: the mark's key

_FONT = cv2.FONT_HERSHEY_SIMPLEX
MIN_FONT_SCALE = 0.4  # Hershey simplex at 0.4 is ~9 px tall: readable on 128 px
PNG_TEXT = {
    "AI-Generated": "true",
    "Software": "coursekit",
    "Description": "AI-generated image (coursekit face swap); carries an invisible watermark.",
}


@dataclass(frozen=True)
class WatermarkResult:
    """Outcome of :func:`detect_watermark`.

    ``bit_accuracy`` is the fraction of the expected payload's bits recovered
    by the vote; ``found`` is ``bit_accuracy >= THRESHOLD``.
    """

    found: bool
    bit_accuracy: float
    payload: bytes


def _key() -> tuple[np.ndarray, np.ndarray]:
    """Which payload bit each block carries, and each block's dither offset."""
    rng = np.random.default_rng(SEED)
    bit_of_block = rng.permutation(np.arange(N_BLOCKS) % BITS)
    dither = rng.uniform(0.0, STEP, N_BLOCKS)
    return bit_of_block, dither


_BIT_OF_BLOCK, _DITHER = _key()


def _dct_matrix(n: int) -> np.ndarray:
    """Orthonormal DCT-II matrix, so ``D @ x @ D.T`` is the 2-D DCT of a block."""
    k, i = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    d = np.sqrt(2.0 / n) * np.cos(np.pi * (2 * i + 1) * k / (2 * n))
    d[0] /= np.sqrt(2.0)
    return d


_DCT = _dct_matrix(BLOCK)


def _check_rgb(rgb) -> np.ndarray:
    check_image(rgb, channels=3, name="rgb")
    if rgb.dtype != np.uint8:
        raise ImageError(
            f"rgb must be uint8 (0-255); got dtype {rgb.dtype}. "
            "Use coursekit.images.to_uint8(image) first."
        )
    if min(rgb.shape[:2]) < MIN_SIZE:
        raise ImageError(
            f"rgb must be at least {MIN_SIZE}x{MIN_SIZE} pixels to carry the watermark; "
            f"got {rgb.shape[1]}x{rgb.shape[0]}"
        )
    return rgb


def _payload_bits(payload) -> np.ndarray:
    if not isinstance(payload, (bytes, bytearray)):
        raise TypeError(f"payload must be bytes; got {type(payload).__name__}")
    if len(payload) != len(PAYLOAD):
        raise ValueError(f"payload must be exactly {len(PAYLOAD)} bytes (32 bits); got {len(payload)}")
    return np.unpackbits(np.frombuffer(bytes(payload), dtype=np.uint8))


def _work_luma(rgb: np.ndarray) -> np.ndarray:
    """The luma resized to the canonical working square, as float64."""
    y = cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb)[:, :, 0]
    return cv2.resize(y, (WORK_SIZE, WORK_SIZE), interpolation=cv2.INTER_AREA).astype(np.float64)


def _to_blocks(band: np.ndarray) -> np.ndarray:
    n = band.shape[0] // BLOCK
    return band.reshape(n, BLOCK, n, BLOCK).swapaxes(1, 2).reshape(-1, BLOCK, BLOCK)


def _from_blocks(blocks: np.ndarray) -> np.ndarray:
    n = int(round(np.sqrt(blocks.shape[0])))
    return blocks.reshape(n, n, BLOCK, BLOCK).swapaxes(1, 2).reshape(n * BLOCK, n * BLOCK)


def _ac_blocks(y_work: np.ndarray):
    """Haar DWT, then the DCT of each LL block with its DC term zeroed: ``(blocks, details)``.

    Dropping DC makes the mark blind to a uniform brightness shift, which
    video codecs introduce (a -2 level shift flipped every bit before).
    """
    ll, details = pywt.dwt2(y_work, "haar")
    dct = _DCT @ _to_blocks(ll) @ _DCT.T
    dct[:, 0, 0] = 0.0
    return dct, details


def _embed_work(y_work: np.ndarray, bits: np.ndarray, rounds: int = 3) -> np.ndarray:
    """The change to the working-size luma that writes ``bits`` into it.

    Moving the largest singular value of an AC block by ``delta`` adds
    ``delta * u1 v1^T``; that matrix has a small DC entry, which is dropped,
    so a few rounds bring each singular value onto its target lattice point.
    """
    dct, details = _ac_blocks(y_work)
    change = np.zeros_like(dct)
    want = bits[_BIT_OF_BLOCK] * (STEP / 2) + _DITHER
    for _ in range(rounds):
        u, s, vt = np.linalg.svd(dct + change)
        target = np.round((s[:, 0] - want) / STEP) * STEP + want
        step = (target - s[:, 0])[:, None, None] * u[:, :, :1] @ vt[:, :1, :]
        step[:, 0, 0] = 0.0
        change += step
    ll_change = _from_blocks(_DCT.T @ change @ _DCT)
    zeros = tuple(np.zeros_like(d) for d in details)
    return pywt.idwt2((ll_change, zeros), "haar")


def _soft_bits(y_work: np.ndarray) -> np.ndarray:
    """Per-block soft bit in [-1, 1]: +1 on the lattice of bit 1, -1 on bit 0."""
    dct, _ = _ac_blocks(y_work)
    s = np.linalg.svd(dct, compute_uv=False)
    phase = ((s[:, 0] - _DITHER) / (STEP / 2)) % 2.0  # 0: bit 0, 1: bit 1
    return 1.0 - 2.0 * np.abs(phase - 1.0)


def embed_watermark(rgb: np.ndarray, payload: bytes = PAYLOAD) -> np.ndarray:
    """Return a copy of ``rgb`` (RGB uint8 ``(H, W, 3)``) carrying ``payload`` invisibly.

    Deterministic; only the luma changes. Raises ImageError for images that
    are not RGB uint8 or smaller than ``MIN_SIZE`` on a side.
    """
    rgb = _check_rgb(rgb)
    bits = _payload_bits(payload)
    change = _embed_work(_work_luma(rgb), bits).astype(np.float32)
    height, width = rgb.shape[:2]
    change = cv2.resize(change, (width, height), interpolation=cv2.INTER_LINEAR)
    out = rgb.astype(np.float32) + change[:, :, None]
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def detect_watermark(rgb: np.ndarray, payload: bytes = PAYLOAD) -> WatermarkResult:
    """Read the invisible mark back from ``rgb`` (any size >= ``MIN_SIZE``).

    Votes over the ``REPEATS`` blocks of each bit; ``found`` when at least
    ``THRESHOLD`` of ``payload``'s bits (29 of 32) are recovered. On unmarked
    images each bit is a coin flip, so a false alarm has odds of about 1e-6.
    """
    rgb = _check_rgb(rgb)
    expected = _payload_bits(payload)
    votes = np.bincount(_BIT_OF_BLOCK, weights=_soft_bits(_work_luma(rgb)), minlength=BITS)
    bits = (votes > 0).astype(np.uint8)
    accuracy = float(np.mean(bits == expected))
    return WatermarkResult(accuracy >= THRESHOLD, accuracy, np.packbits(bits).tobytes())


def _label_layout(shape, text: str):
    """Font scale, thickness, text (width, height, baseline) and padding for ``shape``."""
    height, width = shape[:2]
    scale = max(MIN_FONT_SCALE, min(height, width) / 900)
    (text_w, _), _ = cv2.getTextSize(text, _FONT, scale, 1)
    scale = min(scale, scale * 0.85 * width / text_w)  # shrink only to fit the width
    thickness = max(1, int(round(scale * 2)))
    (text_w, text_h), baseline = cv2.getTextSize(text, _FONT, scale, thickness)
    return scale, thickness, (text_w, text_h, baseline), max(3, int(round(8 * scale)))


def add_visible_label(
    rgb: np.ndarray, text: str = "AI-GENERATED", corner: str = "bottom-right"
) -> np.ndarray:
    """Return a copy of ``rgb`` with ``text`` in white on a dark translucent box in ``corner``.

    ``corner`` is one of ``CORNERS``; the size follows the image, never below
    a font readable on 128-pixel images (it shrinks only to fit the width).
    """
    rgb = _check_rgb(rgb)
    if corner not in CORNERS:
        raise ValueError(f"corner must be one of {', '.join(CORNERS)}; got {corner!r}")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be a non-empty string")
    scale, thickness, (text_w, text_h, baseline), pad = _label_layout(rgb.shape, text)
    height, width = rgb.shape[:2]
    box_w, box_h = text_w + 2 * pad, text_h + baseline + 2 * pad
    x0 = pad if corner.endswith("left") else max(0, width - pad - box_w)
    y0 = pad if corner.startswith("top") else max(0, height - pad - box_h)
    out = rgb.copy()
    box = out[y0 : y0 + box_h, x0 : x0 + box_w]
    box[:] = (box.astype(np.float32) * 0.35).astype(np.uint8)  # dark, 65 % opaque
    origin = (x0 + pad, y0 + pad + text_h)  # putText anchors at the text's baseline
    cv2.putText(out, text, origin, _FONT, scale, (255, 255, 255), thickness, cv2.LINE_AA)
    return out


def mark_ai_generated(rgb: np.ndarray, corner: str = "bottom-right", payload: bytes = PAYLOAD) -> np.ndarray:
    """The visible label, then the invisible watermark: use this on everything written."""
    return embed_watermark(add_visible_label(rgb, corner=corner), payload)


def save_png_with_metadata(path, rgb: np.ndarray) -> Path:
    """Write ``rgb`` as a PNG with tEXt chunks saying it is AI-generated (``PNG_TEXT``).

    Atomic: written to a temporary file in the same folder, then renamed.
    The folder must exist. The image is written as given: mark it first with
    :func:`mark_ai_generated`.
    """
    path = Path(path)
    rgb = _check_rgb(rgb)
    if path.suffix.lower() != ".png":
        raise ValueError(f"path must end in .png; got {path.name!r}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: folder {path.parent} does not exist")
    info = PngInfo()
    for key, value in PNG_TEXT.items():
        info.add_text(key, value)
    atomic_write(path, lambda tmp: Image.fromarray(rgb).save(tmp, format="PNG", pnginfo=info))
    return path


def read_png_metadata(path) -> dict:
    """The tEXt/iTXt chunks of a PNG file as a ``{key: value}`` dict."""
    with Image.open(path) as image:
        image.load()
        return dict(getattr(image, "text", {}))

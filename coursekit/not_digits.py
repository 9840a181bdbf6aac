"""Images that are not digits, for the classifier's extra class.

A plain softmax classifier is confidently wrong on anything that is not a
digit: it must put every image somewhere. Trained with an eleventh class made
of these families, it can say "not a digit" instead. Each family is a
function ``(count, digits, labels, generator) -> (count, 1, 28, 28)`` tensor
in [0, 1].
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

__all__ = [
    "SIZE", "gaussian_blur", "noise", "blur", "blobs", "patches", "blend", "overlay", "broken", "partial",
    "thick", "thin", "photo_patches", "hangul", "blank", "FAMILIES", "HELD_OUT_FAMILIES", "TRAINED_FAMILIES",
    "make_not_digits"
]

SIZE = 28


def _uniform(count: int, generator: torch.Generator, low: float = 0.0, high: float = 1.0) -> torch.Tensor:
    return low + (high - low) * torch.rand(count, 1, 1, 1, generator=generator)


def _pick(digits: torch.Tensor, count: int, generator: torch.Generator, labels: torch.Tensor | None = None,
          exclude: int | None = None) -> torch.Tensor:
    """``count`` random real digits; with ``labels`` and ``exclude``, none of class ``exclude``."""
    pool = digits if exclude is None or labels is None or bool((labels == exclude).all()) else digits[labels != exclude]
    return pool[torch.randint(len(pool), (count,), generator=generator)]


def gaussian_blur(images: torch.Tensor, sigma: torch.Tensor | float) -> torch.Tensor:
    """Blur ``(N, 1, H, W)`` images with a Gaussian of standard deviation ``sigma`` (one per image or one for all)."""
    sigma = torch.as_tensor(sigma, dtype=images.dtype).reshape(-1, 1)
    if sigma.numel() not in (1, len(images)) or bool((sigma <= 0).any()):
        raise ValueError("sigma must be positive, one value or one per image")
    radius = int(torch.ceil(3 * sigma.max()).item())
    offsets = torch.arange(-radius, radius + 1, dtype=images.dtype)
    kernel = torch.exp(-(offsets**2) / (2 * sigma**2))
    kernel = (kernel / kernel.sum(1, keepdim=True)).expand(len(images), -1)
    n, _, h, w = images.shape
    x = F.pad(images.reshape(1, n, h, w), (radius, radius, radius, radius), mode="replicate")
    x = F.conv2d(x, kernel.reshape(n, 1, 1, -1), groups=n)
    x = F.conv2d(x, kernel.reshape(n, 1, -1, 1), groups=n)
    return x.reshape(n, 1, h, w)


def noise(count: int, digits: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Half uniform noise in [0, 1], half sparse salt noise of random density."""
    dense = torch.rand(count, 1, SIZE, SIZE, generator=generator)
    density = _uniform(count, generator, 0.05, 0.5)
    salt = (torch.rand(count, 1, SIZE, SIZE, generator=generator) < density).float()
    use_dense = torch.rand(count, 1, 1, 1, generator=generator) < 0.5
    return torch.where(use_dense, dense, salt * dense.sqrt())


def blur(count: int, digits: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Real digits blurred beyond reading (sigma 2.5-4 px), brightened back to a peak of 1."""
    sigma = _uniform(count, generator, 2.5, 4.0).flatten()
    blurred = gaussian_blur(_pick(digits, count, generator), sigma)
    return blurred / blurred.amax(dim=(1, 2, 3), keepdim=True).clamp_min(1e-6)


def blobs(count: int, digits: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One to three bright Gaussian ellipses at random places."""
    grid = torch.arange(SIZE, dtype=torch.float32)
    yy, xx = grid.view(1, SIZE, 1), grid.view(1, 1, SIZE)
    out = torch.zeros(count, 1, SIZE, SIZE)
    for k in range(3):
        keep = (torch.rand(count, generator=generator) < (1.0 if k == 0 else 0.5)).float().view(-1, 1, 1)
        cy, cx = (_uniform(count, generator, 5, 23).view(-1, 1, 1) for _ in range(2))
        sy, sx = (_uniform(count, generator, 1.5, 6).view(-1, 1, 1) for _ in range(2))
        blob = torch.exp(-((yy - cy) ** 2) / (2 * sy**2) - ((xx - cx) ** 2) / (2 * sx**2))
        out[:, 0] = torch.maximum(out[:, 0], keep * blob)
    return out


def patches(count: int, digits: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Real digits cut into a 4x4 grid of 7x7 patches and shuffled."""
    images = _pick(digits, count, generator)
    tiles = images.reshape(count, 4, 7, 4, 7).permute(0, 1, 3, 2, 4).reshape(count, 16, 7, 7)
    order = torch.argsort(torch.rand(count, 16, generator=generator), dim=1)
    tiles = torch.gather(tiles, 1, order.view(count, 16, 1, 1).expand(-1, -1, 7, 7))
    return tiles.reshape(count, 4, 4, 7, 7).permute(0, 1, 3, 2, 4).reshape(count, 1, SIZE, SIZE)


def _partners(count: int, labels: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Index pairs ``(first, second)`` of real digits of different classes."""
    first = torch.randint(len(labels), (count,), generator=generator)
    second = torch.randint(len(labels), (count,), generator=generator)
    same = labels[first] == labels[second]
    while bool(same.any()):  # redraw the partners of same-class pairs
        second[same] = torch.randint(len(labels), (int(same.sum()),), generator=generator)
        same = labels[first] == labels[second]
    return first, second


def _mirror_some(images: torch.Tensor, generator: torch.Generator, share: float = 0.5) -> torch.Tensor:
    flip = torch.rand(len(images), 1, 1, 1, generator=generator) < share
    return torch.where(flip, images.flip(-1), images)


def _to_peak_one(images: torch.Tensor) -> torch.Tensor:
    return images / images.amax(dim=(1, 2, 3), keepdim=True).clamp_min(1e-6)


def blend(count: int, digits: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Two real digits of different classes mixed 40-60 %: a double exposure, neither digit.

    Half of the partners are mirrored (as in ``(x + x.flip(-1)) / 2`` of two
    digits), and half of the blends are brightened back to a peak of 1, so
    "faint" alone does not give a blend away.
    """
    first, second = _partners(count, labels, generator)
    weight = _uniform(count, generator, 0.4, 0.6)
    mixed = weight * digits[first] + (1 - weight) * _mirror_some(digits[second], generator)
    bright = torch.rand(count, 1, 1, 1, generator=generator) < 0.5
    return torch.where(bright, _to_peak_one(mixed), mixed)


def overlay(count: int, digits: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Two real digits of different classes drawn on top of each other at full brightness (a pixelwise max)."""
    first, second = _partners(count, labels, generator)
    return torch.maximum(digits[first], _mirror_some(digits[second], generator))


def _ink_removed(images: torch.Tensor, kept: torch.Tensor) -> torch.Tensor:
    return 1 - kept.sum((1, 2, 3)) / images.sum((1, 2, 3)).clamp_min(1e-6)


def broken(count: int, digits: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Real digits with gaps erased across their strokes until at least 40 % of the ink is gone.

    Ones are left out: a "1" with a gap is read as a "1".
    """
    images = _pick(digits, count, generator, labels, exclude=1)
    grid = torch.arange(SIZE, dtype=torch.float32)
    yy, xx = grid.view(1, SIZE, 1), grid.view(1, 1, SIZE)
    out = images.clone()
    todo = torch.ones(count, dtype=torch.bool)
    for _ in range(12):  # add gaps until enough ink is gone
        cy, cx = (_uniform(count, generator, 6, 22).view(-1, 1, 1) for _ in range(2))
        radius = _uniform(count, generator, 2.5, 4.5).view(-1, 1, 1)
        keep = (((yy - cy) ** 2 + (xx - cx) ** 2) > radius**2).float().unsqueeze(1)
        out = torch.where(todo.view(-1, 1, 1, 1), out * keep, out)
        todo = _ink_removed(images, out) < 0.4
        if not bool(todo.any()):
            break
    return out


def partial(count: int, digits: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Real digits cut through their centre of ink, of which one half (top, bottom, left or right) is left.

    Ones are left out (half a stroke is still a "1"), and a digit narrower
    than 10 px is always cut across, so that what is left is never the whole digit.
    """
    images = _pick(digits, count, generator, labels, exclude=1)
    line = torch.arange(SIZE, dtype=torch.float32)
    ink = images[:, 0]
    rows, cols = ink.sum(2), ink.sum(1)  # (N, 28) ink per row / per column
    centre_row = (rows * line).sum(1) / rows.sum(1).clamp_min(1e-6)
    centre_col = (cols * line).sum(1) / cols.sum(1).clamp_min(1e-6)
    width = ((cols > 0.05).float() * line).amax(1) - torch.where(cols > 0.05, line, float(SIZE)).amin(1)
    side = torch.randint(4, (count,), generator=generator)
    side = torch.where((width < 10) & (side >= 2), side - 2, side)  # 0/1: keep top/bottom, 2/3: keep left/right
    centre = torch.where(side < 2, centre_row, centre_col).view(-1, 1)
    keep_low = (line.view(1, -1) < centre)  # rows/columns before the centre
    keep = torch.where((side % 2 == 0).view(-1, 1), keep_low, ~keep_low).float()
    mask = torch.where((side < 2).view(-1, 1, 1), keep.unsqueeze(2).expand(-1, SIZE, SIZE),
                       keep.unsqueeze(1).expand(-1, SIZE, SIZE))
    return images * mask.unsqueeze(1)


def _ink_area(images: torch.Tensor) -> torch.Tensor:
    """Pixels brighter than 0.5, per image."""
    return (images > 0.5).sum((1, 2, 3))


def _area_quantile(digits: torch.Tensor, q: float) -> float:
    return float(torch.quantile(_ink_area(digits).float(), q))


def thick(count: int, digits: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Real digits dilated (3x3 maximum filter, repeatedly) until their ink covers 15-50 % more pixels
    than 99.5 % of the real digits do, then softened a little: strokes past the boldest MNIST ones.

    Ones are left out: a dilated "1" is a bold "1".
    """
    images = _pick(digits, count, generator, labels, exclude=1)
    limit = _area_quantile(digits, 0.995) * (1.15 + 0.35 * torch.rand(count, generator=generator))
    for _ in range(8):
        todo = (_ink_area(images) <= limit).view(-1, 1, 1, 1)
        if not bool(todo.any()):
            break
        images = torch.where(todo, F.max_pool2d(images, 3, stride=1, padding=1), images)
    return gaussian_blur(images, 0.7).clamp(0, 1)


def thin(count: int, digits: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Real digits eroded (3x3 minimum filter, repeatedly) until their ink covers fewer pixels than
    it does in 99.5 % of the real digits: hairlines and fragments past the thinnest MNIST strokes.

    Ones are left out: a thin "1" is still a "1".
    """
    images = _pick(digits, count, generator, labels, exclude=1)
    limit = _area_quantile(digits, 0.005) * (0.4 + 0.6 * torch.rand(count, generator=generator))
    for _ in range(4):
        todo = (_ink_area(images) >= limit).view(-1, 1, 1, 1)
        if not bool(todo.any()):
            break
        images = torch.where(todo, -F.max_pool2d(-images, 3, stride=1, padding=1), images)
    return images


def _photo_pool() -> torch.Tensor:
    """Gray versions of the bundled photos (scikit-image, scikit-learn), each ``(1, H, W)`` in [0, 1]."""
    from . import datasets

    pool = []
    for name in sorted(datasets.photos()):
        image = torch.tensor(datasets.photo(name), dtype=torch.float32) / 255.0
        pool.append(image.mean(-1, keepdim=True).permute(2, 0, 1) if image.ndim == 3 else image[None])
    return pool


def photo_patches(count: int, digits: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Square crops (20-120 px) of the bundled photos at 28x28, half of them inverted: textures, edges, no digit."""
    pool = _photo_pool()
    out = torch.empty(count, 1, SIZE, SIZE)
    for i in range(count):
        image = pool[int(torch.randint(len(pool), (1,), generator=generator))]
        _, h, w = image.shape
        side = int(torch.randint(20, min(120, h, w) + 1, (1,), generator=generator))
        top = int(torch.randint(h - side + 1, (1,), generator=generator))
        left = int(torch.randint(w - side + 1, (1,), generator=generator))
        crop = image[:, top : top + side, left : left + side][None]
        out[i] = F.interpolate(crop, size=(SIZE, SIZE), mode="area")[0]
    invert = torch.rand(count, 1, 1, 1, generator=generator) < 0.5
    return torch.where(invert, 1 - out, out)


def hangul(count: int, digits: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Random Hangul syllables (가-힣) in NanumGothic, white on black at the size and place of an MNIST digit.

    Never shown to the classifier in training (:data:`HELD_OUT_FAMILIES`): a
    test of whether "not a digit" generalises to strokes it has not seen.
    """
    from PIL import Image, ImageDraw

    from .fonts import pil_font

    out = torch.empty(count, 1, SIZE, SIZE)
    for i in range(count):
        syllable = chr(0xAC00 + int(torch.randint(11172, (1,), generator=generator)))
        size = int(torch.randint(17, 22, (1,), generator=generator))
        canvas = Image.new("L", (SIZE, SIZE), 0)
        font = pil_font(size, bold=True)
        left, top, right, bottom = font.getbbox(syllable)
        dx, dy = (int(v) for v in torch.randint(-2, 3, (2,), generator=generator))
        ImageDraw.Draw(canvas).text(((SIZE - (right - left)) / 2 - left + dx, (SIZE - (bottom - top)) / 2 - top + dy),
                                    syllable, fill=255, font=font)
        out[i, 0] = torch.from_numpy(np.asarray(canvas, dtype=np.float32) / 255.0)
    return gaussian_blur(out, 0.5).clamp(0, 1)


def blank(count: int, digits: torch.Tensor, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """Flat images of a random level with a little noise: what a dead generator draws."""
    level = _uniform(count, generator)
    jitter = 0.05 * torch.rand(count, 1, SIZE, SIZE, generator=generator)
    return (level * 0.95 + jitter).clamp(0, 1)


FAMILIES: dict[str, Callable] = {
    "noise": noise,
    "blur": blur,
    "blobs": blobs,
    "patches": patches,
    "blend": blend,
    "overlay": overlay,
    "broken": broken,
    "partial": partial,
    "thick": thick,
    "thin": thin,
    "photo_patches": photo_patches,
    "blank": blank,
    "hangul": hangul,
}
# Families the reference classifier never sees in training: evaluate() and
# the yardstick benchmark measure them to show whether "not a digit" generalises.
HELD_OUT_FAMILIES = ("hangul",)
# The families the reference classifier is trained on. The first yardstick
# left blends out (trained on faint blends it learned "faint means not a
# digit"); now half of the blends are brightened and a share of the real
# training digits is made fainter or softer, so faintness is no cue.
TRAINED_FAMILIES = tuple(name for name in FAMILIES if name not in HELD_OUT_FAMILIES)


def make_not_digits(count: int, digits: torch.Tensor, labels: torch.Tensor, *, seed: int = 0, families=None):
    """``count`` non-digit images, the families in turn (``families``: names from :data:`FAMILIES`).

    ``digits`` are real ``(N, 1, 28, 28)`` digits in [0, 1] with their
    ``labels``, which blur, patches and blend start from. The result is
    deterministic for a given ``seed``.
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}")
    if not isinstance(digits, torch.Tensor) or digits.ndim != 4 or tuple(digits.shape[1:]) != (1, SIZE, SIZE):
        raise ValueError("digits must be a (N, 1, 28, 28) tensor, as coursekit.datasets.digits() returns")
    if not isinstance(labels, torch.Tensor) or labels.shape != (len(digits),) or len(torch.unique(labels)) < 2:
        raise ValueError("labels must be a (N,) tensor with the digits' classes (at least two different ones)")
    names = list(FAMILIES) if families is None else list(families)
    unknown = [name for name in names if name not in FAMILIES]
    if not names or unknown:
        raise ValueError(f"unknown non-digit families {unknown}; choose from {', '.join(FAMILIES)}")
    generator = torch.Generator().manual_seed(seed)
    sizes = [count // len(names) + (i < count % len(names)) for i in range(len(names))]
    parts = [FAMILIES[name](size, digits, labels, generator) for name, size in zip(names, sizes) if size]
    return torch.cat(parts).clamp(0, 1)

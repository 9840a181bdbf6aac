"""Hangul in matplotlib figures, from the NanumGothic font that koreanize-matplotlib ships.

The font file is registered directly: importing ``koreanize_matplotlib`` itself
emits a DeprecationWarning (distutils' LooseVersion), which would end up in
stored notebook outputs.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

__all__ = ["FONT_FAMILY", "font_files", "pil_font", "use_korean_font"]

FONT_FAMILY = "NanumGothic"
_FONT_FILES = ("NanumGothic.ttf", "NanumGothicBold.ttf")


def font_files() -> list[Path]:
    """Paths of the bundled NanumGothic font files."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "koreanize-matplotlib is not installed, so figures cannot show Korean text; "
            "install it with: pip install koreanize-matplotlib==0.1.1"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    files = [folder / name for name in _FONT_FILES]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise FileNotFoundError(f"bundled Hangul font files are missing: {', '.join(missing)}")
    return files


@functools.lru_cache(maxsize=None)
def pil_font(size: int, bold: bool = False):
    """NanumGothic (``bold``: NanumGothicBold) at ``size`` pixels as a Pillow font, loaded once per size."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"size must be a positive whole number of pixels, got {size!r}")
    from PIL import ImageFont

    return ImageFont.truetype(str(font_files()[1 if bold else 0]), size)


def use_korean_font() -> str:
    """Register NanumGothic with matplotlib and make it the default family.

    NanumGothic has no U+2212 minus sign, so ``axes.unicode_minus`` is turned
    off (tick labels use '-'); symbols it lacks (arrows, ≥) fall back to
    DejaVu Sans, glyph by glyph; hinting is off because NanumGothic's hints
    erase thin symbols like → at small sizes. Returns the family name.
    """
    import matplotlib
    from matplotlib import font_manager

    for path in font_files():
        font_manager.fontManager.addfont(str(path))
    # DejaVu Sans (matplotlib's own) fills in what NanumGothic lacks, such as arrows.
    matplotlib.rcParams["font.family"] = [FONT_FAMILY, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False
    # NanumGothic's hinting erases thin symbols such as → at small sizes.
    matplotlib.rcParams["text.hinting"] = "no_hinting"
    return FONT_FAMILY

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from coursekit import fonts


def ink(text: str) -> int:
    """How many pixels a piece of text darkens when drawn at a small size."""
    fig = plt.figure(figsize=(1.2, 0.5), dpi=90)
    fig.text(0.1, 0.3, text, fontsize=10)
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    plt.close(fig)
    return int((pixels.min(axis=2) < 200).sum())


@pytest.fixture
def korean():
    with matplotlib.rc_context():
        fonts.use_korean_font()
        yield


def test_font_files_are_bundled():
    files = fonts.font_files()
    assert all(f.is_file() and f.suffix == ".ttf" for f in files)


def test_hangul_and_symbols_render_without_warnings(korean):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "Glyph ... missing" warning fails the test
        # minimum dark pixels for each text at 10 pt (small marks like · need few)
        for text, least in {"가나다 이미지": 60, "→": 8, "≥": 8, "~": 3, "°": 1, "·": 1, "-1": 3}.items():
            assert ink(text) >= least, f"{text!r} drew (almost) nothing"


def test_missing_glyphs_would_warn(korean):
    # the check above can fail: a font without Hangul warns about every glyph
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        with pytest.warns(UserWarning, match="Glyph"):
            ink("가")


def test_settings(korean):
    assert matplotlib.rcParams["font.family"][0] == fonts.FONT_FAMILY
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_missing_package_gives_install_hint(monkeypatch):
    monkeypatch.setattr(fonts.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="pip install koreanize-matplotlib"):
        fonts.font_files()


def test_font_hinting_would_erase_arrows(korean):
    # why use_korean_font turns hinting off: with NanumGothic's hints, → nearly vanishes
    with matplotlib.rc_context({"text.hinting": "default"}):
        assert ink("→") <= 8


def test_pil_font_draws_hangul_and_is_loaded_once():
    from PIL import Image, ImageDraw

    regular, bold = fonts.pil_font(18), fonts.pil_font(18, bold=True)
    assert fonts.pil_font(18) is regular and regular is not bold
    assert regular.getname()[0] == "NanumGothic" and bold.size == 18
    image = Image.new("L", (60, 30), 0)
    ImageDraw.Draw(image).text((2, 2), "가나", fill=255, font=bold)
    assert np.asarray(image).max() == 255  # the syllables have glyphs (no empty boxes)


@pytest.mark.parametrize("size", [0, -3, 2.5, True, "18"])
def test_pil_font_bad_size(size):
    with pytest.raises(ValueError, match="positive whole number"):
        fonts.pil_font(size)

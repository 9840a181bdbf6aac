"""The figure comparison that nbval lacks: a changed figure fails, a re-rendered one passes."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

from coursekit.authoring import nbval_figures as nf


def png(array) -> str:
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(array, np.uint8)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def figure():
    rng = np.random.default_rng(0)
    picture = np.full((120, 200, 3), 255, np.uint8)
    picture[20:100, 20:90] = rng.integers(0, 256, (80, 70, 3))  # a photo panel
    picture[60, 100:190] = 0  # a plotted line
    return picture


def test_identical_figures_pass(figure):
    assert nf.compare_png(png(figure), png(figure)) is None


def test_rerendered_figure_passes(figure):
    # another CPU: a few antialiasing levels along edges, one pixel of a line moved
    other = figure.astype(int)
    other[20:100, 20:90] += np.random.default_rng(1).integers(-2, 3, (80, 70, 3))
    other[60, 189] = 255
    other[61, 189] = 0
    assert nf.compare_png(png(figure), png(np.clip(other, 0, 255))) is None


def test_changed_channel_fails(figure):
    changed = figure.copy()
    changed[20:100, 20:90, 0] = changed[20:100, 20:90, 0] // 2  # a color formula changed
    problem = nf.compare_png(png(figure), png(changed))
    assert problem and "pixels differ" in problem


def test_moved_curve_fails(figure):
    moved = figure.copy()
    moved[60, 100:190] = 255
    moved[70, 100:190] = 0
    moved[20:100, 20:90] = moved[20:100, 20:90][::-1]
    assert nf.compare_png(png(figure), png(moved))


def test_resized_figure_fails(figure):
    assert "size changed" in nf.compare_png(png(figure), png(figure[:100]))


def test_cell_level_comparison(figure):
    stored = [{"output_type": "display_data", "data": {"image/png": png(figure), "text/plain": "<Figure>"}}]
    assert nf.compare_cell_figures(stored, stored) == []
    assert "drew 0 figure(s)" in nf.compare_cell_figures(stored, [])[0]
    flipped = [{"output_type": "display_data", "data": {"image/png": png(figure[:, ::-1])}}]
    assert nf.compare_cell_figures(stored, flipped)[0].startswith("figure 1:")

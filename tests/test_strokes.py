import pytest
import torch

from coursekit import datasets, strokes


def _blank(n=1):
    return torch.zeros(n, 1, 28, 28)


def test_thicken_grows_a_pixel_into_a_cross_and_keeps_the_range():
    x = _blank()
    x[0, 0, 10, 10] = 0.8
    out = strokes.thicken(x)
    assert out.shape == x.shape
    assert sorted(torch.nonzero(out[0, 0]).tolist()) == [[9, 10], [10, 9], [10, 10], [10, 11], [11, 10]]
    assert float(out.max()) == pytest.approx(0.8)
    corner = _blank()
    corner[0, 0, 0, 0] = 1.0
    assert int(strokes.thicken(corner).sum()) == 3  # the border is not wrapped around


def test_stroke_width_of_bars_and_blank_images():
    x = _blank(3)
    x[0, 0, 14, 4:24] = 1  # 1 px wide
    x[1, 0, 13:16, 4:24] = 1  # 3 px wide
    widths = strokes.stroke_width(x)
    assert widths[0] == pytest.approx(1.0)
    assert 2.5 <= float(widths[1]) <= 3.5
    assert float(widths[2]) == 0.0
    digits = datasets.digits("test")[0][:50]
    assert float(strokes.stroke_width(strokes.thicken(digits)).median()) > float(strokes.stroke_width(digits).median()) + 1.5


def test_edge_maps_are_0_1_outlines():
    x = _blank(2)
    x[0, 0, 8:20, 8:20] = 1
    edges = strokes.edge_maps(x)
    assert edges.shape == (2, 1, 28, 28) and set(edges.unique().tolist()) <= {0.0, 1.0}
    assert float(edges[0, 0, 14, 14]) == 0 and float(edges[0].sum()) > 20  # an outline, not the filled square
    assert float(edges[1].sum()) == 0


def test_edge_agreement_is_1_for_the_same_edges_and_drops_for_others():
    digits = datasets.digits("test")[0][:40]
    edges = strokes.edge_maps(digits)
    assert torch.allclose(strokes.edge_agreement(digits, edges), torch.ones(40))
    others = strokes.edge_agreement(digits.roll(1, 0), edges)
    assert float(others.median()) < 0.5
    shifted = digits.roll(1, dims=3)
    assert float(strokes.edge_agreement(shifted, edges, tolerance=1).median()) > 0.95
    assert float(strokes.edge_agreement(shifted, edges).median()) < 0.5
    assert float(strokes.edge_agreement(_blank(1), edges[:1])[0]) == 0.0


@pytest.mark.parametrize("call, message", [
    (lambda: strokes.thicken(torch.zeros(1, 28, 28)), r"\(N, 1, H, W\)"),
    (lambda: strokes.thicken(torch.full((1, 1, 28, 28), 2.0)), r"\[0, 1\]"),
    (lambda: strokes.stroke_width(torch.zeros(0, 1, 28, 28)), "non-empty"),
    (lambda: strokes.edge_agreement(_blank(), _blank(2)), "shaped like images"),
    (lambda: strokes.edge_agreement(_blank(), torch.full((1, 1, 28, 28), 0.5)), "0 and 1"),
    (lambda: strokes.edge_agreement(_blank(), _blank(), tolerance=-1), "tolerance"),
])
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()

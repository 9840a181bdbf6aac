"""coursekit.widgets.week04: the puppet swap widget (a model whose mask covers the face, untrained weights)."""

import numpy as np
import pytest
import torch

from coursekit.models.face_swap_ae import FaceSwapAE
from coursekit.widgets.week04 import DIRECTIONS, SLIDERS, PuppetSwap


@pytest.fixture(scope="module")
def widget():
    torch.manual_seed(0)
    model = FaceSwapAE(("hopper", "collins"))
    for decoder in model.decoders.values():
        torch.nn.init.constant_(decoder.mask.bias, 10.0)
    return PuppetSwap(model, size=96)


def test_it_shows_three_crops_and_says_what_it_measured(widget):
    image = widget.update()
    assert image.shape == (96 + 28, 3 * 96 + 2 * PuppetSwap.GAP, 3) and image.dtype == np.uint8
    panels = widget.panels()
    assert set(panels) == {"destination", "swap", "truth"} and panels["swap"].shape == (64, 64, 3)
    assert "SSIM" in widget.caption() and "collins의 얼굴" in widget.caption()


def test_turning_the_head_moves_the_destination_and_the_truth(widget):
    before = widget.panels()
    with widget.hold():
        widget.sliders["yaw"].value = 12.0
        widget.sliders["mouth"].value = 0.8
    after = widget.panels()
    for name in ("destination", "truth"):
        assert np.abs(after[name].astype(int) - before[name]).mean() > 2
    assert widget.pose().yaw == 12.0 and "yaw +12°" in widget.caption()


def test_the_direction_swaps_who_is_who(widget):
    with widget.hold():
        widget.direction.value = list(DIRECTIONS)[1]
    assert "hopper의 얼굴" in widget.caption() and "collins의 프레임" in widget.caption()
    assert len(SLIDERS) == 6


def test_bad_arguments_are_refused():
    with pytest.raises(TypeError, match="FaceSwapAE"):
        PuppetSwap(object())
    with pytest.raises(TypeError, match="hopper"):
        PuppetSwap(FaceSwapAE(("a", "b")))
    with pytest.raises(ValueError, match="direction"):
        PuppetSwap(FaceSwapAE(("hopper", "collins")), direction="x")

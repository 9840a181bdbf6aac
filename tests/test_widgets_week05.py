"""coursekit.widgets.week05: the latent pad decodes where it points and reads the digit."""

import numpy as np
import pytest
import torch

from coursekit.models.classifier import DigitClassifier
from coursekit.models.vae import VAE
from coursekit.widgets.week05 import LatentPad


def pad(**kwargs):
    torch.manual_seed(0)
    model = VAE(2, (16,))
    codes = torch.randn(50, 2)
    labels = torch.arange(50) % 10
    return LatentPad(model, codes, labels, classifier_=DigitClassifier(widths=(4, 4, 4)), **kwargs), model


def test_pad_draws_map_and_decoded_digit():
    widget, model = pad(size=96)
    frame = widget.render()
    assert frame.dtype == np.uint8 and frame.shape == (96 + 28, 2 * 96 + LatentPad.GAP, 3)
    widget.set_point(1.5, -2.0)
    assert widget.code().tolist() == [[1.5, -2.0]]
    digit = model.decode_images(widget.code())[0, 0].numpy()
    right = widget.render()[:96, 96 + LatentPad.GAP :, 0].astype(float) / 255
    assert abs(right.mean() - digit.mean()) < 0.02  # the right half is the decoded digit, upscaled
    assert "(+1.50, -2.00)" in widget.caption()
    before = widget.image.value
    widget.z1.value = 0.0
    assert widget.image.value != before  # a slider move redraws


def test_pad_cross_moves_with_the_point():
    widget, _ = pad(size=96)
    widget.set_point(-2.5, 2.5)
    a = widget.render()[:96, :96]
    widget.set_point(2.5, -2.5)
    b = widget.render()[:96, :96]
    assert (a[:24, :24] == 0).any() and not (b[:24, :24] == 0).all()
    assert (b[-24:, -24:] == 0).any()


def test_pad_bad_input():
    torch.manual_seed(0)
    model = VAE(3, (16,))
    with pytest.raises(TypeError, match="2-D"):
        LatentPad(model, torch.zeros(4, 2), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        LatentPad(VAE(2, (8,)), torch.zeros(4, 3), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="labels"):
        LatentPad(VAE(2, (8,)), torch.zeros(4, 2), torch.zeros(3, dtype=torch.long))
    with pytest.raises(ValueError, match="extent"):
        LatentPad(VAE(2, (8,)), torch.zeros(4, 2), torch.zeros(4, dtype=torch.long), extent=0)

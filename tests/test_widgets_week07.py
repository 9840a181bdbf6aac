"""coursekit.widgets.week07: the img2img / inpainting pad."""

import pytest
import torch

from coursekit.models.classifier import DigitClassifier
from coursekit.recipes import ddpm
from coursekit.widgets.week07 import IMG2IMG, INPAINT, EditPad

TINY = DigitClassifier(widths=(4, 4, 4))


def digit():
    image = torch.zeros(1, 28, 28)
    image[:, 6:22, 12:16] = 1.0
    return image


def top_half():
    keep = torch.zeros(1, 28, 28)
    keep[:, :14] = 1
    return keep


@pytest.fixture(scope="module")
def pad():
    return EditPad(ddpm.load(), digit(), top_half(), label=1, size=64, classifier_=TINY)


def test_strength_zero_returns_the_input_and_more_strength_changes_more(pad):
    with pad.hold():
        pad.strength.value = 0.0
    assert torch.equal(pad.result(), digit()[None])
    changes = []
    for strength in (0.3, 1.0):
        with pad.hold():
            pad.strength.value = strength
        changes.append(float((pad.result() - digit()[None]).abs().mean()))
    assert changes[0] < changes[1]
    assert "마지막 20스텝" in pad.caption() and pad.render().shape == (64 + 28, 2 * 64 + EditPad.GAP, 3)


def test_inpainting_keeps_the_known_half_and_the_seed_is_repeatable(pad):
    with pad.hold():
        pad.mode.value, pad.prompt.value, pad.seed.value = INPAINT, "7", 3
    out = pad.result()
    assert torch.equal(out[..., :14, :], digit()[None][..., :14, :])
    assert torch.equal(pad.result(), out)
    shown = pad.shown_input()
    assert float(shown[..., 20, 0]) == 0.5  # the regenerated half is greyed out
    assert "회색 부분만" in pad.caption() and "프롬프트 7" in pad.caption()
    before = bytes(pad.image.value)
    pad.seed.value = 4
    assert bytes(pad.image.value) != before
    pad.mode.value = IMG2IMG


def test_edit_pad_rejects_bad_input():
    pipe = ddpm.build()
    with pytest.raises(TypeError, match="DigitDiffusion"):
        EditPad(object(), digit(), top_half())
    with pytest.raises(ValueError, match=r"\(1, 28, 28\)"):
        EditPad(pipe, digit()[0], top_half(), classifier_=TINY)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        EditPad(pipe, digit() * 2, top_half(), classifier_=TINY)
    with pytest.raises(ValueError, match="only 0"):
        EditPad(pipe, digit(), top_half() * 0.5, classifier_=TINY)
    with pytest.raises(ValueError, match="strength"):
        EditPad(pipe, digit(), top_half(), strength=1.5, classifier_=TINY)
    with pytest.raises(ValueError, match="label"):
        EditPad(pipe, digit(), top_half(), label=10, classifier_=TINY)

"""coursekit.widgets.week06: the noising slider and the prompt pad."""

import numpy as np
import pytest
import torch

from coursekit.diffusion.noise_schedule import cosine_schedule, linear_schedule
from coursekit.models.classifier import DigitClassifier
from coursekit.recipes import ddpm
from coursekit.widgets.week06 import EMPTY_PROMPT, NO_NEGATIVE, NoisingSlider, PromptPad

SCHEDULES = {"linear": linear_schedule(1000), "cosine": cosine_schedule(1000)}


def digit():
    image = torch.zeros(1, 28, 28)
    image[:, 6:22, 12:16] = 1.0
    return image


def test_noising_slider_shows_the_digit_at_t0_and_noise_late():
    widget = NoisingSlider(digit(), SCHEDULES, size=64, t=0)
    assert widget.render().shape == (64 + 48, 2 * 64 + NoisingSlider.GAP, 3)
    for name in SCHEDULES:
        assert (widget.noised(name) - digit()[None]).abs().max() < 0.05  # ᾱ_0 is almost 1
    widget.t.value = 990
    for name in SCHEDULES:
        late = widget.noised(name)
        clean = digit()[None]
        assert float(torch.corrcoef(torch.stack([late.flatten(), clean.flatten()]))[0, 1]) < 0.3
    assert "t = 990/999" in widget.caption() and "cosine" in widget.caption()


def test_noising_slider_uses_the_same_noise_for_both_schedules():
    widget = NoisingSlider(digit(), SCHEDULES, size=64, t=500)
    a, b = (widget.noised(name) * 2 - 1 for name in SCHEDULES)
    # both are √ᾱ x0 + √(1-ᾱ) ε with one ε: the cosine one keeps more signal at t = 500
    assert float((b - a).abs().mean()) > 0.01
    again = NoisingSlider(digit(), SCHEDULES, size=64, t=500)
    assert torch.equal(again.noised("cosine"), widget.noised("cosine"))


def test_noising_slider_rejects_bad_input():
    with pytest.raises(ValueError, match=r"\(1, 28, 28\)"):
        NoisingSlider(torch.zeros(28, 28), SCHEDULES)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        NoisingSlider(digit() * 3, SCHEDULES)
    with pytest.raises(TypeError, match="NoiseSchedule"):
        NoisingSlider(digit(), {"linear": "beta"})
    with pytest.raises(ValueError, match="same number of steps"):
        NoisingSlider(digit(), {"a": linear_schedule(1000), "b": cosine_schedule(500)})
    with pytest.raises(ValueError, match="t must be"):
        NoisingSlider(digit(), SCHEDULES, t=1000)


@pytest.fixture(scope="module")
def pad():
    return PromptPad(ddpm.load(), size=64, classifier_=DigitClassifier(widths=(4, 4, 4)))


def test_prompt_pad_same_settings_same_digit_and_seed_changes_it(pad):
    first = pad.digit()
    assert first.shape == (1, 1, 28, 28)
    assert torch.equal(pad.digit(), first)
    with pad.hold():
        pad.seed.value = 7
    assert not torch.equal(pad.digit(), first)
    assert pad.render().shape == (64 + 28, 64, 3)


def test_prompt_pad_settings_follow_the_knobs(pad):
    with pad.hold():
        pad.prompt.value, pad.negative.value, pad.guidance.value, pad.steps.value = "8", "3", 4.0, 5
    assert pad.settings() == {"labels": [8], "negative": 3, "guidance": 4.0, "steps": 5, "seed": pad.seed.value}
    assert "네거티브 3" in pad.caption() and "DDIM 5스텝" in pad.caption()
    before = bytes(pad.image.value)
    pad.negative.value = NO_NEGATIVE
    assert pad.settings()["negative"] is None and bytes(pad.image.value) != before
    pad.prompt.value = EMPTY_PROMPT
    assert pad.settings()["labels"] == [10] and "프롬프트 없음" in pad.caption()


def test_prompt_pad_rejects_bad_input():
    with pytest.raises(TypeError, match="DigitDiffusion"):
        PromptPad(object())
    with pytest.raises(ValueError, match="label"):
        PromptPad(ddpm.build(), label=10, classifier_=DigitClassifier(widths=(4, 4, 4)))

"""coursekit.diffusion.editing: img2img keeps what strength says, inpainting keeps the known pixels."""

import pytest
import torch

from coursekit import metrics
from coursekit.datasets import digits
from coursekit.diffusion.editing import img2img, inpaint, start_step_for
from coursekit.recipes import ddpm


@pytest.fixture(scope="module")
def pipeline():
    return ddpm.load()


@pytest.fixture(scope="module")
def sevens():
    images, labels = digits("test")
    return images[labels == 7][:10]


def test_start_step_follows_strength():
    assert start_step_for(1000, 20, 0.0) is None
    assert start_step_for(1000, 20, 1.0) == 950  # every step: the first of the plan
    assert start_step_for(1000, 20, 0.5) == 450  # the last 10 of 950, 900, ..., 0
    assert start_step_for(1000, 20, 0.02) is None  # rounds to no step
    with pytest.raises(ValueError, match="strength"):
        start_step_for(1000, 20, 1.5)
    with pytest.raises(ValueError, match="strength"):
        start_step_for(1000, 20, True)


def test_img2img_strength_moves_from_the_input_to_the_prompt(pipeline, sevens):
    labels = torch.full((10,), 1)
    assert torch.equal(img2img(pipeline, sevens, labels, strength=0.0), sevens)
    light = img2img(pipeline, sevens, labels, strength=0.3, seed=0)
    strong = img2img(pipeline, sevens, labels, strength=1.0, seed=0)
    assert (light - sevens).abs().mean() < (strong - sevens).abs().mean()
    assert metrics.conditional_accuracy(light, torch.full((10,), 7)) >= 0.7  # a light touch keeps the 7
    assert metrics.conditional_accuracy(strong, labels) >= 0.7  # full strength follows the prompt "1"
    assert torch.equal(img2img(pipeline, sevens, labels, strength=0.3, seed=0), light)


def test_inpaint_keeps_the_known_pixels_and_fills_the_rest(pipeline, sevens):
    keep = torch.ones(1, 1, 28, 28)
    keep[..., 14:, :] = 0  # regenerate the lower half
    out = inpaint(pipeline, sevens, keep, torch.full((10,), 7), seed=0)
    assert torch.equal(out[..., :14, :], sevens[..., :14, :])
    assert not torch.allclose(out[..., 14:, :], sevens[..., 14:, :])
    assert metrics.conditional_accuracy(out, torch.full((10,), 7)) >= 0.7
    assert torch.equal(inpaint(pipeline, sevens, torch.ones(1, 1, 28, 28), torch.full((10,), 7)), sevens)


def test_editing_rejects_bad_input(pipeline, sevens):
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        img2img(pipeline, sevens[0], [7], strength=0.5)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        img2img(pipeline, sevens * 255, [7] * 10, strength=0.5)
    with pytest.raises(ValueError, match="mask"):
        inpaint(pipeline, sevens, torch.ones(3, 1, 28, 28), [7] * 10)
    with pytest.raises(ValueError, match="only 0"):
        inpaint(pipeline, sevens, torch.full((1, 1, 28, 28), 0.5), [7] * 10)


def test_the_empty_prompt_with_a_negative_prompt_draws_anything_but_it(pipeline):
    empty = torch.full((60,), pipeline.empty_prompt)
    anything = metrics.probabilities(pipeline.generate(empty, seed=0, guidance=1.0)).argmax(1)
    but_one = metrics.probabilities(pipeline.generate(empty, seed=0, negative=1, guidance=3.0)).argmax(1)
    assert len(set(anything.tolist())) >= 6  # no prompt: many different digits
    assert (but_one == 1).sum() < max(1, (anything == 1).sum())

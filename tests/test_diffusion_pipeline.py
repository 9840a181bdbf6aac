"""coursekit.diffusion.pipeline and .measures: the sampler's knobs and the week-6 bar's measures."""

import pytest
import torch

from coursekit.diffusion.measures import measure_conditional
from coursekit.diffusion.pipeline import DigitDiffusion, balanced_labels
from coursekit.models.unet import UNet


@pytest.fixture(scope="module")
def pipeline():
    torch.manual_seed(0)
    net = UNet(channels=(8, 16, 16), emb_dim=16, attention=False)
    with torch.no_grad():  # an untrained but not all-zero network, so that labels and seeds matter
        for p in net.parameters():
            p.add_(0.05 * torch.randn_like(p))
    return DigitDiffusion(net, prediction="v", guidance=2.0, steps=4).eval()


def test_generate_is_one_image_per_label_in_0_1_fixed_by_the_seed(pipeline):
    labels = torch.tensor([0, 3, 7])
    a = pipeline.generate(labels, seed=1)
    assert a.shape == (3, 1, 28, 28) and 0 <= float(a.min()) and float(a.max()) <= 1
    assert torch.equal(a, pipeline.generate(labels, seed=1))
    assert not torch.equal(a, pipeline.generate(labels, seed=2))
    assert not torch.equal(a, pipeline.generate(torch.tensor([1, 4, 8]), seed=1))


def test_guidance_scale_and_negative_prompt(pipeline):
    labels = torch.tensor([5, 5])
    plain = pipeline.generate(labels, seed=0, guidance=1.0)
    assert torch.equal(plain, pipeline.generate(labels, seed=0, guidance=1.0, negative=3))  # w = 1: no reference
    assert not torch.equal(plain, pipeline.generate(labels, seed=0, guidance=3.0))
    assert not torch.equal(pipeline.generate(labels, seed=0, guidance=3.0),
                           pipeline.generate(labels, seed=0, guidance=3.0, negative=3))
    assert pipeline.generate(labels, seed=0, steps=2).shape == (2, 1, 28, 28)


def test_sample_gives_labels_balanced_or_fixed(pipeline):
    images, labels = pipeline.sample(12, 0)
    assert images.shape == (12, 1, 28, 28) and labels.tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]
    _, labels = pipeline.sample(3, 0, label=4, guidance=1.5, steps=3)
    assert labels.tolist() == [4, 4, 4]
    assert balanced_labels(3, 2).tolist() == [0, 1, 0]


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda p: p.generate(torch.tensor([11])), ValueError, r"\[0, 9\] or 10 \(the empty prompt\)"),
        (lambda p: p.generate(torch.tensor([1.0])), ValueError, "int classes"),
        (lambda p: p.generate([]), ValueError, "int classes"),
        (lambda p: p.generate([1], negative=12), ValueError, "negative"),
        (lambda p: DigitDiffusion(p.net, schedule="sigmoid"), ValueError, "schedule"),
        (lambda p: DigitDiffusion(p.net, prediction="noise"), ValueError, "prediction"),
        (lambda p: DigitDiffusion(torch.nn.Conv2d(1, 1, 3)), TypeError, "null_label"),
        (lambda p: balanced_labels(0), ValueError, "n must be"),
    ],
)
def test_bad_input(pipeline, call, error, message):
    with pytest.raises(error, match=message):
        call(pipeline)


def test_measure_conditional_reports_the_bar_measures(pipeline):
    result = measure_conditional(pipeline, seed=999, per_class=7, steps=2)  # the feature distance needs 65+
    assert {"conditional_accuracy", "confident", "not_digit", "coverage", "feature_distance"} <= set(result)
    assert 0 <= result["conditional_accuracy"] <= 1 and result["feature_distance"] > 0
    with pytest.raises(ValueError, match="per_class"):
        measure_conditional(pipeline, seed=0, per_class=0)

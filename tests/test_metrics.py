"""The digit yardstick: the shipped classifier and the measures built on it."""

import numpy as np
import pytest
import torch

from coursekit import datasets, metrics, not_digits
from coursekit.checkpoints import read_manifest


@pytest.fixture(scope="module")
def test_digits():
    return datasets.digits("test")


@pytest.fixture(scope="module")
def train_digits():
    return datasets.digits("train")


def test_shipped_classifier_reaches_97_percent_on_the_test_split(test_digits):
    images, labels = test_digits
    accuracy = metrics.conditional_accuracy(images, labels)
    assert accuracy >= 0.97
    assert read_manifest(metrics.CHECKPOINT)["metrics"]["test_accuracy"] == pytest.approx(accuracy, abs=1e-3)


def test_real_test_digits_score_near_perfect(test_digits):
    score = metrics.classifier_score(test_digits[0])
    assert score.count == 1000 and sum(score.histogram) == 1000
    assert score.confident >= 0.95 and score.not_digit <= 0.03 and score.coverage == 10
    assert read_manifest(metrics.CHECKPOINT)["metrics"]["confident_on_real_test"] == pytest.approx(score.confident, abs=1e-3)
    assert np.allclose(score.shares()[:10], 0.1, atol=0.02)
    assert "커버리지 10/10" in str(score)


@pytest.mark.parametrize(
    "make",
    [
        lambda d, g: torch.rand(300, 1, 28, 28, generator=g),  # uniform noise
        lambda d, g: not_digits.gaussian_blur(d[:300], 3.0) / 0.6,  # heavy blur, brightened
        lambda d, g: not_digits.blobs(300, d, None, g),  # bright blobs
        lambda d, g: torch.full((300, 1, 28, 28), 0.5),  # flat gray
    ],
    ids=["noise", "blur", "blobs", "gray"],
)
def test_things_that_are_not_digits_score_near_zero(train_digits, make):
    images = make(train_digits[0], torch.Generator().manual_seed(99)).clamp(0, 1)
    score = metrics.classifier_score(images)
    assert score.confident <= 0.05
    assert score.not_digit >= 0.9


def test_blends_of_two_digits_are_not_confident_digits(test_digits):
    """The first yardstick read 62 % of these mirrored blends as confident digits."""
    images = test_digits[0]
    blends = 0.5 * (images + images.flip(0).flip(-1))
    assert metrics.classifier_score(blends).confident < 0.05


@pytest.mark.parametrize("family", not_digits.HELD_OUT_FAMILIES + ("overlay", "broken", "partial", "thick", "thin"))
def test_malformed_and_unseen_junk_is_not_a_confident_digit(train_digits, family):
    images = not_digits.make_not_digits(300, *train_digits, seed=77, families=[family])
    assert metrics.classifier_score(images).confident <= 0.05


def test_one_repeated_digit_covers_one_class(test_digits):
    images, labels = test_digits
    sevens = images[labels == 7][:1].repeat(200, 1, 1, 1)
    score = metrics.classifier_score(sevens)
    assert score.coverage == 1 and score.histogram[7] == 200


def test_conditional_accuracy_counts_the_requested_class(test_digits):
    images, labels = test_digits
    assert metrics.conditional_accuracy(images, (labels + 1) % 10) <= 0.02
    assert metrics.conditional_accuracy(images.numpy(), labels.numpy()) >= 0.97  # NumPy works too


def test_frechet_distance_formula_on_exact_cases():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(500, 8))
    assert abs(metrics.frechet_distance(a, a)) < 1e-8
    shift = np.arange(8.0)
    assert metrics.frechet_distance(a, a + shift) == pytest.approx(float(shift @ shift), rel=1e-9)
    centered = a - a.mean(0)
    # scaling by 2 multiplies the covariance by 4: tr(C + 4C - 2 * 2C) = tr(C)
    expected = float(np.trace(np.cov(centered, rowvar=False)))
    assert metrics.frechet_distance(centered, 2 * centered) == pytest.approx(expected, rel=1e-9)
    b = rng.normal(size=(400, 8)) * 1.5
    assert metrics.frechet_distance(a, b) == pytest.approx(metrics.frechet_distance(b, a), rel=1e-9)


def test_feature_distance_has_a_scale(test_digits):
    real, _ = datasets.digits_sample(1000, "train")
    real_floor = metrics.feature_distance(real, test_digits[0])
    noise = metrics.feature_distance(torch.rand(1000, 1, 28, 28, generator=torch.Generator().manual_seed(1)), real)
    blur = metrics.feature_distance(not_digits.gaussian_blur(real, 2.0).clamp(0, 1), test_digits[0])
    mild = metrics.feature_distance(not_digits.gaussian_blur(real, 1.0).clamp(0, 1), test_digits[0])
    assert 0 <= real_floor < mild < blur < noise
    assert blur > 10 * real_floor
    unbalanced = metrics.feature_distance(test_digits[0][:300], test_digits[0])  # sorted: digits 0-2 only
    assert unbalanced > 5 * real_floor


def test_features_are_64_dimensional(test_digits):
    features = metrics.features(test_digits[0][:10])
    assert features.shape == (10, 64) and features.dtype == np.float64


def test_uint8_and_three_dimensional_input_are_accepted(test_digits):
    images = test_digits[0][:100]
    as_bytes = (images[:, 0] * 255).round().to(torch.uint8)
    a = metrics.probabilities(images)
    b = metrics.probabilities(as_bytes)
    assert torch.allclose(a, b, atol=0.02)


@pytest.mark.parametrize(
    "images, error, message",
    [
        (torch.zeros(10, 3, 28, 28), ValueError, r"shape \(N, 1, 28, 28\)"),
        (torch.zeros(10, 1, 32, 32), ValueError, r"shape \(N, 1, 28, 28\)"),
        (torch.full((10, 1, 28, 28), -0.5), ValueError, r"\(x \+ 1\) / 2"),
        (torch.full((10, 1, 28, 28), 3.0), ValueError, r"must lie in \[0, 1\]"),
        (torch.full((10, 1, 28, 28), float("nan")), ValueError, "NaN"),
        (torch.zeros(10, 1, 28, 28, dtype=torch.int64), TypeError, "float"),
        ([[0.0]], TypeError, "torch tensor or NumPy array"),
        (torch.zeros(0, 1, 28, 28), ValueError, "at least 1"),
    ],
)
def test_bad_images_are_refused(images, error, message):
    with pytest.raises(error, match=message):
        metrics.classifier_score(images)


def test_bad_labels_and_settings_are_refused(test_digits):
    images, labels = test_digits
    with pytest.raises(ValueError, match="one per image"):
        metrics.conditional_accuracy(images, labels[:10])
    with pytest.raises(ValueError, match="digits 0-9"):
        metrics.conditional_accuracy(images, labels + 5)
    with pytest.raises(TypeError, match="integers"):
        metrics.conditional_accuracy(images, labels.float())
    with pytest.raises(ValueError, match="confidence"):
        metrics.classifier_score(images, confidence=1.5)


def test_too_few_images_for_a_covariance(test_digits):
    with pytest.raises(ValueError, match="at least 65"):
        metrics.feature_distance(test_digits[0][:20], test_digits[0])
    with pytest.raises(ValueError, match="same D"):
        metrics.frechet_distance(np.zeros((100, 3)), np.zeros((100, 4)))
    with pytest.raises(ValueError, match="full-rank"):
        metrics.frechet_distance(np.zeros((3, 4)), np.zeros((100, 4)))


def test_class_diversity_is_zero_for_copies_and_real_digits_vary(test_digits):
    images, labels = test_digits
    real = metrics.class_diversity(images[::5], labels[::5])
    copies = images[labels == 3][:1].repeat(20, 1, 1, 1)
    assert metrics.class_diversity(copies, torch.full((20,), 3)) == pytest.approx(0.0, abs=1e-6)
    assert real > 1.0
    # only classes with two or more images count; the single 7 is left out
    twos = images[labels == 2][:10]
    mixed = torch.cat([twos, images[labels == 7][:1]])
    assert metrics.class_diversity(mixed, torch.tensor([2] * 10 + [7])) == pytest.approx(
        metrics.class_diversity(twos, torch.full((10,), 2)))


def test_class_diversity_rejects_bad_labels(test_digits):
    images = test_digits[0][:4]
    with pytest.raises(ValueError, match="one per image"):
        metrics.class_diversity(images, torch.tensor([1, 2]))
    with pytest.raises(TypeError, match="integers"):
        metrics.class_diversity(images, torch.zeros(4))
    with pytest.raises(ValueError, match="digits 0-9"):
        metrics.class_diversity(images, torch.tensor([1, 2, 3, 10]))
    with pytest.raises(ValueError, match="at least two images of one class"):
        metrics.class_diversity(images, torch.tensor([1, 2, 3, 4]))

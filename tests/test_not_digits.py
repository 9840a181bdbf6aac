"""The non-digit families behind the classifier's extra class."""

import pytest
import torch

from coursekit import datasets, not_digits


@pytest.fixture(scope="module")
def train_digits():
    return datasets.digits("train")


@pytest.mark.parametrize("family", list(not_digits.FAMILIES))
def test_each_family_gives_28x28_images_in_range(train_digits, family):
    images = not_digits.make_not_digits(30, *train_digits, seed=3, families=[family])
    assert images.shape == (30, 1, 28, 28) and images.dtype == torch.float32
    assert float(images.min()) >= 0.0 and float(images.max()) <= 1.0
    assert float(images.std()) > 0.01  # not all one flat value


def test_same_seed_same_images_other_seed_other_images(train_digits):
    a = not_digits.make_not_digits(60, *train_digits, seed=5)
    b = not_digits.make_not_digits(60, *train_digits, seed=5)
    c = not_digits.make_not_digits(60, *train_digits, seed=6)
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_count_is_split_over_families_even_when_it_does_not_divide(train_digits):
    assert len(not_digits.make_not_digits(7, *train_digits, families=["noise", "blank"])) == 7
    assert len(not_digits.make_not_digits(1, *train_digits)) == 1


def test_blend_never_mixes_two_digits_of_one_class():
    # two classes only: every blend must take one image of each, so all blends are identical
    zero, one = torch.zeros(1, 1, 28, 28), torch.zeros(1, 1, 28, 28)
    zero[..., 5:10, 5:10], one[..., 15:20, 15:20] = 1.0, 0.6
    digits = torch.cat([zero, zero, one]).clone()
    labels = torch.tensor([0, 0, 1])
    blends = not_digits.make_not_digits(40, digits, labels, families=["blend"])
    assert bool((blends[..., 5:10, 5:10] > 0).all()) and bool((blends[..., 15:20, 15:20] > 0).all())


def test_gaussian_blur_keeps_mass_and_spreads_a_point():
    point = torch.zeros(1, 1, 28, 28)
    point[0, 0, 14, 14] = 1.0
    blurred = not_digits.gaussian_blur(point, 2.0)
    assert abs(float(blurred.sum()) - 1.0) < 1e-4
    assert float(blurred[0, 0, 14, 14]) == pytest.approx(1 / (2 * torch.pi * 4), rel=0.05)
    with pytest.raises(ValueError, match="sigma must be positive"):
        not_digits.gaussian_blur(point, 0.0)


def test_bad_input_is_refused(train_digits):
    images, labels = train_digits
    with pytest.raises(ValueError, match="count must be a positive int"):
        not_digits.make_not_digits(0, images, labels)
    with pytest.raises(ValueError, match="unknown non-digit families"):
        not_digits.make_not_digits(4, images, labels, families=["fog"])
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        not_digits.make_not_digits(4, images[:, 0], labels)
    with pytest.raises(ValueError, match="labels must be"):
        not_digits.make_not_digits(4, images, labels[:-1])

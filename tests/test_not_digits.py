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
    zero[..., 5:10, 12:16], one[..., 18:22, 12:16] = 1.0, 0.6  # centred columns: mirroring keeps them
    digits = torch.cat([zero, zero, one]).clone()
    labels = torch.tensor([0, 0, 1])
    blends = not_digits.make_not_digits(40, digits, labels, families=["blend"])
    assert bool((blends[..., 5:10, 12:16] > 0).all()) and bool((blends[..., 18:22, 12:16] > 0).all())


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


def _ink(images):
    return images.sum((1, 2, 3))


def _area(images):
    return (images > 0.5).sum((1, 2, 3)).float()


def test_broken_digits_lose_at_least_40_percent_of_their_ink_and_are_never_ones(train_digits):
    images, labels = train_digits
    broken = not_digits.make_not_digits(200, images, labels, seed=1, families=["broken"])
    best = torch.stack([_ink(images[labels != 1]).max()])
    assert float(_ink(broken).max()) < float(best)  # ink was removed
    # each broken digit is an erased copy: every pixel at most what some real non-one digit has there
    assert float(broken.max()) <= 1.0 and float(_ink(broken).min()) > 0


def test_partial_digits_keep_about_half_of_the_ink(train_digits):
    images, labels = train_digits
    generator = torch.Generator().manual_seed(0)
    sources = images[labels != 1][:50]
    halves = not_digits.partial(50, sources, torch.zeros(50, dtype=torch.long), generator)
    kept = _ink(halves) / _ink(sources).mean()
    assert float(kept.max()) < 0.9 and float(kept.mean()) < 0.7


def test_thick_and_thin_go_past_the_real_digits(train_digits):
    images, labels = train_digits
    real = _area(images)
    thick = not_digits.make_not_digits(100, images, labels, seed=2, families=["thick"])
    thin = not_digits.make_not_digits(100, images, labels, seed=2, families=["thin"])
    assert float(_area(thick).min()) > float(torch.quantile(real, 0.99))
    assert float(_area(thin).max()) < float(torch.quantile(real, 0.01))


def test_ones_are_left_out_where_a_one_would_still_read_as_a_one():
    ones = torch.zeros(5, 1, 28, 28)
    ones[:, :, 4:24, 12:17] = 1.0
    sevens = torch.zeros(5, 1, 28, 28)
    sevens[:, :, 4:9, 4:24] = 1.0
    sevens[:, :, 9:24, 19:24] = 1.0
    digits, labels = torch.cat([ones, sevens]), torch.tensor([1] * 5 + [7] * 5)
    for family in ("broken", "partial", "thick", "thin"):
        images = not_digits.make_not_digits(20, digits, labels, seed=0, families=[family])
        # a seven leaves ink in its top bar or its right stroke; a one would leave ink only in columns 11-17
        assert bool((images[..., :, 19:].sum((1, 2, 3)) + images[..., :, :10].sum((1, 2, 3)) > 0).all()), family


def test_photo_patches_and_hangul_are_deterministic_images(train_digits):
    for family in ("photo_patches", "hangul"):
        a = not_digits.make_not_digits(8, *train_digits, seed=4, families=[family])
        b = not_digits.make_not_digits(8, *train_digits, seed=4, families=[family])
        assert torch.equal(a, b) and float(a.std()) > 0.05


def test_held_out_families_are_never_trained_on():
    assert set(not_digits.HELD_OUT_FAMILIES) <= set(not_digits.FAMILIES)
    assert not set(not_digits.HELD_OUT_FAMILIES) & set(not_digits.TRAINED_FAMILIES)
    assert set(not_digits.HELD_OUT_FAMILIES) | set(not_digits.TRAINED_FAMILIES) == set(not_digits.FAMILIES)

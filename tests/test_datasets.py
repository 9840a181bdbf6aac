import numpy as np
import pytest
import torch

from coursekit import datasets


def test_digits_train_test_split_is_fixed_and_balanced():
    x_train, y_train = datasets.digits("train")
    x_test, y_test = datasets.digits("test")
    assert x_train.shape == (4000, 1, 28, 28) and x_test.shape == (1000, 1, 28, 28)
    assert x_train.dtype == torch.float32 and y_train.dtype == torch.int64
    assert 0.0 <= float(x_train.min()) and float(x_train.max()) <= 1.0
    assert torch.bincount(y_train).tolist() == [400] * 10
    assert torch.bincount(y_test).tolist() == [100] * 10
    train, test = datasets.digits_split_indices()
    assert not set(train.tolist()) & set(test.tolist())
    assert len(train) + len(test) == 5000
    # fixed: the same indices every call (documented seed)
    again_train, again_test = datasets.digits_split_indices()
    np.testing.assert_array_equal(test, again_test)


def test_digits_all_and_content():
    x, y = datasets.digits("all")
    assert x.shape == (5000, 1, 28, 28)
    # a digit is bright strokes on a dark background
    assert float(x[:, :, 0, 0].max()) == 0.0 and float(x.mean()) < 0.25


def test_digits_bad_split():
    with pytest.raises(ValueError, match="train, test, all"):
        datasets.digits("validation")


def test_small_digits():
    x, y = datasets.small_digits()
    assert x.shape == (1797, 1, 8, 8) and y.shape == (1797,)
    assert float(x.max()) == 1.0 and float(x.min()) == 0.0


@pytest.mark.parametrize("name", sorted(datasets.photos()))
def test_every_listed_photo_loads_offline(name):
    image = datasets.photo(name)
    assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3
    assert min(image.shape[:2]) >= 256
    assert datasets.photo_path(name).is_file()


def test_photo_unknown_name_lists_choices():
    with pytest.raises(KeyError, match="coffee"):
        datasets.photo("lena")
    with pytest.raises(KeyError, match="choose one of"):
        datasets.photo_path("lena")


def test_portraits():
    assert set(datasets.portraits()) == {"collins", "hopper"}
    collins, hopper = datasets.portrait("collins"), datasets.portrait("hopper")
    assert collins.shape == (512, 512, 3)
    assert hopper.shape == (600, 512, 3)
    np.testing.assert_array_equal(collins, datasets.photo("astronaut"))
    with pytest.raises(KeyError, match="collins, hopper"):
        datasets.portrait("lena")


def test_digits_sample_is_balanced_shuffled_and_repeatable():
    images, labels = datasets.digits_sample(200, "test", seed=3)
    assert images.shape == (200, 1, 28, 28) and labels.shape == (200,)
    assert torch.bincount(labels, minlength=10).tolist() == [20] * 10
    assert len(torch.unique(labels[:20])) >= 5  # shuffled, not sorted by class
    again, _ = datasets.digits_sample(200, "test", seed=3)
    other, _ = datasets.digits_sample(200, "test", seed=4)
    assert torch.equal(images, again) and not torch.equal(images, other)
    test_images, _ = datasets.digits("test")
    flat = test_images.flatten(1)
    assert all(bool((flat == row).all(1).any()) for row in images[:5].flatten(1))  # drawn from the split


def test_digits_sample_bad_input():
    with pytest.raises(ValueError, match="multiple of 10"):
        datasets.digits_sample(15)
    with pytest.raises(ValueError, match="100 images per class"):
        datasets.digits_sample(2000, "test")
    with pytest.raises(ValueError, match="split must be one of"):
        datasets.digits_sample(10, "valid")

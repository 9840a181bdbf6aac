"""coursekit.latent_measures (k-NN accuracy, prior precision and coverage) and coursekit.image_quality."""

import math

import pytest
import torch

from coursekit.image_quality import mse, psnr
from coursekit.latent_measures import knn_accuracy, prior_precision_recall


def _clusters(n_per, centres, spread, seed):
    g = torch.Generator().manual_seed(seed)
    codes = torch.cat([torch.tensor(c) + spread * torch.randn(n_per, 2, generator=g) for c in centres])
    labels = torch.arange(len(centres)).repeat_interleave(n_per)
    return codes, labels


def test_knn_accuracy_separated_and_mixed_clusters():
    centres = [(-5.0, 0.0), (5.0, 0.0), (0.0, 5.0)]
    train, y_train = _clusters(50, centres, 0.5, 0)
    test, y_test = _clusters(20, centres, 0.5, 1)
    assert knn_accuracy(train, y_train, test, y_test) == 1.0
    shuffled = y_train[torch.randperm(len(y_train), generator=torch.Generator().manual_seed(0))]
    assert knn_accuracy(train, shuffled, test, y_test) < 0.6  # labels unrelated to position: near chance
    assert knn_accuracy(train.numpy(), y_train, test, y_test, k=1) == 1.0  # NumPy codes accepted


def test_knn_accuracy_bad_input():
    codes, labels = torch.zeros(4, 2), torch.tensor([0, 1, 0, 1])
    with pytest.raises(ValueError, match="k must be"):
        knn_accuracy(codes, labels, codes, labels, k=5)
    with pytest.raises(ValueError, match="dimension"):
        knn_accuracy(codes, labels, torch.zeros(4, 3), labels)
    with pytest.raises(ValueError, match="integer labels"):
        knn_accuracy(codes, labels.float(), codes, labels)
    with pytest.raises(ValueError, match="NaN"):
        knn_accuracy(torch.full((4, 2), math.nan), labels, codes, labels)
    with pytest.raises(ValueError, match=r"\(N, dim\)"):
        knn_accuracy(torch.zeros(4), labels, codes, labels)


def test_prior_precision_recall_sees_holes_and_crowding():
    g = torch.Generator().manual_seed(0)
    prior = torch.randn(1000, 2, generator=g)
    same = torch.randn(1000, 2, generator=g)
    precision, coverage = prior_precision_recall(same, prior)
    assert precision > 0.9 and coverage > 0.9
    spread = 8 * torch.randn(1000, 2, generator=g)  # a plain autoencoder: codes far wider than the prior
    precision, coverage = prior_precision_recall(spread, prior)
    assert coverage < 0.2 and precision > 0.8  # the prior lands on codes but reaches few of them
    corner = 0.1 * torch.randn(1000, 2, generator=g) + 2  # codes in one corner of the prior
    precision, coverage = prior_precision_recall(corner, prior)
    assert precision < 0.2 and coverage > 0.8
    with pytest.raises(ValueError, match="k must be"):
        prior_precision_recall(same[:5], prior, k=5)
    with pytest.raises(ValueError, match="dimension"):
        prior_precision_recall(same, torch.zeros(10, 3))


def test_mse_and_psnr():
    a = torch.zeros(2, 1, 4, 4)
    b = a.clone()
    b[1] += 0.1
    torch.testing.assert_close(mse(a, b), torch.tensor([0.0, 0.01]))
    values = psnr(a, b)
    assert math.isinf(values[0]) and abs(values[1].item() - 20.0) < 1e-4
    assert abs(psnr(a * 255, b * 255, data_range=255)[1].item() - 20.0) < 1e-3
    with pytest.raises(ValueError, match="same shape"):
        psnr(a, b[:, :, :2])
    with pytest.raises(ValueError, match="data_range"):
        psnr(a, b, data_range=0)
    with pytest.raises(ValueError, match="float images"):
        psnr(a.long(), b)
    with pytest.raises(ValueError, match="NaN"):
        mse(a, b * math.nan)

"""How good a latent space is, measured: do classes cluster, and does the prior land where the data is?

- :func:`knn_accuracy`: classify each test code by the majority label of its
  ``k`` nearest training codes; high when digits of one class sit together.
- :func:`prior_precision_recall`: the improved precision and recall of
  Kynkäänniemi et al. (2019) between held-out codes and prior samples: each
  set's "manifold" is the union of balls around its points, each as wide as
  the distance to that point's ``k``-th nearest neighbour in its own set.
  *Precision*: the share of prior samples inside the codes' manifold (the
  prior lands where digits are); *coverage* (recall): the share of codes
  inside the prior samples' manifold (the prior reaches every region of the
  digits). A plain autoencoder's codes are spread wherever training put them,
  so N(0, I) reaches only part of them; a VAE's KL term pulls them into the
  prior. No grid, so it works in any number of dimensions and at any scale.
"""

from __future__ import annotations

import numpy as np
import torch

__all__ = ["DEFAULT_K", "knn_accuracy", "prior_precision_recall"]

DEFAULT_K = 5  # neighbours that set a ball's radius (as Kynkäänniemi et al.)


def _codes(name: str, value) -> torch.Tensor:
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(value)
    if not isinstance(value, torch.Tensor) or value.ndim != 2 or len(value) == 0:
        got = tuple(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__
        raise ValueError(f"{name} must be codes (N, dim) with N >= 1, got {got}")
    value = value.detach().float().cpu()
    if not bool(torch.isfinite(value).all()):
        raise ValueError(f"{name} contains NaN or infinite values")
    return value


def _labels(name: str, value, n: int) -> torch.Tensor:
    value = torch.as_tensor(value).cpu()
    if value.shape != (n,) or value.is_floating_point():
        raise ValueError(f"{name} must be {n} integer labels, got shape {tuple(value.shape)} ({value.dtype})")
    return value.long()


def knn_accuracy(train_codes, train_labels, test_codes, test_labels, *, k: int = 5) -> float:
    """The share of test codes whose ``k`` nearest training codes vote for their own label (ties: smallest label)."""
    train, test = _codes("train_codes", train_codes), _codes("test_codes", test_codes)
    if train.shape[1] != test.shape[1]:
        raise ValueError(f"train and test codes differ in dimension: {train.shape[1]} vs {test.shape[1]}")
    y_train = _labels("train_labels", train_labels, len(train))
    y_test = _labels("test_labels", test_labels, len(test))
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= len(train):
        raise ValueError(f"k must be an int from 1 to {len(train)} (the training codes), got {k!r}")
    classes = int(max(y_train.max(), y_test.max())) + 1
    correct = 0
    for start in range(0, len(test), 1000):
        chunk = test[start : start + 1000]
        nearest = torch.cdist(chunk, train).topk(k, largest=False).indices
        votes = torch.zeros(len(chunk), classes).scatter_add_(1, y_train[nearest], torch.ones(nearest.shape))
        correct += int((votes.argmax(1) == y_test[start : start + 1000]).sum())
    return correct / len(test)


def _radii(points: torch.Tensor, k: int) -> torch.Tensor:
    """Each point's distance to its ``k``-th nearest neighbour in its own set (itself excluded)."""
    return torch.cat([torch.cdist(p, points).topk(k + 1, largest=False).values[:, k] for p in points.split(1000)])


def _inside(queries: torch.Tensor, points: torch.Tensor, radii: torch.Tensor) -> torch.Tensor:
    return torch.cat([(torch.cdist(q, points) <= radii).any(1) for q in queries.split(1000)])


def prior_precision_recall(codes, prior_codes, *, k: int = DEFAULT_K) -> tuple[float, float]:
    """``(precision, coverage)`` of ``prior_codes`` against ``codes`` (both ``(N, d)``), with ``k``-NN balls."""
    codes, prior = _codes("codes", codes), _codes("prior_codes", prior_codes)
    if codes.shape[1] != prior.shape[1]:
        raise ValueError(f"codes and prior_codes differ in dimension: {codes.shape[1]} vs {prior.shape[1]}")
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k < min(len(codes), len(prior)):
        raise ValueError(f"k must be an int from 1 to {min(len(codes), len(prior)) - 1} (fewer than either set), got {k!r}")
    precision = _inside(prior, codes, _radii(codes, k)).float().mean()
    coverage = _inside(codes, prior, _radii(prior, k)).float().mean()
    return float(precision), float(coverage)

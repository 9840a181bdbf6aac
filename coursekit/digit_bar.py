"""The bar a digit generator is held to: the week-3 measures on fixed noise seeds, and the verdict.

:func:`measure` scores one set of samples with :mod:`coursekit.metrics`;
:func:`evaluate` draws :data:`EVAL_COUNT` samples from a generator for each of
the noise seeds :data:`EVAL_SEEDS` and keeps the median, the worst and every
single value; :func:`check_bar` and :func:`check_bar_on_seeds` say which parts
of :data:`BAR` are met (with :data:`MARGIN` to spare where asked). Any choice of
settings or snapshot is made on :data:`VALIDATION_SEED` only, never on the
seeds of the bar. Used by the DCGAN and StyleGAN recipes, lesson 3 and
``make bench``.
"""

from __future__ import annotations

import numpy as np
import torch

from . import datasets, metrics

__all__ = ["BAR", "MARGIN", "EVAL_COUNT", "EVAL_SEEDS", "EVAL_SEED", "VALIDATION_SEED", "measure", "evaluate", "aggregate",
           "check_bar", "check_bar_on_seeds"]

EVAL_COUNT = 1000
EVAL_SEEDS = (1000, 1001, 1002)  # the noise seeds of the bar's samples
EVAL_SEED = EVAL_SEEDS[0]  # the samples the lesson shows and measures
VALIDATION_SEED = 999  # the only samples settings were compared on
BAR = {"confident": 0.85, "coverage": 10, "min_class_share": 0.05, "max_class_share": 0.15}
MARGIN = 0.02  # how far inside BAR's shares every seed must be


def measure(images: torch.Tensor) -> dict[str, float]:
    """The week-3 measures of generated digits (``(N, 1, 28, 28)`` in [0, 1]) by :mod:`coursekit.metrics`.

    ``confident`` / ``not_digit``: shares read as a confident digit / as "not a
    digit"; ``coverage``: classes with at least 5 % of the samples;
    ``min_class_share`` / ``max_class_share``: the rarest and the commonest
    digit; ``feature_distance``: Fréchet distance of the classifier features to
    ``digits_sample(1000, "train")``.
    """
    score = metrics.classifier_score(images)
    shares = score.shares()[:10]
    reference = datasets.digits_sample(1000, "train")[0]
    return {
        "confident": score.confident,
        "not_digit": score.not_digit,
        "coverage": score.coverage,
        "min_class_share": float(shares.min()),
        "max_class_share": float(shares.max()),
        "feature_distance": metrics.feature_distance(images, reference),
    }


def evaluate(generator, *, count: int = EVAL_COUNT, seeds=EVAL_SEEDS) -> dict[str, float]:
    """:func:`measure` on ``generator.sample(count, seed)`` for each of ``seeds``.

    Returns each measure's median over the seeds under its own name, the
    worst value over the seeds as ``worst_<measure>`` (the lowest, or the
    highest for ``max_class_share``, ``not_digit`` and ``feature_distance``),
    and every single value as ``<measure>_seed<seed>``.
    """
    return aggregate({seed: measure(generator.sample(count, seed)) for seed in seeds})


def aggregate(per_seed: dict[int, dict[str, float]]) -> dict[str, float]:
    """Median, worst and single values of the measures of several seeds, named as :func:`evaluate` names them."""
    if not per_seed:
        raise ValueError("aggregate needs the measures of at least one seed")
    seeds = list(per_seed)
    result: dict[str, float] = {}
    for key in per_seed[seeds[0]]:
        values = [per_seed[seed][key] for seed in seeds]
        result[key] = float(np.median(values))
        result[f"worst_{key}"] = float(max(values) if key in _HIGHER_IS_WORSE else min(values))
        result.update({f"{key}_seed{seed}": float(value) for seed, value in zip(seeds, values)})
    return result


_HIGHER_IS_WORSE = ("max_class_share", "not_digit", "feature_distance")


def check_bar(measures: dict[str, float], bar: dict[str, float] = BAR, *, margin: float = 0.0) -> dict[str, bool]:
    """Which bars ``measures`` meet: at least ``confident`` and ``coverage``, shares within [min, max].

    ``margin`` moves the share bars inward (``confident + margin``,
    ``[min + margin, max - margin]``); coverage has no margin.
    """
    return {
        "confident": measures["confident"] >= bar["confident"] + margin - 1e-12,
        "coverage": measures["coverage"] >= bar["coverage"],
        "min_class_share": measures["min_class_share"] >= bar["min_class_share"] + margin - 1e-12,
        "max_class_share": measures["max_class_share"] <= bar["max_class_share"] - margin + 1e-12,
    }


def check_bar_on_seeds(evaluated: dict[str, float], *, seeds=EVAL_SEEDS, margin: float = MARGIN) -> dict[str, bool]:
    """:func:`check_bar` with ``margin`` on every seed's measures of an :func:`evaluate` result."""
    verdict = {}
    for seed in seeds:
        single = {key: evaluated[f"{key}_seed{seed}"] for key in BAR}
        verdict.update({f"{key}_seed{seed}": ok for key, ok in check_bar(single, margin=margin).items()})
    return verdict

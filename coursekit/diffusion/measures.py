"""The bar of week 6's class-conditional samplers: the digit yardstick plus "is it the digit asked for".

:func:`measure_conditional` draws ``per_class`` digits of each class from a
:class:`~.pipeline.DigitDiffusion` and scores them with
:func:`coursekit.digit_bar.measure` and :func:`coursekit.metrics.conditional_accuracy`;
:func:`evaluate` does it on the bar's noise seeds and keeps the median and the
worst (:func:`coursekit.digit_bar.aggregate`). Settings such as the guidance
scale are chosen on ``digit_bar.VALIDATION_SEED`` only.
"""

from __future__ import annotations

import torch

from .. import digit_bar, metrics

__all__ = ["BAR", "PER_CLASS", "measure_conditional", "evaluate"]

PER_CLASS = 100  # 1,000 samples: 100 of each digit
BAR = {"conditional_accuracy": 0.95, "confident": 0.90}


def measure_conditional(model, *, seed: int, per_class: int = PER_CLASS, guidance: float | None = None,
                        steps: int | None = None) -> dict[str, float]:
    """``conditional_accuracy`` and :func:`digit_bar.measure`'s shares of ``per_class`` samples per class."""
    if isinstance(per_class, bool) or not isinstance(per_class, int) or per_class < 1:
        raise ValueError(f"per_class must be an int >= 1, got {per_class!r}")
    labels = torch.arange(model.num_classes).repeat_interleave(per_class)
    images = model.generate(labels, seed=seed, guidance=guidance, steps=steps)
    result = {"conditional_accuracy": metrics.conditional_accuracy(images, labels)}
    result.update(digit_bar.measure(images))
    return result


def evaluate(model, *, seeds=digit_bar.EVAL_SEEDS, **options) -> dict[str, float]:
    """:func:`measure_conditional` on each of ``seeds``: medians, ``worst_*`` and ``*_seed<s>`` values."""
    return digit_bar.aggregate({seed: measure_conditional(model, seed=seed, **options) for seed in seeds})

"""Train week 7's second checkpoint (``coursekit train ddpm-thick``): the same model, a thick-stroke "style".

Web-UI checkpoints are mostly fine-tunes of one base model on pictures of a
style. Here the style is thick strokes (:func:`coursekit.strokes.thicken`:
every stroke 2 px wider) and the fine-tune starts from the shipped pixel-space
model (``coursekit train ddpm``) with the same objective, a lower learning
rate and a faster EMA. The checkpoint has the base's architecture and size, so
the same pipeline loads either. Measured by :func:`evaluate`: the median stroke
width of its samples (:func:`coursekit.strokes.stroke_width`) next to real
digits and thickened real digits, and whether the samples are still the digits
asked for; bar :data:`BAR`.
"""

from __future__ import annotations

import functools

import torch

from .. import datasets, digit_bar, metrics, strokes
from ..checkpoints import load_checkpoint, recorded_settings
from ..diffusion.pipeline import DigitDiffusion, balanced_labels
from ..diffusion.training import train_diffusion
from ..env import seed_everything
from ..train import History
from . import ddpm

__all__ = ["COMMAND", "NAME", "DEFAULTS", "SETTINGS", "BAR", "STYLE_SAMPLES", "thick_digits", "real_thick_accuracy",
           "train_ddpm_thick",
           "measure_style", "evaluate", "load"]

COMMAND = "coursekit train ddpm-thick"
NAME = "ddpm_thick"
DEFAULTS = {"steps": 800, "seed": 0}
SETTINGS = {**ddpm.SETTINGS, "start": "ddpm", "style": "thicken (3x3 cross dilation)", "lr": 5e-4, "warmup": 50,
            "ema": 0.995}
STYLE_SAMPLES = 200  # 20 per class and seed
# px wider than the base's samples; and still the digit asked for: the yardstick, trained on thin digits, reads
# real thickened test digits right 86.8 % of the time, so the samples may fall short of that by at most 5 points
BAR = {"stroke_width_gain": 1.5, "accuracy_gap": 0.05}


def real_thick_accuracy() -> float:
    """The yardstick's conditional accuracy on the 1,000 test digits thickened: the ceiling for this style."""
    images, labels = thick_digits("test")
    return metrics.conditional_accuracy(images, labels)


def thick_digits(split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
    """The digits of ``split`` in the thick-stroke style, and their labels."""
    images, labels = datasets.digits(split)
    return strokes.thicken(images), labels


def train_ddpm_thick(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], device=None,
                     progress: bool = True) -> tuple[DigitDiffusion, History]:
    """Fine-tune the shipped model on thick digits; returns ``(pipeline around the EMA network, history)``."""
    seed_everything(seed)
    pipeline = ddpm.load()
    images, labels = thick_digits()
    ema, history = train_diffusion(pipeline.net.train(), images * 2 - 1, labels, pipeline.schedule, SETTINGS,
                                   steps=steps, seed=seed, device=device, progress=progress)
    pipeline.net = ema
    return pipeline.eval(), history


@torch.no_grad()
def measure_style(pipeline: DigitDiffusion, *, seed: int, count: int = STYLE_SAMPLES) -> dict[str, float]:
    """Median stroke width of ``count`` samples (equal shares of each class), conditional accuracy, confident share."""
    labels = balanced_labels(count)
    images = pipeline.generate(labels, seed=seed)
    return {"stroke_width": float(strokes.stroke_width(images).median()),
            "conditional_accuracy": metrics.conditional_accuracy(images, labels),
            "confident": digit_bar.measure(images)["confident"]}


@functools.lru_cache(maxsize=4)
def _base_stroke_width(seeds: tuple[int, ...]) -> float:
    """The shipped base model's median stroke width on ``seeds`` (the same for both week-7 styles: measured once)."""
    base = ddpm.load()
    return digit_bar.aggregate({seed: measure_style(base, seed=seed) for seed in seeds})["stroke_width"]


def evaluate(pipeline: DigitDiffusion, *, seeds=digit_bar.EVAL_SEEDS) -> dict[str, float]:
    """:func:`measure_style` per seed (medians, worst, per seed) and ``stroke_width_gain`` over the base model."""
    result = digit_bar.aggregate({seed: measure_style(pipeline, seed=seed) for seed in seeds})
    base_width = _base_stroke_width(tuple(seeds))
    result.update(base_stroke_width=base_width, stroke_width_gain=result["stroke_width"] - base_width)
    return result


def load(*, directory=None) -> DigitDiffusion:
    """The shipped thick-stroke checkpoint, in the same pipeline as the base model, in eval mode."""
    return load_checkpoint(NAME, ddpm.build(recorded_settings(NAME, directory)), directory=directory).eval()

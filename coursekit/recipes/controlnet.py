"""Train week 7's ControlNet (``coursekit train controlnet``): the shipped digit model follows Canny edges.

The base is the shipped pixel-space model (``coursekit train ddpm``), frozen.
A :class:`coursekit.models.controlnet.ControlNet` (a trainable copy of its
encoder, a hint network and zero convolutions) learns, on the 4,000 training
digits and their Canny edges (:func:`coursekit.strokes.edge_maps`), the
denoising objective of the base recipe (cosine schedule, ε, min-SNR-5, 10 %
null labels, EMA). Only the control branch is shipped, as ControlNet files
are: the base model is loaded from its own checkpoint. Measured by
:func:`evaluate`: edge agreement (:func:`coursekit.strokes.edge_agreement`)
of samples drawn with the edges of held-out test digits, against the same
samples drawn without the control branch; bar :data:`BAR`.
"""

from __future__ import annotations

import torch

from .. import datasets, digit_bar, metrics, strokes
from ..checkpoints import load_checkpoint
from ..diffusion.pipeline import DigitDiffusion
from ..diffusion.training import train_diffusion
from ..env import seed_everything
from ..models.controlnet import ControlledUNet, ControlNet
from ..train import History
from . import ddpm

__all__ = ["COMMAND", "NAME", "DEFAULTS", "SETTINGS", "BAR", "EVAL_DIGITS", "controlled", "train_controlnet",
           "shipped_weights", "measure", "evaluate", "load"]

COMMAND = "coursekit train controlnet"
NAME = "controlnet"
DEFAULTS = {"steps": 1000, "seed": 0}
SETTINGS = {"base": "ddpm", "hint_width": 16, "canny_low": strokes.CANNY_LOW, "canny_high": strokes.CANNY_HIGH,
            "lr": 1e-3, "warmup": 100, "batch_size": 64, "prediction": "epsilon", "min_snr": 5.0, "p_uncond": 0.1,
            "ema": 0.999}
EVAL_DIGITS = 200  # the first 200 test digits give the edge maps (20 of each class)
BAR = {"edge_agreement": 0.5, "edge_gain": 0.2}  # median F1, and its lead over the base model without control


def _around(pipeline: DigitDiffusion, net) -> DigitDiffusion:
    """``pipeline``'s schedule, prediction type and sampling defaults around another network."""
    return DigitDiffusion(net, schedule=pipeline.schedule_name, num_train_steps=pipeline.num_train_steps,
                          prediction=pipeline.prediction, guidance=pipeline.default_guidance,
                          steps=pipeline.default_steps).eval()


def controlled(base: DigitDiffusion, control: ControlNet) -> DigitDiffusion:
    """The base pipeline's sampler around base + control: set ``.net.condition`` before generating."""
    return _around(base, ControlledUNet(base.net, control))


def train_controlnet(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], device=None,
                     progress: bool = True) -> tuple[DigitDiffusion, History]:
    """Train a control branch on the frozen shipped model; returns ``(pipeline with the EMA branch, history)``."""
    seed_everything(seed)
    base = ddpm.load()
    pipeline = controlled(base, ControlNet(base.net, hint_width=SETTINGS["hint_width"]))
    images, labels = datasets.digits("train")
    edges = strokes.edge_maps(images, low=SETTINGS["canny_low"], high=SETTINGS["canny_high"])
    ema, history = train_diffusion(pipeline.net, images * 2 - 1, labels, pipeline.schedule, SETTINGS, steps=steps,
                                   seed=seed, device=device, progress=progress, conditions=edges)
    pipeline.net = ema
    return pipeline.eval(), history


def shipped_weights(pipeline: DigitDiffusion) -> dict[str, torch.Tensor]:
    """Only the control branch (the base model has its own checkpoint)."""
    return pipeline.net.control.state_dict()


def _eval_digits(count: int = EVAL_DIGITS) -> tuple[torch.Tensor, torch.Tensor]:
    images, labels = datasets.digits("test")
    order = torch.cat([torch.nonzero(labels == c).flatten()[: count // 10] for c in range(10)])
    return images[order], labels[order]


@torch.no_grad()
def measure(pipeline: DigitDiffusion, *, seed: int, count: int = EVAL_DIGITS) -> dict[str, float]:
    """Samples from held-out test digits' edges with and without control: median edge F1, accuracy, confident share."""
    images, labels = _eval_digits(count)
    edges = strokes.edge_maps(images, low=SETTINGS["canny_low"], high=SETTINGS["canny_high"])
    net = pipeline.net
    net.condition = edges
    try:
        with_control = pipeline.generate(labels, seed=seed)
    finally:
        net.condition = None
    without = _around(pipeline, net.base).generate(labels, seed=seed)
    agreement = float(strokes.edge_agreement(with_control, edges).median())
    base_agreement = float(strokes.edge_agreement(without, edges).median())
    result = {"edge_agreement": agreement, "edge_agreement_without_control": base_agreement,
              "edge_gain": agreement - base_agreement,
              "conditional_accuracy": metrics.conditional_accuracy(with_control, labels)}
    result["confident"] = digit_bar.measure(with_control)["confident"]
    return result


def evaluate(pipeline: DigitDiffusion, *, seeds=digit_bar.EVAL_SEEDS) -> dict[str, float]:
    """:func:`measure` on each of ``seeds``: medians, ``worst_*`` and ``*_seed<s>`` values."""
    return digit_bar.aggregate({seed: measure(pipeline, seed=seed) for seed in seeds})


def load(*, directory=None, base_directory=None) -> DigitDiffusion:
    """The shipped ControlNet on the shipped base model, in eval mode (set ``.net.condition`` to edge maps)."""
    base = ddpm.load(directory=base_directory)
    control = load_checkpoint(NAME, ControlNet(base.net, hint_width=SETTINGS["hint_width"]), directory=directory)
    return controlled(base, control)

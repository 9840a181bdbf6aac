"""Record the lesson's two toy GAN runs (``coursekit train toy-gan``).

Trains :data:`coursekit.models.toy_gan.CONFIGS` ``"covering"`` and
``"collapsing"`` with :func:`coursekit.gan_training.train_toy_gan` (seed 0,
2,000 steps, one thread) and keeps the generator and discriminator every
:data:`SNAPSHOT_EVERY` steps and the per-step history, in one
:class:`~coursekit.models.toy_gan.ToyGanRuns`. Lesson 3 draws its figures from
this record and checks its own live run only by verdicts.
"""

from __future__ import annotations

import copy

import numpy as np
import torch

from ..gan_training import train_toy_gan
from ..models.toy_gan import CONFIGS, ToyGanRuns, load, sample
from ..ring import mode_report
from ..train import Callback, History

__all__ = ["COMMAND", "NAME", "DEFAULTS", "SNAPSHOT_EVERY", "RUNS", "EVAL_SAMPLES", "EVAL_SEED", "LAST", "train_toy_gan_runs",
           "evaluate", "load"]

COMMAND = "coursekit train toy-gan"
NAME = "toy_gan_runs"
DEFAULTS = {"steps": 2000, "seed": 0}
SNAPSHOT_EVERY = 500
RUNS = ("covering", "collapsing")
EVAL_SAMPLES, EVAL_SEED = 2000, 2  # the lesson's mode report
LAST = 500  # the window of the d_loss swing


def train_toy_gan_runs(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], device=None,
                       progress: bool = False) -> tuple[ToyGanRuns, History]:
    """Both runs with snapshots; returns ``(runs, history of the last run)``."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < SNAPSHOT_EVERY or steps % SNAPSHOT_EVERY:
        raise ValueError(f"steps must be a positive multiple of {SNAPSHOT_EVERY}, got {steps!r}")
    record = ToyGanRuns(RUNS, range(SNAPSHOT_EVERY, steps + 1, SNAPSHOT_EVERY))
    history = None
    for name in RUNS:
        def keep(state, name=name):
            G, D = record.snapshot(name, state.step)
            G.load_state_dict(copy.deepcopy(state.models["generator"].state_dict()))
            D.load_state_dict(copy.deepcopy(state.models["discriminator"].state_dict()))

        _, _, history = train_toy_gan(CONFIGS[name], seed=seed, steps=steps, callbacks=[Callback(keep, every=SNAPSHOT_EVERY)],
                                      progress=progress, device=device or "cpu")
        for key in ToyGanRuns.HISTORY:
            getattr(record, f"{name}_{key}").copy_(torch.tensor(history.losses[key], dtype=torch.float32))
    return record.eval(), history


def evaluate(record: ToyGanRuns) -> dict[str, float]:
    """Per run: modes covered and high-quality share of the last generator, and the last steps' d_loss swing."""
    result = {}
    for name in record.names:
        G, _ = record.snapshot(name, record.snapshot_steps[-1])
        report = mode_report(sample(G, EVAL_SAMPLES, seed=EVAL_SEED))
        result[f"{name}_modes"] = report.modes_covered
        result[f"{name}_high_quality"] = report.high_quality
        result[f"{name}_d_loss_std_last{LAST}"] = float(np.std(record.history(name)["d_loss"][-LAST:]))
    return result

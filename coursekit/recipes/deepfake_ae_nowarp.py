"""The warp ablation of week 4 (``coursekit train deepfake-ae-nowarp``): ``deepfake-ae`` without the random warp.

Everything as :mod:`coursekit.recipes.deepfake_ae` (data, network, loss,
optimizer, steps, seed), except that the network sees the same face it must
rebuild, so copying pixels through is enough. Measured on the same swap
measures; lesson 4 and ``make bench`` put the two side by side.
"""

from __future__ import annotations

from . import deepfake_ae
from .deepfake_ae import DEFAULTS, STORE_DTYPE, build, evaluate  # noqa: F401  (the same recipe)

__all__ = ["COMMAND", "NAME", "DEFAULTS", "STORE_DTYPE", "SETTINGS", "train_deepfake_ae_nowarp", "evaluate", "load"]

COMMAND = "coursekit train deepfake-ae-nowarp"
NAME = "deepfake_ae_nowarp"
SETTINGS = {**deepfake_ae.SETTINGS, "warp": False}


def train_deepfake_ae_nowarp(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], device=None,
                             progress: bool = True):
    """Train from scratch without the warp; returns ``(model, history)``."""
    return deepfake_ae.train_deepfake_ae(steps=steps, seed=seed, device=device, progress=progress, settings=SETTINGS)


def load(*, directory=None):
    return deepfake_ae.load(directory=directory, name=NAME)

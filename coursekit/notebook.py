"""The one call at the top of every lesson that makes its outputs repeatable."""

from __future__ import annotations

import os

import numpy as np

from .env import seed_everything, set_threads
from .fonts import use_korean_font
from .numerics import apply_profile


__all__ = ["setup_lesson"]

def setup_lesson(seed: int = 0, threads: int = 2, dpi: int = 90) -> None:
    """Seed everything, fix the thread count and print precision, and set up figures.

    - seeds Python, NumPy and torch with ``seed``;
    - fixes torch/OpenCV to ``threads`` threads (float sums then agree across machines);
    - prints tensors and arrays with 3 decimals;
    - makes matplotlib draw Korean text (NanumGothic) at ``dpi``;
    - sets the numerics profile (:mod:`coursekit.numerics`) where the
      environment does not set it, before torch is first imported;
    - keeps the Hugging Face hub offline (nothing a lesson needs is downloaded).
    """
    apply_profile()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import matplotlib
    import matplotlib.pyplot  # noqa: F401  (activates the notebook backend before rc changes)
    import torch

    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 30 <= dpi <= 300:
        raise ValueError(f"dpi must be an int in 30..300, got {dpi!r}")
    seed_everything(seed)
    set_threads(threads)
    torch.set_printoptions(precision=3, sci_mode=False)
    np.set_printoptions(precision=3, suppress=True)
    use_korean_font()
    matplotlib.rcParams["figure.dpi"] = dpi
    matplotlib.rcParams["savefig.dpi"] = dpi
    matplotlib.rcParams["image.interpolation"] = "nearest"

"""The one call at the top of every lesson that makes its outputs repeatable."""

from __future__ import annotations

import numpy as np

from .env import seed_everything, set_threads
from .fonts import use_korean_font


def setup_lesson(seed: int = 0, threads: int = 2, dpi: int = 90) -> None:
    """Seed everything, fix the thread count and print precision, and set up figures.

    - seeds Python, NumPy and torch with ``seed``;
    - fixes torch/OpenCV to ``threads`` threads (float sums then agree across machines);
    - prints tensors and arrays with 3 decimals;
    - makes matplotlib draw Korean text (NanumGothic) at ``dpi``.
    """
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

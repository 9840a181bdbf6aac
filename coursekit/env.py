"""Where code runs and how repeatably: device, seeds, threads, quick/full mode."""

from __future__ import annotations

import os
import random
from contextlib import contextmanager

import numpy as np

__all__ = [
    "MODES", "MODE_VARIABLE", "device", "seed_everything", "set_deterministic", "mode", "set_threads",
    "torch_threads"
]

MODES = ("quick", "full")
MODE_VARIABLE = "COURSEKIT_MODE"


def device(verbose: bool = False) -> str:
    """Return the best available torch device name: ``cuda``, then ``mps``, then ``cpu``.

    With ``verbose=True`` also print which one was chosen and why.
    """
    import torch

    if torch.cuda.is_available():
        name, why = "cuda", f"GPU: {torch.cuda.get_device_name(0)}"
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        name, why = "mps", "Apple GPU (Metal)"
    else:
        name, why = "cpu", "no GPU found"
    if verbose:
        print(f"device: {name} ({why})")
    return name


def seed_everything(seed: int) -> int:
    """Seed Python's ``random``, NumPy and torch (all devices) with one integer."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    seed = int(seed)
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
    except ImportError:  # torch is a dependency, but seeding should not need it
        return seed
    torch.manual_seed(seed)  # also seeds every CUDA device
    return seed


def set_deterministic(enabled: bool = True) -> None:
    """Ask torch for deterministic kernels (slower on GPU, identical results run to run)."""
    import torch

    if not isinstance(enabled, bool):
        raise TypeError(f"enabled must be True or False, got {enabled!r}")
    if enabled:
        # cuBLAS needs this before the first matmul to be deterministic.
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(enabled, warn_only=True)
    torch.backends.cudnn.deterministic = enabled
    torch.backends.cudnn.benchmark = not enabled


def mode() -> str:
    """Return the training mode from ``COURSEKIT_MODE``: ``quick`` (default) or ``full``."""
    value = os.environ.get(MODE_VARIABLE, "quick").strip().lower() or "quick"
    if value not in MODES:
        raise ValueError(
            f"{MODE_VARIABLE}={os.environ[MODE_VARIABLE]!r} is not a mode; "
            f"use one of {', '.join(MODES)} (or leave it unset for 'quick')"
        )
    return value


def set_threads(n: int | None = None) -> int:
    """Fix the number of CPU threads torch and OpenCV use; returns the number set.

    ``None`` means 2, the size of the course's reference CPU machine, so results
    (float sums) are the same on a laptop and in CI.
    """
    if n is None:
        n = 2
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"thread count must be a positive int, got {n!r}")
    n = int(n)
    import cv2
    import torch

    torch.set_num_threads(n)
    cv2.setNumThreads(n)
    return n


@contextmanager
def torch_threads(n: int):
    """Run torch on ``n`` threads inside the block, then restore the previous count.

    Small models (a 2-D toy GAN, one 28x28 image in a widget) are faster on one
    thread: handing tiny operations between threads costs more than they do,
    badly so on a busy 2-core machine. Results are the same for a given count.
    """
    import torch

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"thread count must be a positive int, got {n!r}")
    before = torch.get_num_threads()
    torch.set_num_threads(int(n))
    try:
        yield
    finally:
        torch.set_num_threads(before)

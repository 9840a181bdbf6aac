"""Schedules over training steps: a learning rate's warm-up and cosine decay, a loss weight's ramp.

Plain functions of the step (``warmup_cosine_factor``, ``linear_ramp``) so a
lesson can plot them, and :func:`warmup_cosine`, the same factor as a
``torch.optim.lr_scheduler.LambdaLR`` that :func:`coursekit.train.fit` steps
(and saves and resumes) after every training step.
"""

from __future__ import annotations

import math

import torch

__all__ = ["warmup_cosine_factor", "warmup_cosine", "linear_ramp"]


def _check_step(name: str, value, smallest: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < smallest:
        raise ValueError(f"{name} must be an int >= {smallest}, got {value!r}")
    return value


def warmup_cosine_factor(step: int, *, warmup_steps: int, total_steps: int, final_factor: float = 0.0) -> float:
    """The learning-rate factor at ``step``: linear from 0 to 1 over ``warmup_steps``, then a cosine to ``final_factor``.

    ``step`` counts completed optimizer steps (0 before the first one); after
    ``total_steps`` the factor stays at ``final_factor``.
    """
    _check_step("step", step)
    _check_step("warmup_steps", warmup_steps)
    _check_step("total_steps", total_steps, smallest=1)
    if warmup_steps > total_steps:
        raise ValueError(f"warmup_steps ({warmup_steps}) must not exceed total_steps ({total_steps})")
    if isinstance(final_factor, bool) or not isinstance(final_factor, (int, float)) or not 0.0 <= final_factor <= 1.0:
        raise ValueError(f"final_factor must be a number in [0, 1], got {final_factor!r}")
    if step < warmup_steps:
        return (step + 1) / (warmup_steps + 1)
    progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
    return final_factor + (1.0 - final_factor) * 0.5 * (1.0 + math.cos(math.pi * progress))


def warmup_cosine(optimizer: torch.optim.Optimizer, *, warmup_steps: int, total_steps: int,
                  final_factor: float = 0.0) -> torch.optim.lr_scheduler.LambdaLR:
    """A scheduler that multiplies each group's learning rate by :func:`warmup_cosine_factor`."""
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch optimizer, got {type(optimizer).__name__}")
    warmup_cosine_factor(0, warmup_steps=warmup_steps, total_steps=total_steps, final_factor=final_factor)  # checks
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: warmup_cosine_factor(step, warmup_steps=warmup_steps, total_steps=total_steps,
                                          final_factor=final_factor),
    )


def linear_ramp(step: int, *, start: int, end: int, low: float = 0.0, high: float = 1.0) -> float:
    """``low`` until ``start``, then linearly to ``high`` at ``end``, then ``high`` (a KL weight's warm-up)."""
    _check_step("step", step)
    _check_step("start", start)
    _check_step("end", end)
    if end < start:
        raise ValueError(f"end ({end}) must not come before start ({start})")
    for name, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    if step <= start:
        return float(low)
    if step >= end:
        return float(high)
    return low + (high - low) * (step - start) / (end - start)

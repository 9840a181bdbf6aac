"""The forward (noising) process q(x_t | x_0) and its posterior q(x_{t'} | x_t, x_0).

``t`` is an int or one integer step per image; x_0, x_t and ε are image
batches ``(N, C, H, W)`` (any shape with the batch first works).
"""

from __future__ import annotations

import torch

from .noise_schedule import NoiseSchedule

__all__ = ["at_step", "on", "q_sample", "posterior"]


def _check_schedule(schedule) -> NoiseSchedule:
    if not isinstance(schedule, NoiseSchedule):
        raise TypeError(f"schedule must be a NoiseSchedule (linear_schedule() or cosine_schedule()), "
                        f"got {type(schedule).__name__}")
    return schedule


def _check_images(name: str, x) -> torch.Tensor:
    if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.ndim < 2:
        raise TypeError(f"{name} must be a floating-point tensor with the batch first, got "
                        f"{type(x).__name__}{'' if not isinstance(x, torch.Tensor) else f' {x.dtype} {tuple(x.shape)}'}")
    return x


def _check_like(name: str, x, like_name: str, like) -> tuple[torch.Tensor, torch.Tensor]:
    """Both image batches checked, and ``x`` of the shape of ``like``; returns ``(x, like)``."""
    x, like = _check_images(name, x), _check_images(like_name, like)
    if x.shape != like.shape:
        raise ValueError(f"{name} must have the shape of {like_name} {tuple(like.shape)}, got {tuple(x.shape)}")
    return x, like


def at_step(schedule: NoiseSchedule, t, like: torch.Tensor) -> torch.Tensor:
    """ᾱ_t for ``t`` (an int, or one step per image of ``like``), shaped to broadcast over ``like``.

    float64 on the CPU: 1 − ᾱ_t/ᾱ_{t−1} ≈ 1e-4 near t = 0 loses three digits in
    float32, so coefficients are formed in float64 and cast with :func:`on`.
    """
    _check_schedule(schedule)
    steps = torch.as_tensor(t, device="cpu")
    if steps.ndim > 1 or (steps.ndim == 1 and len(steps) not in (1, len(like))):
        raise ValueError(f"t must be one step or one per image ({len(like)}), got shape {tuple(steps.shape)}")
    return schedule.alpha_bar(steps).reshape(-1, *([1] * (like.ndim - 1)))


def on(coefficient: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """A coefficient computed in float64 on the CPU, cast to ``like``'s dtype and device (MPS has no float64)."""
    return coefficient.to(device=like.device, dtype=like.dtype)


def q_sample(schedule: NoiseSchedule, x0: torch.Tensor, t, noise: torch.Tensor) -> torch.Tensor:
    """x_t = √ᾱ_t · x_0 + √(1 − ᾱ_t) · ε: a clean batch noised to step ``t`` in one jump."""
    noise, x0 = _check_like("noise", noise, "x0", x0)
    if bool((torch.as_tensor(t) < 0).any()):
        raise ValueError(f"t must be >= 0 (step 0 is the first noising step), got {torch.as_tensor(t).tolist()}")
    alpha_bar = at_step(schedule, t, x0)
    return on(alpha_bar.sqrt(), x0) * x0 + on((1 - alpha_bar).sqrt(), x0) * noise


def posterior(schedule: NoiseSchedule, x0: torch.Tensor, x_t: torch.Tensor, t, t_prev=None):
    """Mean and variance of q(x_{t_prev} | x_t, x_0), a Gaussian (``t_prev`` defaults to ``t - 1``).

    With ᾱ = ᾱ_t, ᾱ' = ᾱ_{t_prev} and β = 1 − ᾱ/ᾱ' (the one-step β when t_prev = t − 1):
    mean = √ᾱ' β / (1 − ᾱ) · x_0 + √(ᾱ/ᾱ') (1 − ᾱ') / (1 − ᾱ) · x_t, variance = (1 − ᾱ') / (1 − ᾱ) · β.
    """
    x0, x_t = _check_like("x0", x0, "x_t", x_t)
    t_prev = torch.as_tensor(t) - 1 if t_prev is None else torch.as_tensor(t_prev)
    if bool((torch.as_tensor(t_prev) >= torch.as_tensor(t)).any()):
        raise ValueError(f"t_prev must come before t, got t={torch.as_tensor(t).tolist()}, t_prev={t_prev.tolist()}")
    alpha_bar, alpha_bar_prev = at_step(schedule, t, x0), at_step(schedule, t_prev, x0)
    beta = 1 - alpha_bar / alpha_bar_prev
    x0_coefficient = alpha_bar_prev.sqrt() * beta / (1 - alpha_bar)
    xt_coefficient = (alpha_bar / alpha_bar_prev).sqrt() * (1 - alpha_bar_prev) / (1 - alpha_bar)
    variance = ((1 - alpha_bar_prev) / (1 - alpha_bar) * beta).clamp(min=1e-20)
    return on(x0_coefficient, x0) * x0 + on(xt_coefficient, x_t) * x_t, on(variance, x0)

"""The noise schedule of a diffusion model: β_t, α_t = 1 − β_t, ᾱ_t = ∏ α_s and the signal-to-noise ratio.

:func:`linear_schedule` is DDPM's (Ho et al. 2020: β from 1e-4 to 0.02 over
1,000 steps), :func:`cosine_schedule` Nichol & Dhariwal's (2021), which keeps
more signal in the middle steps. Both equal ``diffusers``' ``"linear"`` and
``"squaredcos_cap_v2"`` schedules; the values are kept in float64 and cast to
the images' dtype where they are used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

__all__ = ["NoiseSchedule", "linear_schedule", "cosine_schedule"]


def _check_steps(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise ValueError(f"num_steps must be an int >= 2, got {value!r}")
    return value


@dataclass(frozen=True, eq=False)
class NoiseSchedule:
    """β_1..β_T of one forward process (index ``t`` = 0 .. T-1, as in ``diffusers``)."""

    betas: torch.Tensor
    name: str = "custom"

    def __post_init__(self):
        betas = torch.as_tensor(self.betas, dtype=torch.float64)
        if betas.ndim != 1 or len(betas) < 2:
            raise ValueError(f"betas must be a 1-D sequence of at least 2 values, got shape {tuple(betas.shape)}")
        if not bool(((betas > 0) & (betas < 1)).all()):
            raise ValueError("every beta must lie in (0, 1): beta = 0 adds no noise, beta = 1 erases the image")
        object.__setattr__(self, "betas", betas)
        # derived once: every sampler step reads ᾱ, and the padded copy puts ᾱ_{-1} = 1 at index 0
        object.__setattr__(self, "_alpha_bars", torch.cumprod(1.0 - betas, 0))
        object.__setattr__(self, "_padded", torch.cat([torch.ones(1, dtype=torch.float64), self._alpha_bars]))

    @property
    def num_steps(self) -> int:
        return len(self.betas)

    @property
    def alphas(self) -> torch.Tensor:
        return 1.0 - self.betas

    @property
    def alpha_bars(self) -> torch.Tensor:
        """ᾱ_t: x_t = √ᾱ_t · x_0 + √(1 − ᾱ_t) · ε."""
        return self._alpha_bars

    @property
    def snr(self) -> torch.Tensor:
        """The signal-to-noise ratio ᾱ_t / (1 − ᾱ_t) of x_t."""
        alpha_bars = self.alpha_bars
        return alpha_bars / (1.0 - alpha_bars)

    def alpha_bar(self, t) -> torch.Tensor:
        """ᾱ at integer step(s) ``t``; ``t = -1`` (before the first step) gives 1."""
        index = torch.as_tensor(t)
        if index.is_floating_point() or index.dtype == torch.bool:
            raise TypeError(f"t must be integer steps, got {index.dtype}")
        if bool(((index < -1) | (index >= self.num_steps)).any()):
            raise ValueError(f"t must lie in [-1, {self.num_steps - 1}], got {index.tolist()}")
        return self._padded[index.long() + 1]

    def __repr__(self) -> str:
        return f"NoiseSchedule({self.name!r}, T={self.num_steps}, ᾱ_T={float(self.alpha_bars[-1]):.2e})"


def linear_schedule(num_steps: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02) -> NoiseSchedule:
    """β rising linearly from ``beta_start`` to ``beta_end`` (DDPM's default)."""
    num_steps = _check_steps(num_steps)
    if not 0 < beta_start <= beta_end < 1:
        raise ValueError(f"need 0 < beta_start <= beta_end < 1, got {beta_start!r} and {beta_end!r}")
    # diffusers builds the line in float32; do the same so both agree to the last bit.
    return NoiseSchedule(torch.linspace(beta_start, beta_end, num_steps, dtype=torch.float32), "linear")


def cosine_schedule(num_steps: int = 1000, s: float = 0.008, max_beta: float = 0.999) -> NoiseSchedule:
    """ᾱ(t) = cos²((t/T + s)/(1 + s) · π/2), with each β capped at ``max_beta`` (improved DDPM)."""
    num_steps = _check_steps(num_steps)
    if not s >= 0:
        raise ValueError(f"s must be >= 0, got {s!r}")
    if not 0 < max_beta < 1:
        raise ValueError(f"max_beta must lie in (0, 1), got {max_beta!r}")

    def f(u: float) -> float:
        return math.cos((u + s) / (1 + s) * math.pi / 2) ** 2

    betas = [min(1 - f((i + 1) / num_steps) / f(i / num_steps), max_beta) for i in range(num_steps)]
    return NoiseSchedule(torch.tensor(betas, dtype=torch.float32), "cosine")

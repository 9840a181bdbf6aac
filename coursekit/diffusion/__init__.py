"""Diffusion written from the formulas, apart from the networks (week 6).

- :mod:`.noise_schedule`: β_t, ᾱ_t, SNR; linear and cosine schedules;
- :mod:`.forward`: q_sample and the posterior q(x_{t-1} | x_t, x_0);
- :mod:`.prediction`: ε-, x_0- and v-prediction and their conversions;
- :mod:`.samplers`: DDPM and DDIM steps and the sampling loop;
- :mod:`.guidance`: classifier-free guidance and negative prompts.

Every step takes any ``model(x, t)`` callable; each equals its ``diffusers``
counterpart numerically (tests/test_diffusion.py).
"""

from .forward import at_step, on, posterior, q_sample
from .guidance import guide, guided_model
from .noise_schedule import NoiseSchedule, cosine_schedule, linear_schedule
from .prediction import PREDICTIONS, split_prediction, training_target
from .samplers import SPACINGS, ddim_step, ddpm_step, sample, timesteps

__all__ = [
    "NoiseSchedule", "linear_schedule", "cosine_schedule",
    "at_step", "on", "q_sample", "posterior",
    "PREDICTIONS", "training_target", "split_prediction",
    "SPACINGS", "timesteps", "ddpm_step", "ddim_step", "sample",
    "guide", "guided_model",
]

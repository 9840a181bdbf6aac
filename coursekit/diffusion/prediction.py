"""What a denoising network predicts, and the conversions between the three choices.

- ``"epsilon"``: the noise ε (DDPM);
- ``"sample"``: the clean image x_0;
- ``"v"``: v = √ᾱ · ε − √(1 − ᾱ) · x_0 (Salimans & Ho 2022), ``diffusers``' ``"v_prediction"``.

All three describe the same x_t = √ᾱ · x_0 + √(1 − ᾱ) · ε, so any one of them and
x_t give the other two.
"""

from __future__ import annotations

import torch

from .forward import _check_like, at_step, on
from .noise_schedule import NoiseSchedule

__all__ = ["PREDICTIONS", "training_target", "split_prediction"]

PREDICTIONS = ("epsilon", "sample", "v")


def _check_kind(prediction: str) -> str:
    if prediction not in PREDICTIONS:
        raise ValueError(f"prediction must be one of {PREDICTIONS}, got {prediction!r}")
    return prediction


def training_target(schedule: NoiseSchedule, x0: torch.Tensor, noise: torch.Tensor, t, prediction: str = "epsilon"):
    """What the network should output for x_t = q_sample(x0, t, noise)."""
    _check_kind(prediction)
    noise, x0 = _check_like("noise", noise, "x0", x0)
    if prediction == "epsilon":
        return noise
    if prediction == "sample":
        return x0
    alpha_bar = at_step(schedule, t, x0)
    return on(alpha_bar.sqrt(), x0) * noise - on((1 - alpha_bar).sqrt(), x0) * x0


def split_prediction(schedule: NoiseSchedule, output: torch.Tensor, x_t: torch.Tensor, t, prediction: str = "epsilon"):
    """``(x0_hat, eps_hat)``: the clean image and the noise that the network's ``output`` implies at x_t."""
    _check_kind(prediction)
    output, x_t = _check_like("the model output", output, "x_t", x_t)
    alpha_bar = at_step(schedule, t, x_t)
    a, b = on(alpha_bar.sqrt(), x_t), on((1 - alpha_bar).sqrt(), x_t)
    if prediction == "epsilon":
        return (x_t - b * output) / a, output
    if prediction == "sample":
        return output, (x_t - a * output) / b
    return a * x_t - b * output, a * output + b * x_t

"""Exponential moving average (EMA) of a model's weights, for any model of the course.

An EMA copy holds ``ema = decay * ema + (1 - decay) * weights`` after every
optimizer step; it forgets old weights with a half-life of
:func:`ema_half_life` steps. GANs (ProGAN, StyleGAN) and diffusion models
(DDPM) ship this copy rather than the trained weights: it averages out the
oscillation of the last steps. In :func:`coursekit.train.fit` the copy is
simply one more model in ``models`` (so it is saved and resumed with the
rest); the step function calls :func:`update_ema` after its optimizer step.
"""

from __future__ import annotations

import copy
import math

import torch
from torch import nn

__all__ = ["ema_copy", "update_ema", "ema_decay", "ema_half_life"]


def ema_copy(model: nn.Module) -> nn.Module:
    """A frozen copy of ``model`` (eval mode, no gradients) to hold its moving average."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return copy.deepcopy(model).eval().requires_grad_(False)


@torch.no_grad()
def update_ema(ema_model: nn.Module, model: nn.Module, decay: float) -> None:
    """``ema = decay * ema + (1 - decay) * weights``, parameter by parameter; buffers are copied.

    Buffers (BatchNorm running statistics, StyleGAN's mean ``w``) are copied,
    not averaged, as in StyleGAN's reference code. ``decay=0`` copies the
    model, ``decay=1`` leaves the average unchanged.
    """
    if isinstance(decay, bool) or not isinstance(decay, (int, float)) or not 0.0 <= decay <= 1.0:
        raise ValueError(f"decay must be a number in [0, 1], got {decay!r}")
    ema_params, params = dict(ema_model.named_parameters()), dict(model.named_parameters())
    ema_buffers, buffers = dict(ema_model.named_buffers()), dict(model.named_buffers())
    if ema_params.keys() != params.keys() or ema_buffers.keys() != buffers.keys():
        raise ValueError("ema_model and model must be the same architecture (made with ema_copy(model))")
    for name, param in params.items():
        if ema_params[name].shape != param.shape:
            raise ValueError(f"ema_model's {name} has shape {tuple(ema_params[name].shape)}, not {tuple(param.shape)}")
        ema_params[name].lerp_(param.detach().to(ema_params[name].dtype), 1.0 - decay)
    for name, buffer in buffers.items():
        ema_buffers[name].copy_(buffer)


def ema_decay(decay: float, step: int) -> float:
    """The decay used at optimizer step ``step`` (from 0): ``min(decay, (1 + step) / (10 + step))``.

    The warm-up (as in TensorFlow's ``ExponentialMovingAverage``) lets the
    average forget the random initial weights quickly at the start of a run.
    """
    return min(float(decay), (1.0 + step) / (10.0 + step))


def ema_half_life(decay: float) -> float:
    """How many steps until an old weight counts half: ``log(1/2) / log(decay)``."""
    if not 0.0 < decay < 1.0:
        raise ValueError(f"decay must be between 0 and 1, got {decay!r}")
    return math.log(0.5) / math.log(decay)

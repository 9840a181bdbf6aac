"""A trained digit denoiser with everything needed to sample it: the web UI's knobs as arguments.

:class:`DigitDiffusion` holds a class-conditional network, its noise schedule
and prediction type, and the sampling defaults it was measured with. Its
:meth:`~DigitDiffusion.generate` takes the prompt (``labels``), the negative
prompt, the guidance (CFG) scale, the steps and the seed; :meth:`~DigitDiffusion.sample`
is what ``coursekit sample`` and the digit bar call.
"""

from __future__ import annotations

import torch
from torch import nn

from .guidance import guided_model
from .noise_schedule import NoiseSchedule, cosine_schedule, linear_schedule
from .prediction import PREDICTIONS
from .samplers import sample as run_sampler

__all__ = ["SCHEDULES", "DigitDiffusion", "balanced_labels"]

SCHEDULES = {"linear": linear_schedule, "cosine": cosine_schedule}


def balanced_labels(n: int, num_classes: int = 10) -> torch.Tensor:
    """0, 1, ..., 9, 0, 1, ...: ``n`` labels with every class as often as possible."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be an int >= 1, got {n!r}")
    return torch.arange(n) % num_classes


class DigitDiffusion(nn.Module):
    """``net(x, t, labels)`` + schedule + sampler defaults; images come out in [0, 1]."""

    def __init__(self, net: nn.Module, *, schedule: str = "cosine", num_train_steps: int = 1000,
                 prediction: str = "epsilon", guidance: float = 1.0, steps: int = 20):
        super().__init__()
        if schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {sorted(SCHEDULES)}, got {schedule!r}")
        if prediction not in PREDICTIONS:
            raise ValueError(f"prediction must be one of {PREDICTIONS}, got {prediction!r}")
        if not hasattr(net, "null_label"):
            raise TypeError("net must be class-conditional with a null_label (the empty prompt), like models.unet.UNet")
        self.net, self.prediction = net, prediction
        self.schedule_name, self.num_train_steps = schedule, num_train_steps
        self.schedule: NoiseSchedule = SCHEDULES[schedule](num_train_steps)
        self.default_guidance, self.default_steps = float(guidance), int(steps)

    @property
    def num_classes(self) -> int:
        return self.net.null_label

    @property
    def empty_prompt(self) -> int:
        """The label of the empty prompt ∅ (the null class): ``generate([pipe.empty_prompt], negative=1)`` = "anything but 1"."""
        return self.net.null_label

    def _labels(self, labels, name: str, *, empty: bool = False) -> torch.Tensor:
        labels = torch.as_tensor(labels)
        if labels.is_floating_point() or labels.ndim != 1 or len(labels) < 1:
            raise ValueError(f"{name} must be a 1-D sequence of int classes, got {labels!r:.60}")
        top = self.num_classes if empty else self.num_classes - 1
        if bool(((labels < 0) | (labels > top)).any()):
            extra = f" or {self.num_classes} (the empty prompt)" if empty else ""
            raise ValueError(f"{name} must lie in [0, {self.num_classes - 1}]{extra}, got {sorted(set(labels.tolist()))}")
        return labels.long()

    @torch.no_grad()
    def generate(self, labels, *, seed: int = 0, guidance: float | None = None, steps: int | None = None,
                 negative=None, eta: float = 0.0, sampler: str = "ddim", x_start=None, start_step=None,
                 after_step=None, clipped_eps: bool = True) -> torch.Tensor:
        """One image per label (the "prompt"), in [0, 1]; ``negative``: a class to steer away from.

        A label may be :attr:`empty_prompt` (no class: what the network learned without labels).

        ``clipped_eps=False`` is ``diffusers``' DDIM default (see :func:`.samplers.ddim_step`), for comparison.
        """
        labels = self._labels(labels, "labels", empty=True)
        if negative is not None:
            negative = self._labels(torch.as_tensor(negative).reshape(-1).expand(len(labels)), "negative")
        guidance = self.default_guidance if guidance is None else guidance
        steps = self.default_steps if steps is None else steps
        device = next(self.net.parameters()).device
        model = guided_model(self.net, labels.to(device), scale=guidance,
                             negative=None if negative is None else negative.to(device), null_label=self.net.null_label)
        shape = (len(labels), *self.sample_shape)
        x = run_sampler(model, shape, self.schedule, steps=steps, sampler=sampler, eta=eta, seed=seed,
                        prediction=self.prediction, x_start=x_start, start_step=start_step, after_step=after_step,
                        clip=self.clip, clipped_eps=clipped_eps, device=device)
        return self.to_images(x)

    #: x0_hat is clamped to [−clip, clip] at every step: pixels live in [−1, 1].
    clip: float | None = 1.0

    @property
    def sample_shape(self) -> tuple[int, int, int]:
        """The shape of one sample the chain runs on: (1, 28, 28) pixels here."""
        return (self.net.in_channels, 28, 28)

    def to_images(self, x: torch.Tensor) -> torch.Tensor:
        """The chain's result as images in [0, 1]."""
        return ((x + 1) / 2).clamp(0, 1)

    def sample(self, n: int, seed: int = 0, *, label: int | None = None, guidance: float | None = None,
               steps: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` digits, all of class ``label`` or an equal share of each; returns ``(images, labels)``."""
        labels = balanced_labels(n, self.num_classes) if label is None else torch.full((n,), label)
        return self.generate(labels, seed=seed, guidance=guidance, steps=steps), labels

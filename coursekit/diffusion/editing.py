"""Editing with a trained denoiser: img2img (SDEdit) and inpainting (RePaint-style replacement).

- :func:`img2img`: noise an input image part of the way (``strength`` of the
  sampling steps) and denoise it from there with a prompt. Strength 0 keeps the
  input, strength 1 ignores it (pure generation).
- :func:`inpaint`: regenerate the pixels where ``keep`` is 0 while the rest is
  kept: after every step the known region is replaced by the input noised to
  that step, so the new pixels are drawn to agree with it (RePaint, Lugmayr et
  al. 2022, without its resampling jumps).

Both take a :class:`coursekit.diffusion.pipeline.DigitDiffusion` and images in [0, 1].
"""

from __future__ import annotations

import torch

from .forward import q_sample
from .samplers import timesteps

__all__ = ["img2img", "inpaint", "start_step_for"]


def _images(images, name: str = "images") -> torch.Tensor:
    if not isinstance(images, torch.Tensor) or images.ndim != 4 or images.shape[1:] != (1, 28, 28):
        raise ValueError(f"{name} must be digits, a tensor (N, 1, 28, 28) in [0, 1], got "
                         f"{getattr(images, 'shape', type(images).__name__)}")
    if float(images.min()) < 0 or float(images.max()) > 1:
        raise ValueError(f"{name} must hold values in [0, 1] (x / 255 for uint8 pictures)")
    return images.detach().float().cpu()


def start_step_for(num_train_steps: int, steps: int, strength: float) -> int | None:
    """The step img2img starts denoising from: the last ``round(strength · steps)`` of the sampler's steps.

    ``None`` when strength rounds to no step at all (the input comes back unchanged).
    """
    if isinstance(strength, bool) or not isinstance(strength, (int, float)) or not 0 <= strength <= 1:
        raise ValueError(f"strength must be a number in [0, 1], got {strength!r}")
    plan = timesteps(num_train_steps, steps)
    kept = round(strength * len(plan))
    return None if kept == 0 else plan[len(plan) - kept]


def img2img(pipeline, images: torch.Tensor, labels, *, strength: float, seed: int = 0, guidance=None, steps=None,
            negative=None) -> torch.Tensor:
    """SDEdit: ``images`` noised to the step ``strength`` picks, then denoised toward ``labels``; in [0, 1]."""
    images = _images(images)
    steps = pipeline.default_steps if steps is None else steps
    start = start_step_for(pipeline.num_train_steps, steps, strength)
    if start is None:
        return images.clone()
    noise = torch.randn(images.shape, generator=torch.Generator().manual_seed(seed))
    x_start = q_sample(pipeline.schedule, images * 2 - 1, start, noise)
    return pipeline.generate(labels, seed=seed, guidance=guidance, steps=steps, negative=negative, x_start=x_start,
                             start_step=start)


def inpaint(pipeline, images: torch.Tensor, keep: torch.Tensor, labels, *, seed: int = 0, guidance=None, steps=None,
            negative=None) -> torch.Tensor:
    """Regenerate ``images`` where ``keep`` is 0 (a mask (N or 1, 1, 28, 28) of 0 and 1), toward ``labels``."""
    images = _images(images)
    if not isinstance(keep, torch.Tensor) or keep.ndim != 4 or keep.shape[1:] != (1, 28, 28) or len(keep) not in (1, len(images)):
        raise ValueError(f"keep must be a mask (1 or {len(images)}, 1, 28, 28), got {getattr(keep, 'shape', type(keep).__name__)}")
    keep = keep.detach().float().cpu()
    if not bool(((keep == 0) | (keep == 1)).all()):
        raise ValueError("keep must hold only 0 (regenerate) and 1 (keep)")
    known = images * 2 - 1
    generator = torch.Generator().manual_seed(seed + 1)

    def replace_known(t_prev: int, x_prev: torch.Tensor, _x0: torch.Tensor) -> torch.Tensor:
        if t_prev < 0:
            noised = known
        else:
            noised = q_sample(pipeline.schedule, known, t_prev, torch.randn(known.shape, generator=generator))
        mask = keep.to(x_prev.device)
        return mask * noised.to(x_prev.device) + (1 - mask) * x_prev

    out = pipeline.generate(labels, seed=seed, guidance=guidance, steps=steps, negative=negative, after_step=replace_known)
    return keep * images + (1 - keep) * out

"""Training a denoiser: the objective, its weighting over t, class dropout for guidance, EMA.

The objective (DDPM): pick a random step t and noise ε for each image, form
x_t = q_sample(x_0, t, ε) and regress the network's output on its target
(ε, x_0 or v, :mod:`.prediction`). Two choices decide how well a small CPU
budget is spent:

- **loss weighting** over t: plain MSE on ε over-weights the almost clean
  steps; min-SNR-γ (Hang et al. 2023) caps each step's weight at SNR = γ;
- **class dropout**: a share ``p_uncond`` of the labels is replaced by the null
  class, so one network learns ε(x, c) and ε(x, ∅) for classifier-free guidance.

:func:`train_diffusion` runs :func:`coursekit.train.fit` with an EMA copy of
the network (the copy that is sampled and shipped).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ..ema import ema_copy, ema_decay, update_ema
from ..env import seed_everything
from ..schedules import warmup_cosine
from ..train import Callback, History, fit, infinite_batches
from .forward import q_sample
from .noise_schedule import NoiseSchedule
from .prediction import PREDICTIONS, training_target

__all__ = ["EMA_MODEL", "loss_weight", "diffusion_loss", "make_diffusion_step", "train_diffusion"]

EMA_MODEL = "ema"


def loss_weight(schedule: NoiseSchedule, t: torch.Tensor, prediction: str, min_snr: float | None) -> torch.Tensor:
    """Per-image weights of the MSE on ``prediction`` so that it equals min(SNR, γ)-weighted x_0 error.

    ``min_snr=None``: weight 1 (the plain MSE on whatever is predicted).
    The MSE on ε is SNR times the MSE on x_0, on v (SNR + 1) times; so the
    weights are min(SNR, γ)/SNR, min(SNR, γ)/(SNR + 1) and min(SNR, γ).
    """
    if prediction not in PREDICTIONS:
        raise ValueError(f"prediction must be one of {PREDICTIONS}, got {prediction!r}")
    if min_snr is None:
        return torch.ones(len(t))
    if isinstance(min_snr, bool) or not isinstance(min_snr, (int, float)) or not min_snr > 0:
        raise ValueError(f"min_snr must be a positive number (γ, 5 in the paper) or None, got {min_snr!r}")
    alpha_bar = schedule.alpha_bar(torch.as_tensor(t, device="cpu"))  # checks the range of t
    snr = alpha_bar / (1 - alpha_bar)
    capped = snr.clamp(max=min_snr)
    weight = {"epsilon": capped / snr, "v": capped / (snr + 1), "sample": capped}[prediction]
    return weight.float()


def diffusion_loss(net, images: torch.Tensor, labels: torch.Tensor | None, schedule: NoiseSchedule, *,
                   prediction: str = "epsilon", min_snr: float | None = None, p_uncond: float = 0.0,
                   null_label: int | None = None) -> torch.Tensor:
    """The weighted denoising MSE of one batch (random t, noise and label dropout from torch's global RNG)."""
    if not 0.0 <= p_uncond < 1.0:
        raise ValueError(f"p_uncond must lie in [0, 1), got {p_uncond!r}")
    n, device = len(images), images.device
    t = torch.randint(0, schedule.num_steps, (n,), device=device)
    noise = torch.randn_like(images)
    x_t = q_sample(schedule, images, t, noise)
    if labels is not None and p_uncond > 0:
        if null_label is None:
            raise ValueError("p_uncond > 0 needs null_label (the network's empty class)")
        labels = torch.where(torch.rand(n, device=device) < p_uncond, torch.full_like(labels, null_label), labels)
    output = net(x_t, t, labels)
    target = training_target(schedule, images, noise, t, prediction)
    per_image = (output - target).pow(2).flatten(1).mean(1)
    weight = loss_weight(schedule, t.cpu(), prediction, min_snr).to(device)
    return (weight * per_image).mean()


def make_diffusion_step(schedule: NoiseSchedule, settings: dict):
    """A :func:`coursekit.train.fit` step: the loss, one optimizer step, then the EMA update."""
    prediction, min_snr = settings.get("prediction", "epsilon"), settings.get("min_snr")
    p_uncond, decay = settings.get("p_uncond", 0.0), settings.get("ema", 0.999)
    loss_weight(schedule, torch.zeros(1, dtype=torch.long), prediction, min_snr)  # check the settings now

    def step(batch, state) -> dict[str, torch.Tensor]:
        images, labels, *condition = batch
        net = state.models["model"]
        if condition:  # a ControlNet's edge maps, bound to the controlled model for this batch
            net.condition = condition[0]
        with state.autocast():
            loss = diffusion_loss(net, images, labels, schedule, prediction=prediction, min_snr=min_snr,
                                  p_uncond=p_uncond, null_label=getattr(net, "null_label", None))
        state.optimize(loss, clip=settings.get("clip_grad"))
        update_ema(state.models[EMA_MODEL], net, ema_decay(decay, state.step))
        return {"loss": loss.detach()}

    return step


def train_diffusion(net: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor, schedule: NoiseSchedule,
                    settings: dict, *, steps: int, seed: int = 0, device=None, progress: bool = False,
                    callbacks: Sequence[Callback] = (), check_range: bool = True,
                    conditions: torch.Tensor | None = None) -> tuple[torch.nn.Module, History]:
    """Train ``net`` on ``images`` in [−1, 1] with class ``labels``; returns ``(ema_net, history)``.

    ``settings``: ``lr``, ``batch_size``, ``prediction``, ``min_snr``,
    ``p_uncond``, ``ema``, and optionally ``weight_decay``, ``clip_grad`` and
    ``warmup`` (steps of linear warm-up before the cosine decay to 0;
    ``cosine_decay=False`` keeps the rate constant instead).
    ``check_range=False`` for data that is not pixels (scaled VAE latents, week 7).
    ``conditions``: one condition map per image (a ControlNet's edges, week 7),
    set as ``net.condition`` batch by batch (a :class:`coursekit.models.controlnet.ControlledUNet`).
    """
    if conditions is not None and len(conditions) != len(images):
        raise ValueError(f"conditions must be one map per image: {len(images)} images, {len(conditions)} maps")
    if check_range and (images.min() < -1.0001 or images.max() > 1.0001):
        raise ValueError(f"images must be scaled to [-1, 1], got values in [{float(images.min()):.2f}, "
                         f"{float(images.max()):.2f}] (x * 2 - 1 for images in [0, 1])")
    seed_everything(seed)
    ema = ema_copy(net)
    optimizer = torch.optim.AdamW(net.parameters(), lr=settings["lr"], weight_decay=settings.get("weight_decay", 0.0))
    scheduler = (warmup_cosine(optimizer, warmup_steps=settings.get("warmup", 0), total_steps=steps)
                 if settings.get("cosine_decay", True) else None)
    data = (images, labels) if conditions is None else (images, labels, conditions)
    batches = infinite_batches(*data, batch_size=settings["batch_size"], seed=seed)
    history = fit({"model": net, EMA_MODEL: ema}, make_diffusion_step(schedule, settings), batches,
                  optimizers={"model": optimizer}, schedulers=scheduler and {"model": scheduler}, steps=steps,
                  device=device, seed=seed, progress=progress, callbacks=callbacks)
    if conditions is not None:
        net.condition = ema.condition = None  # the last batch's maps are not part of the model
    return ema.cpu().eval(), history

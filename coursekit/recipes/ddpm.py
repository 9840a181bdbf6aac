"""Train week 6's class-conditional pixel-space diffusion model (``coursekit train ddpm``) and measure it.

A :class:`coursekit.models.unet.UNet` (widths 32/64/64, attention at 7x7,
0.56M parameters) on the 4,000 training digits scaled to [−1, 1]: the cosine
noise schedule over 1,000 steps, ε-prediction, min-SNR-5 loss weighting, 10 %
of the labels dropped to the null class (for classifier-free guidance), AdamW
at 2e-3 with a 200-step warm-up and a cosine decay, batch 64, EMA 0.999. The
EMA copy is shipped inside a :class:`coursekit.diffusion.pipeline.DigitDiffusion`
with the sampling defaults it is measured with (DDIM, 20 steps, guidance
scale 2, chosen on ``digit_bar.VALIDATION_SEED`` only). Measured by
:func:`coursekit.diffusion.measures.evaluate`; bar
:data:`coursekit.diffusion.measures.BAR`.

How the settings were chosen (200 samples of the validation seed, DDIM 20
steps, the same 4,000 steps at one thread): ε-prediction reached 98.5 %
conditional accuracy and 96.5 % confident digits at guidance 2 (97.5 / 95.5 at
3, 82 / 78 without guidance); v-prediction 96.5 / 94 at 2 and 3.
"""

from __future__ import annotations

from .. import datasets
from ..checkpoints import load_checkpoint, recorded_settings
from ..diffusion.measures import evaluate
from ..diffusion.pipeline import DigitDiffusion
from ..diffusion.training import train_diffusion
from ..env import seed_everything
from ..models.library_unet import LibraryUNet
from ..models.unet import UNet
from ..train import History

__all__ = ["COMMAND", "NAME", "DEFAULTS", "SETTINGS", "build", "train_ddpm", "evaluate", "load"]

COMMAND = "coursekit train ddpm"
NAME = "ddpm"
DEFAULTS = {"steps": 4000, "seed": 0}
SETTINGS = {
    "model": "UNet", "channels": (32, 64, 64), "attention": True, "emb_dim": 128,
    "schedule": "cosine", "num_train_steps": 1000, "prediction": "epsilon", "min_snr": 5.0, "p_uncond": 0.1,
    "lr": 2e-3, "warmup": 200, "batch_size": 64, "ema": 0.999,
    "guidance": 2.0, "sampling_steps": 20,
}


NETWORKS = ("UNet", "UNet2DModel")


def build(settings: dict = SETTINGS) -> DigitDiffusion:
    """A fresh, untrained pipeline with these settings (seed the RNG first).

    ``settings["model"]``: ``"UNet"`` (:mod:`coursekit.models.unet`, from scratch)
    or ``"UNet2DModel"`` (the library's, :mod:`coursekit.models.library_unet`).
    """
    if settings["model"] == "UNet":
        net = UNet(channels=tuple(settings["channels"]), attention=settings["attention"], emb_dim=settings["emb_dim"])
    elif settings["model"] == "UNet2DModel":
        net = LibraryUNet(channels=tuple(settings["channels"]), attention=tuple(settings["attention"]))
    else:
        raise ValueError(f"model must be one of {NETWORKS}, got {settings['model']!r}")
    return DigitDiffusion(net, schedule=settings["schedule"], num_train_steps=settings["num_train_steps"],
                          prediction=settings["prediction"], guidance=settings["guidance"],
                          steps=settings["sampling_steps"])


def train_ddpm(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], device=None,
               progress: bool = True) -> tuple[DigitDiffusion, History]:
    """Train from scratch; returns ``(pipeline around the EMA network, history)`` in eval mode on the CPU."""
    seed_everything(seed)
    pipeline = build()
    images, labels = datasets.digits("train")
    ema, history = train_diffusion(pipeline.net, images * 2 - 1, labels, pipeline.schedule, SETTINGS, steps=steps,
                                   seed=seed, device=device, progress=progress)
    pipeline.net = ema
    return pipeline.eval(), history


def load(*, directory=None) -> DigitDiffusion:
    """The shipped pixel-space diffusion pipeline (checkpoint ``ddpm``), in eval mode."""
    return load_checkpoint(NAME, build(recorded_settings(NAME, directory)), directory=directory).eval()

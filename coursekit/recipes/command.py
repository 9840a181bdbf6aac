"""``coursekit train MODEL``: rebuild a shipped reference checkpoint with the exact recipe."""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from pathlib import Path

from ..checkpoints import CheckpointError, round_weights, save_checkpoint, update_metrics
from ..paths import checkpoint_dir


__all__ = ["Recipe", "RECIPES", "add_commands"]

@dataclass(frozen=True)
class Recipe:
    """How ``coursekit train MODEL`` runs one recipe module ``coursekit.recipes.<module>``.

    The module has ``COMMAND``, ``NAME``, ``DEFAULTS`` (``steps``, ``seed``), a
    ``train`` function called as ``train(steps=, seed=, device=)`` that returns
    ``(model, history)``, and ``evaluate(model) -> {metric: value}``; an optional
    ``SETTINGS`` dict is recorded in the manifest; an optional ``shipped_weights(model)``
    picks what is saved (a ControlNet or LoRA ships without its frozen base model).
    """

    module: str
    train: str
    help: str
    losses: tuple[str, ...]  # recorded as final_<loss>: the mean of the last 100 records


RECIPES = {
    "classifier": Recipe("classifier", "train_classifier", "the digit classifier behind coursekit.metrics", ("loss",)),
    "plain-classifier": Recipe("plain_classifier", "train_plain_classifier",
                               "the plain 10-class digit classifier of week 2 (no 'not a digit')", ("loss",)),
    "dcgan": Recipe("dcgan", "train_dcgan", "the DCGAN of week 3 (digits)", ("d_loss", "g_loss", "d_real", "d_fake")),
    "toy-gan": Recipe("toy_gan", "train_toy_gan_runs", "the two toy GAN runs drawn in week 3 (ring of 8 Gaussians)", ()),
    "stylegan": Recipe("stylegan", "train_stylegan", "the miniature StyleGAN of week 3 (digits)",
                       ("d_loss", "g_loss", "d_real", "d_fake")),
    "ae2d": Recipe("ae2d", "train_ae2d", "the plain autoencoder with a 2-D latent of week 5 (the VAE's control)", ("nll",)),
    "vae2d": Recipe("vae2d", "train_vae2d", "the VAE with a 2-D latent of week 5", ("loss", "nll", "kl")),
    "beta-vae": Recipe("beta_vae", "train_beta_sweep", "the week-5 beta sweep (784-400-20 VAEs, beta 0.5/1/4)",
                       ("loss", "nll", "kl")),
    "vqvae": Recipe("vqvae", "train_vqvae", "the VQ-VAE in miniature of week 5", ("loss", "nll")),
    "vae": Recipe("vae", "train_spatial_vae", "the spatial VAE of week 5 (4x7x7 latents for week 6)", ("loss", "nll", "kl")),
    "ddpm": Recipe("ddpm", "train_ddpm", "the class-conditional pixel-space diffusion model of week 6", ("loss",)),
    "controlnet": Recipe("controlnet", "train_controlnet", "the ControlNet of week 7 (Canny edges; the ddpm base frozen)",
                         ("loss",)),
    "ddpm-thick": Recipe("ddpm_thick", "train_ddpm_thick", "the thick-stroke checkpoint of week 7 (ddpm fine-tuned)",
                         ("loss",)),
    "lora-thick": Recipe("lora_thick", "train_lora_thick", "the thick-stroke LoRA adapter of week 7 (on the frozen ddpm)",
                         ("loss",)),
    "deepfake-ae": Recipe("deepfake_ae", "train_deepfake_ae",
                          "the autoencoder deepfake of week 4 (shared encoder, a decoder each for Hopper and Collins)",
                          ("loss", "loss_hopper", "loss_collins")),
    "deepfake-ae-nowarp": Recipe("deepfake_ae_nowarp", "train_deepfake_ae_nowarp",
                                 "the week-4 warp ablation (deepfake-ae without the random warp)",
                                 ("loss", "loss_hopper", "loss_collins")),
    "ldm": Recipe("ldm", "train_ldm", "the latent diffusion model of week 7 (in the spatial VAE's 4x7x7 latents)",
                  ("loss",)),
}


def _recipe_module(name: str):
    return importlib.import_module(f"{__package__}.{RECIPES[name].module}")


def _train(args) -> int:
    recipe, module = RECIPES[args.model], _recipe_module(args.model)
    for key, value in module.DEFAULTS.items():
        if getattr(args, key, None) is None:
            setattr(args, key, value)
    if args.steps < 1:
        raise ValueError(f"--steps must be a positive number of optimizer steps, got {args.steps}")
    folder = args.out if args.out is not None else checkpoint_dir()
    if not Path(folder).is_dir():  # fail before training, not after
        raise FileNotFoundError(f"checkpoint folder {folder} does not exist; create it first")
    started = time.perf_counter()
    model, history = getattr(module, recipe.train)(steps=args.steps, seed=args.seed, device=args.device)
    seconds = time.perf_counter() - started
    store = getattr(module, "STORE_DTYPE", "float32")  # float16: half the file; measured as stored
    if store != "float32":
        round_weights(model, store)
    metrics = module.evaluate(model)
    command = module.COMMAND + _options(args, module.DEFAULTS)
    extra = {"steps": args.steps, "seed": args.seed, "train_seconds": round(seconds, 1),
             "hardware": _hardware(args.device)}
    extra.update({f"final_{loss}": round(history.mean(loss, last=100), 4) for loss in recipe.losses})
    if hasattr(module, "SETTINGS"):
        extra["settings"] = module.SETTINGS
    weights = module.shipped_weights(model) if hasattr(module, "shipped_weights") else model  # e.g. an adapter only
    path = save_checkpoint(
        weights,
        module.NAME,
        command=command,
        metrics={k: round(v, 4) for k, v in metrics.items()},
        extra=extra,
        directory=args.out,
        dtype=store,
    )
    for key, value in metrics.items():
        print(f"{key}: {value:.4f}")
    print(f"trained in {seconds:.0f} s; wrote {path}")
    return 0


def _remeasure(args) -> int:
    module = _recipe_module(args.model)
    metrics = {k: round(v, 4) for k, v in module.evaluate(module.load(directory=args.dir)).items()}
    path = update_metrics(module.NAME, metrics, reason=args.reason, directory=args.dir)
    for key, value in metrics.items():
        print(f"{key}: {value:.4f}")
    print(f"measured again; wrote {path}")
    return 0


def _options(args, defaults: dict) -> str:
    """The non-default options, so the manifest's command reproduces this run."""
    return "".join(f" --{k} {getattr(args, k)}" for k, v in defaults.items() if getattr(args, k) != v)


def _hardware(device: str | None) -> str:
    import platform

    import torch

    if (device or "").startswith("cuda") or (device is None and torch.cuda.is_available()):
        return f"cuda: {torch.cuda.get_device_name(0)}"
    return f"cpu: {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"


def add_commands(commands) -> None:
    """Register ``coursekit train MODEL`` (one subcommand per entry of :data:`RECIPES`)."""
    train = commands.add_parser("train", help="train a reference checkpoint (written to data/checkpoints/)")
    models = train.add_subparsers(dest="model", metavar="MODEL", required=True)
    for name, recipe in RECIPES.items():  # no recipe module is imported (and so no torch) until one runs
        parser = models.add_parser(name, help=recipe.help)
        parser.set_defaults(run=_train)
        parser.add_argument("--steps", type=int, help="optimizer steps (default: the recipe's DEFAULTS)")
        parser.add_argument("--seed", type=int, help="random seed (default: the recipe's DEFAULTS)")
        parser.add_argument("--device", default=None, help="cuda, mps or cpu (default: the best available)")
        parser.add_argument("--out", type=Path, default=None,
                            help=f"folder for the checkpoint (default: {checkpoint_dir()})")
    again = commands.add_parser("remeasure", help="measure a shipped checkpoint again and update its manifest's metrics")
    again.add_argument("model", choices=sorted(RECIPES), metavar="MODEL", help=", ".join(sorted(RECIPES)))
    again.add_argument("--reason", required=True, help="why (kept in the manifest beside the previous metrics)")
    again.add_argument("--dir", type=Path, default=None, help=f"checkpoint folder (default: {checkpoint_dir()})")
    again.set_defaults(run=_remeasure, expected_errors=(FileNotFoundError, ValueError, CheckpointError))

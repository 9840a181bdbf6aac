"""The recipe race of week 6: conditional accuracy per CPU-minute, this course's recipe vs the usual one.

Two recipes train a class-conditional digit denoiser for the same wall-clock
budget on one CPU thread each and are measured at evenly spaced points:

- ``coursekit``: :data:`coursekit.recipes.ddpm.SETTINGS` (the from-scratch
  UNet, cosine schedule, min-SNR-5 weighting, class dropout for guidance,
  AdamW with warm-up and cosine decay, EMA, guidance 2);
- ``hf-course``: the Hugging Face diffusion course's class-conditioned unit as
  the issue states it: ``diffusers.UNet2DModel`` (32/64/64, two layers per
  block, attention at 14x14 and 7x7) with ``num_class_embeds``, the linear
  schedule, ε-prediction, plain MSE, Adam 1e-3, batch 128, no EMA, no guidance.

Each point samples ``per_class`` digits of every class with DDIM 20 steps on
the bar's first noise seed and keeps :func:`coursekit.diffusion.measures.measure_conditional`'s
figures; the time spent measuring is not counted as training time. The
number of steps is fixed before training from a short timing of the step
(the cosine decay needs it), and the training minutes actually used are
recorded.

Run one recipe: ``python -m coursekit.recipes.diffusion_race coursekit --minutes 20 --out race.json``;
``benchmarks/bench_recipe_race.py`` runs both at once and prints the curves.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time

import torch

from .. import datasets, digit_bar
from ..diffusion.measures import measure_conditional
from ..diffusion.training import diffusion_loss, train_diffusion
from ..env import seed_everything, set_threads
from ..train import Callback
from . import ddpm

__all__ = ["RECIPES", "step_seconds", "race", "main"]

RECIPES = {
    "coursekit": dict(ddpm.SETTINGS),
    "hf-course": {
        "model": "UNet2DModel", "channels": (32, 64, 64), "attention": (False, True, True),
        "schedule": "linear", "num_train_steps": 1000, "prediction": "epsilon", "min_snr": None, "p_uncond": 0.0,
        "lr": 1e-3, "warmup": 0, "cosine_decay": False, "batch_size": 128, "ema": 0.0,
        "guidance": 1.0, "sampling_steps": 20,
    },
}


def _settings(recipe: str) -> dict:
    if recipe not in RECIPES:
        raise ValueError(f"recipe must be one of {sorted(RECIPES)}, got {recipe!r}")
    return RECIPES[recipe]


def step_seconds(recipe: str, *, repeats: int = 3) -> float:
    """Median seconds of one training step of ``recipe`` (a throw-away copy of its network, after one warm-up)."""
    settings = _settings(recipe)
    pipeline = ddpm.build(settings)
    optimizer = torch.optim.AdamW(pipeline.net.parameters(), lr=settings["lr"])
    images, labels = datasets.digits("train")
    n = settings["batch_size"]
    x, y = images[:n] * 2 - 1, labels[:n]
    times = []
    for i in range(repeats + 1):
        start = time.perf_counter()
        loss = diffusion_loss(pipeline.net, x, y, pipeline.schedule, prediction=settings["prediction"],
                              min_snr=settings["min_snr"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if i:
            times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def race(recipe: str, *, minutes: float = 20.0, points: int = 5, per_class: int = 20, final_per_class: int = 100,
         seed: int = 0, progress: bool = False) -> dict:
    """Train ``recipe`` for about ``minutes`` of training time; its measures at ``points`` even steps.

    The last point is measured on ``final_per_class`` digits per class (1,000
    by default, as the bar is), the others on ``per_class``.
    """
    if not minutes > 0:
        raise ValueError(f"minutes must be positive, got {minutes!r}")
    if isinstance(points, bool) or not isinstance(points, int) or points < 1:
        raise ValueError(f"points must be an int >= 1, got {points!r}")
    settings = _settings(recipe)
    seconds_per_step = step_seconds(recipe)
    steps = max(points, int(minutes * 60 / seconds_per_step) // points * points)
    settings = {**settings, "warmup": min(settings.get("warmup", 0), steps // 2)}  # a very short race: shorter warm-up
    seed_everything(seed)
    pipeline = ddpm.build(settings)
    images, labels = datasets.digits("train")
    curve, measuring = [], [0.0]

    def measure(state) -> None:
        start = time.perf_counter()
        snapshot = copy.deepcopy(pipeline)
        snapshot.net = copy.deepcopy(state.models["ema"]).cpu().eval()
        count = final_per_class if state.step == steps else per_class
        result = measure_conditional(snapshot, seed=digit_bar.EVAL_SEEDS[0], per_class=count)
        curve.append({"step": state.step, "train_minutes": (state.elapsed - measuring[0]) / 60, "samples": 10 * count,
                      **{k: result[k] for k in ("conditional_accuracy", "confident", "coverage")}})
        measuring[0] += time.perf_counter() - start
        if progress:
            print(f"{recipe}: step {state.step}, {curve[-1]['train_minutes']:.1f} min, "
                  f"conditional accuracy {result['conditional_accuracy']:.1%}", file=sys.stderr, flush=True)

    _, history = train_diffusion(pipeline.net, images * 2 - 1, labels, pipeline.schedule, settings, steps=steps,
                                 seed=seed, callbacks=[Callback(measure, every=steps // points)])
    losses = [float(v) for v in history.losses["loss"]]
    return {"recipe": recipe, "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()},
            "parameters": sum(p.numel() for p in pipeline.net.parameters()), "budget_minutes": minutes,
            "seconds_per_step": seconds_per_step, "steps": steps, "threads": torch.get_num_threads(),
            "train_minutes": (history.seconds - measuring[0]) / 60, "noise_seed": digit_bar.EVAL_SEEDS[0], "curve": curve,
            "loss_first_50": sum(losses[:50]) / len(losses[:50]), "loss_last_50": sum(losses[-50:]) / len(losses[-50:])}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recipe", choices=sorted(RECIPES))
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--points", type=int, default=5)
    parser.add_argument("--per-class", type=int, default=20)
    parser.add_argument("--final-per-class", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    set_threads(args.threads)
    result = race(args.recipe, minutes=args.minutes, points=args.points, per_class=args.per_class,
                  final_per_class=args.final_per_class, progress=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Week 6 bars: the shipped class-conditional pixel-space diffusion model (``ddpm``) and its sampling speed.

- ``ddpm``: of 1,000 samples per noise seed of the digit bar (100 per class, DDIM 20 steps, the shipped
  guidance scale), >= 95 % conditional accuracy and >= 90 % confident digits, on every seed; the feature
  distance printed beside the real-vs-real floor and week 3's DCGAN.
- sampling: 100 guided images with DDIM 20 steps in <= 10 s; the widget's single image in <= 1 s; a knob
  turn of the lesson's prompt pad (one digit, read and drawn) in <= 1 s, of the noising slider in <= 0.2 s.
- the sampler table of the lesson (DDPM 1,000 steps, DDIM 50/20/10/5): conditional accuracy, confident share,
  feature distance and time of 100 guided samples (10 per class) on the bar's first seed, written to
  ``data/measurements/samplers.json`` for the lesson to read (DDPM's 2,000 network calls take minutes).
"""

from __future__ import annotations

import torch

import json
import platform
import time

from coursekit import datasets, digit_bar, metrics
from coursekit.checkpoints import read_manifest
from coursekit.diffusion.noise_schedule import cosine_schedule, linear_schedule
from coursekit.paths import data_dir
from coursekit.widgets.week06 import NoisingSlider, PromptPad
from coursekit.diffusion.measures import BAR, evaluate
from coursekit.env import set_threads
from coursekit.recipes import ddpm

from .bench_week02_widgets import setter
from .common import print_table, summarize, time_calls

BATCH_TARGET_S = 10.0
SINGLE_TARGET_S = 1.0
SLIDER_TARGET_S = 0.2
SAMPLERS = (("DDPM 1000", "ddpm", 1000), ("DDIM 50", "ddim", 50), ("DDIM 20", "ddim", 20), ("DDIM 10", "ddim", 10),
            ("DDIM 5", "ddim", 5))
SAMPLER_RECORD = "measurements/samplers.json"  # under coursekit.paths.data_dir()


def _trained(name: str) -> str:
    manifest = read_manifest(name)
    extra = manifest["extra"]
    return f"{extra['steps']} steps in {extra['train_seconds']:.0f} s on {extra['hardware']}; rebuild: {manifest['command']}"


def _quality(model) -> list[dict]:
    measured = evaluate(model)
    seeds = digit_bar.EVAL_SEEDS
    floor = metrics.feature_distance(datasets.digits("test")[0], datasets.digits_sample(1000, "train")[0])
    dcgan = read_manifest("dcgan")["metrics"]["feature_distance"]
    print(f"\npixel-space diffusion (ddpm): {_trained('ddpm')}")
    print(f"sampling: DDIM {model.default_steps} steps, guidance scale {model.default_guidance:g}, "
          f"{metrics.CONFIDENCE} confidence; 1,000 samples (100 per class) per seed")
    print(f"{'measure':<24} " + " ".join(f"{'seed ' + str(s):>10}" for s in seeds) + f" {'median':>8} {'bar':>8}")
    for key, fmt, bar in (("conditional_accuracy", "{:.1%}", f">= {BAR['conditional_accuracy']:.0%}"),
                          ("confident", "{:.1%}", f">= {BAR['confident']:.0%}"), ("not_digit", "{:.1%}", ""),
                          ("coverage", "{:.0f}", ""), ("feature_distance", "{:.1f}", "")):
        print(f"{key:<24} " + " ".join(f"{fmt.format(measured[f'{key}_seed{s}']):>10}" for s in seeds)
              + f" {fmt.format(measured[key]):>8} {bar:>8}")
    print(f"feature distance: ddpm {measured['feature_distance']:.1f}, week-3 DCGAN {dcgan:.1f}, real test digits "
          f"{floor:.1f} (the floor: 1,000 real digits against the same 1,000 training digits)")
    print(f"margins on the worst seed: conditional accuracy "
          f"{measured['worst_conditional_accuracy'] - BAR['conditional_accuracy']:+.1%}, confident "
          f"{measured['worst_confident'] - BAR['confident']:+.1%}")
    return [
        {"name": "ddpm conditional accuracy >= 95% (every seed)",
         "ok": measured["worst_conditional_accuracy"] >= BAR["conditional_accuracy"]},
        {"name": "ddpm confident >= 90% (every seed)", "ok": measured["worst_confident"] >= BAR["confident"]},
    ]


def _speed(model) -> list[dict]:
    labels = torch.arange(10).repeat_interleave(10)
    batch = [lambda s=s: model.generate(labels, seed=s) for s in range(3)]
    single = [lambda s=s: model.generate(torch.tensor([s % 10]), seed=s) for s in range(10)]
    rows = [summarize(f"100 images, DDIM {model.default_steps} steps, guidance {model.default_guidance:g}",
                      time_calls(batch, warmup=1), BATCH_TARGET_S),
            summarize("one image (the widget's redraw)", time_calls(single), SINGLE_TARGET_S)]
    pad = PromptPad(model)
    slider = NoisingSlider(datasets.digits("test")[0][500], {"linear": linear_schedule(), "cosine": cosine_schedule()})
    rows += [summarize("prompt pad: seed (sample + read + draw one digit)", time_calls(setter(pad.seed, range(1, 200, 7))),
                       SINGLE_TARGET_S),
             summarize("prompt pad: prompt", time_calls(setter(pad.prompt, [str(d) for d in (5, 8, 1, 4)])), SINGLE_TARGET_S),
             summarize("noising slider: t", time_calls(setter(slider.t, range(10, 1000, 40))), SLIDER_TARGET_S)]
    print_table("Week 6 sampling and widget time (2 threads)", rows)
    return rows


def _samplers(model, per_class: int = 10) -> list[dict]:
    """The lesson's sampler table: quality and time of each sampler on the same 100 prompts and seed."""
    seed = digit_bar.EVAL_SEEDS[0]
    labels = torch.arange(10).repeat_interleave(per_class)
    guided = model.default_guidance != 1
    rows = []
    for name, sampler, steps in SAMPLERS:
        start = time.perf_counter()
        images = model.generate(labels, seed=seed, sampler=sampler, steps=steps)
        seconds = time.perf_counter() - start
        report = metrics.report(images)
        rows.append({"name": name, "calls": steps * (2 if guided else 1), "seconds": seconds,
                     "conditional_accuracy": metrics.conditional_accuracy(images, labels),
                     "confident": report.confident, "feature_distance": report.feature_distance})
    record = {"guidance": model.default_guidance, "seed": seed, "per_class": per_class,
              "hardware": f"{platform.processor() or platform.machine()}, 2 threads", "rows": rows}
    (data_dir() / SAMPLER_RECORD).write_text(json.dumps(record, indent=1) + "\n")
    print(f"\nsamplers: 100 samples (10 per class), guidance {model.default_guidance:g}, seed {seed}")
    print(f"{'sampler':<10} {'calls':>6} {'cond. acc.':>11} {'confident':>10} {'feature dist.':>14} {'seconds':>8}")
    for r in rows:
        print(f"{r['name']:<10} {r['calls']:>6} {r['conditional_accuracy']:>11.0%} {r['confident']:>10.0%} "
              f"{r['feature_distance']:>14.1f} {r['seconds']:>8.1f}")
    return []


def main() -> list[dict]:
    set_threads(2)
    torch.manual_seed(0)
    model = ddpm.load()
    rows = _quality(model) + _speed(model) + _samplers(model)
    for row in rows:
        print(f"{'PASS' if row['ok'] else 'FAIL'}  {row['name']}")
    return rows


if __name__ == "__main__":
    import sys

    sys.exit(0 if all(r["ok"] for r in main()) else 1)

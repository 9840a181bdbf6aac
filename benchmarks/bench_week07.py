"""Week 7 bars: latent diffusion, ControlNet, the thick-stroke checkpoint and LoRA, and the edit pad's speed.

- ``ldm``: of 1,000 samples per noise seed (100 per class, DDIM 20, guidance 2), >= 90 % conditional accuracy
  on every seed; its time per sample against the pixel-space ``ddpm`` (medians of 3 runs of 100 samples).
- ``controlnet``: median edge agreement (F1 of the samples' Canny edges against the condition's, same pixels)
  >= 0.5 and >= 0.2 above the same model without the control branch, on every seed (200 held-out test digits).
- ``ddpm_thick`` and ``lora_thick``: samples' median stroke width >= 1.5 px above the base model's, and conditional
  accuracy at most 5 points below the yardstick's on thickened real test digits (86.8 %: it was trained on thin
  ones), on every seed (200 samples each); the adapter's size against the model's.
- the edit pad (img2img / inpainting of one digit, read and drawn) redraws within 1 s.
"""

from __future__ import annotations

import torch

from coursekit import datasets, digit_bar, strokes
from coursekit.checkpoints import read_manifest
from coursekit.env import set_threads
from coursekit.models.lora import lora_parameters
from coursekit.recipes import controlnet, ddpm, ddpm_thick, ldm, lora_thick
from coursekit.widgets.week07 import INPAINT, EditPad

from .bench_week02_widgets import setter
from .common import print_table, summarize, time_calls

PAD_TARGET_S = 1.0


def _per_seed(measured: dict, key: str, fmt: str) -> str:
    return " ".join(fmt.format(measured[f"{key}_seed{s}"]) for s in digit_bar.EVAL_SEEDS)


def _ldm(pixel) -> list[dict]:
    model = ldm.load()
    measured = ldm.evaluate(model)
    print(f"\nlatent diffusion (ldm): rebuild with {read_manifest('ldm')['command']}; seeds {digit_bar.EVAL_SEEDS}")
    for key in ("conditional_accuracy", "confident"):
        print(f"  {key:<22} per seed {_per_seed(measured, key, '{:.1%}')}, median {measured[key]:.1%}")
    print(f"  feature_distance       median {measured['feature_distance']:.1f} (ddpm: "
          f"{read_manifest('ddpm')['metrics']['feature_distance']:.1f})")
    labels = torch.arange(10).repeat_interleave(10)
    rows = [summarize(f"100 images, {name}", time_calls([lambda s=s, m=m: m.generate(labels, seed=s) for s in range(3)],
                                                        warmup=1), None)  # figures; week 6's bench holds its 10 s target
            for name, m in (("pixel space (ddpm)", pixel), ("latent space (ldm)", model))]
    print_table("Week 7 latent vs pixel sampling (DDIM 20, guidance 2, 2 threads)", rows)
    ratio = rows[0]["median_ms"] / rows[1]["median_ms"]
    print(f"latent diffusion is {ratio:.1f}x faster per sample than pixel space")
    worst = measured["worst_conditional_accuracy"]
    return rows + [{"name": f"ldm conditional accuracy >= {ldm.BAR['conditional_accuracy']:.0%} (every seed; worst "
                            f"{worst:.1%})", "ok": worst >= ldm.BAR["conditional_accuracy"]},
                   {"name": "ldm samples faster than pixel space", "ok": ratio > 1}]


def _controlnet() -> list[dict]:
    measured = controlnet.evaluate(controlnet.load())
    print(f"\nControlNet: rebuild with {read_manifest('controlnet')['command']}")
    for key in ("edge_agreement", "edge_agreement_without_control", "edge_gain", "conditional_accuracy"):
        print(f"  {key:<32} per seed {_per_seed(measured, key, '{:.3f}')}, median {measured[key]:.3f}")
    return [{"name": f"controlnet edge agreement >= {controlnet.BAR['edge_agreement']} (every seed)",
             "ok": measured["worst_edge_agreement"] >= controlnet.BAR["edge_agreement"]},
            {"name": f"controlnet edge gain over no control >= {controlnet.BAR['edge_gain']} (every seed)",
             "ok": measured["worst_edge_gain"] >= controlnet.BAR["edge_gain"]}]


def _style(base) -> list[dict]:
    real = datasets.digits("test")[0][:1000]
    print(f"\nthick-stroke style: real test digits {float(strokes.stroke_width(real).median()):.2f} px, thickened "
          f"{float(strokes.stroke_width(strokes.thicken(real)).median()):.2f} px")
    ceiling = ddpm_thick.real_thick_accuracy()
    print(f"  the yardstick reads thickened real test digits right {ceiling:.1%} of the time (thin ones: "
          f"{read_manifest('digit_classifier')['metrics'].get('test_accuracy', float('nan')):.1%})")
    rows = []
    for module in (ddpm_thick, lora_thick):
        measured = module.evaluate(module.load())
        print(f"  {module.NAME}: stroke width {measured['stroke_width']:.2f} px (base {measured['base_stroke_width']:.2f}, "
              f"gain per seed {[round(measured[f'stroke_width_seed{s}'] - measured['base_stroke_width'], 2) for s in digit_bar.EVAL_SEEDS]}), "
              f"conditional accuracy per seed {_per_seed(measured, 'conditional_accuracy', '{:.1%}')}; "
              f"rebuild with {read_manifest(module.NAME)['command']}")
        worst_gain = measured["worst_stroke_width"] - measured["base_stroke_width"]
        rows += [{"name": f"{module.NAME} stroke width >= base + {module.BAR['stroke_width_gain']} px (every seed)",
                  "ok": worst_gain >= module.BAR["stroke_width_gain"]},
                 {"name": f"{module.NAME} conditional accuracy >= thick real digits' {ceiling:.1%} - "
                          f"{module.BAR['accuracy_gap']:.0%} (every seed)",
                  "ok": measured["worst_conditional_accuracy"] >= ceiling - module.BAR["accuracy_gap"]}]
    adapter = sum(p.numel() for p in lora_parameters(lora_thick.load().net))
    model = sum(p.numel() for p in base.net.parameters())
    print(f"  LoRA adapter: {adapter:,} parameters = {adapter / model:.1%} of the UNet's {model:,}; files: "
          f"{read_manifest('lora_thick')['bytes']:,} bytes vs {read_manifest('ddpm_thick')['bytes']:,}")
    return rows


def _pad(base) -> list[dict]:
    images = datasets.digits("test")[0]
    keep = torch.zeros(1, 28, 28)
    keep[:, :14] = 1
    pad = EditPad(base, images[0], keep)
    rows = [summarize("edit pad: img2img strength (edit + read + draw one digit)",
                      time_calls(setter(pad.strength, [0.3, 0.5, 0.7, 0.9, 1.0, 0.4])), PAD_TARGET_S),
            summarize("edit pad: seed", time_calls(setter(pad.seed, range(1, 60, 7))), PAD_TARGET_S)]
    pad.mode.value = INPAINT
    rows.append(summarize("edit pad: inpainting seed", time_calls(setter(pad.seed, range(2, 60, 7))), PAD_TARGET_S))
    print_table("Week 7 edit pad (2 threads)", rows)
    return rows


def main() -> list[dict]:
    set_threads(2)
    torch.manual_seed(0)
    base = ddpm.load()
    rows = _ldm(base) + _controlnet() + _style(base) + _pad(base)
    for row in rows:
        print(f"{'PASS' if row['ok'] else 'FAIL'}  {row['name']}")
    return rows


if __name__ == "__main__":
    import sys

    sys.exit(0 if all(r["ok"] for r in main()) else 1)

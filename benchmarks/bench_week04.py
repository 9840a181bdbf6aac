"""Week 4 bars: the autoencoder deepfake against ground truth and against the landmark swap, the warp ablation,
the frequency-spectrum detector, and the puppet widget's redraw time.

- ``deepfake_ae`` on 40 held-out poses, both directions (:func:`coursekit.faces.swap_measures.measure`): identity
  passes (dlib distance < 0.6 to the source, > 0.6 to the destination) on >= 80 % of frames; landmark error <= 5 %
  of the face width; masked SSIM against the ground truth above the landmark swap's on the same frames.
- ``deepfake_ae_nowarp``: the same measures, printed beside (the ablation; no bar).
- the detector: ROC-AUC and accuracy (threshold from a validation split) on held-out crops, clean, after JPEG 75
  and after a 0.5x resize (figures; no bar).
- :class:`~coursekit.widgets.week04.PuppetSwap`: median redraw <= 1 s (a generative widget: render two frames,
  swap, merge, measure).
"""

from __future__ import annotations

import torch

from coursekit.checkpoints import read_manifest
from coursekit.env import set_threads
from coursekit.faces import spectrum_detector, swap_measures
from coursekit.recipes import deepfake_ae, deepfake_ae_nowarp
from coursekit.widgets.week04 import PuppetSwap

from .common import print_table, summarize, time_calls

WIDGET_TARGET_S = 1.0


def _swaps(model) -> list[dict]:
    measured = swap_measures.measure(model)
    nowarp = swap_measures.measure(deepfake_ae_nowarp.load())
    both = dict(measured)
    both.update({k.replace("ae_", "nowarp_", 1): v for k, v in nowarp.items() if k.startswith("ae_")})
    for name in (deepfake_ae.NAME, deepfake_ae_nowarp.NAME):
        extra = read_manifest(name)["extra"]
        print(f"{name}: {extra['steps']} steps in {extra['train_seconds']:.0f} s on {extra['hardware']}; "
              f"rebuild: {read_manifest(name)['command']}")
    print("\nWeek 4 swaps on 40 held-out poses (C = Collins, H = Hopper; 'C on H' = Collins's face on Hopper's frames)")
    print(swap_measures.table(both, methods=("ae", "nowarp", "landmark")))
    return [{"name": f"deepfake_ae {bar}", "ok": ok} for bar, ok in swap_measures.check(measured).items()]


def _detector(model) -> None:
    real, fake = swap_measures.detector_crops(model, 200)
    _, scores = spectrum_detector.train_and_test(real, fake)
    print("\nfrequency-spectrum detector (200 real, 200 swapped crops; train 50 % / validation 20 % / test 30 %)")
    for change in ("clean", "jpeg75", "resize0.5"):
        print(f"  {change:<10} ROC-AUC {scores['auc_' + change]:.3f}, accuracy {scores['accuracy_' + change]:.1%}")


def _widget(model) -> list[dict]:
    pad = PuppetSwap(model)
    actions = [lambda v=v: setattr(pad.sliders["yaw"], "value", v) for v in (-12.0, -6.0, 0.0, 6.0, 12.0)]
    actions += [lambda v=v: setattr(pad.sliders["mouth"], "value", v) for v in (0.2, 0.6, 1.0)]
    row = summarize("PuppetSwap: move a slider (render, swap, merge, measure, redraw)", time_calls(actions),
                    WIDGET_TARGET_S)
    print_table("Week 4 widget: callback latency (2 threads)", [row])
    return [row]


def main() -> list[dict]:
    set_threads(2)
    torch.manual_seed(0)
    model = deepfake_ae.load()
    rows = _swaps(model)
    _detector(model)
    rows += _widget(model)
    for row in rows:
        print(f"{'PASS' if row['ok'] else 'FAIL'}  {row['name']}")
    return rows


if __name__ == "__main__":
    import sys

    sys.exit(0 if all(r["ok"] for r in main()) else 1)

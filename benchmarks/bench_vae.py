"""Week 5 bars: the shipped 2-D VAE against its plain-autoencoder control, the spatial VAE, the β sweep, the VQ-VAE,
and the latent pad's redraw time.

- 2-D VAE (``vae2d``): k-NN accuracy (k = 5) of the test digits' latent means >= 85 %; of 1,000 prior samples
  per noise seed of the digit bar (``digit_bar.EVAL_SEEDS``), >= 60 % confident digits with all 10 classes
  covered, on the median and on the worst seed; the plain autoencoder's (``ae2d``) prior samples lower.
- spatial VAE (``vae``): test reconstruction PSNR >= 22 dB; its scaled latents' per-channel mean and standard
  deviation printed (what week 6 diffuses in).
- β sweep (``beta_vae``) and VQ-VAE (``vqvae``): figures, no bar; the β = 1 test loss beside pytorch/examples'.
- :class:`~coursekit.widgets.week05.LatentPad`: median redraw <= 0.2 s.
"""

from __future__ import annotations

import torch

from coursekit import datasets, digit_bar
from coursekit.checkpoints import read_manifest
from coursekit.env import set_threads
from coursekit.models import vae, vqvae
from coursekit.recipes import beta_vae, vqvae as vqvae_recipe
from coursekit.vae_measures import BAR_2D, BAR_SPATIAL, latent_codes, measure_2d, measure_spatial
from coursekit.widgets.week05 import LatentPad

from .common import print_table, summarize, time_calls

WIDGET_TARGET_S = 0.2
REFERENCE_NATS = "105-107"  # pytorch/examples' MNIST VAE, 784-400-20, 10 epochs on 60,000 digits


def _trained(name: str) -> str:
    manifest = read_manifest(name)
    extra = manifest["extra"]
    return f"{extra['steps']} steps in {extra['train_seconds']:.0f} s on {extra['hardware']}; rebuild: {manifest['command']}"


def _two_d() -> list[dict]:
    measured = {"ae2d": measure_2d(vae.load("ae2d")), "vae2d": measure_2d(vae.load("vae2d"))}
    print("\n2-D latent models (prior samples: 1,000 per seed; latent measures: the 1,000 test digits)")
    for name in measured:
        print(f"  {name}: {_trained(name)}")
    seeds = digit_bar.EVAL_SEEDS
    print(f"{'measure':<36} {'ae2d':>10} {'vae2d':>10} {'bar (vae2d)':>12}")
    rows_out = [("k-NN accuracy of test codes (k=5)", "knn_accuracy", "{:.1%}", f">= {BAR_2D['knn_accuracy']:.0%}"),
                ("latent precision of prior samples", "latent_precision", "{:.1%}", "-"),
                ("latent coverage by prior samples", "latent_coverage", "{:.1%}", "-")]
    rows_out += [(f"confident digits, seed {s}", f"confident_seed{s}", "{:.1%}", f">= {BAR_2D['confident']:.0%}") for s in seeds]
    rows_out += [(f"classes covered, seed {s}", f"coverage_seed{s}", "{:.0f}/10", f">= {BAR_2D['coverage']}") for s in seeds]
    rows_out += [(f"rarest class, seed {s}", f"min_class_share_seed{s}", "{:.1%}", "-") for s in seeds]
    rows_out += [("feature distance (median of seeds)", "feature_distance", "{:.0f}", "-")]
    for label, key, fmt, bar in rows_out:
        print(f"{label:<36} {fmt.format(measured['ae2d'][key]):>10} {fmt.format(measured['vae2d'][key]):>10} {bar:>12}")
    v, a = measured["vae2d"], measured["ae2d"]
    print(f"test negative ELBO of vae2d: {v['test_neg_elbo']:.1f} nats (nll {v['test_nll']:.1f} + KL {v['test_kl']:.1f});"
          f" ae2d test nll {a['test_nll']:.1f} nats")
    print(f"margins: k-NN {v['knn_accuracy'] - BAR_2D['knn_accuracy']:+.1%}, worst-seed confident "
          f"{v['worst_confident'] - BAR_2D['confident']:+.1%}, worst-seed coverage {v['worst_coverage']:.0f}/10")
    return [
        {"name": "vae2d k-NN accuracy >= 85%", "ok": v["knn_accuracy"] >= BAR_2D["knn_accuracy"]},
        {"name": "vae2d confident >= 60% (every seed)", "ok": v["worst_confident"] >= BAR_2D["confident"]},
        {"name": "vae2d all 10 classes covered (every seed)", "ok": v["worst_coverage"] >= BAR_2D["coverage"]},
        {"name": "ae2d prior samples below vae2d (confident, every seed)",
         "ok": all(a[f"confident_seed{s}"] < v[f"confident_seed{s}"] for s in seeds)},
    ]


def _spatial() -> list[dict]:
    m = measure_spatial(vae.load("vae"))
    model = vae.load("vae")
    print(f"\nspatial VAE: {_trained('vae')}")
    print(f"latent {tuple(model.latent_shape())}, scaling_factor {model.scaling_factor.item():.4f}; test PSNR mean "
          f"{m['psnr']:.2f} dB, median {m['psnr_median']:.2f} dB (bar >= {BAR_SPATIAL['psnr']:.0f} dB, margin "
          f"{m['psnr'] - BAR_SPATIAL['psnr']:+.1f} dB)")
    channels = model.latent_channels
    print("scaled test latents per channel: mean " + ", ".join(f"{m[f'latent_mean_c{c}']:+.3f}" for c in range(channels))
          + "; std " + ", ".join(f"{m[f'latent_std_c{c}']:.3f}" for c in range(channels)))
    return [{"name": "vae (spatial) test PSNR >= 22 dB", "ok": m["psnr"] >= BAR_SPATIAL["psnr"]}]


def _sweep_and_vq() -> None:
    measured = beta_vae.evaluate(vae.load("beta_vae"))
    print(f"\nβ sweep (784-400-20): {_trained('beta_vae')}")
    print(f"{'β':>4} {'test nll':>9} {'KL':>6} {'-ELBO':>7} {'confident':>9} {'classes':>7} {'precision':>9} {'coverage':>8}")
    for beta in beta_vae.SETTINGS["betas"]:
        p = f"b{beta:g}_"
        print(f"{beta:>4g} {measured[p + 'test_nll']:>9.1f} {measured[p + 'test_kl']:>6.1f} {measured[p + 'test_neg_elbo']:>7.1f}"
              f" {measured[p + 'confident']:>9.1%} {measured[p + 'coverage']:>7.0f} {measured[p + 'latent_precision']:>9.1%}"
              f" {measured[p + 'latent_coverage']:>8.1%}")
    print(f"β = 1 test negative ELBO {measured['b1_test_neg_elbo']:.1f} nats vs pytorch/examples {REFERENCE_NATS} nats "
          "(same network and steps, 4,000 instead of 60,000 training digits)")
    vq = vqvae_recipe.evaluate(vqvae.load())
    print(f"VQ-VAE: {_trained('vqvae')}; test PSNR {vq['psnr']:.1f} dB, {vq['codes_used']:.0f}/32 entries used, "
          f"perplexity {vq['perplexity']:.1f}")


def _widget() -> list[dict]:
    model = vae.load("vae2d")
    test, labels = datasets.digits("test")
    pad = LatentPad(model, latent_codes(model, test), labels)
    points = [(0.1 * i - 2.5, 2.5 - 0.13 * i) for i in range(40)]
    actions = [lambda p=p: pad.set_point(*p) for p in points]
    actions += [lambda v=v: setattr(pad.z1, "value", v) for v in (-1.0, 0.5, 1.5, 2.0, -2.0)]
    row = summarize("LatentPad: move the point (decode + classifier + redraw)", time_calls(actions), WIDGET_TARGET_S)
    print_table("Week 5 widget: callback latency (2 threads)", [row])
    return [row]


def main() -> list[dict]:
    set_threads(2)
    torch.manual_seed(0)
    rows = _two_d() + _spatial()
    _sweep_and_vq()
    rows += _widget()
    for row in rows:
        print(f"{'PASS' if row['ok'] else 'FAIL'}  {row['name']}")
    return rows


if __name__ == "__main__":
    import sys

    sys.exit(0 if all(r["ok"] for r in main()) else 1)

"""What week 5 measures of an autoencoder, and the bars its shipped models are held to.

- :func:`latent_codes`: the codes of images (a VAE's means μ, a plain
  autoencoder's points z);
- :func:`negative_elbo`: the test digits' negative ELBO in nats per image
  (reconstruction nll + KL, one reparameterized sample per image from a fixed
  seed), the number pytorch/examples reports as its "test loss";
- :func:`posterior_samples` / :func:`prior_match`: samples of the aggregate
  posterior q(z) (one z ~ q(z|x) per test digit) and how well prior samples
  match them (precision: prior samples that land among them; coverage: the
  share of them the prior reaches);
- :func:`measure_2d`: a 2-D model's latent map (k-NN accuracy of the test
  digits' μ, :func:`prior_match`) and its prior samples on
  the digit yardstick (:func:`coursekit.digit_bar.evaluate`, seeds 1000-1002);
- :func:`measure_spatial`: the spatial VAE's reconstruction PSNR on the test
  split and the statistics of its scaled latents (per channel);
- :data:`BAR_2D` / :data:`BAR_SPATIAL` and :func:`check` say which are met.
"""

from __future__ import annotations

import torch

from . import datasets, digit_bar
from .elbo import gaussian_kl, reconstruction_nll, reparameterize
from .image_quality import psnr
from .latent_measures import knn_accuracy, prior_precision_recall

__all__ = ["BAR_2D", "BAR_SPATIAL", "ELBO_SEED", "PRIOR_SEED", "latent_codes", "posterior_samples", "prior_match", "negative_elbo", "measure_2d",
           "measure_spatial", "check"]

BAR_2D = {"knn_accuracy": 0.85, "confident": 0.60, "coverage": 10}
BAR_SPATIAL = {"psnr": 22.0}
ELBO_SEED = 0  # the noise of the one reparameterized sample per test digit
PRIOR_SEED = digit_bar.EVAL_SEED  # the prior samples the latent measures use


@torch.no_grad()
def latent_codes(model, images: torch.Tensor) -> torch.Tensor:
    """``model.encode(images)``: μ for a VAE (the first of its pair), z for a plain autoencoder; eval mode, CPU."""
    was_training = model.training
    model.eval()
    try:
        codes = model.encode(images)
        return (codes[0] if isinstance(codes, tuple) else codes).cpu()
    finally:
        model.train(was_training)


@torch.no_grad()
def posterior_samples(model, images: torch.Tensor, *, seed: int = ELBO_SEED) -> torch.Tensor:
    """One code per image from q(z | x) (z = μ + σ ε, seeded) for a VAE, the code z for a plain autoencoder.

    Together they are samples of the *aggregate posterior* q(z) = E_x q(z | x), the distribution the prior
    N(0, I) should match; :func:`prior_match` compares the two.
    """
    was_training = model.training
    model.eval()
    try:
        codes = model.encode(images)
        if not isinstance(codes, tuple):
            return codes.cpu()
        return reparameterize(*codes, generator=torch.Generator().manual_seed(seed)).cpu()
    finally:
        model.train(was_training)


def prior_match(model, images: torch.Tensor) -> tuple[float, float]:
    """``(precision, coverage)`` of prior samples against posterior samples of ``images`` (same count)."""
    posterior = posterior_samples(model, images).flatten(1)
    prior = model.prior_codes(len(images), PRIOR_SEED).flatten(1)
    return prior_precision_recall(posterior, prior)


@torch.no_grad()
def negative_elbo(model, images: torch.Tensor, *, seed: int = ELBO_SEED) -> dict[str, float]:
    """Mean nats per image: ``neg_elbo`` = ``nll`` + ``kl`` (a VAE), or ``nll`` alone (a plain autoencoder)."""
    was_training = model.training
    model.eval()
    try:
        codes = model.encode(images)
        if not isinstance(codes, tuple):
            return {"nll": float(reconstruction_nll(model.decode(codes), images).mean())}
        mu, log_var = codes
        z = reparameterize(mu, log_var, generator=torch.Generator().manual_seed(seed))
        nll, kl = reconstruction_nll(model.decode(z), images), gaussian_kl(mu, log_var)
        return {"neg_elbo": float((nll + kl).mean()), "nll": float(nll.mean()), "kl": float(kl.mean())}
    finally:
        model.train(was_training)


def measure_2d(model) -> dict[str, float]:
    """k-NN accuracy, prior precision/coverage, test nats and the digit bar's measures of prior samples."""
    train, train_labels = datasets.digits("train")
    test, test_labels = datasets.digits("test")
    train_codes, test_codes = latent_codes(model, train), latent_codes(model, test)
    precision, coverage = prior_match(model, test)
    result = {"knn_accuracy": knn_accuracy(train_codes, train_labels, test_codes, test_labels),
              "latent_precision": precision, "latent_coverage": coverage}
    result.update({f"test_{k}": v for k, v in negative_elbo(model, test).items()})
    result.update(digit_bar.evaluate(model))
    return result


@torch.no_grad()
def measure_spatial(model) -> dict[str, float]:
    """Test PSNR (mean and median, of the decoded means), and the scaled latents' per-channel mean and std."""
    test = datasets.digits("test")[0]
    latents = model.scaled_latents(test)
    values = psnr(model.decode_images(latents / model.scaling_factor), test)
    result = {"psnr": float(values.mean()), "psnr_median": float(values.median())}
    for c in range(latents.shape[1]):
        result[f"latent_mean_c{c}"] = float(latents[:, c].mean())
        result[f"latent_std_c{c}"] = float(latents[:, c].std())
    result.update({f"test_{k}": v for k, v in negative_elbo(model, test).items()})
    return result


def check(measures: dict[str, float], bar: dict[str, float]) -> dict[str, bool]:
    """Which parts of ``bar`` the ``measures`` meet (each at least its bar)."""
    missing = sorted(set(bar) - set(measures))
    if missing:
        raise ValueError(f"measures lack {', '.join(missing)} (measured: {', '.join(sorted(measures))})")
    return {k: measures[k] >= v for k, v in bar.items()}

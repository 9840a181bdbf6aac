"""The VAE's objective written from its formulas: reparameterization, KL, likelihoods, ELBO in nats.

For an encoder q(z|x) = N(μ, diag σ²) and a prior p(z) = N(0, I):

- :func:`reparameterize`: z = μ + σ ⊙ ε with ε ~ N(0, I), so z is a
  differentiable function of μ and log σ² (sampling ``torch.normal(μ, σ)``
  directly gives no gradient to either);
- :func:`gaussian_kl`: KL(q(z|x) ‖ p(z)) = ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²),
  summed over the latent dimensions (a number per example, in nats; for
  spatial latents, over channels and positions);
- :func:`reconstruction_nll`: −log p(x|z) summed over the pixels, in nats,
  for a Bernoulli likelihood (binary cross-entropy on the decoder's logits,
  the choice of most MNIST VAEs) or a Gaussian one with a fixed σ (a mean
  squared error, scaled by 1/(2σ²), plus a constant);
- :func:`vae_loss`: the negative ELBO, nll + β·KL per example, and its parts.
  With β = 1 its mean is an upper bound on −log p(x) in nats per image.

Both terms are *sums* per example. Averaging one of them (over the pixels or
the latent dimensions) instead of summing silently changes β: a mean over 784
pixels is the sum / 784, as if β were 784 times larger.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

__all__ = ["LIKELIHOODS", "reparameterize", "gaussian_kl", "reconstruction_nll", "vae_loss", "make_vae_step",
           "autoencoder_step"]

LIKELIHOODS = ("bernoulli", "gaussian")


def _check_tensor(name: str, value) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch tensor, got {type(value).__name__}")
    if not value.is_floating_point():
        raise TypeError(f"{name} must be floating point, got {value.dtype}")
    if value.ndim < 2:
        raise ValueError(f"{name} must be batched, (N, ...), got shape {tuple(value.shape)}")
    return value


def _check_pair(mu, log_var) -> tuple[torch.Tensor, torch.Tensor]:
    mu, log_var = _check_tensor("mu", mu), _check_tensor("log_var", log_var)
    if mu.shape != log_var.shape:
        raise ValueError(f"mu and log_var must have the same shape, got {tuple(mu.shape)} and {tuple(log_var.shape)}")
    return mu, log_var


def reparameterize(mu: torch.Tensor, log_var: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
    """z = μ + exp(½ log σ²) ⊙ ε, ε ~ N(0, I) (from ``generator`` if given): a sample that carries gradients."""
    mu, log_var = _check_pair(mu, log_var)
    eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype).to(mu.device)
    return mu + torch.exp(0.5 * log_var) * eps


def gaussian_kl(mu: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, σ²) ‖ N(0, I)) in nats per example, ``(N,)``: ½ Σ (μ² + σ² − 1 − log σ²) over all other dims."""
    mu, log_var = _check_pair(mu, log_var)
    return 0.5 * (mu.pow(2) + log_var.exp() - 1 - log_var).flatten(1).sum(1)


def reconstruction_nll(output: torch.Tensor, target: torch.Tensor, likelihood: str = "bernoulli", *,
                       sigma: float = 0.1) -> torch.Tensor:
    """−log p(x | z) in nats per example, ``(N,)``, summed over the pixels.

    ``output`` is the decoder's raw output: logits for ``"bernoulli"`` (targets
    in [0, 1], read as pixel probabilities, as MNIST VAEs do), the mean for
    ``"gaussian"`` (with standard deviation ``sigma``: ½((x − μ)/σ)² + log σ + ½ log 2π per pixel).
    """
    output, target = _check_tensor("output", output), _check_tensor("target", target)
    if output.shape != target.shape:
        raise ValueError(f"output and target must have the same shape, got {tuple(output.shape)} and {tuple(target.shape)}")
    if likelihood == "bernoulli":
        if target.min() < 0 or target.max() > 1:
            raise ValueError("a Bernoulli likelihood needs targets in [0, 1]; scale the images first")
        per_pixel = F.binary_cross_entropy_with_logits(output, target, reduction="none")
    elif likelihood == "gaussian":
        if isinstance(sigma, bool) or not isinstance(sigma, (int, float)) or not sigma > 0:
            raise ValueError(f"sigma must be a positive number, got {sigma!r}")
        per_pixel = 0.5 * ((target - output) / sigma) ** 2 + math.log(sigma) + 0.5 * math.log(2 * math.pi)
    else:
        raise ValueError(f"likelihood must be one of {', '.join(LIKELIHOODS)}, got {likelihood!r}")
    return per_pixel.flatten(1).sum(1)


def vae_loss(model, images: torch.Tensor, *, beta: float = 1.0, likelihood: str = "bernoulli",
             generator: torch.Generator | None = None) -> dict[str, torch.Tensor]:
    """The negative ELBO of ``images`` under ``model`` (``model(x, generator=)`` → ``(output, μ, log σ²)``).

    Returns per-batch means: ``loss`` = nll + β·KL (what is minimized), ``nll``,
    ``kl`` and ``neg_elbo`` = nll + KL (the bound in nats, whatever β is).
    """
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta >= 0:
        raise ValueError(f"beta must be a number >= 0, got {beta!r}")
    output, mu, log_var = model(images, generator=generator)
    nll = reconstruction_nll(output, images, likelihood)
    kl = gaussian_kl(mu, log_var)
    return {"loss": (nll + beta * kl).mean(), "nll": nll.mean(), "kl": kl.mean(), "neg_elbo": (nll + kl).mean()}


def make_vae_step(beta: float = 1.0, likelihood: str = "bernoulli"):
    """A step function for :func:`coursekit.train.fit` that minimizes :func:`vae_loss` (batches: images or (images, labels))."""
    if likelihood not in LIKELIHOODS:
        raise ValueError(f"likelihood must be one of {', '.join(LIKELIHOODS)}, got {likelihood!r}")

    def step(batch, state) -> dict[str, torch.Tensor]:
        images = batch[0] if isinstance(batch, (tuple, list)) else batch
        with state.autocast():
            losses = vae_loss(state.models["model"], images, beta=beta, likelihood=likelihood)
        state.optimize(losses["loss"])
        return {k: v.detach() for k, v in losses.items()}

    return step


def autoencoder_step(batch, state) -> dict[str, torch.Tensor]:
    """A step for :func:`coursekit.train.fit` that trains a plain autoencoder (``model(x)`` → logits) by the Bernoulli nll."""
    images = batch[0] if isinstance(batch, (tuple, list)) else batch
    with state.autocast():
        nll = reconstruction_nll(state.models["model"](images), images).mean()
    state.optimize(nll)
    return {"nll": nll.detach()}

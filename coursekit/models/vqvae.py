"""VQ-VAE in miniature (van den Oord et al. 2017): a latent made of codebook entries instead of Gaussians.

The encoder maps a 28x28 digit to a 7x7 grid of ``dim``-d vectors z_e; the
:class:`VectorQuantizer` replaces each by its nearest codebook entry e_k (one of
``codes``), so an image becomes 49 integers; the decoder rebuilds the digit
from the grid of entries. Nearest-neighbour lookup has no gradient, so:

- the **straight-through estimator**: the decoder sees z_e + sg(e − z_e)
  (sg = stop-gradient, ``.detach()``), whose value is e but whose gradient
  flows to z_e as if the quantizer were the identity;
- the **codebook loss** ‖sg(z_e) − e‖² moves the entries towards the encoder's
  outputs, and the **commitment loss** β‖z_e − sg(e)‖² keeps the encoder
  close to the entries it picked (β = 0.25 in the paper).

:func:`vq_step` trains it with :func:`coursekit.train.fit` (Bernoulli
reconstruction nll in nats per image + 49·dim·(codebook + β·commitment), the
squared errors summed like the nll).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..checkpoints import load_checkpoint, recorded_settings

__all__ = ["VectorQuantizer", "VQVAE", "codebook_usage", "vq_step", "load"]


def _check_size(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return value


class VectorQuantizer(nn.Module):
    """Nearest-entry lookup in a learned codebook ``(codes, dim)``, with the straight-through gradient."""

    def __init__(self, codes: int = 32, dim: int = 16, commitment: float = 0.25):
        super().__init__()
        self.codes, self.dim = _check_size("codes", codes), _check_size("dim", dim)
        if isinstance(commitment, bool) or not isinstance(commitment, (int, float)) or commitment < 0:
            raise ValueError(f"commitment must be a number >= 0, got {commitment!r}")
        self.commitment = float(commitment)
        self.codebook = nn.Embedding(codes, dim)
        self.codebook.weight.data.uniform_(-1 / codes, 1 / codes)

    def indices(self, z_e: torch.Tensor) -> torch.Tensor:
        """The nearest entry's index at each position: ``(N, dim, H, W)`` → ``(N, H, W)``."""
        if not isinstance(z_e, torch.Tensor) or z_e.ndim != 4 or z_e.shape[1] != self.dim:
            got = tuple(z_e.shape) if isinstance(z_e, torch.Tensor) else type(z_e).__name__
            raise ValueError(f"z_e must be a tensor (N, {self.dim}, H, W), got {got}")
        flat = z_e.permute(0, 2, 3, 1).reshape(-1, self.dim)
        distances = torch.cdist(flat, self.codebook.weight)
        return distances.argmin(1).view(z_e.shape[0], *z_e.shape[2:])

    def lookup(self, indices: torch.Tensor) -> torch.Tensor:
        """Codebook entries for indices ``(N, H, W)`` → ``(N, dim, H, W)``."""
        return self.codebook(indices).permute(0, 3, 1, 2)

    def forward(self, z_e: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, dict[str, torch.Tensor]]:
        """``(z_q with the straight-through gradient, indices, {"codebook": .., "commitment": ..})`` (mean squared)."""
        indices = self.indices(z_e)
        e = self.lookup(indices)
        losses = {"codebook": F.mse_loss(e, z_e.detach()), "commitment": F.mse_loss(z_e, e.detach())}
        return z_e + (e - z_e).detach(), indices, losses


class VQVAE(nn.Module):
    """1x28x28 → (stride-2 convs) → ``dim`` x 7x7 → :class:`VectorQuantizer` → (upsampling convs) → logits 1x28x28."""

    def __init__(self, codes: int = 32, dim: int = 16, width: int = 32, commitment: float = 0.25):
        super().__init__()
        width = _check_size("width", width)
        self.encoder = nn.Sequential(
            nn.Conv2d(1, width, 4, stride=2, padding=1), nn.ReLU(),  # 14x14
            nn.Conv2d(width, width, 4, stride=2, padding=1), nn.ReLU(),  # 7x7
            nn.Conv2d(width, dim, 1),
        )
        self.quantizer = VectorQuantizer(codes, dim, commitment)
        self.decoder = nn.Sequential(
            nn.Conv2d(dim, width, 3, padding=1), nn.ReLU(),
            nn.Upsample(scale_factor=2), nn.Conv2d(width, width, 3, padding=1), nn.ReLU(),  # 14x14
            nn.Upsample(scale_factor=2), nn.Conv2d(width, 1, 3, padding=1),  # 28x28
        )

    def forward(self, x: torch.Tensor):
        """``(logits, indices (N, 7, 7), quantizer losses)``."""
        if not isinstance(x, torch.Tensor) or x.ndim != 4 or tuple(x.shape[1:]) != (1, 28, 28):
            got = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(f"expected images (N, 1, 28, 28), got {got}")
        z_q, indices, losses = self.quantizer(self.encoder(x))
        return self.decoder(z_q), indices, losses

    @torch.no_grad()
    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """Images in [0, 1] rebuilt from their codes (eval mode, restored)."""
        was_training = self.training
        self.eval()
        try:
            return torch.sigmoid(self(x)[0])
        finally:
            self.train(was_training)


def codebook_usage(indices: torch.Tensor, codes: int) -> tuple[torch.Tensor, float]:
    """How often each entry is used (``(codes,)`` counts) and the perplexity exp(entropy): the entries in effective use."""
    if not isinstance(indices, torch.Tensor) or indices.is_floating_point():
        raise ValueError("indices must be an integer tensor of codebook indices")
    counts = torch.bincount(indices.flatten(), minlength=_check_size("codes", codes))
    if len(counts) > codes:
        raise ValueError(f"indices go up to {len(counts) - 1}, beyond a codebook of {codes}")
    p = counts.float() / counts.sum()
    entropy = -(p[p > 0] * p[p > 0].log()).sum()
    return counts, float(entropy.exp())


def vq_step(batch, state) -> dict[str, torch.Tensor]:
    """A :func:`coursekit.train.fit` step for a :class:`VQVAE` (batches: images or (images, labels))."""
    images = batch[0] if isinstance(batch, (tuple, list)) else batch
    model = state.models["model"]
    logits, _, losses = model(images)
    nll = F.binary_cross_entropy_with_logits(logits, images, reduction="none").flatten(1).sum(1).mean()
    size = model.quantizer.dim * 49
    loss = nll + size * (losses["codebook"] + model.quantizer.commitment * losses["commitment"])
    state.optimize(loss)
    return {"loss": loss.detach(), "nll": nll.detach(), "codebook": losses["codebook"].detach(),
            "commitment": losses["commitment"].detach()}


def load(name: str = "vqvae", *, directory=None) -> VQVAE:
    """The shipped VQ-VAE, built from its manifest's settings, in eval mode."""
    settings = recorded_settings(name, directory)
    model = VQVAE(settings["codes"], settings["dim"], settings["width"], settings["commitment"])
    return load_checkpoint(name, model, directory=directory).eval()

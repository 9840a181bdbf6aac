"""Autoencoders for 28x28 digits: the plain one, the VAE, and the spatial VAE that week 6 diffuses in.

- :class:`Autoencoder`: x → MLP → a code z → MLP → logits. Trained to
  reconstruct only, so nothing says where in the latent space the codes go
  (or what lies between them): it compresses but cannot generate.
- :class:`VAE`: the same MLPs, but the encoder gives μ and log σ² of
  q(z|x) = N(μ, σ²), the decoder sees z = μ + σ ε, and the KL term of
  :mod:`coursekit.elbo` pulls every q(z|x) towards the prior N(0, I), so
  samples from the prior decode to digits. ``hidden=(400,)`` and
  ``latent_dim=20`` is pytorch/examples' MNIST VAE (784-400-20).
- :class:`SpatialVAE`: convolutions down to a latent *image* of
  ``latent_channels`` x 7 x 7 (4x downsampling; Stable Diffusion's VAE: 8x,
  4 channels), trained with a small KL weight so it mostly reconstructs, and a
  ``scaling_factor`` (1 / the latents' standard deviation, Stable Diffusion's
  0.18215) that brings the latents to unit variance for a diffusion model.

Every decoder returns *logits* (the Bernoulli likelihood's parameters);
:meth:`decode_images` and :meth:`sample` give images in [0, 1] (the
likelihood's mean, which is why VAE samples look soft). ``load`` rebuilds a
shipped model from its manifest's settings.
"""

from __future__ import annotations

import torch
from torch import nn

from ..checkpoints import load_checkpoint, recorded_settings
from ..elbo import reparameterize
from ..latent import sample_z

__all__ = ["IMAGE_SHAPE", "Autoencoder", "VAE", "SpatialVAE", "BetaSweep", "load", "load_spatial"]

IMAGE_SHAPE = (1, 28, 28)
PIXELS = 28 * 28


def _check_size(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return value


def _check_hidden(hidden) -> tuple[int, ...]:
    if not isinstance(hidden, (tuple, list)) or not hidden:
        raise ValueError(f"hidden must be a non-empty tuple of layer widths, got {hidden!r}")
    return tuple(_check_size("each hidden width", h) for h in hidden)


def _check_images(x, shape=IMAGE_SHAPE) -> torch.Tensor:
    if not isinstance(x, torch.Tensor) or x.ndim != 4 or tuple(x.shape[1:]) != shape:
        got = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"expected images (N, {', '.join(map(str, shape))}), got {got}")
    return x


def _mlp(sizes: list[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class _Decodes:
    """``decode_images`` / ``sample`` for a model whose ``decode(z)`` gives logits ``(N, 1, 28, 28)``."""

    def latent_shape(self) -> tuple[int, ...]:
        return (self.latent_dim,)

    @torch.no_grad()
    def decode_images(self, z: torch.Tensor, *, batch_size: int = 500) -> torch.Tensor:
        """Images in [0, 1] on the CPU (σ of the logits: the Bernoulli mean) for codes ``(N, *latent_shape)``."""
        shape = self.latent_shape()
        if not isinstance(z, torch.Tensor) or z.ndim != len(shape) + 1 or tuple(z.shape[1:]) != shape:
            got = tuple(z.shape) if isinstance(z, torch.Tensor) else type(z).__name__
            raise ValueError(f"z must be a tensor (N, {', '.join(map(str, shape))}), got {got}")
        was_training = self.training
        self.eval()
        try:
            device = next(self.parameters()).device
            chunks = [torch.sigmoid(self.decode(z[i : i + batch_size].to(device))) for i in range(0, len(z), batch_size)]
            return torch.cat(chunks).float().cpu()
        finally:
            self.train(was_training)

    def prior_codes(self, n: int, seed: int = 0) -> torch.Tensor:
        """``n`` codes from the prior N(0, I) (:func:`coursekit.latent.sample_z`), shaped like the latent."""
        shape = self.latent_shape()
        size = 1
        for s in shape:
            size *= s
        return sample_z(n, size, seed).reshape(n, *shape)

    def sample(self, n: int, seed: int = 0) -> torch.Tensor:
        """``n`` images in [0, 1] decoded from prior codes N(0, I) (for a plain autoencoder: wherever they fall)."""
        return self.decode_images(self.prior_codes(n, seed))


class Autoencoder(_Decodes, nn.Module):
    """784 → hidden → ``latent_dim`` (a point, no noise) → reversed hidden → 784 logits."""

    def __init__(self, latent_dim: int = 2, hidden: tuple[int, ...] = (512, 256)):
        super().__init__()
        self.latent_dim, self.hidden = _check_size("latent_dim", latent_dim), _check_hidden(hidden)
        self.encoder = _mlp([PIXELS, *self.hidden, latent_dim])
        self.decoder = _mlp([latent_dim, *reversed(self.hidden), PIXELS])

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Codes ``(N, latent_dim)`` of images ``(N, 1, 28, 28)``."""
        return self.encoder(_check_images(x).flatten(1))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Logits ``(N, 1, 28, 28)`` for codes ``(N, latent_dim)``."""
        return self.decoder(z).view(-1, *IMAGE_SHAPE)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


class VAE(_Decodes, nn.Module):
    """784 → hidden → (μ, log σ²) of ``latent_dim`` each; z = μ + σ ε → reversed hidden → 784 logits."""

    def __init__(self, latent_dim: int = 2, hidden: tuple[int, ...] = (512, 256)):
        super().__init__()
        self.latent_dim, self.hidden = _check_size("latent_dim", latent_dim), _check_hidden(hidden)
        self.encoder = _mlp([PIXELS, *self.hidden, 2 * latent_dim])
        self.decoder = _mlp([latent_dim, *reversed(self.hidden), PIXELS])

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """μ and log σ² ``(N, latent_dim)`` of q(z | x) for images ``(N, 1, 28, 28)``."""
        mu, log_var = self.encoder(_check_images(x).flatten(1)).chunk(2, dim=1)
        return mu, log_var

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Logits ``(N, 1, 28, 28)`` for codes ``(N, latent_dim)``."""
        return self.decoder(z).view(-1, *IMAGE_SHAPE)

    def forward(self, x: torch.Tensor, *, generator: torch.Generator | None = None):
        """``(logits, μ, log σ²)``; the decoder sees a reparameterized sample of q(z | x)."""
        mu, log_var = self.encode(x)
        return self.decode(reparameterize(mu, log_var, generator=generator)), mu, log_var


class SpatialVAE(_Decodes, nn.Module):
    """A convolutional VAE whose latent is a small image: 1x28x28 → ``latent_channels`` x 7 x 7 → 1x28x28.

    Encoder: conv 3x3 (``widths[0]``) at 28x28, stride-2 conv to 14x14, conv,
    stride-2 conv to 7x7 (``widths[1]``), then a 1x1 conv to μ and log σ²
    (``latent_channels`` each). The decoder mirrors it with nearest-neighbour
    upsampling + 3x3 convolutions. ``scaling_factor`` is a buffer saved with
    the weights: multiply a latent by it before diffusing, divide before decoding.
    """

    def __init__(self, latent_channels: int = 4, widths: tuple[int, int] = (32, 64)):
        super().__init__()
        self.latent_channels = _check_size("latent_channels", latent_channels)
        if not isinstance(widths, (tuple, list)) or len(widths) != 2:
            raise ValueError(f"widths must be two channel counts (at 14x14 and 7x7), got {widths!r}")
        w1, w2 = (_check_size("each width", w) for w in widths)
        self.widths = (w1, w2)
        act = nn.SiLU
        self.encoder = nn.Sequential(
            nn.Conv2d(1, w1, 3, padding=1), act(),  # 28x28
            nn.Conv2d(w1, w1, 3, stride=2, padding=1), act(),  # 14x14
            nn.Conv2d(w1, w2, 3, padding=1), act(),
            nn.Conv2d(w2, w2, 3, stride=2, padding=1), act(),  # 7x7
            nn.Conv2d(w2, 2 * latent_channels, 1),
        )
        self.decoder = nn.Sequential(
            nn.Conv2d(latent_channels, w2, 3, padding=1), act(),  # 7x7
            nn.Upsample(scale_factor=2), nn.Conv2d(w2, w1, 3, padding=1), act(),  # 14x14
            nn.Conv2d(w1, w1, 3, padding=1), act(),
            nn.Upsample(scale_factor=2), nn.Conv2d(w1, w1, 3, padding=1), act(),  # 28x28
            nn.Conv2d(w1, 1, 3, padding=1),
        )
        self.register_buffer("scaling_factor", torch.tensor(1.0))

    def latent_shape(self) -> tuple[int, ...]:
        return (self.latent_channels, 7, 7)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """μ and log σ² ``(N, latent_channels, 7, 7)`` for images ``(N, 1, 28, 28)`` (unscaled)."""
        mu, log_var = self.encoder(_check_images(x)).chunk(2, dim=1)
        return mu, log_var

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Logits ``(N, 1, 28, 28)`` for unscaled latents ``(N, latent_channels, 7, 7)``."""
        return self.decoder(z)

    def forward(self, x: torch.Tensor, *, generator: torch.Generator | None = None):
        mu, log_var = self.encode(x)
        return self.decode(reparameterize(mu, log_var, generator=generator)), mu, log_var

    def prior_codes(self, n: int, seed: int = 0) -> torch.Tensor:
        """Unit-variance noise divided by ``scaling_factor``: the latents a perfect diffusion model would start from."""
        return super().prior_codes(n, seed) / self.scaling_factor

    @torch.no_grad()
    def scaled_latents(self, images: torch.Tensor, *, batch_size: int = 500) -> torch.Tensor:
        """The encoder's means times ``scaling_factor``: what week 6's latent diffusion model learns."""
        was_training = self.training
        self.eval()
        try:
            chunks = [self.encode(images[i : i + batch_size])[0] for i in range(0, len(images), batch_size)]
            return torch.cat(chunks) * self.scaling_factor
        finally:
            self.train(was_training)


class BetaSweep(nn.Module):
    """Several :class:`VAE` s of one architecture, one per KL weight β, kept in one checkpoint (``beta_vae``)."""

    def __init__(self, betas=(0.5, 1.0, 4.0), latent_dim: int = 20, hidden: tuple[int, ...] = (400,)):
        super().__init__()
        if not isinstance(betas, (tuple, list)) or not betas or not all(
                isinstance(b, (int, float)) and not isinstance(b, bool) and b > 0 for b in betas):
            raise ValueError(f"betas must be a non-empty tuple of positive numbers, got {betas!r}")
        if len(set(betas)) != len(betas):
            raise ValueError(f"betas must differ from each other, got {betas!r}")
        self.betas = tuple(float(b) for b in betas)
        self.models = nn.ModuleList(VAE(latent_dim, hidden) for _ in self.betas)

    def model(self, beta: float) -> VAE:
        """The VAE trained with ``beta``."""
        if beta not in self.betas:
            raise ValueError(f"no model for beta={beta!r}; this sweep has {', '.join(map(str, self.betas))}")
        return self.models[self.betas.index(beta)]


CLASSES = {"Autoencoder": Autoencoder, "VAE": VAE, "SpatialVAE": SpatialVAE, "BetaSweep": BetaSweep}
KEYS = {"Autoencoder": ("latent_dim", "hidden"), "VAE": ("latent_dim", "hidden"),
        "SpatialVAE": ("latent_channels", "widths"), "BetaSweep": ("betas", "latent_dim", "hidden")}


def load(name: str = "vae2d", *, directory=None) -> nn.Module:
    """A shipped model of this module (``ae2d``, ``vae2d``, ``vae``, ``beta_vae``), built from its manifest's settings, in eval mode."""
    settings = dict(recorded_settings(name, directory))
    kind = settings.pop("model", None)
    if kind not in CLASSES:
        raise ValueError(f"checkpoint {name!r} does not record a model of coursekit.models.vae (model={kind!r})")
    model = CLASSES[kind](**{k: tuple(v) if isinstance(v, list) else v for k, v in settings.items() if k in KEYS[kind]})
    return load_checkpoint(name, model, directory=directory).eval()


def load_spatial(*, directory=None) -> SpatialVAE:
    """The shipped spatial VAE (checkpoint ``vae``), the latent space of week 6."""
    return load("vae", directory=directory)

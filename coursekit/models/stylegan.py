"""StyleGAN's ideas (Karras et al. 2019) in miniature, on 28x28 digits.

A DCGAN feeds the noise ``z`` in at the bottom and lets it flow up. StyleGAN
instead

1. maps ``z`` through an MLP, the :class:`MappingNetwork`, to an intermediate
   code ``w`` (same size), which does not have to follow a Gaussian, so its
   directions can line up better with what changes in the images;
2. starts every image from the same *learned constant* 7x7 block;
3. lets ``w`` steer each layer through :class:`AdaIN`: the layer's feature
   maps are instance-normalised (each channel to mean 0, variance 1, which
   wipes out the previous layer's style) and then scaled and shifted per
   channel by an affine function of ``w``;
4. adds per-pixel noise (learned strength per channel) for detail that should
   vary at random.

Because each layer gets its own ``w``, :meth:`StyleGenerator.synthesize`
takes one ``w`` per layer and *style mixing* is just feeding different codes
to different layers (:meth:`StyleGenerator.mix`). In training, a share of
the batches (``mixing_prob``) is generated that way, so that no layer can
rely on the others getting the same ``w``: this is what makes the layers
specialise. The six style layers of :class:`StyleGenerator`:

====== ========== ===================================================================
layers resolution what it controls in the shipped model (see the mixing grid in week 3)
====== ========== ===================================================================
0, 1   7x7        coarse: which digit, its pose and slant, and its overall shape
2, 3   14x14      middle: the strokes' thickness and the shape of loops and ends
4, 5   28x28      fine: the strokes' edges and texture (small changes only)
====== ========== ===================================================================

The discriminator is the DCGAN one (:class:`coursekit.models.gan.Discriminator`,
with its minibatch-standard-deviation channel); the losses, R1 and the EMA copy
come from :mod:`coursekit.adversarial`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..checkpoints import load_checkpoint, recorded_settings
from ..latent import sample_z, truncate
from .gan import SampleMixin, _check_size, to_unit

__all__ = [
    "RESOLUTIONS", "LAYER_GROUPS", "NOISE_MODES", "pixel_norm", "MappingNetwork", "AdaIN", "NoiseInput",
    "StyleLayer", "StyleGenerator", "load", "generator_from_settings"
]

RESOLUTIONS = (7, 7, 14, 14, 28, 28)  # the feature map size of each style layer
LAYER_GROUPS = {"coarse": (0, 1), "middle": (2, 3), "fine": (4, 5)}
NOISE_MODES = ("random", "const", "none")


def pixel_norm(x: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """Scale each row to unit root-mean-square: ``x / sqrt(mean(x²))`` (StyleGAN's normalised z)."""
    return x * torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + eps)


class MappingNetwork(nn.Module):
    """z ``(N, latent_dim)`` → pixel norm → ``layers`` x (Linear, LeakyReLU 0.2) → w ``(N, w_dim)``."""

    def __init__(self, latent_dim: int = 64, w_dim: int = 64, layers: int = 4):
        super().__init__()
        self.latent_dim, self.w_dim = _check_size("latent_dim", latent_dim), _check_size("w_dim", w_dim)
        blocks: list[nn.Module] = []
        for i in range(_check_size("layers", layers)):
            blocks += [nn.Linear(latent_dim if i == 0 else w_dim, w_dim), nn.LeakyReLU(0.2)]
        self.net = nn.Sequential(*blocks)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must be (N, {self.latent_dim}), got {tuple(z.shape)}")
        return self.net(pixel_norm(z))


class AdaIN(nn.Module):
    """Adaptive instance normalisation: ``(1 + scale(w)) * instance_norm(x) + bias(w)``, per channel.

    ``scale`` and ``bias`` come from one learned affine map of ``w``; it starts
    at zero, so an untrained layer is a plain instance norm.
    """

    def __init__(self, channels: int, w_dim: int):
        super().__init__()
        self.channels = _check_size("channels", channels)
        self.norm = nn.InstanceNorm2d(channels, affine=False)
        self.style = nn.Linear(_check_size("w_dim", w_dim), 2 * channels)
        nn.init.zeros_(self.style.bias)
        nn.init.normal_(self.style.weight, std=0.1 / w_dim**0.5)

    def styles(self, w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The per-channel ``(scale, bias)`` for ``w``, each ``(N, channels)``; the multiplier is ``1 + scale``."""
        scale, bias = self.style(w).chunk(2, dim=1)
        return scale, bias

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        scale, bias = self.styles(w)
        return self.norm(x) * (1 + scale[:, :, None, None]) + bias[:, :, None, None]


class NoiseInput(nn.Module):
    """Adds ``strength[c] * noise`` with one noise image ``(N, 1, H, W)`` shared by the channels.

    The strengths are learned and start at 0. A fixed noise image (a buffer)
    is used in ``"const"`` mode, so eval-mode samples are repeatable.
    """

    def __init__(self, channels: int, size: int, seed: int):
        super().__init__()
        self.strength = nn.Parameter(torch.zeros(channels))
        self.register_buffer("fixed", torch.randn(1, 1, size, size, generator=torch.Generator().manual_seed(seed)))

    def forward(self, x: torch.Tensor, mode: str) -> torch.Tensor:
        if mode == "none":
            return x
        noise = self.fixed if mode == "const" else torch.randn(len(x), 1, *x.shape[2:], device=x.device, dtype=x.dtype)
        return x + self.strength[None, :, None, None] * noise


class StyleLayer(nn.Module):
    """(upsample x2) → conv 3x3 → noise → LeakyReLU(0.2) → AdaIN(w): one style layer."""

    def __init__(self, in_channels: int, out_channels: int, w_dim: int, size: int, *, upsample: bool, seed: int):
        super().__init__()
        self.upsample = upsample
        self.conv = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.noise = NoiseInput(out_channels, size, seed)
        self.adain = AdaIN(out_channels, w_dim)

    def forward(self, x: torch.Tensor, w: torch.Tensor, noise: str) -> torch.Tensor:
        if self.upsample:
            x = F.interpolate(x, scale_factor=2, mode="nearest")
        return self.adain(F.leaky_relu(self.noise(self.conv(x), noise), 0.2), w)


class StyleGenerator(SampleMixin, nn.Module):
    """Mapping network + synthesis network: learned constant 7x7 → 6 style layers → 1 x 28x28, tanh.

    ``channels`` gives the width at 7x7, 14x14 and 28x28. Layers 0-1 work at
    7x7 (coarse), 2-3 at 14x14 (middle), 4-5 at 28x28 (fine); a 1x1 convolution
    turns the last feature maps into the image. ``w_avg`` (a buffer) follows
    the mean ``w`` during training: the centre of the truncation trick.
    ``mixing_prob``: the share of training batches made with two codes
    (a random crossover layer), StyleGAN's mixing regularisation.
    """

    num_layers = len(RESOLUTIONS)

    def __init__(
        self,
        latent_dim: int = 64,
        w_dim: int = 64,
        channels: tuple[int, int, int] = (64, 32, 16),
        mapping_layers: int = 4,
        mixing_prob: float = 0.9,
        w_avg_beta: float = 0.995,
    ):
        super().__init__()
        if len(channels) != 3:
            raise ValueError(f"channels must give 3 widths (7x7, 14x14, 28x28), got {channels!r}")
        if not 0.0 <= mixing_prob <= 1.0:
            raise ValueError(f"mixing_prob must be in [0, 1], got {mixing_prob!r}")
        c7, c14, c28 = (_check_size("channels", c) for c in channels)
        self.latent_dim, self.w_dim = _check_size("latent_dim", latent_dim), _check_size("w_dim", w_dim)
        self.mixing_prob, self.w_avg_beta = float(mixing_prob), float(w_avg_beta)
        self.mapping = MappingNetwork(latent_dim, w_dim, mapping_layers)
        self.const = nn.Parameter(torch.randn(1, c7, 7, 7))
        widths = [(c7, c7), (c7, c7), (c7, c14), (c14, c14), (c14, c28), (c28, c28)]
        self.layers = nn.ModuleList(
            StyleLayer(cin, cout, w_dim, size, upsample=i in (2, 4), seed=i)
            for i, ((cin, cout), size) in enumerate(zip(widths, RESOLUTIONS))
        )
        self.to_image = nn.Conv2d(c28, 1, 1)
        self.register_buffer("w_avg", torch.zeros(w_dim))

    # ---- codes -------------------------------------------------------------

    def w_of(self, z: torch.Tensor, psi: float = 1.0) -> torch.Tensor:
        """``w`` ``(N, w_dim)`` for ``z``, truncated towards ``w_avg`` by ``psi`` (1: no truncation)."""
        return truncate(self.mapping(z), psi, self.w_avg)

    def mix(self, w_coarse: torch.Tensor, w_fine: torch.Tensor, crossover: int) -> torch.Tensor:
        """One ``w`` per layer ``(N, 6, w_dim)``: ``w_coarse`` for layers ``< crossover``, ``w_fine`` from there.

        ``crossover=2``: the 7x7 layers from ``w_coarse``, the rest from ``w_fine``;
        ``crossover=4``: 7x7 and 14x14 from ``w_coarse``, 28x28 from ``w_fine``.
        """
        if isinstance(crossover, bool) or not isinstance(crossover, int) or not 0 <= crossover <= self.num_layers:
            raise ValueError(f"crossover must be an int in [0, {self.num_layers}], got {crossover!r}")
        w_coarse, w_fine = self._check_w(w_coarse, "w_coarse"), self._check_w(w_fine, "w_fine")
        if w_coarse.shape != w_fine.shape:
            raise ValueError(f"w_coarse and w_fine must have the same shape, got {tuple(w_coarse.shape)} and {tuple(w_fine.shape)}")
        use_coarse = (torch.arange(self.num_layers, device=w_coarse.device) < crossover)[None, :, None]
        return torch.where(use_coarse, w_coarse[:, None], w_fine[:, None])

    def _check_w(self, w, name: str = "w") -> torch.Tensor:
        if not isinstance(w, torch.Tensor) or w.ndim != 2 or w.shape[1] != self.w_dim:
            shape = tuple(w.shape) if isinstance(w, torch.Tensor) else type(w).__name__
            raise ValueError(f"{name} must be (N, {self.w_dim}), got {shape}")
        return w

    def _ws(self, ws: torch.Tensor) -> torch.Tensor:
        if not isinstance(ws, torch.Tensor):
            raise TypeError(f"ws must be a torch tensor, got {type(ws).__name__}")
        if ws.ndim == 2:
            ws = self._check_w(ws, "ws")[:, None].expand(-1, self.num_layers, -1)
        if ws.ndim != 3 or ws.shape[1:] != (self.num_layers, self.w_dim):
            raise ValueError(
                f"ws must be (N, {self.w_dim}) (one w for every layer) or (N, {self.num_layers}, {self.w_dim}) "
                f"(one per layer), got {tuple(ws.shape)}"
            )
        return ws

    # ---- images ------------------------------------------------------------

    def synthesize(self, ws: torch.Tensor, *, noise: str | None = None, return_activations: bool = False):
        """Images in [-1, 1] ``(N, 1, 28, 28)`` from one ``w`` per layer (or one ``w`` for all).

        ``noise``: ``"random"`` (fresh per call), ``"const"`` (the fixed noise
        images: repeatable) or ``"none"``; default random in training, const in
        eval mode. ``return_activations=True`` also returns the list of each
        style layer's output (what the probes in the lesson look at).
        """
        ws = self._ws(ws)
        noise = noise or ("random" if self.training else "const")
        if noise not in NOISE_MODES:
            raise ValueError(f"noise must be one of {NOISE_MODES}, got {noise!r}")
        x = self.const.expand(len(ws), -1, -1, -1)
        activations = []
        for i, layer in enumerate(self.layers):
            x = layer(x, ws[:, i], noise)
            activations.append(x)
        image = torch.tanh(self.to_image(x))
        return (image, activations) if return_activations else image

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Images in [-1, 1] for codes ``z``; in training mode also tracks ``w_avg`` and mixes styles."""
        w = self.mapping(z)
        if not self.training:
            return self.synthesize(w)
        with torch.no_grad():
            self.w_avg.lerp_(w.detach().mean(0).to(self.w_avg.dtype), 1 - self.w_avg_beta)
        ws = w[:, None].expand(-1, self.num_layers, -1)
        if self.mixing_prob > 0 and float(torch.rand(())) < self.mixing_prob:
            crossover = int(torch.randint(1, self.num_layers, ()))
            ws = self.mix(w, self.mapping(torch.randn_like(z)), crossover)
        return self.synthesize(ws)

    @torch.no_grad()
    def images_from_ws(self, ws: torch.Tensor) -> torch.Tensor:
        """Images in [0, 1] on the CPU from ``ws`` (as :meth:`synthesize`), in eval mode (constant noise)."""
        was_training = self.training
        self.eval()
        try:
            device = next(self.parameters()).device
            return to_unit(self.synthesize(ws.to(device)).float().cpu())
        finally:
            self.train(was_training)

    @torch.no_grad()
    def sample(self, n: int, seed: int = 0, *, psi: float = 1.0) -> torch.Tensor:
        """``n`` images in [0, 1] from ``sample_z(n, latent_dim, seed)``, truncated in w space towards ``w_avg``."""
        was_training = self.training
        self.eval()
        try:
            device = next(self.parameters()).device
            z = sample_z(n, self.latent_dim, seed)
            ws = torch.cat([self.w_of(z[i : i + 500].to(device), psi) for i in range(0, n, 500)])
        finally:
            self.train(was_training)
        return torch.cat([self.images_from_ws(ws[i : i + 500]) for i in range(0, n, 500)])


def load(name: str = "stylegan", *, directory=None) -> StyleGenerator:
    """A shipped style generator (default: checkpoint ``stylegan``), built from the settings its manifest
    records, weights sha256-checked; in eval mode on the CPU."""
    return load_checkpoint(name, generator_from_settings(recorded_settings(name, directory)), directory=directory).eval()


def generator_from_settings(settings: dict) -> StyleGenerator:
    """A fresh :class:`StyleGenerator` from a recipe's settings (``latent_dim, w_dim, channels,
    mapping_layers, mixing_prob``), as ``coursekit.recipes.stylegan.SETTINGS`` holds them."""
    return StyleGenerator(settings["latent_dim"], settings["w_dim"], tuple(settings["channels"]),
                          settings["mapping_layers"], settings["mixing_prob"])

"""The "old generation" deepfake: one shared encoder, one decoder per identity (faceswap "original", scaled down).

As the lecture draws it: a 64x64x3 aligned face → stride-2 3x3 convolutions
down to 4x4 → a dense bottleneck → dense back to 4x4 and one upscale to an
8x8 "latent face"; each identity's decoder upscales (3x3 conv + pixel shuffle)
to a 64x64x3 face (tanh, mapped to [0, 1]) and a 64x64x1 mask (sigmoid).
Trained to rebuild both identities' faces, the encoder learns what the two
have in common (pose, expression, lighting) and each decoder how its person
looks; a *swap* encodes a face of one person and decodes it with the other's
decoder (:meth:`FaceSwapAE.swap`).

Widths here are the originals' divided by 4 (faceswap "original": encoder
128-1024 channels, dense 1024, latent 8x8x512, decoders 256/128/64; our
defaults 32-256, 128, 8x8x128, 64/32/16), so it trains on a CPU.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["DEFAULTS", "FaceSwapAE", "encoder_shapes"]

DEFAULTS = {"size": 64, "encoder_widths": (32, 64, 128, 256), "dense": 128, "latent_channels": 128,
            "decoder_widths": (64, 32, 16)}


def _positive_ints(name: str, values, count: int | None = None) -> tuple[int, ...]:
    if not isinstance(values, (tuple, list)) or not values or (count is not None and len(values) != count) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
        want = f"{count} " if count else ""
        raise ValueError(f"{name} must be a tuple of {want}positive ints, got {values!r}")
    return tuple(values)


def _act() -> nn.Module:
    return nn.LeakyReLU(0.1)


def _upscale(cin: int, cout: int) -> nn.Sequential:
    """x2: a 3x3 conv to 4x the channels, then pixel shuffle (faceswap's ``UpscaleBlock``)."""
    return nn.Sequential(nn.Conv2d(cin, 4 * cout, 3, padding=1), _act(), nn.PixelShuffle(2))


def encoder_shapes(size: int = 64, encoder_widths=DEFAULTS["encoder_widths"], dense: int = DEFAULTS["dense"],
                   latent_channels: int = DEFAULTS["latent_channels"]) -> list[tuple[str, tuple[int, ...]]]:
    """``(layer, output shape C x H x W or features)`` through the encoder, for a face of ``size`` px."""
    widths = _positive_ints("encoder_widths", encoder_widths)
    side = size
    shapes = [("input", (3, size, size))]
    for w in widths:
        side = (side - 1) // 2 + 1  # 3x3, stride 2, padding 1
        shapes.append((f"conv 3x3 / 2 → {w}", (w, side, side)))
    shapes.append(("flatten", (widths[-1] * side * side,)))
    shapes.append((f"dense → {dense}", (dense,)))
    shapes.append(("dense, reshape", (latent_channels, side, side)))
    shapes.append(("upscale x2 (latent face)", (latent_channels, 2 * side, 2 * side)))
    return shapes


class _Decoder(nn.Module):
    def __init__(self, latent_channels: int, widths: tuple[int, ...]):
        super().__init__()
        layers, cin = [], latent_channels
        for w in widths:
            layers.append(_upscale(cin, w))
            cin = w
        self.body = nn.Sequential(*layers)
        self.face = nn.Conv2d(cin, 3, 5, padding=2)
        self.mask = nn.Conv2d(cin, 1, 5, padding=2)

    def forward(self, latent: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(latent)
        return (torch.tanh(self.face(h)) + 1) / 2, torch.sigmoid(self.mask(h))


class FaceSwapAE(nn.Module):
    """A shared encoder and one decoder per name in ``identities``; faces ``(N, 3, size, size)`` in [0, 1]."""

    def __init__(self, identities=("a", "b"), size: int = DEFAULTS["size"],
                 encoder_widths=DEFAULTS["encoder_widths"], dense: int = DEFAULTS["dense"],
                 latent_channels: int = DEFAULTS["latent_channels"], decoder_widths=DEFAULTS["decoder_widths"]):
        super().__init__()
        if not isinstance(identities, (tuple, list)) or len(identities) < 2 or len(set(identities)) != len(identities) \
                or not all(isinstance(i, str) and i.isidentifier() for i in identities):
            raise ValueError(f"identities must be at least two different names (identifiers), got {identities!r}")
        enc = _positive_ints("encoder_widths", encoder_widths)
        dec = _positive_ints("decoder_widths", decoder_widths)
        self.identities, self.size = tuple(identities), size
        side = size // 2 ** len(enc)
        if isinstance(size, bool) or not isinstance(size, int) or side < 1 or side * 2 ** len(enc) != size:
            raise ValueError(f"size must be an int divisible by 2^{len(enc)} (one halving per encoder width), got {size!r}")
        if 2 * side * 2 ** len(dec) != size:
            raise ValueError(f"{len(dec)} decoder upscales from {2 * side}x{2 * side} do not reach {size}x{size}")
        self.latent_channels = _positive_ints("latent_channels", (latent_channels,))[0]
        dense = _positive_ints("dense", (dense,))[0]
        layers, cin = [], 3
        for w in enc:
            layers += [nn.Conv2d(cin, w, 3, stride=2, padding=1), _act()]
            cin = w
        self.encoder = nn.Sequential(
            *layers, nn.Flatten(), nn.Linear(cin * side * side, dense),
            nn.Linear(dense, latent_channels * side * side), nn.Unflatten(1, (latent_channels, side, side)),
            _upscale(latent_channels, latent_channels))
        self.decoders = nn.ModuleDict({name: _Decoder(latent_channels, dec) for name in self.identities})

    def _faces(self, x) -> torch.Tensor:
        if not isinstance(x, torch.Tensor) or x.ndim != 4 or tuple(x.shape[1:]) != (3, self.size, self.size):
            got = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            raise ValueError(f"faces must be (N, 3, {self.size}, {self.size}) in [0, 1], got {got}")
        return x

    def encode(self, faces: torch.Tensor) -> torch.Tensor:
        """The latent faces ``(N, latent_channels, 8, 8)`` (for 64 px) of aligned faces."""
        return self.encoder(self._faces(faces))

    def decode(self, latent: torch.Tensor, identity: str) -> tuple[torch.Tensor, torch.Tensor]:
        """``(face, mask)`` of ``identity``'s decoder: ``(N, 3, size, size)`` and ``(N, 1, size, size)`` in [0, 1]."""
        if identity not in self.decoders:
            raise ValueError(f"no decoder for {identity!r}; this model has {', '.join(self.identities)}")
        return self.decoders[identity](latent)

    def forward(self, faces: torch.Tensor, identity: str) -> tuple[torch.Tensor, torch.Tensor]:
        """Rebuild ``faces`` through ``identity``'s decoder (a reconstruction if they are that person's)."""
        return self.decode(self.encode(faces), identity)

    @torch.no_grad()
    def swap(self, faces: torch.Tensor, to: str, *, batch_size: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
        """The swap: encode faces of one person, decode them as ``to``; eval mode, CPU results."""
        was_training = self.training
        self.eval()
        try:
            device = next(self.parameters()).device
            parts = [self(faces[i:i + batch_size].to(device), to) for i in range(0, len(faces), batch_size)]
            return torch.cat([p[0] for p in parts]).cpu(), torch.cat([p[1] for p in parts]).cpu()
        finally:
            self.train(was_training)

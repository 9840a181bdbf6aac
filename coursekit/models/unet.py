"""A small class-conditional UNet for diffusion on 28x28 digits, readable in one file (week 6).

The network predicts the noise (or x_0 or v) of x_t given the step t and a
class label. Its parts, as in DDPM's and Stable Diffusion's UNets, in miniature:

- a **time embedding**: t as sines and cosines at many frequencies, then an MLP;
- a **class embedding** with one extra "null" class (index ``num_classes``),
  the empty prompt that classifier-free guidance compares against;
- **residual blocks** whose normalisation both embeddings scale and shift;
- **self-attention** at the lowest resolution (7x7: 49 positions), optional;
- a **down path** (28 -> 14 -> 7) whose features are handed over the **skip
  connections** to the **up path** (7 -> 14 -> 28).

Shapes are written for ``channels=(32, 64, 64)`` on a (N, 1, 28, 28) batch.
Other sizes work too: week 7's latent model runs it on (N, 4, 7, 7) VAE
latents (7 -> 4 -> 2 and back, each upsampling to its skip's size).
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["UNet", "ResBlock", "SelfAttention", "timestep_embedding"]


def timestep_embedding(t: torch.Tensor, dim: int, max_period: float = 10_000.0) -> torch.Tensor:
    """(N,) integer steps -> (N, dim): [cos(t·f_i), sin(t·f_i)] at frequencies f_i from 1 down to 1/max_period."""
    if t.ndim != 1:
        raise ValueError(f"t must be one step per image, shape (N,), got {tuple(t.shape)}")
    if dim < 2 or dim % 2:
        raise ValueError(f"dim must be an even int >= 2, got {dim!r}")
    half = dim // 2
    frequencies = torch.exp(-math.log(max_period) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    angles = t.float()[:, None] * frequencies[None]
    return torch.cat([torch.cos(angles), torch.sin(angles)], dim=1)


class ResBlock(nn.Module):
    """GroupNorm-SiLU-conv twice and a skip path; the (time + class) embedding scales and shifts the
    second normalisation (adaptive group norm, as in improved DDPM), channel by channel."""

    def __init__(self, c_in: int, c_out: int, emb_dim: int, groups: int, dropout: float):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(groups, c_in), nn.Conv2d(c_in, c_out, 3, padding=1)
        self.emb = nn.Linear(emb_dim, 2 * c_out)  # a scale and a shift per channel
        self.norm2, self.conv2 = nn.GroupNorm(groups, c_out), nn.Conv2d(c_out, c_out, 3, padding=1)
        self.dropout = nn.Dropout(dropout)
        self.skip = nn.Identity() if c_in == c_out else nn.Conv2d(c_in, c_out, 1)
        nn.init.zeros_(self.conv2.weight)  # each block starts as the identity: training starts stable
        nn.init.zeros_(self.conv2.bias)

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.emb(emb)[:, :, None, None].chunk(2, dim=1)  # the same over every pixel of a channel
        h = self.norm2(h) * (1 + scale) + shift
        h = self.conv2(self.dropout(F.silu(h)))
        return self.skip(x) + h


class SelfAttention(nn.Module):
    """Every position looks at every other (one head): softmax(QKᵀ/√c)·V, added back to the input."""

    def __init__(self, channels: int, groups: int):
        super().__init__()
        self.norm = nn.GroupNorm(groups, channels)
        self.qkv = nn.Conv2d(channels, 3 * channels, 1)
        self.out = nn.Conv2d(channels, channels, 1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(n, 3, c, h * w).unbind(1)  # each (N, C, HW)
        attended = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2))
        return x + self.out(attended.transpose(1, 2).reshape(n, c, h, w))


class UNet(nn.Module):
    """``UNet()(x, t, labels) -> (N, C, 28, 28)``; ``labels=None`` (or ``null_label``) is the unconditional model."""

    def __init__(self, in_channels: int = 1, channels: tuple[int, int, int] = (32, 64, 64), num_classes: int = 10,
                 emb_dim: int = 128, attention: bool = True, groups: int = 8, dropout: float = 0.0):
        super().__init__()
        if len(channels) != 3 or any(c % groups for c in channels):
            raise ValueError(f"channels must be three widths divisible by groups={groups}, got {channels!r}")
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"num_classes must be an int >= 1, got {num_classes!r}")
        c1, c2, c3 = channels
        self.in_channels, self.num_classes, self.emb_dim = in_channels, num_classes, emb_dim
        self.time_mlp = nn.Sequential(nn.Linear(emb_dim, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))
        self.class_emb = nn.Embedding(num_classes + 1, emb_dim)  # the last row is the null class

        def block(c_in, c_out):
            return ResBlock(c_in, c_out, emb_dim, groups, dropout)

        self.conv_in = nn.Conv2d(in_channels, c1, 3, padding=1)  # (N, 32, 28, 28)
        self.down1 = block(c1, c1)  # (N, 32, 28, 28) -> skip 1
        self.pool1 = nn.Conv2d(c1, c1, 3, stride=2, padding=1)  # (N, 32, 14, 14)
        self.down2 = block(c1, c2)  # (N, 64, 14, 14) -> skip 2
        self.pool2 = nn.Conv2d(c2, c2, 3, stride=2, padding=1)  # (N, 64, 7, 7)
        self.mid1 = block(c2, c3)  # (N, 64, 7, 7)
        self.attn = SelfAttention(c3, groups) if attention else nn.Identity()
        self.mid2 = block(c3, c3)
        self.up2 = block(c3 + c2, c2)  # upsampled to 14x14, joined with skip 2: (N, 128, 14, 14) -> (N, 64, 14, 14)
        self.up1 = block(c2 + c1, c1)  # upsampled to 28x28, joined with skip 1: (N, 96, 28, 28) -> (N, 32, 28, 28)
        self.norm_out = nn.GroupNorm(groups, c1)
        self.conv_out = nn.Conv2d(c1, in_channels, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)  # predicts 0 at the start
        nn.init.zeros_(self.conv_out.bias)

    @property
    def null_label(self) -> int:
        return self.num_classes

    def embed(self, t: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
        """The (N, emb_dim) vector every block reads: time MLP + class embedding."""
        if labels is None:
            labels = torch.full_like(t, self.null_label)
        labels = torch.as_tensor(labels, device=t.device).long()
        if labels.shape != t.shape:
            raise ValueError(f"labels must be one class per image, shape {tuple(t.shape)}, got {tuple(labels.shape)}")
        if bool(((labels < 0) | (labels > self.null_label)).any()):
            raise ValueError(f"labels must lie in [0, {self.null_label}] ({self.null_label}: the null class)")
        return self.time_mlp(timestep_embedding(t, self.emb_dim)) + self.class_emb(labels)

    def encode(self, x: torch.Tensor, emb: torch.Tensor,
               hint: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The down path and the middle: (skip 1, skip 2, the 7x7 features), what a ControlNet copies.

        ``hint`` (shaped like ``conv_in``'s output) is added right after ``conv_in``: a ControlNet's condition.
        """
        h = self.conv_in(x)
        h1 = self.down1(h if hint is None else h + hint, emb)
        h2 = self.down2(self.pool1(h1), emb)
        return h1, h2, self.mid2(self.attn(self.mid1(self.pool2(h2), emb)), emb)

    def forward(self, x: torch.Tensor, t: torch.Tensor, labels: torch.Tensor | None = None,
                residuals: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None) -> torch.Tensor:
        """``residuals``: three tensors shaped like (skip 1, skip 2, middle), added to them (a ControlNet's output)."""
        if x.ndim != 4 or x.shape[1] != self.in_channels or min(x.shape[-2:]) < 4:
            raise ValueError(f"x must be (N, {self.in_channels}, H, W) with H and W at least 4, got {tuple(x.shape)}")
        t = torch.as_tensor(t, device=x.device)
        t = t.expand(len(x)) if t.ndim == 0 else t
        emb = self.embed(t, labels)
        h1, h2, h = self.encode(x, emb)
        if residuals is not None:
            if len(residuals) != 3 or any(r.shape != f.shape for r, f in zip(residuals, (h1, h2, h))):
                raise ValueError("residuals must be three tensors shaped like the two skips and the middle, got "
                                 f"{[tuple(r.shape) for r in residuals]}")
            h1, h2, h = h1 + residuals[0], h2 + residuals[1], h + residuals[2]
        h = self.up2(torch.cat([F.interpolate(h, size=h2.shape[-2:], mode="nearest"), h2], 1), emb)
        h = self.up1(torch.cat([F.interpolate(h, size=h1.shape[-2:], mode="nearest"), h1], 1), emb)
        return self.conv_out(F.silu(self.norm_out(h)))

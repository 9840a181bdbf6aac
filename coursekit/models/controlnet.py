"""ControlNet's idea on the week-6 UNet: a trainable copy of the encoder reads a condition image (week 7).

The base UNet stays frozen. :class:`ControlNet` copies its encoder (down path
and middle), adds the condition image (an edge map) through a small "hint"
network after the first convolution, and hands its three feature maps to the
base through **zero convolutions**, 1x1 convolutions whose weights start at 0.
At initialisation the control branch therefore adds exactly nothing, and
training starts from the base model's behaviour (Zhang et al. 2023).
:class:`ControlledUNet` is the pair, called like the UNet with the condition
bound beforehand, so the same samplers and guidance run it.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from .unet import UNet

__all__ = ["zero_conv", "ControlNet", "ControlledUNet"]


def zero_conv(c_in: int, c_out: int, kernel: int = 1) -> nn.Conv2d:
    """A convolution whose weight and bias start at 0: it outputs 0 until training moves it."""
    conv = nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2)
    nn.init.zeros_(conv.weight)
    nn.init.zeros_(conv.bias)
    return conv


class ControlNet(nn.Module):
    """``control(x, t, labels, condition)`` -> three residuals for ``base(x, t, labels, residuals=...)``."""

    def __init__(self, base: UNet, *, condition_channels: int = 1, hint_width: int = 16):
        super().__init__()
        if not isinstance(base, UNet):
            raise TypeError(f"base must be a coursekit.models.unet.UNet, got {type(base).__name__}")
        self.copy = copy.deepcopy(base)  # starts as the base's encoder, then trains on its own
        for name in ("up2", "up1", "norm_out", "conv_out"):  # the decoder is not copied
            delattr(self.copy, name)
        for p in self.copy.parameters():
            p.requires_grad_(True)
        c1, c2 = base.conv_in.out_channels, base.down2.conv1.out_channels
        c3 = base.mid2.conv1.out_channels
        self.condition_channels = condition_channels
        self.hint = nn.Sequential(nn.Conv2d(condition_channels, hint_width, 3, padding=1), nn.SiLU(),
                                  nn.Conv2d(hint_width, hint_width, 3, padding=1), nn.SiLU(),
                                  zero_conv(hint_width, c1, 3))
        self.zero = nn.ModuleList([zero_conv(c1, c1), zero_conv(c2, c2), zero_conv(c3, c3)])

    def forward(self, x: torch.Tensor, t: torch.Tensor, labels: torch.Tensor | None,
                condition: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        if condition.ndim != 4 or condition.shape[0] != x.shape[0] or condition.shape[1] != self.condition_channels \
                or condition.shape[2:] != x.shape[2:]:
            raise ValueError(f"condition must be ({x.shape[0]}, {self.condition_channels}, {x.shape[2]}, {x.shape[3]}), "
                             f"one map per image, got {tuple(condition.shape)}")
        t = torch.as_tensor(t, device=x.device)
        t = t.expand(len(x)) if t.ndim == 0 else t
        features = self.copy.encode(x, self.copy.embed(t, labels), hint=self.hint(condition))
        return tuple(zero(f) for zero, f in zip(self.zero, features))


class ControlledUNet(nn.Module):
    """A frozen base UNet plus a :class:`ControlNet`; set :attr:`condition` (N or 1 maps) before calling."""

    def __init__(self, base: UNet, control: ControlNet, *, strength: float = 1.0):
        super().__init__()
        self.base, self.control, self.strength = base, control, float(strength)
        self.condition: torch.Tensor | None = None
        for p in self.base.parameters():
            p.requires_grad_(False)

    @property
    def null_label(self) -> int:
        return self.base.null_label

    @property
    def in_channels(self) -> int:
        return self.base.in_channels

    def forward(self, x: torch.Tensor, t: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if self.condition is None:
            raise ValueError("set .condition (the edge maps, in [0, 1]) before calling a ControlledUNet")
        condition = self.condition.to(x.device)
        if len(x) % len(condition):
            raise ValueError(f"{len(x)} images but {len(condition)} condition maps: give one map or one per image")
        condition = condition.repeat(len(x) // len(condition), 1, 1, 1)  # guidance doubles the batch: same maps
        residuals = self.control(x, t, labels, condition)
        return self.base(x, t, labels, residuals=tuple(self.strength * r for r in residuals))

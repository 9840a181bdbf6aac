"""The same denoiser job through the library: ``diffusers.UNet2DModel``, built from a config in code (week 6).

:class:`LibraryUNet` wraps a small ``UNet2DModel`` so that it is called like
:class:`coursekit.models.unet.UNet`, ``net(x, t, labels)``, and plugs into the
same pipeline, training loop and samplers. Class conditioning goes through
``num_class_embeds`` (an embedding added to the time embedding, as in the
Hugging Face diffusion course); one extra row is the null class for guidance.
The default configuration is the course unit's: widths 32/64/64, two ResNet
layers per block, attention in the two lower blocks (14x14 and 7x7). Nothing
is downloaded.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["LibraryUNet"]


class LibraryUNet(nn.Module):
    """``diffusers.UNet2DModel`` with ``num_classes`` + 1 class embeddings (the last one the null class)."""

    def __init__(self, *, num_classes: int = 10, in_channels: int = 1, channels=(32, 64, 64),
                 layers_per_block: int = 2, attention=(False, True, True), size: int = 28):
        super().__init__()
        from diffusers import UNet2DModel  # imported here: the rest of coursekit does not need diffusers

        channels, attention = tuple(channels), tuple(attention)
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"num_classes must be an int >= 1, got {num_classes!r}")
        if len(channels) != len(attention) or not channels:
            raise ValueError(f"channels and attention need one entry per block, got {channels} and {attention}")
        if size % 2 ** (len(channels) - 1):
            raise ValueError(f"size {size} cannot be halved {len(channels) - 1} times")
        self.null_label, self.in_channels = num_classes, in_channels
        self.unet = UNet2DModel(
            sample_size=size, in_channels=in_channels, out_channels=in_channels,
            block_out_channels=channels, layers_per_block=layers_per_block,
            down_block_types=tuple("AttnDownBlock2D" if a else "DownBlock2D" for a in attention),
            up_block_types=tuple("AttnUpBlock2D" if a else "UpBlock2D" for a in reversed(attention)),
            norm_num_groups=min(32, min(channels)), num_class_embeds=num_classes + 1,
        )

    def forward(self, x: torch.Tensor, t: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        if len(t) != len(x) or len(labels) != len(x):
            raise ValueError(f"need one t and one label per image: {len(x)} images, {len(t)} steps, {len(labels)} labels")
        return self.unet(x, t, class_labels=labels).sample

"""FaceShifter's Adaptive Attentional Denormalization (AAD) layer (Li et al. 2020), the "new generation" idea.

Given a feature map h, the target's attribute features z_att (same size) and
the source's identity vector z_id:

    h̄ = InstanceNorm(h)
    A = γ_att ⊙ h̄ + β_att      γ_att, β_att: 3x3 convs of z_att (pose, expression, lighting, background)
    I = γ_id ⊙ h̄ + β_id        γ_id, β_id: linear maps of z_id, one value per channel (who it is)
    M = σ(conv(h̄))             a learned attention mask, one channel
    out = (1 − M) ⊙ A + M ⊙ I

So each pixel chooses how much of the target's attributes and how much of the
source's identity it takes. AEI-Net stacks these layers in its generator;
training it needs the adversarial, attribute, identity and reconstruction
losses (weights 1 : 10 : 5 : 10) and a face recognizer for z_id, far beyond a
CPU course (the open reimplementation reports over a week on two V100s), so
week 4 builds the layer and shows its mask, not a trained FaceShifter.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["AADLayer", "AEI_NET_LOSS_WEIGHTS", "HEAR_NET_LOSS_WEIGHTS"]

AEI_NET_LOSS_WEIGHTS = {"adversarial": 1, "attribute": 10, "identity": 5, "reconstruction": 10}
HEAR_NET_LOSS_WEIGHTS = {"identity": 1, "change": 1, "reconstruction": 1}


class AADLayer(nn.Module):
    """One AAD layer for ``channels`` feature channels, ``attribute_channels`` of z_att, an ``identity_dim`` z_id."""

    def __init__(self, channels: int, attribute_channels: int, identity_dim: int):
        super().__init__()
        for name, value in (("channels", channels), ("attribute_channels", attribute_channels),
                            ("identity_dim", identity_dim)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        self.channels = channels
        self.norm = nn.InstanceNorm2d(channels, affine=False)
        self.att_gamma = nn.Conv2d(attribute_channels, channels, 3, padding=1)
        self.att_beta = nn.Conv2d(attribute_channels, channels, 3, padding=1)
        self.id_gamma = nn.Linear(identity_dim, channels)
        self.id_beta = nn.Linear(identity_dim, channels)
        self.mask = nn.Conv2d(channels, 1, 3, padding=1)

    def parts(self, h: torch.Tensor, z_att: torch.Tensor, z_id: torch.Tensor) -> dict[str, torch.Tensor]:
        """``{"normalized", "attribute", "identity", "mask", "out"}``: every term of the formulas."""
        if h.ndim != 4 or h.shape[1] != self.channels:
            raise ValueError(f"h must be (N, {self.channels}, H, W), got {tuple(h.shape)}")
        if z_att.ndim != 4 or z_att.shape[0] != h.shape[0] or z_att.shape[-2:] != h.shape[-2:] \
                or z_att.shape[1] != self.att_gamma.in_channels:
            raise ValueError(f"z_att must be (N, {self.att_gamma.in_channels}, {h.shape[2]}, {h.shape[3]}) like h, "
                             f"got {tuple(z_att.shape)}")
        if z_id.ndim != 2 or z_id.shape != (h.shape[0], self.id_gamma.in_features):
            raise ValueError(f"z_id must be (N, {self.id_gamma.in_features}), got {tuple(z_id.shape)}")
        h_bar = self.norm(h)
        attribute = self.att_gamma(z_att) * h_bar + self.att_beta(z_att)
        identity = self.id_gamma(z_id)[..., None, None] * h_bar + self.id_beta(z_id)[..., None, None]
        mask = torch.sigmoid(self.mask(h_bar))
        return {"normalized": h_bar, "attribute": attribute, "identity": identity, "mask": mask,
                "out": (1 - mask) * attribute + mask * identity}

    def forward(self, h: torch.Tensor, z_att: torch.Tensor, z_id: torch.Tensor) -> torch.Tensor:
        return self.parts(h, z_att, z_id)["out"]

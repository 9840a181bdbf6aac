"""coursekit.models.controlnet: zero convolutions change nothing at first; only the control branch trains."""

import pytest
import torch
from torch import nn

from coursekit.models.controlnet import ControlledUNet, ControlNet, zero_conv
from coursekit.models.unet import UNet


def base():
    torch.manual_seed(0)
    net = UNet(channels=(8, 16, 16))
    for p in net.parameters():
        nn.init.normal_(p, std=0.05)  # the UNet zero-initialises its output: make the base do something
    return net


def inputs(n=2):
    g = torch.Generator().manual_seed(1)
    return (torch.randn(n, 1, 28, 28, generator=g), torch.tensor([10, 600])[:n], torch.tensor([3, 7])[:n],
            (torch.rand(n, 1, 28, 28, generator=g) > 0.8).float())


def test_at_initialisation_the_control_branch_adds_nothing():
    unet = base()
    x, t, y, edges = inputs()
    controlled = ControlledUNet(unet, ControlNet(unet))
    controlled.condition = edges
    torch.testing.assert_close(controlled(x, t, y), unet(x, t, y))
    assert all(float(r.detach().abs().max()) == 0 for r in controlled.control(x, t, y, edges))
    assert float(zero_conv(3, 4)(torch.randn(1, 3, 5, 5)).detach().abs().max()) == 0


def test_after_a_step_the_condition_matters_and_only_the_control_trains():
    unet = base()
    control = ControlNet(unet)
    controlled = ControlledUNet(unet, control)
    x, t, y, edges = inputs()
    controlled.condition = edges
    optimizer = torch.optim.Adam([p for p in controlled.parameters() if p.requires_grad], lr=1e-2)
    before = {k: v.clone() for k, v in unet.state_dict().items()}
    for _ in range(3):
        loss = controlled(x, t, y).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert all(torch.equal(before[k], v) for k, v in unet.state_dict().items())  # the base is frozen
    with_edges = controlled(x, t, y)
    controlled.condition = torch.zeros_like(edges)
    assert not torch.allclose(with_edges, controlled(x, t, y))
    controlled.strength = 0.0
    torch.testing.assert_close(controlled(x, t, y), unet(x, t, y))


def test_one_condition_map_serves_a_guided_double_batch():
    unet = base()
    controlled = ControlledUNet(unet, ControlNet(unet))
    x, t, y, edges = inputs()
    controlled.condition = edges
    out = controlled(torch.cat([x, x]), torch.cat([t, t]), torch.cat([y, torch.full_like(y, 10)]))
    assert out.shape == (4, 1, 28, 28)


def test_controlnet_rejects_bad_input():
    unet = base()
    x, t, y, edges = inputs()
    with pytest.raises(TypeError, match="UNet"):
        ControlNet(nn.Conv2d(1, 1, 1))
    controlled = ControlledUNet(unet, ControlNet(unet))
    with pytest.raises(ValueError, match="set .condition"):
        controlled(x, t, y)
    controlled.condition = edges[:, :, :14]
    with pytest.raises(ValueError, match="condition must be"):
        controlled(x, t, y)
    controlled.condition = torch.zeros(3, 1, 28, 28)
    with pytest.raises(ValueError, match="one map or one per image"):
        controlled(x, t, y)
    with pytest.raises(ValueError, match="residuals must be"):
        unet(x, t, y, residuals=(torch.zeros(1), torch.zeros(1), torch.zeros(1)))

"""coursekit.models.lora: W + (α/r)·B·A from the formula, frozen bases, a small separate adapter, a strength knob."""

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from coursekit.models import lora
from coursekit.models.unet import UNet


def test_a_fresh_adapter_changes_nothing_and_only_it_trains():
    torch.manual_seed(0)
    net = UNet(channels=(8, 16, 16))
    x, t, y = torch.randn(2, 1, 28, 28), torch.tensor([3, 700]), torch.tensor([1, 2])
    for p in net.parameters():
        nn.init.normal_(p, std=0.05)  # the UNet zero-initialises its output: make the base do something
    before = net(x, t, y)
    names = lora.add_lora(net, rank=4, alpha=8)
    assert "conv_in" in names and "attn.qkv" in names and "time_mlp.0" in names
    torch.testing.assert_close(net(x, t, y), before)
    trainable = [p for p in net.parameters() if p.requires_grad]
    assert {id(p) for p in trainable} == {id(p) for p in lora.lora_parameters(net)}


def test_linear_and_conv_layers_follow_the_formula():
    torch.manual_seed(1)
    linear = lora.LoRALinear(nn.Linear(6, 5), rank=2, alpha=3.0)
    conv = lora.LoRAConv2d(nn.Conv2d(3, 4, 3, stride=2, padding=1), rank=2, alpha=3.0)
    for layer in (linear, conv):
        nn.init.normal_(layer.lora_up.weight)
    x = torch.randn(7, 6)
    a, b = linear.lora_down.weight, linear.lora_up.weight
    want = linear.base(x) + 1.5 * x @ a.T @ b.T
    torch.testing.assert_close(linear(x), want)
    torch.testing.assert_close(F.linear(x, lora.merged_weight(linear), linear.base.bias), want)
    image = torch.randn(2, 3, 9, 9)
    merged = F.conv2d(image, lora.merged_weight(conv), conv.base.bias, stride=2, padding=1)
    torch.testing.assert_close(conv(image), merged, atol=1e-5, rtol=1e-5)
    conv.scale = 0.0
    torch.testing.assert_close(conv(image), conv.base(image))


def test_strength_knob_and_a_saved_adapter_round_trip():
    torch.manual_seed(2)
    net = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.SiLU(), nn.Conv2d(8, 1, 3, padding=1))
    base_out = net(torch.ones(1, 1, 5, 5))
    lora.add_lora(net, rank=2, alpha=2)
    for p in lora.lora_parameters(net):
        nn.init.normal_(p)
    x = torch.ones(1, 1, 5, 5)
    full = net(x)
    lora.set_lora_scale(net, 0.0)
    torch.testing.assert_close(net(x), base_out)
    lora.set_lora_scale(net, 0.5)
    half = net(x)
    assert not torch.allclose(half, full) and not torch.allclose(half, base_out)
    lora.set_lora_scale(net, 1.0)
    state = lora.lora_state_dict(net)
    adapter = sum(v.numel() for v in state.values())
    assert adapter == 2 * 9 + 8 * 2 + 1 * 8 * 9 + 1 * 1  # down (r, in, 3, 3) + up (out, r, 1, 1); conv 2 at rank 1
    fresh = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.SiLU(), nn.Conv2d(8, 1, 3, padding=1))
    fresh.load_state_dict({k.replace(".base", ""): v for k, v in net.state_dict().items() if "lora_" not in k})
    lora.add_lora(fresh, rank=2, alpha=2)
    lora.load_lora_state_dict(fresh, state)
    torch.testing.assert_close(fresh(x), full)


def test_lora_rejects_bad_input():
    with pytest.raises(ValueError, match="rank"):
        lora.LoRALinear(nn.Linear(4, 4), rank=0)
    with pytest.raises(ValueError, match="alpha"):
        lora.LoRALinear(nn.Linear(4, 4), rank=2, alpha=-1)
    with pytest.raises(TypeError, match="nn.Linear"):
        lora.LoRALinear(nn.Conv2d(1, 1, 1))
    with pytest.raises(TypeError, match="ungrouped"):
        lora.LoRAConv2d(nn.Conv2d(4, 4, 3, groups=2))
    with pytest.raises(ValueError, match="not low"):
        lora.LoRALinear(nn.Linear(3, 8), rank=4)
    net = nn.Sequential(nn.Linear(4, 4))
    with pytest.raises(ValueError, match="no LoRA layers"):
        lora.lora_state_dict(net)
    with pytest.raises(ValueError, match="chose no"):
        lora.add_lora(net, include=lambda name, m: False)
    lora.add_lora(net, rank=2)
    with pytest.raises(ValueError, match="already has LoRA"):
        lora.add_lora(net)
    with pytest.raises(ValueError, match="does not fit"):
        lora.load_lora_state_dict(net, {"x": torch.zeros(1)})
    with pytest.raises(ValueError, match="scale"):
        lora.set_lora_scale(net, 5)

"""Checkers of week 7: each passes the reference solution and names the usual mistakes."""

import torch
from torch import nn

from coursekit.checks.week07 import check_keep_known, check_lora_forward, check_zero_conv
from coursekit.models.controlnet import zero_conv
from coursekit.models.lora import LoRALinear


def keep_known(x_prev, known, keep):
    return keep * known + (1 - keep) * x_prev


def lora_forward(x, w, a, b, alpha):
    return x @ w.T + alpha / a.shape[0] * (x @ a.T @ b.T)


def test_keep_known_checker(capsys):
    assert check_keep_known(keep_known)
    assert not check_keep_known(lambda x, k, m: keep_known(k, x, m))
    assert "반대입니다" in capsys.readouterr().out
    assert not check_keep_known(lambda x, k, m: m * k)
    assert "0으로 지웠습니다" in capsys.readouterr().out
    assert not check_keep_known(lambda x, k, m: None)
    assert "None" in capsys.readouterr().out


def test_lora_forward_checker(capsys):
    assert check_lora_forward(lora_forward)
    assert not check_lora_forward(lambda x, w, a, b, alpha: x @ w.T + x @ a.T @ b.T)
    assert "배율을 빠뜨렸습니다" in capsys.readouterr().out
    assert not check_lora_forward(lambda x, w, a, b, alpha: x @ w.T + alpha * (x @ a.T @ b.T))
    assert "α만 곱했습니다" in capsys.readouterr().out
    assert not check_lora_forward(lambda x, w, a, b, alpha: x @ w.T)
    assert "원래 층" in capsys.readouterr().out


def test_reference_lora_forward_is_the_library_layer():
    base = nn.Linear(12, 10, bias=False)
    layer = LoRALinear(base, rank=2, alpha=4.0)
    nn.init.normal_(layer.lora_up.weight)
    x = torch.randn(3, 12)
    expected = lora_forward(x, base.weight, layer.lora_down.weight, layer.lora_up.weight, 4.0)
    torch.testing.assert_close(layer(x), expected)


def test_zero_conv_checker(capsys):
    assert check_zero_conv(lambda c: zero_conv(c, c))
    assert not check_zero_conv(lambda c: nn.Conv2d(c, c, 1))
    assert "정확히 0이 아닙니다" in capsys.readouterr().out
    assert not check_zero_conv(lambda c: nn.Conv2d(c, c, 3))
    assert "1x1" in capsys.readouterr().out

    def frozen(c):
        conv = zero_conv(c, c)
        conv.requires_grad_(False)
        return conv

    assert not check_zero_conv(frozen)
    assert "requires_grad" in capsys.readouterr().out
    assert not check_zero_conv(lambda c: nn.Linear(c, c))
    assert "nn.Conv2d" in capsys.readouterr().out

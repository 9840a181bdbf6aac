"""Checkers for week 7's exercises (inpainting's merge step, a LoRA layer's forward, a zero convolution)."""

from __future__ import annotations

import torch
from torch import nn

from . import Failed, call, checker
from .tensors import answer_tensor, close

__all__ = ["check_keep_known", "check_lora_forward", "check_zero_conv"]


def _hint(got: torch.Tensor, known: list[tuple[torch.Tensor, str]], default: str) -> str:
    return next((hint for value, hint in known if value.shape == got.shape and close(got, value)), default)


# --- exercise 1 ------------------------------------------------------------------------------


@checker("연습 1 · 인페인팅의 한 스텝: 아는 부분 되돌려 놓기")
def check_keep_known(answer) -> str:
    """Exercise 1: ``answer(x_prev, known_noised, keep)`` -> keep·known_noised + (1 − keep)·x_prev."""
    shape = (3, 1, 28, 28)
    for seed in (91, 92):
        g = torch.Generator().manual_seed(seed)
        x_prev, known = torch.randn(shape, generator=g), torch.randn(shape, generator=g)
        keep = (torch.rand((1, 1, 28, 28), generator=g) > 0.5).float()
        got = answer_tensor(call(answer, x_prev.clone(), known.clone(), keep.clone()), "x_prev", shape)
        want = keep * known + (1 - keep) * x_prev
        if close(got, want):
            continue
        raise Failed(_hint(got, [
            (keep * x_prev + (1 - keep) * known, "keep이 1인 곳(아는 부분)에 모델이 만든 값을, 0인 곳에 원래 그림을 넣었습니다: 반대입니다"),
            (known, "아는 부분만 돌려주었습니다: keep이 0인 곳은 모델이 만든 x_prev를 그대로 둡니다"),
            (x_prev, "아무것도 바꾸지 않았습니다: keep이 1인 곳을 known_noised로 바꿔 넣습니다"),
            (keep * known, "keep이 0인 곳을 0으로 지웠습니다: 그곳에는 모델의 x_prev가 남아야 합니다"),
        ], "식을 확인하세요: keep · known_noised + (1 − keep) · x_prev"))
    return "아는 부분은 같은 단계까지 잡음을 섞은 원본으로, 나머지는 모델이 만든 값으로: 새 픽셀이 매 스텝 원본과 맞춰집니다"


# --- exercise 2 ------------------------------------------------------------------------------


@checker("연습 2 · LoRA 층의 계산 W x + (α/r)·B A x")
def check_lora_forward(answer) -> str:
    """Exercise 2: ``answer(x, W, A, B, alpha)`` -> x Wᵀ + (α/r) x Aᵀ Bᵀ with r = A.shape[0]."""
    for seed, n_in, n_out, rank, alpha in ((101, 12, 10, 2, 4.0), (102, 16, 6, 4, 1.0)):
        g = torch.Generator().manual_seed(seed)
        x = torch.randn((5, n_in), generator=g)
        w = torch.randn((n_out, n_in), generator=g)
        a = torch.randn((rank, n_in), generator=g)
        b = torch.randn((n_out, rank), generator=g)
        got = answer_tensor(call(answer, x.clone(), w.clone(), a.clone(), b.clone(), alpha), "y", (5, n_out))
        update = x @ a.T @ b.T
        want = x @ w.T + alpha / rank * update
        if close(got, want):
            continue
        raise Failed(_hint(got, [
            (x @ w.T + update, "(α/r) 배율을 빠뜨렸습니다: 어댑터의 몫에 α / r을 곱합니다 (r = A의 행 수)"),
            (x @ w.T + alpha * update, "α만 곱했습니다: α / r입니다 (r은 A.shape[0])"),
            (x @ w.T, "원래 층 W x만 돌려주었습니다: 어댑터 B A x를 더합니다"),
            (alpha / rank * update, "어댑터의 몫만 돌려주었습니다: 얼린 원래 층의 W x에 더합니다"),
        ], "식을 확인하세요: y = x Wᵀ + (α / r) · x Aᵀ Bᵀ (A는 r x 입력, B는 출력 x r)"))
    g = torch.Generator().manual_seed(103)
    x, w, a = torch.randn((4, 8), generator=g), torch.randn((3, 8), generator=g), torch.randn((2, 8), generator=g)
    fresh = answer_tensor(call(answer, x, w, a, torch.zeros(3, 2), 2.0), "y", (4, 3))
    if not close(fresh, x @ w.T):
        raise Failed("B가 0(막 만든 어댑터)이면 결과가 원래 층과 같아야 합니다")
    return "y = W x + (α/r)·B A x: B가 0에서 시작하면 원래 모델 그대로이고, 배우는 것은 A와 B뿐입니다"


# --- exercise 3 ------------------------------------------------------------------------------


@checker("연습 3 · 0으로 시작하는 합성곱 (zero convolution)")
def check_zero_conv(answer) -> str:
    """Exercise 3: ``answer(channels)`` -> a 1x1 ``nn.Conv2d`` (channels -> channels) whose weight and bias are 0."""
    conv = call(answer, 6)
    if not isinstance(conv, nn.Conv2d):
        raise Failed(f"nn.Conv2d를 돌려주세요 (받은 것: {type(conv).__name__})")
    if (conv.in_channels, conv.out_channels, conv.kernel_size) != (6, 6, (1, 1)):
        raise Failed(f"채널 6 → 6, 1x1 커널이어야 합니다: 받은 것 {conv.in_channels} → {conv.out_channels}, {conv.kernel_size}")
    if conv.bias is None:
        raise Failed("bias=True로 두세요: ControlNet의 zero convolution은 가중치와 편향을 모두 0으로 시작합니다")
    features = torch.randn(2, 6, 7, 7, generator=torch.Generator().manual_seed(111))
    with torch.no_grad():
        out = conv(features)
    if float(out.abs().max()) != 0.0:
        raise Failed("처음 출력이 정확히 0이 아닙니다: nn.init.zeros_로 weight와 bias를 모두 0으로 만드세요")
    target = torch.randn(2, 6, 7, 7, generator=torch.Generator().manual_seed(112))
    if not conv.weight.requires_grad:
        raise Failed("가중치의 requires_grad가 꺼져 있습니다: 0에서 시작해도 배워야 하므로 켜 두세요")
    conv.zero_grad()
    (conv(features) * target).sum().backward()
    if conv.weight.grad is None or float(conv.weight.grad.abs().max()) == 0.0:
        raise Failed("가중치에 기울기가 흐르지 않습니다: requires_grad를 끄지 마세요 (0에서 시작해도 배워야 합니다)")
    return ("처음에는 정확히 0을 더하지만 가중치의 기울기(∂L/∂y · hᵀ)는 0이 아니라서 첫 스텝부터 배웁니다: "
            "조종 가지가 학습을 시작할 때 원래 모델을 망치지 않습니다")

"""Checkers for week 5's exercises (the reparameterization trick, the Gaussian KL, codes that decode to a digit)."""

from __future__ import annotations

import math

import torch

from .. import metrics
from . import Failed, call, checker
from .tensors import ATOL, answer_tensor as _tensor, close as _close

__all__ = ["ATOL", "check_reparameterize", "check_gaussian_kl", "check_digit_codes"]


def _inputs(seed: int, shape=(6, 3)) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=g), torch.randn(shape, generator=g), torch.randn(shape, generator=g)


# --- exercise 1 ------------------------------------------------------------------------------


@checker("연습 1 · 재매개변수화 트릭")
def check_reparameterize(answer) -> str:
    """Exercise 1: ``answer(mu, log_var, eps)`` -> z = μ + exp(½ log σ²) ⊙ ε, with gradients to μ and log σ²."""
    for seed in (51, 52, 53):
        mu, log_var, eps = _inputs(seed)
        mu.requires_grad_(True)
        log_var.requires_grad_(True)
        z = _tensor(call(answer, mu, log_var, eps), "z", mu.shape)
        want = mu + torch.exp(0.5 * log_var) * eps
        if not _close(z, want):
            known = [
                (mu + torch.exp(log_var) * eps, "σ² = exp(log σ²)를 곱했습니다: 곱할 것은 표준편차 σ = exp(½ log σ²)입니다"),
                (mu + log_var * eps, "log σ²를 그대로 곱했습니다: σ = exp(½ · log_var)로 바꾸세요"),
                (mu + torch.exp(0.5 * log_var), "ε를 곱하지 않았습니다: z = μ + σ ⊙ ε"),
                (mu * eps + torch.exp(0.5 * log_var), "μ와 σ의 자리가 바뀌었습니다: z = μ + σ ⊙ ε"),
                (mu + torch.sqrt(log_var.abs()) * eps, "σ = sqrt(log_var)가 아니라 exp(½ · log_var)입니다"),
            ]
            hint = next((h for value, h in known if _close(z, value)), "식을 확인하세요: z = μ + exp(½ · log σ²) ⊙ ε")
            raise Failed(hint)
        if not z.requires_grad:
            raise Failed("z가 μ, log σ²와 계산 그래프로 이어져 있지 않습니다: torch.normal로 새로 뽑거나 .detach()하면 "
                         "기울기가 흐르지 않습니다. 주어진 eps로 z = μ + σ ⊙ ε를 계산하세요")
        grad_mu, grad_lv = torch.autograd.grad(z.sum(), (mu, log_var), allow_unused=True)
        if grad_mu is None or grad_lv is None:
            raise Failed("기울기가 μ나 log σ² 중 하나로 흐르지 않습니다")
    return "z = μ + σ ⊙ ε이고, 기울기가 μ와 log σ² 모두로 흐릅니다"


# --- exercise 2 ------------------------------------------------------------------------------


@checker("연습 2 · 가우시안 KL의 닫힌 꼴")
def check_gaussian_kl(answer) -> str:
    """Exercise 2: ``answer(mu, log_var)`` -> KL(N(μ, σ²) ‖ N(0, I)) per example, ``(N,)``, summed over dimensions."""
    for seed, shape in ((61, (5, 4)), (62, (3, 20)), (63, (7, 2))):
        mu, log_var, _ = _inputs(seed, shape)
        kl = call(answer, mu, log_var)
        want = 0.5 * (mu.pow(2) + log_var.exp() - 1 - log_var).sum(1)
        if isinstance(kl, torch.Tensor) and kl.numel() == 1 and shape[0] > 1:
            raise Failed("스칼라 하나를 돌려주었습니다: 예제마다 하나씩, 모양 (N,)인 텐서를 돌려주세요 (배치 평균은 나중에)")
        kl = _tensor(kl, "kl", (shape[0],))
        if _close(kl, want):
            continue
        known = [
            (want / shape[1], f"차원에 대해 평균을 냈습니다 (합의 1/{shape[1]}). 평균을 내면 β를 몰래 1/{shape[1]}로 바꾸는 셈입니다: "
                              ".sum(dim=1)로 더하세요"),
            (2 * want, "½을 빠뜨렸습니다"),
            (-want, "부호가 반대입니다: KL은 0 이상입니다"),
            (0.5 * (mu.pow(2) + log_var - 1 - log_var.exp()).sum(1), "σ²와 log σ²의 자리가 바뀌었습니다: σ² = exp(log_var)"),
            (0.5 * (mu.pow(2) + log_var.exp() - 1).sum(1), "−log σ² 항이 빠졌습니다"),
            (0.5 * (mu.pow(2) + torch.exp(0.5 * log_var) - 1 - 0.5 * log_var).sum(1),
             "σ²가 아니라 σ를 썼습니다: KL 식에는 분산 σ² = exp(log_var)가 들어갑니다"),
        ]
        raise Failed(next((h for value, h in known if _close(kl, value)),
                          "식을 확인하세요: KL = ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²)"))
    zero = _tensor(call(answer, torch.zeros(2, 3), torch.zeros(2, 3)), "kl", (2,))
    if not _close(zero, torch.zeros(2)):
        raise Failed("μ = 0, σ = 1이면 q가 사전분포와 같으므로 KL이 0이어야 합니다")
    return "예제마다 ½ Σ (μ² + σ² − 1 − log σ²)이고, 사전분포 자체에서는 0입니다"


# --- exercise 3 ------------------------------------------------------------------------------


@checker("연습 3 · 숫자마다 하나의 잠재 좌표")
def check_digit_codes(answer, model) -> str:
    """Exercise 3: ``answer(model)`` -> ``(10, latent_dim)`` codes; code ``d`` must decode to a confident digit ``d``."""
    codes = call(answer, model)
    if isinstance(codes, list):
        codes = torch.tensor(codes, dtype=torch.float32)
    codes = _tensor(codes, "codes", (10, model.latent_dim)).detach().float()
    if codes.abs().max() > 4:
        raise Failed(f"좌표가 원점에서 {float(codes.abs().max()):.1f}까지 떨어져 있습니다: 사전분포 N(0, I)가 거의 닿지 않는 곳"
                     "(|z| ≤ 4 밖)은 VAE가 만들어 낼 곳이 아닙니다. 진짜 숫자를 인코딩한 μ 근처에서 찾으세요")
    probabilities = metrics.probabilities(model.decode_images(codes))
    readings = probabilities.argmax(1)
    wrong = [d for d in range(10) if readings[d] != d or probabilities[d, d] < metrics.CONFIDENCE]
    if wrong:
        shown = ", ".join(f"{d} → {int(readings[d]) if int(readings[d]) < 10 else '숫자 아님'} "
                          f"({float(probabilities[d, d]):.0%})" for d in wrong[:4])
        raise Failed(f"{len(wrong)}개 숫자가 확신(≥{metrics.CONFIDENCE:.0%}) 있게 읽히지 않습니다: {shown}. "
                     "한 클래스의 μ 평균은 두 무리 사이에 떨어질 수 있습니다: 후보 여러 개를 디코딩해 잣대로 골라 보세요")
    return f"10개 좌표가 모두 제 숫자로 읽힙니다 (가장 낮은 확신 {float(probabilities.diagonal()[:10].min()):.0%})"

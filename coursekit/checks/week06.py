"""Checkers for week 6's exercises (the forward process, one DDIM step, the classifier-free guidance combination)."""

from __future__ import annotations

import torch

from . import Failed, call, checker
from .tensors import answer_tensor, close

__all__ = ["check_q_sample", "check_ddim_step", "check_cfg"]

SHAPE = (4, 1, 28, 28)


def _images(seed: int, n: int = SHAPE[0]) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.rand((n, *SHAPE[1:]), generator=g) * 2 - 1, torch.randn((n, *SHAPE[1:]), generator=g)


def _hint(got: torch.Tensor, known: list[tuple[torch.Tensor, str]], default: str) -> str:
    return next((hint for value, hint in known if value.shape == got.shape and close(got, value)), default)


# --- exercise 1 ------------------------------------------------------------------------------


@checker("연습 1 · 앞 과정 q_sample")
def check_q_sample(answer) -> str:
    """Exercise 1: ``answer(x0, alpha_bar, noise)`` -> x_t = √ᾱ·x0 + √(1−ᾱ)·ε, one ᾱ per image (shape (N,))."""
    for seed in (61, 62):
        x0, noise = _images(seed)
        alpha_bar = torch.tensor([0.999, 0.7, 0.3, 0.01])
        got = answer_tensor(call(answer, x0.clone(), alpha_bar.clone(), noise.clone()), "x_t", SHAPE)
        a = alpha_bar[:, None, None, None]
        want = a.sqrt() * x0 + (1 - a).sqrt() * noise
        if close(got, want):
            continue
        raise Failed(_hint(got, [
            (a * x0 + (1 - a) * noise, "√를 빠뜨렸습니다: 계수는 ᾱ가 아니라 √ᾱ와 √(1−ᾱ)입니다 (분산이 ᾱ + (1−ᾱ) = 1이 되도록)"),
            ((1 - a).sqrt() * x0 + a.sqrt() * noise, "두 계수가 바뀌었습니다: 그림에 √ᾱ, 잡음에 √(1−ᾱ)를 곱합니다"),
            (a.sqrt() * x0 + (1 - a) * noise, "잡음의 계수는 (1−ᾱ)가 아니라 √(1−ᾱ)입니다"),
            (x0 + (1 - a).sqrt() * noise, "그림에도 √ᾱ를 곱해야 합니다: 잡음을 더하는 만큼 신호를 줄여야 분산이 1로 유지됩니다"),
        ], "식을 확인하세요: x_t = √ᾱ_t · x_0 + √(1 − ᾱ_t) · ε. ᾱ는 그림마다 하나라서 (N, 1, 1, 1) 모양으로 바꿔 곱합니다 "
           "(alpha_bar.view(-1, 1, 1, 1))"))
    x0, noise = _images(63, n=1)
    start = answer_tensor(call(answer, x0, torch.tensor([1.0]), noise), "x_t", x0.shape)
    end = answer_tensor(call(answer, x0, torch.tensor([0.0]), noise), "x_t", x0.shape)
    if not (close(start, x0) and close(end, noise)):
        raise Failed("ᾱ = 1이면 그림 그대로, ᾱ = 0이면 잡음 그대로여야 합니다")
    return "x_t = √ᾱ·x_0 + √(1−ᾱ)·ε이고, 그림마다 다른 ᾱ를 제대로 곱합니다"


# --- exercise 2 ------------------------------------------------------------------------------


@checker("연습 2 · DDIM 한 스텝 (η = 0)")
def check_ddim_step(answer) -> str:
    """Exercise 2: ``answer(x_t, eps_hat, alpha_bar, alpha_bar_prev)`` -> x_prev of a deterministic DDIM step."""
    cases = ((71, 0.2, 0.5), (72, 0.05, 0.9), (73, 0.6, 0.98))
    for seed, ab, ab_prev in cases:
        x_t, eps = _images(seed)
        got = answer_tensor(call(answer, x_t.clone(), eps.clone(), ab, ab_prev), "x_prev", SHAPE)
        x0 = (x_t - (1 - ab) ** 0.5 * eps) / ab**0.5
        want = ab_prev**0.5 * x0 + (1 - ab_prev) ** 0.5 * eps
        if close(got, want):
            continue
        raise Failed(_hint(got, [
            (x0, "x̂_0을 돌려주었습니다: 그 x̂_0을 다음 단계의 ᾱ'로 다시 섞은 x_prev = √ᾱ'·x̂_0 + √(1−ᾱ')·ε̂를 돌려주세요"),
            (ab_prev**0.5 * (x_t - (1 - ab) ** 0.5 * eps) + (1 - ab_prev) ** 0.5 * eps,
             "x̂_0을 구할 때 √ᾱ_t로 나누지 않았습니다: x̂_0 = (x_t − √(1−ᾱ_t)·ε̂) / √ᾱ_t"),
            (ab_prev**0.5 * x0 + (1 - ab) ** 0.5 * eps, "두 번째 항에 지금 단계의 ᾱ_t를 썼습니다: 다음 단계의 ᾱ'로 √(1−ᾱ')·ε̂"),
            (ab**0.5 * x0 + (1 - ab) ** 0.5 * eps, "다음 단계의 ᾱ' 대신 지금 ᾱ_t로 섞어서 x_t로 되돌아왔습니다"),
        ], "식을 확인하세요: x̂_0 = (x_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t, x_prev = √ᾱ'·x̂_0 + √(1−ᾱ')·ε̂"))
    x0, noise = _images(74)
    ab, ab_prev = 0.3, 0.8
    x_t = ab**0.5 * x0 + (1 - ab) ** 0.5 * noise
    exact = answer_tensor(call(answer, x_t, noise, ab, ab_prev), "x_prev", SHAPE)
    if not close(exact, ab_prev**0.5 * x0 + (1 - ab_prev) ** 0.5 * noise):
        raise Failed("ε̂가 진짜 잡음이면 한 스텝이 x_t를 같은 잡음의 덜 시끄러운 x_prev로 정확히 옮겨야 합니다")
    return "x̂_0을 구해 다음 단계의 ᾱ'로 다시 섞습니다; 진짜 잡음을 주면 같은 잡음의 x_prev에 정확히 닿습니다"


# --- exercise 3 ------------------------------------------------------------------------------


@checker("연습 3 · 분류기 없는 가이던스(CFG) 결합")
def check_cfg(answer) -> str:
    """Exercise 3: ``answer(eps_cond, eps_ref, w)`` -> ε_ref + w·(ε_cond − ε_ref)."""
    for seed, w in ((81, 2.0), (82, 4.5), (83, 0.5)):
        cond, ref = _images(seed)
        got = answer_tensor(call(answer, cond.clone(), ref.clone(), w), "eps", SHAPE)
        if close(got, ref + w * (cond - ref)):
            continue
        raise Failed(_hint(got, [
            (cond + w * (ref - cond), "두 예측의 자리가 바뀌었습니다: 기준(빈 프롬프트나 네거티브)에서 출발해 조건 쪽으로 w배 갑니다"),
            (cond + w * (cond - ref), "Ho·Salimans 논문의 관례(w = 0이 조건부 모델)로 썼습니다: 이 강의와 diffusers는 w = 1이 조건부 모델인 "
                                      "ε_ref + w·(ε_cond − ε_ref)를 씁니다"),
            (w * cond + ref, "w·ε_cond + ε_ref는 w = 1에서도 조건부 예측이 아닙니다: ε_ref + w·(ε_cond − ε_ref)"),
        ], "식을 확인하세요: ε̂ = ε_ref + w · (ε_cond − ε_ref)"))
    cond, ref = _images(84)
    one = answer_tensor(call(answer, cond, ref, 1.0), "eps", SHAPE)
    zero = answer_tensor(call(answer, cond, ref, 0.0), "eps", SHAPE)
    if not (close(one, cond) and close(zero, ref)):
        raise Failed("w = 1이면 조건부 예측 그대로, w = 0이면 기준 예측 그대로여야 합니다")
    return "ε̂ = ε_ref + w·(ε_cond − ε_ref): w = 1은 조건부 모델, w > 1은 프롬프트 쪽으로 더 밀어냅니다"

"""Checkers for week 4's exercises (the encoder's output sizes, the masked DSSIM + MSE loss, Reinhard's transfer)."""

from __future__ import annotations

import numpy as np
import torch

from ..face_swap_loss import ssim_window
from ..models.face_swap_ae import encoder_shapes
from ..ssim import dssim
from . import Failed, call, checker
from .tensors import answer_tensor, close

__all__ = ["check_encoder_sizes", "check_masked_loss", "check_reinhard"]


# --- exercise 1 ------------------------------------------------------------------------------


@checker("연습 1 · 인코더의 출력 크기")
def check_encoder_sizes(answer) -> str:
    """Exercise 1: ``answer(size, widths)`` -> ``[(C, H, W), ...]`` after each 3x3 stride-2 conv (padding 1)."""
    for size, widths in ((64, (32, 64, 128, 256)), (96, (16, 32, 64, 128, 256)), (50, (8, 8))):
        want = [shape for _, shape in encoder_shapes(size, widths)[1:1 + len(widths)]]
        got = call(answer, size, widths)
        try:
            got = [tuple(int(v) for v in shape) for shape in got]
        except (TypeError, ValueError):
            raise Failed(f"(C, H, W) 튜플의 리스트를 돌려주세요 (받은 것: {got!r})") from None
        if got == want:
            continue
        halved = [(w, size // 2 ** (i + 1), size // 2 ** (i + 1)) for i, w in enumerate(widths)]
        if got == halved and halved != want:
            raise Failed(f"{size} px에서 size // 2를 썼습니다: 패딩 1, 스트라이드 2의 3x3은 ⌊(H + 2·1 − 3) / 2⌋ + 1 = "
                         f"⌈H / 2⌉입니다 (기대: {want})")
        if len(got) != len(want):
            raise Failed(f"합성곱 {len(widths)}개마다 하나씩, 크기 {len(want)}개가 나와야 합니다 (받은 것: {len(got)}개)")
        raise Failed(f"{size} px, 폭 {widths}: 기대한 크기는 {want}, 받은 것은 {got}입니다. "
                     "출력 크기 = ⌊(H + 2p − k) / s⌋ + 1, 채널 수는 그 층의 폭입니다")
    return "64 px 얼굴이 64→32→16→8→4로 줄어 4x4x256 = 4,096개 값이 됩니다: 병목(dense)이 이것을 더 줄입니다"


# --- exercise 2 ------------------------------------------------------------------------------


def _masked_loss(face, target, mask):
    a, b = face * mask, target * mask
    return 10 * dssim(a, b, window=ssim_window(face.shape[-1])).mean() + 10 * (a - b).pow(2).mean()


@checker("연습 2 · 마스크 안의 DSSIM + MSE 손실")
def check_masked_loss(answer) -> str:
    """Exercise 2: ``answer(face, target, mask)`` -> 10·DSSIM(face⊙m, target⊙m) + 10·MSE(face⊙m, target⊙m)."""
    for seed in (41, 42):
        g = torch.Generator().manual_seed(seed)
        face, target = torch.rand((2, 3, 64, 64), generator=g), torch.rand((2, 3, 64, 64), generator=g)
        mask = torch.zeros(2, 1, 64, 64)
        mask[..., 10 + seed % 3:50, 12:52] = 1
        got = answer_tensor(call(answer, face.clone(), target.clone(), mask.clone()), "loss", ())
        want = _masked_loss(face, target, mask)
        if close(got, want, atol=1e-4):
            continue
        window = ssim_window(64)
        unmasked = 10 * dssim(face, target, window=window).mean() + 10 * (face - target).pow(2).mean()
        options = [
            (unmasked, "마스크를 곱하지 않았습니다: 얼굴 밖(배경)의 차이까지 손실에 들어갑니다"),
            (_masked_loss(face, target, mask) / 10, "가중치 10을 빠뜨렸습니다: 10 · DSSIM + 10 · MSE입니다"),
            (10 * dssim(face * mask, target * mask, window=window).mean(), "MSE 항을 빠뜨렸습니다"),
            (10 * (face * mask - target * mask).pow(2).mean(), "DSSIM 항을 빠뜨렸습니다"),
            (10 * (1 - dssim(face * mask, target * mask, window=window)).mean() + 10 * (face * mask - target * mask).pow(2).mean(),
             "DSSIM 자리에 1 − DSSIM을 썼습니다: dssim()이 이미 (1 − SSIM) / 2입니다"),
        ]
        hint = next((h for v, h in options if close(got, v, atol=1e-4)),
                    f"식을 확인하세요: 10 · dssim(face·m, target·m, window={window}).mean() + 10 · mean((face·m − target·m)²)")
        raise Failed(hint)
    return "구조(DSSIM)와 색(MSE)을 얼굴 안에서만 잽니다: DeepFaceLab 손실의 얼굴 부분입니다 (마스크 흐림과 마스크 항은 coursekit.face_swap_loss가 더합니다)"


# --- exercise 3 ------------------------------------------------------------------------------


def _reinhard(source, target, source_mask, target_mask):
    s, t = source[source_mask], target[target_mask]
    return (source - s.mean(0)) / s.std(0) * t.std(0) + t.mean(0)


@checker("연습 3 · 마스크 안 픽셀로 하는 Reinhard 색 전이")
def check_reinhard(answer) -> str:
    """Exercise 3: ``answer(source_lab, target_lab, source_mask, target_mask)`` -> the moved Lab source (float arrays)."""
    rng = np.random.default_rng(7)
    for _ in range(2):
        source = rng.normal([50, 10, 20], [10, 5, 8], (32, 32, 3))
        target = rng.normal([70, -5, 30], [5, 3, 4], (32, 32, 3))
        source_mask, target_mask = np.zeros((32, 32), bool), np.zeros((32, 32), bool)
        source_mask[4:20, 6:26], target_mask[10:30, 2:22] = True, True
        source[~source_mask] += 40  # outside the face: something else (hair, background)
        got = call(answer, source.copy(), target.copy(), source_mask.copy(), target_mask.copy())
        got = np.asarray(got, dtype=np.float64) if got is not None else None
        if got is None or got.shape != source.shape:
            raise Failed(f"source와 같은 모양 {source.shape}의 배열을 돌려주세요 (받은 것: {None if got is None else got.shape})")
        want = _reinhard(source, target, source_mask, target_mask)
        if np.allclose(got, want, atol=1e-6):
            continue
        whole = _reinhard(source, target, np.ones_like(source_mask), np.ones_like(target_mask))
        options = [
            (whole, "통계를 그림 전체에서 냈습니다: 평균과 표준편차는 마스크 안(얼굴) 픽셀로만 냅니다"),
            (_reinhard(target, source, target_mask, source_mask), "source와 target이 바뀌었습니다: source의 색을 target에 맞춥니다"),
            (source - source[source_mask].mean(0) + target[target_mask].mean(0),
             "평균만 옮겼습니다: (x − μ_s) / σ_s · σ_t + μ_t로 표준편차도 맞춥니다"),
        ]
        raise Failed(next((h for v, h in options if np.allclose(got, v, atol=1e-6)),
                          "식을 확인하세요: (source − μ_s) / σ_s · σ_t + μ_t, μ와 σ는 채널마다 마스크 안 픽셀로"))
    return "얼굴 안 픽셀의 Lab 평균과 표준편차를 맞추면 조명과 피부색이 받는 쪽과 같아집니다 (faces.transfer.reinhard는 같은 일을 Lab 변환과 L 범위 확인까지 합니다)"

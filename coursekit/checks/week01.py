"""Checkers for week 1's exercises (images and color spaces)."""

from __future__ import annotations

import cv2
import numpy as np

from . import call_answer, report


def _test_images(seed: int = 1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    ramp = np.stack(np.meshgrid(np.arange(0, 256, 15), np.arange(0, 256, 15), indexing="ij"), -1)
    corners = np.array([[[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 255, 0], [0, 0, 255]]], np.uint8)
    return [
        rng.integers(0, 256, (37, 53, 3), dtype=np.uint8),
        np.concatenate([ramp, ramp[..., :1]], axis=-1).astype(np.uint8),
        corners,
    ]


def check_gray(answer) -> bool:
    """Exercise 1: ``answer(rgb)`` returns the BT.601 luma as a (H, W) uint8 image."""
    name = "연습 1 · 흑백 변환"
    for image in _test_images():
        ok, out = call_answer(name, answer, image.copy())
        if not ok:
            return False
        out = np.asarray(out)
        if out.shape != image.shape[:2]:
            return report(name, False, f"결과의 모양이 {out.shape}입니다. (H, W) = {image.shape[:2]} 이어야 합니다")
        if out.dtype != np.uint8:
            return report(name, False, f"결과의 dtype이 {out.dtype}입니다. uint8로 반올림해 주세요")
        diff = int(np.abs(out.astype(int) - cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(int)).max())
        if diff > 1:
            return report(name, False, f"cv2.cvtColor와 최대 {diff}만큼 다릅니다. 가중치 0.299, 0.587, 0.114와 채널 순서(R, G, B)를 확인하세요")
    return report(name, True, "cv2.cvtColor(RGB2GRAY)와 1 이내로 일치합니다")


RED_HUE = (170, 5)  # wraps around 179 -> 0
RED_MIN_SATURATION, RED_MIN_VALUE = 120, 60


def _reference_red_mask(hsv: np.ndarray) -> np.ndarray:
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red = (h >= RED_HUE[0]) | (h <= RED_HUE[1])
    return (red & (s >= RED_MIN_SATURATION) & (v >= RED_MIN_VALUE)).astype(np.uint8) * 255


def check_red_mask(answer) -> bool:
    """Exercise 2: ``answer(hsv)`` masks red pixels: hue >= 170 or <= 5, S >= 120, V >= 60."""
    name = "연습 2 · 빨간색 마스크"
    rng = np.random.default_rng(2)
    hsv = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    hsv[..., 0] %= 180
    ok, out = call_answer(name, answer, hsv.copy())
    if not ok:
        return False
    out = np.asarray(out)
    if out.shape != hsv.shape[:2]:
        return report(name, False, f"마스크의 모양이 {out.shape}입니다. {hsv.shape[:2]} 이어야 합니다")
    expected = _reference_red_mask(hsv)
    got = out > 0
    wrong = int((got != (expected > 0)).sum())
    if wrong:
        missed_wrap = int(((expected > 0) & ~got & (hsv[..., 0] <= RED_HUE[1])).sum())
        hint = " 색상(H)은 원형이라 179 다음이 0입니다: 두 범위를 | 로 합치세요" if missed_wrap else ""
        return report(name, False, f"{wrong}개 픽셀이 틀렸습니다.{hint}")
    return report(name, True, "179→0을 넘어가는 빨간색 범위를 정확히 골랐습니다")


def check_histogram(answer) -> bool:
    """Exercise 3: ``answer(channel)`` returns the 256 counts of a uint8 channel."""
    name = "연습 3 · 히스토그램"
    rng = np.random.default_rng(3)
    for channel in (rng.integers(0, 256, (50, 70), dtype=np.uint8), np.full((5, 5), 255, np.uint8)):
        ok, out = call_answer(name, answer, channel.copy())
        if not ok:
            return False
        out = np.asarray(out)
        if out.shape != (256,):
            return report(name, False, f"결과의 모양이 {out.shape}입니다. 값 0..255마다 하나씩, (256,) 이어야 합니다")
        expected = cv2.calcHist([channel], [0], None, [256], [0, 256]).ravel()
        if not np.array_equal(out.astype(np.int64), expected.astype(np.int64)):
            first = int(np.flatnonzero(out.astype(np.int64) != expected.astype(np.int64))[0])
            return report(name, False, f"값 {first}의 개수가 {out[first]}입니다 (정답 {int(expected[first])})")
    return report(name, True, "cv2.calcHist와 똑같습니다")

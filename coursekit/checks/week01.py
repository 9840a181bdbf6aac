"""Checkers for week 1's exercises (images and color spaces)."""

from __future__ import annotations

import cv2
import numpy as np

from . import Failed, call, checker

__all__ = [
    "RED_HUE", "SUIT_BOXES", "HAIR_BOXES", "TANK_BOXES", "check_gray", "reference_red_mask", "check_red_mask",
    "check_histogram", "check_suit_mask",
]

RED_HUE = (170, 5)  # wraps around 179 -> 0
RED_MIN_SATURATION, RED_MIN_VALUE = 120, 60


def _test_images(seed: int = 1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    ramp = np.stack(np.meshgrid(np.arange(0, 256, 15), np.arange(0, 256, 15), indexing="ij"), -1)
    corners = np.array([[[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 255, 0], [0, 0, 255]]], np.uint8)
    return [
        rng.integers(0, 256, (37, 53, 3), dtype=np.uint8),
        np.concatenate([ramp, ramp[..., :1]], axis=-1).astype(np.uint8),
        corners,
    ]


def _as_array(out, shape: tuple, what: str) -> np.ndarray:
    if out is None:
        raise Failed("함수가 아무것도 돌려주지 않았습니다 (return을 잊었나요?)")
    out = np.asarray(out)
    if out.shape != shape:
        raise Failed(f"{what}의 모양이 {out.shape}입니다. {shape}이어야 합니다")
    return out


@checker("연습 1 · 흑백 변환")
def check_gray(answer) -> str:
    """Exercise 1: ``answer(rgb)`` returns the BT.601 luma as a (H, W) uint8 image."""
    for image in _test_images():
        out = _as_array(call(answer, image.copy()), image.shape[:2], "결과")
        if out.dtype != np.uint8:
            raise Failed(f"결과의 dtype이 {out.dtype}입니다. 반올림해서 uint8로 바꿔 주세요")
        exact = np.rint(image.astype(np.float64) @ np.array([0.299, 0.587, 0.114]))
        error = out.astype(int) - exact.astype(int)
        if np.abs(error).max() > 1:
            raise Failed(
                f"정답과 최대 {int(np.abs(error).max())}만큼 다릅니다. "
                "가중치 0.299, 0.587, 0.114와 채널 순서(R, G, B)를 확인하세요"
            )
        if (error != 0).mean() > 0.01:  # exact ties aside, rounding gives the same bytes
            raise Failed("값이 1씩 작은 픽셀이 많습니다: astype(np.uint8)은 버림입니다. np.rint로 반올림한 뒤 바꾸세요")
    return "반올림까지 정확하고, cv2.cvtColor(RGB2GRAY)와 1 이내로 일치합니다"


def reference_red_mask(hsv: np.ndarray) -> np.ndarray:
    """The answer to exercise 2, used to grade it."""
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red = (h >= RED_HUE[0]) | (h <= RED_HUE[1])
    return (red & (s >= RED_MIN_SATURATION) & (v >= RED_MIN_VALUE)).astype(np.uint8) * 255


@checker("연습 2 · 빨간색 마스크")
def check_red_mask(answer) -> str:
    """Exercise 2: ``answer(hsv)`` masks red pixels: hue >= 170 or <= 5, S >= 120, V >= 60."""
    rng = np.random.default_rng(2)
    hsv = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    hsv[..., 0] %= 180
    got = _as_array(call(answer, hsv.copy()), hsv.shape[:2], "마스크") > 0
    expected = reference_red_mask(hsv) > 0
    wrong = got != expected
    if wrong.any():
        raise Failed(f"{wrong.size}개 중 {int(wrong.sum())}개 픽셀이 틀렸습니다. {_red_mask_hint(hsv, got, expected)}")
    return "179→0을 넘어가는 빨간색 범위를 정확히 골랐습니다"


def _red_mask_hint(hsv: np.ndarray, got: np.ndarray, expected: np.ndarray) -> str:
    h, s, v = (hsv[..., i].astype(int) for i in range(3))
    missed, extra = expected & ~got, got & ~expected
    on_edge = (h == RED_HUE[0]) | (h == RED_HUE[1]) | (s == RED_MIN_SATURATION) | (v == RED_MIN_VALUE)
    if (missed & ~on_edge).any() and not (missed & ~on_edge & (h <= RED_HUE[1])).any():
        return "170~179 쪽이 빠졌습니다"
    if (missed & ~on_edge & (h <= RED_HUE[1])).any() and not (missed & ~on_edge & (h >= RED_HUE[0])).any():
        return "0~5 쪽이 빠졌습니다: 색상(H)은 원형이라 179 다음이 0입니다. 두 범위를 | 로 합치세요"
    if ((missed | extra) & on_edge).any() and not ((missed | extra) & ~on_edge).any():
        return "경계값(H=170, H=5, S=120, V=60)도 포함되도록 >=, <= 를 쓰세요"
    if extra.any():
        return "조건 밖의 픽셀이 선택되었습니다: 색상 범위와 S, V의 하한을 확인하세요"
    return "색상 범위와 S >= 120, V >= 60 조건을 모두 &로 이었는지 확인하세요"


@checker("연습 3 · 히스토그램")
def check_histogram(answer) -> str:
    """Exercise 3: ``answer(channel)`` returns the 256 counts of a uint8 channel."""
    rng = np.random.default_rng(3)
    channels = (
        rng.integers(0, 256, (50, 70), dtype=np.uint8),  # every value
        rng.integers(0, 100, (40, 40), dtype=np.uint8),  # a dark image: no 255 at all
        np.full((30, 30), 7, np.uint8),  # 900 pixels of one value: counts do not fit in a byte
    )
    for channel in channels:
        out = _as_array(call(answer, channel.copy()), (256,), "결과").astype(np.int64)
        expected = cv2.calcHist([channel], [0], None, [256], [0, 256]).ravel().astype(np.int64)
        if not np.array_equal(out, expected):
            first = int(np.flatnonzero(out != expected)[0])
            raise Failed(f"값 {first}의 개수가 {out[first]}입니다 (정답 {expected[first]}). 값 0..255마다 하나씩 세야 합니다")
    return "cv2.calcHist와 똑같습니다"


# Exercise 4: regions of scikit-image's astronaut (512 x 512) as (top, bottom, left, right) boxes,
# each lying inside one object. Hues (OpenCV 0-179): suit about 5-9, hair and fuel tank about 15-22.
SUIT_BOXES = ((220, 330, 70, 130), (420, 470, 40, 120), (290, 340, 160, 215))  # the orange suit
HAIR_BOXES = ((35, 60, 170, 260), (55, 80, 160, 190), (60, 95, 255, 275))  # her hair
TANK_BOXES = ((30, 100, 410, 424),)  # the rocket's brown-orange fuel tank
SUIT_MIN, OTHERS_MAX = 0.90, 0.02  # share of the suit's box pixels to select, at most this share of hair/tank


def _share(mask: np.ndarray, boxes) -> float:
    return float(np.concatenate([mask[t:b, l:r].ravel() for t, b, l, r in boxes]).mean())


@checker("연습 4 · 우주복 마스크")
def check_suit_mask(answer) -> str:
    """Exercise 4: ``answer(hsv)`` selects the astronaut's suit by color, leaving out her hair and the fuel tank.

    The mask must be a per-pixel rule of H, S and V (checked on the pixels in shuffled order), must
    select at least 90% of the suit boxes' pixels and at most 2% of the hair's and the tank's.
    """
    from ..color import rgb_to_hsv
    from ..datasets import photo

    hsv = rgb_to_hsv(photo("astronaut"))
    got = _as_array(call(answer, hsv.copy()), hsv.shape[:2], "마스크") > 0
    order = np.random.default_rng(4).permutation(hsv.shape[0] * hsv.shape[1])
    shuffled = hsv.reshape(-1, 3)[order].reshape(hsv.shape)
    again = _as_array(call(answer, shuffled), hsv.shape[:2], "마스크") > 0
    if not np.array_equal(again.ravel(), got.ravel()[order]):
        raise Failed("마스크가 픽셀의 위치에 따라 달라집니다. 좌표로 자르거나 주변 픽셀을 보지 말고, "
                     "각 픽셀의 H, S, V 값에 대한 범위만으로 고르세요")
    suit, hair, tank = _share(got, SUIT_BOXES), _share(got, HAIR_BOXES), _share(got, TANK_BOXES)
    problems = []
    if suit < SUIT_MIN:
        problems.append(f"우주복 픽셀을 {suit:.1%}만 골랐습니다({SUIT_MIN:.0%} 이상이어야 합니다). "
                        "범위가 너무 좁으니 그늘진 주름까지 들어오도록 넓혀 보세요")
    if max(hair, tank) > OTHERS_MAX:
        problems.append(f"머리카락 픽셀의 {hair:.1%}, 연료 탱크 픽셀의 {tank:.1%}가 골라졌습니다({OTHERS_MAX:.0%} 이하여야 합니다). "
                        "머리카락과 우주복의 색상(H) 값을 찍어서 비교해 보세요")
    if problems:
        raise Failed(" / ".join(problems))
    return f"우주복 픽셀의 {suit:.0%}를 골랐고, 머리카락과 연료 탱크 픽셀은 {max(hair, tank):.1%}만 골랐습니다"

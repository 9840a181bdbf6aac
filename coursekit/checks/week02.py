"""Checkers for week 2's exercises (convolution and CNNs)."""

from __future__ import annotations

import numpy as np

from ..filters import conv2d
from . import Failed, call, checker


__all__ = ["check_conv2d_valid", "check_shift_kernel", "check_conv_layer"]

def _as_array(out, what: str) -> np.ndarray:
    if out is None:
        raise Failed("함수가 아무것도 돌려주지 않았습니다 (return을 잊었나요?)")
    try:
        return np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError):
        raise Failed(f"{what}을(를) 숫자 배열로 바꿀 수 없습니다 (받은 것: {type(out).__name__})") from None


@checker("연습 1 · 합성곱 직접 구현")
def check_conv2d_valid(answer) -> str:
    """Exercise 1: ``answer(image, kernel)`` is a stride-1, no-padding cross-correlation."""
    rng = np.random.default_rng(21)
    cases = [
        (rng.integers(0, 4, (5, 5)).astype(float), np.array([[1.0, 0, 1], [1, 0, 1], [0, 1, 0]])),
        (rng.normal(size=(9, 7)), rng.normal(size=(3, 3))),
        (rng.normal(size=(6, 8)), rng.normal(size=(2, 4))),  # rectangular, even kernel
        (rng.normal(size=(4, 4)), rng.normal(size=(4, 4))),  # kernel as large as the image
    ]
    for image, kernel in cases:
        expected = conv2d(image, kernel)
        got = _as_array(call(answer, image.copy(), kernel.copy()), "결과")
        if got.shape != expected.shape:
            raise Failed(
                f"{image.shape} 입력과 {kernel.shape} 커널의 출력 모양은 {expected.shape}여야 하는데 "
                f"{got.shape}입니다. 출력 크기 = (n − k) + 1 을 가로·세로 따로 쓰세요"
            )
        if not np.allclose(got, expected, atol=1e-6):
            if np.allclose(got, conv2d(image, kernel[::-1, ::-1]), atol=1e-6):
                raise Failed("커널을 뒤집어 계산했습니다 (수학의 합성곱). 딥러닝의 합성곱은 뒤집지 않는 상호상관입니다")
            if np.allclose(got.T, expected, atol=1e-6) if got.shape[::-1] == expected.shape else False:
                raise Failed("가로와 세로(행과 열)가 바뀌었습니다")
            raise Failed("값이 다릅니다. 각 위치에서 창 image[i:i+kh, j:j+kw]와 커널의 원소별 곱을 모두 더하세요")
    return "정사각형·직사각형 커널 모두 conv2d(padding='valid')와 같습니다"


@checker("연습 2 · 이미지를 옮기는 커널")
def check_shift_kernel(answer) -> str:
    """Exercise 2: ``answer()`` returns a 3x3 kernel that moves the picture one pixel right (out[y, x] = in[y, x - 1])."""
    got = _as_array(call(answer), "커널")
    if got.shape != (3, 3):
        raise Failed(f"커널의 모양이 {got.shape}입니다. 3x3이어야 합니다")
    image = np.random.default_rng(22).integers(0, 256, (12, 12)).astype(np.float64)
    out = conv2d(image, got, padding="same")
    expected = np.zeros_like(image)
    expected[:, 1:] = image[:, :-1]
    if np.allclose(out[:, 1:], expected[:, 1:]):
        return "출력의 (y, x)가 입력의 (y, x−1)을 가져옵니다: 그림이 오른쪽으로 1픽셀 움직입니다"
    left = np.zeros_like(image)
    left[:, :-1] = image[:, 1:]
    if np.allclose(out[:, :-1], left[:, :-1]):
        raise Failed("그림이 왼쪽으로 움직였습니다. 상호상관은 커널을 뒤집지 않으므로 1을 반대쪽 칸에 두세요")
    if abs(got.sum() - 1) > 1e-9:
        raise Failed(f"커널의 합이 {got.sum():g}입니다. 밝기를 그대로 두려면 합이 1이어야 합니다 (1이 한 칸, 나머지는 0)")
    raise Failed("그림이 한 픽셀 이동하지 않습니다. 1을 어느 칸에 두면 출력 (y, x)가 입력 (y, x−1)을 읽을까요?")


@checker("연습 3 · 합성곱 층의 출력 모양과 파라미터 수")
def check_conv_layer(answer) -> str:
    """Exercise 3: ``answer(c_in, size, c_out, k, padding, stride)`` -> (output shape (c, h, w), parameter count)."""
    from torch import nn

    import torch

    cases = [(1, 28, 16, 5, 2, 1), (16, 14, 32, 3, 1, 1), (3, 32, 8, 3, 0, 2), (8, 9, 4, 4, 1, 3), (2, 7, 5, 7, 0, 1)]
    for c_in, size, c_out, k, padding, stride in cases:
        layer = nn.Conv2d(c_in, c_out, k, padding=padding, stride=stride)
        with torch.no_grad():
            shape = tuple(layer(torch.zeros(1, c_in, size, size)).shape[1:])
        params = sum(p.numel() for p in layer.parameters())
        out = call(answer, c_in, size, c_out, k, padding, stride)
        if not isinstance(out, tuple) or len(out) != 2:
            raise Failed("(출력 모양, 파라미터 수) 두 값을 튜플로 돌려주세요")
        got_shape, got_params = out
        try:
            got_shape = tuple(int(v) for v in got_shape)
        except (TypeError, ValueError):
            raise Failed(f"출력 모양은 (채널, 높이, 너비) 세 정수여야 합니다 (받은 것: {got_shape!r})") from None
        where = f"Conv2d({c_in}, {c_out}, {k}, padding={padding}, stride={stride})에 {size}x{size} 입력"
        if got_shape != shape:
            hint = " 나눗셈은 내림(//)입니다" if stride > 1 else ""
            raise Failed(f"{where}: 출력 모양은 {shape}인데 {got_shape}입니다.{hint}")
        if got_params != params:
            hint = " 편향(bias)도 출력 채널마다 하나씩 있습니다" if got_params == params - c_out else ""
            raise Failed(f"{where}: 파라미터는 {params}개인데 {got_params}개입니다.{hint}")
    return "다섯 가지 층 모두 nn.Conv2d와 같습니다"

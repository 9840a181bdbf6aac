"""Checkers for week 2's exercises (convolution and CNNs)."""

from __future__ import annotations

import numpy as np

from ..filters import conv2d
from . import Failed, call, checker


__all__ = ["check_conv2d_valid", "check_shift_kernel", "check_conv_layer", "check_encoder_plan"]

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


def _plan_rows(plan) -> list[tuple[int, int, int, int]]:
    if plan is None:
        raise Failed("함수가 아무것도 돌려주지 않았습니다 (return을 잊었나요?)")
    try:
        rows = list(plan)
    except TypeError:
        raise Failed(f"층 목록(튜플의 리스트)을 돌려주세요 (받은 것: {type(plan).__name__})") from None
    if not rows:
        raise Failed("층 목록이 비어 있습니다")
    out = []
    for number, row in enumerate(rows, 1):
        try:
            values = tuple(row)
        except TypeError:
            values = (row,)
        if len(values) != 4:
            raise Failed(f"층 {number}: (c_in, c_out, padding, 출력 크기) 네 값이어야 하는데 {len(values)}개입니다")
        if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
            raise Failed(f"층 {number}: 네 값은 모두 정수여야 합니다 (받은 것: {values!r})")
        c_in, c_out, padding, size = (int(v) for v in values)
        if c_in < 1 or c_out < 1:
            raise Failed(f"층 {number}: 채널 수는 1 이상이어야 합니다 (c_in={c_in}, c_out={c_out})")
        if padding < 0:
            raise Failed(f"층 {number}: padding은 0 이상이어야 합니다 (받은 것: {padding})")
        out.append((c_in, c_out, padding, size))
    return out


@checker("연습 4 · faceswap-GAN 인코더 설계 (열린 문제)")
def check_encoder_plan(answer) -> str:
    """Exercise 4 (open): ``answer()`` lists the layers ``(c_in, c_out, padding, output side)`` of 3x3,
    stride-2 convolutions taking a 64x64x3 face to 4x4x1024, channels doubling after the first layer
    (faceswap-GAN's encoder). Each layer is built with ``nn.Conv2d`` and run; the stated sides must match."""
    import torch
    from torch import nn

    rows = _plan_rows(call(answer))
    if rows[0][0] != 3:
        raise Failed(f"층 1의 입력은 RGB 얼굴이므로 c_in은 3이어야 합니다 (받은 것: {rows[0][0]})")
    if len(rows) > 8:
        raise Failed(f"층이 {len(rows)}개입니다. 스트라이드 2 층 8개면 64픽셀은 이미 1픽셀보다 작아집니다")
    x = torch.zeros(1, 3, 64, 64)
    sides = [64]
    parameters = 0
    for number, (c_in, c_out, padding, stated) in enumerate(rows, 1):
        if number > 1 and c_in != rows[number - 2][1]:
            raise Failed(f"층 {number}의 c_in({c_in})이 층 {number - 1}의 c_out({rows[number - 2][1]})과 다릅니다")
        if number > 1 and c_out != 2 * c_in:
            raise Failed(f"층 {number}: 채널은 층마다 두 배로 늘어야 하는데 {c_in} → {c_out}입니다")
        if padding > 1:
            raise Failed(f"층 {number}: 3x3 커널에 padding={padding}은 테두리에 0만 더 붙입니다. 0이나 1 가운데 고르세요")
        if x.shape[-1] + 2 * padding < 3:
            raise Failed(f"층 {number}: 입력이 {x.shape[-1]}x{x.shape[-1]}라 3x3 커널이 들어가지 않습니다. 층이 많습니다")
        layer = nn.Conv2d(c_in, c_out, 3, stride=2, padding=padding)
        with torch.no_grad():
            x = layer(torch.zeros(1, c_in, x.shape[-2], x.shape[-1]))
        side = int(x.shape[-1])
        parameters += sum(p.numel() for p in layer.parameters())
        if stated != side:
            raise Failed(
                f"층 {number}: {sides[-1]}x{sides[-1]} 입력에 3x3, 스트라이드 2, padding={padding}이면 출력은 "
                f"{side}x{side}인데 {stated}라고 했습니다. ⌊(n + 2p − k)/s⌋ + 1을 계산하세요"
            )
        sides.append(side)
    c_out = rows[-1][1]
    side = sides[-1]
    if side != 4:
        if side > 4:
            raise Failed(f"마지막 출력이 {side}x{side}입니다. 4x4가 되려면 층이 모자랍니다")
        if any(p == 0 for *_, p, _ in rows) and len(rows) == 4:
            raise Failed(
                f"마지막 출력이 {side}x{side}입니다. 3x3 커널에 padding 0이면 층마다 한 픽셀씩 더 잃습니다 "
                "(64 → 31): 크기를 정확히 반으로 줄이는 padding을 고르세요"
            )
        raise Failed(f"마지막 출력이 {side}x{side}입니다. 4x4를 지나쳤으니 층이 많습니다")
    if c_out != 1024:
        raise Failed(f"마지막 출력은 4x4x1024여야 하는데 채널이 {c_out}개입니다. 첫 층의 c_out을 바꿔 보세요")
    channels = " → ".join(str(c) for c in [3] + [row[1] for row in rows])
    return (
        f"{' → '.join(str(s) for s in sides)}, 채널 {channels}. "
        f"nn.Conv2d로 센 파라미터는 {parameters:,}개입니다"
    )

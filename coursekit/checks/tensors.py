"""What the tensor-valued exercise checkers share: read an answer's tensor, compare it to the expected one."""

from __future__ import annotations

import torch

from . import Failed

__all__ = ["ATOL", "answer_tensor", "close"]

ATOL = 1e-4


def answer_tensor(value, name: str, shape) -> torch.Tensor:
    """``value`` if it is a finite torch tensor of ``shape``; otherwise :class:`Failed` with the reason (Korean)."""
    if value is None:
        raise Failed(f"{name}가 None입니다 (return을 잊었나요?)")
    if not isinstance(value, torch.Tensor):
        raise Failed(f"{name}는 torch 텐서여야 합니다 (받은 것: {type(value).__name__})")
    if tuple(value.shape) != tuple(shape):
        raise Failed(f"{name}의 모양이 {tuple(value.shape)}인데 {tuple(shape)}여야 합니다")
    if not bool(torch.isfinite(value).all()):
        raise Failed(f"{name}에 NaN이나 무한대가 있습니다")
    return value


def close(a: torch.Tensor, b: torch.Tensor, atol: float = ATOL) -> bool:
    """Equal within ``atol`` (absolute and relative), compared in float64."""
    return bool(torch.allclose(a.detach().double(), b.detach().double(), rtol=atol, atol=atol))

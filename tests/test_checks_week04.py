"""Week 4's checkers pass the right answers and explain the usual mistakes."""

import numpy as np
import torch

from coursekit.checks import week04
from coursekit.face_swap_loss import ssim_window
from coursekit.ssim import dssim


def test_encoder_sizes(capsys):
    def right(size, widths):
        out, side = [], size
        for w in widths:
            side = (side + 2 - 3) // 2 + 1
            out.append((w, side, side))
        return out

    assert week04.check_encoder_sizes(right)
    assert not week04.check_encoder_sizes(lambda size, widths: [(w, size // 2 ** (i + 1), size // 2 ** (i + 1))
                                                                 for i, w in enumerate(widths)])
    assert "⌈H / 2⌉" in capsys.readouterr().out
    assert not week04.check_encoder_sizes(lambda size, widths: None)


def test_masked_loss(capsys):
    def right(face, target, mask):
        a, b = face * mask, target * mask
        return 10 * dssim(a, b, window=ssim_window(64)).mean() + 10 * (a - b).pow(2).mean()

    assert week04.check_masked_loss(right)
    assert not week04.check_masked_loss(lambda f, t, m: 10 * dssim(f, t, window=5).mean() + 10 * (f - t).pow(2).mean())
    assert "마스크를 곱하지" in capsys.readouterr().out
    assert not week04.check_masked_loss(lambda f, t, m: right(f, t, m) / 10)
    assert "가중치 10" in capsys.readouterr().out
    assert not week04.check_masked_loss(lambda f, t, m: torch.tensor(0.0))


def test_reinhard(capsys):
    def right(source, target, sm, tm):
        s, t = source[sm], target[tm]
        return (source - s.mean(0)) / s.std(0) * t.std(0) + t.mean(0)

    assert week04.check_reinhard(right)
    assert not week04.check_reinhard(lambda s, t, sm, tm: (s - s.mean((0, 1))) / s.std((0, 1)) * t.std((0, 1)) + t.mean((0, 1)))
    assert "마스크 안" in capsys.readouterr().out
    assert not week04.check_reinhard(lambda s, t, sm, tm: np.zeros(3))
    def unfinished(*args):
        raise NotImplementedError
    assert not week04.check_reinhard(unfinished)

"""Checkers of week 6: each passes the reference solution and names the usual mistakes."""

import pytest
import torch

from coursekit.checks.week06 import check_cfg, check_ddim_step, check_q_sample
from coursekit.diffusion.noise_schedule import cosine_schedule
from coursekit.diffusion.samplers import ddim_step


def q_sample(x0, alpha_bar, noise):
    a = alpha_bar.view(-1, 1, 1, 1)
    return a.sqrt() * x0 + (1 - a).sqrt() * noise


def ddim(x_t, eps, ab, ab_prev):
    x0 = (x_t - (1 - ab) ** 0.5 * eps) / ab**0.5
    return ab_prev**0.5 * x0 + (1 - ab_prev) ** 0.5 * eps


def test_q_sample_checker(capsys):
    assert check_q_sample(q_sample)
    assert not check_q_sample(lambda x0, a, n: a.view(-1, 1, 1, 1) * x0 + (1 - a.view(-1, 1, 1, 1)) * n)
    assert "√를 빠뜨렸습니다" in capsys.readouterr().out
    assert not check_q_sample(lambda x0, a, n: q_sample(n, a, x0))
    assert "바뀌었습니다" in capsys.readouterr().out
    assert not check_q_sample(lambda x0, a, n: a.sqrt() * x0 + (1 - a).sqrt() * n)  # broadcasts over the width
    assert "view(-1, 1, 1, 1)" in capsys.readouterr().out
    assert not check_q_sample(lambda x0, a, n: None)
    assert not check_q_sample(lambda x0, a, n: (_ for _ in ()).throw(NotImplementedError))
    assert "NotImplementedError" in capsys.readouterr().out


def test_ddim_step_checker(capsys):
    assert check_ddim_step(ddim)
    assert not check_ddim_step(lambda x, e, a, ap: (x - (1 - a) ** 0.5 * e) / a**0.5)
    assert "x̂_0을 돌려주었습니다" in capsys.readouterr().out
    assert not check_ddim_step(lambda x, e, a, ap: ap**0.5 * (x - (1 - a) ** 0.5 * e) + (1 - ap) ** 0.5 * e)
    assert "나누지 않았습니다" in capsys.readouterr().out
    assert not check_ddim_step(lambda x, e, a, ap: ddim(x, e, a, ap)[:1])
    assert "모양" in capsys.readouterr().out


def test_reference_ddim_step_is_the_library_step():
    """The exercise's formula is coursekit's ddim_step with η = 0 and no clipping."""
    schedule = cosine_schedule(1000)
    x_t, eps = torch.randn(2, 1, 28, 28), torch.randn(2, 1, 28, 28)
    ab, ab_prev = (float(schedule.alpha_bar(torch.tensor([t]))[0]) for t in (600, 550))
    library, _ = ddim_step(schedule, eps, x_t, 600, 550, clip=None)
    torch.testing.assert_close(ddim(x_t, eps, ab, ab_prev), library, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("wrong, hint", [
    (lambda c, r, w: c + w * (r - c), "자리가 바뀌었습니다"),
    (lambda c, r, w: c + w * (c - r), "Ho·Salimans"),
    (lambda c, r, w: w * c + r, "w = 1에서도"),
])
def test_cfg_checker_names_the_mistake(capsys, wrong, hint):
    assert not check_cfg(wrong)
    assert hint in capsys.readouterr().out


def test_cfg_checker_passes_both_written_forms():
    assert check_cfg(lambda c, r, w: r + w * (c - r))
    assert check_cfg(lambda c, r, w: w * c + (1 - w) * r)

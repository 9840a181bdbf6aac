import math

import pytest
import torch
import torch.nn.functional as F

from coursekit import latent
from coursekit.checks.week03 import check_gan_losses, check_modes_covered, check_slerp


# --- reference solutions ------------------------------------------------------------------


def gan_losses(real_logits, fake_logits):
    d_loss = F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
    g_loss = F.softplus(-fake_logits).mean()
    return d_loss, g_loss


def gan_losses_bce(real_logits, fake_logits):
    bce = F.binary_cross_entropy_with_logits
    d_loss = bce(real_logits, torch.ones_like(real_logits)) + bce(fake_logits, torch.zeros_like(fake_logits))
    return d_loss, -F.logsigmoid(fake_logits).mean()


def slerp(a, b, t):
    cos = torch.dot(a / a.norm(), b / b.norm()).clamp(-1.0, 1.0)
    omega = torch.arccos(cos)
    if torch.sin(omega) < 1e-6:
        return (1 - t) * a + t * b
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)


def modes_covered(samples, modes, std):
    distances = torch.cdist(samples, modes)
    closest, nearest = distances.min(dim=1)
    good = closest <= 3 * std
    counts = torch.bincount(nearest[good], minlength=len(modes))
    threshold = max(1, math.ceil(0.01 * len(samples)))
    return int((counts >= threshold).sum())


@pytest.mark.parametrize(
    "check, solution",
    [
        (check_gan_losses, gan_losses),
        (check_gan_losses, gan_losses_bce),
        (check_slerp, slerp),
        (check_slerp, latent.slerp),
        (check_modes_covered, modes_covered),
    ],
)
def test_checkers_pass_solution_and_fail_placeholder(check, solution, checker_verdict):
    checker_verdict.accepts(check, solution)


# --- exercise 1 ------------------------------------------------------------------------------


def with_g(g):
    return lambda real, fake: (gan_losses(real, fake)[0], g(real, fake))


def with_d(d):
    return lambda real, fake: (d(real, fake), gan_losses(real, fake)[1])


@pytest.mark.parametrize(
    "answer, expected",
    [
        # the naive logarithms: fine for small logits, -inf at ±30
        (lambda r, f: (-torch.log(torch.sigmoid(r)).mean() - torch.log(1 - torch.sigmoid(f)).mean(),
                       -torch.log(torch.sigmoid(f)).mean()), ["무한대/NaN", "F.softplus", "logsigmoid"]),
        (with_g(lambda r, f: -torch.log(torch.sigmoid(f)).mean()), ["g_loss에서 무한대/NaN"]),
        (with_d(lambda r, f: -torch.log(torch.sigmoid(r) + 1e-8).mean()
                - torch.log(1 - torch.sigmoid(f) + 1e-8).mean()), ["d_loss에서 값이 다릅니다", "eps"]),
        (with_g(lambda r, f: torch.log(1 - torch.sigmoid(f)).mean()), ["최소최대", "비포화"]),
        (with_g(lambda r, f: -F.softplus(f).mean()), ["최소최대"]),
        (with_g(lambda r, f: F.softplus(f).mean()), ["판별자를 돕습니다"]),
        (with_g(lambda r, f: F.softplus(-r).mean()), ["진짜 로짓을 썼습니다"]),
        (with_g(lambda r, f: F.softplus(-f).sum()), ["g_loss", "배치 평균"]),
        (with_d(lambda r, f: F.softplus(r).mean() + F.softplus(-f).mean()), ["진짜와 가짜가 바뀌었습니다"]),
        (lambda r, f: gan_losses(f, r), ["d_loss"]),
        (with_d(lambda r, f: F.softplus(-r).sum() + F.softplus(f).sum()), ["d_loss", "배치의 합"]),
        (with_d(lambda r, f: F.binary_cross_entropy_with_logits(
            torch.cat([r, f]), torch.cat([torch.ones_like(r), torch.zeros_like(f)]))), ["따로 평균"]),
        (with_d(lambda r, f: F.softplus(-r).mean()), ["가짜 항", "빠졌습니다"]),
        (with_d(lambda r, f: F.softplus(-r) + F.softplus(f).mean()), ["스칼라", ".mean()"]),
        (lambda r, f: (gan_losses(r, f)[0].item(), gan_losses(r, f)[1]), ["텐서여야", "backward"]),
        (lambda r, f: tuple(x.detach() for x in gan_losses(r, f)), ["계산 그래프"]),
        (lambda r, f: gan_losses(r, f)[0], ["튜플"]),
        (lambda r, f: gan_losses(r, f)[::-1], ["d_loss"]),
        (with_d(lambda r, f: (r.mean() + f.mean()) * 0 + 1.0), ["d_loss = −mean log σ(real)"]),
    ],
)
def test_gan_losses_wrong_answers(answer, expected, checker_verdict):
    checker_verdict.rejects(check_gan_losses, answer, expected)


# --- exercise 2 ------------------------------------------------------------------------------


def slerp_unnormalised_angle(a, b, t):
    omega = torch.arccos(torch.dot(a, b).clamp(-1.0, 1.0))
    if torch.sin(omega) < 1e-6:
        return (1 - t) * a + t * b
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)


def slerp_without_guard(a, b, t):
    omega = torch.arccos(torch.dot(a / a.norm(), b / b.norm()).double().clamp(-1, 1))
    omega = torch.where(omega < 1e-3, torch.zeros_like(omega), omega).float()  # exact parallels give sin = 0
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)


@pytest.mark.parametrize(
    "answer, expected",
    [
        (latent.lerp, ["직선 보간(lerp)", "길이가", "짧아집니다"]),
        (lambda a, b, t: slerp(b, a, t), ["a와 b의 가중치가 바뀌었습니다"]),
        (lambda a, b, t: slerp(a, b, 1 - t), ["가중치가 바뀌었습니다"]),
        (lambda a, b, t: a.clone(), ["t = 1에서는 b"]),
        (lambda a, b, t: slerp(a, b, t) + 0.1, ["t = 0에서는 a"]),
        (slerp_unnormalised_angle, ["단위 벡터에서는 맞는데", "|a||b|"]),
        (slerp_without_guard, ["같은 벡터 (b = a)", "NaN", "sin Ω", "lerp로 대신"]),
        (lambda a, b, t: slerp(a, b, t) * (1 + 0.1 * t * (1 - t)), ["값이 latent.slerp와 다릅니다"]),
        (lambda a, b, t: None, ["return"]),
        (lambda a, b, t: slerp(a, b, t).tolist(), ["torch 텐서"]),
        (lambda a, b, t: slerp(a, b, t)[None], ["모양"]),
    ],
)
def test_slerp_wrong_answers(answer, expected, checker_verdict):
    checker_verdict.rejects(check_slerp, answer, expected)


def test_slerp_success_note_reports_the_norms(capsys):
    assert check_slerp(slerp)
    assert "|slerp|" in capsys.readouterr().out


# --- exercise 3 ------------------------------------------------------------------------------


def counting(*, within=3.0, share_of="all", strict=False, filtered=True, need_share=True):
    """modes_covered with one of the usual mistakes."""

    def answer(samples, modes, std):
        closest, nearest = torch.cdist(samples, modes).min(dim=1)
        good = closest <= within * std if filtered else torch.ones_like(closest, dtype=torch.bool)
        counts = torch.bincount(nearest[good], minlength=len(modes))
        base = len(samples) if share_of == "all" else int(good.sum())
        threshold = max(1, math.ceil(0.01 * base)) if need_share else 1
        return int(((counts > threshold) if strict else (counts >= threshold)).sum())

    return answer


@pytest.mark.parametrize(
    "answer, expected",
    [
        (counting(filtered=False), ["먼 점", "3σ 조건을 빠뜨렸습니다"]),
        (counting(need_share=False), ["0.5%", "1% 기준을 빠뜨렸습니다"]),
        (counting(within=1.0), ["2σ", "거리 기준이 std"]),
        (counting(share_of="good"), ["n = 404", "전체 샘플 수 n의 1%"]),
        (counting(strict=True), ["정확히 10개", ">= 를 쓰세요"]),
        (lambda samples, modes, std: 2.5, ["정수"]),
        (lambda samples, modes, std: None, ["return"]),
        (lambda samples, modes, std: "eight", ["정수 하나"]),
        (lambda samples, modes, std: 3, ["포착한 모드는 8개인데 3개"]),
    ],
)
def test_modes_covered_wrong_answers(answer, expected, checker_verdict):
    checker_verdict.rejects(check_modes_covered, answer, expected)


def test_modes_covered_accepts_a_tensor_count(capsys):
    assert check_modes_covered(lambda s, m, std: torch.tensor(modes_covered(s, m, std)))
    assert "✅" in capsys.readouterr().out


# --- exercise 4 (open): rescue the collapsing toy GAN without touching lr_g ------------------

from coursekit.checks.week03 import check_toy_gan_rescue
from coursekit.models import toy_gan


def test_toy_gan_rescue_accepts_a_slower_discriminator(capsys):
    """Trains for real (seeds 1 and 2, about 15 s): lr_d = 2e-4 covered 8/8 modes on seeds 0-2."""
    assert check_toy_gan_rescue(lambda: toy_gan.CONFIGS["collapsing"].replace(lr_d=2e-4))
    out = capsys.readouterr().out
    assert "✅ 통과" in out and "lr_d=0.0002" in out


def test_toy_gan_rescue_reports_an_unwritten_answer(checker_verdict):
    def placeholder():
        raise NotImplementedError

    checker_verdict.rejects(check_toy_gan_rescue, placeholder, ["NotImplementedError"])


def test_toy_gan_rescue_rejects_the_collapsing_preset_by_its_mode_count(checker_verdict):
    checker_verdict.rejects(check_toy_gan_rescue, lambda: toy_gan.CONFIGS["collapsing"], ["바꾼 것이 없습니다"])


@pytest.mark.parametrize(
    "answer, expected",
    [
        (lambda: toy_gan.CONFIGS["covering"], ["lr_g", "1e-4"]),
        (lambda: toy_gan.CONFIGS["collapsing"].replace(steps=4000), ["steps", "2000"]),
        (lambda: toy_gan.CONFIGS["collapsing"].replace(hidden=512), ["hidden", "256"]),
        (lambda: toy_gan.CONFIGS["collapsing"].replace(batch_size=1024), ["batch_size", "512"]),
        (lambda: toy_gan.CONFIGS["collapsing"].replace(data_size=256, batch_size=256), ["data_size"]),
        (lambda: {"lr_d": 2e-4}, ["ToyConfig"]),
        (lambda: None, ["return"]),
    ],
)
def test_toy_gan_rescue_refuses_changes_outside_the_rules(answer, expected, checker_verdict):
    checker_verdict.rejects(check_toy_gan_rescue, answer, expected)


def test_toy_gan_rescue_fails_a_config_that_still_collapses(checker_verdict, monkeypatch):
    import coursekit.checks.week03 as week03

    monkeypatch.setattr(week03, "_modes_after_training", lambda config, seed: {1: 8, 2: 5}[seed])
    checker_verdict.rejects(
        check_toy_gan_rescue, lambda: toy_gan.CONFIGS["collapsing"].replace(d_steps=2), ["시드 2", "5", "7"]
    )

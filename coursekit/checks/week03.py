"""Checkers for week 3's exercises (GANs, latent space, mode collapse)."""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from ..adversarial import discriminator_loss, generator_loss
from ..latent import lerp, slerp
from ..ring import mode_report, ring_modes, sample_ring
from . import Failed, call, checker

__all__ = ["ATOL", "check_gan_losses", "check_slerp", "check_modes_covered", "check_toy_gan_rescue"]

ATOL = 1e-4


def _scalar(value, name: str) -> torch.Tensor:
    """A loss the student returned as a 0-d float tensor (detached), or :class:`Failed`."""
    if value is None:
        raise Failed(f"{name}가 None입니다 (return을 잊었나요?)")
    if not isinstance(value, torch.Tensor):
        raise Failed(
            f"{name}는 텐서여야 합니다 (받은 것: {type(value).__name__}). "
            ".item()이나 float()로 바꾸면 backward()로 학습할 수 없습니다"
        )
    if value.numel() != 1:
        raise Failed(
            f"{name}의 모양이 {tuple(value.shape)}입니다: 손실은 스칼라 하나여야 합니다. 배치에 대해 .mean()을 하세요"
        )
    if not value.is_floating_point():
        raise Failed(f"{name}의 자료형이 {value.dtype}입니다: 실수 텐서여야 합니다")
    return value.detach().reshape(()).double()


def _close(got: torch.Tensor, expected: torch.Tensor) -> bool:
    return bool(torch.isfinite(got)) and math.isclose(float(got), float(expected), rel_tol=ATOL, abs_tol=ATOL)


def _logits(*values, n: int, seed: int) -> torch.Tensor:
    """``n`` float32 logits: the given values first, then standard normal ones."""
    rng = torch.Generator().manual_seed(seed)
    fixed = torch.tensor(values, dtype=torch.float32)
    return torch.cat([fixed, torch.randn(n - len(values), generator=rng)])


# --- exercise 1 ------------------------------------------------------------------------------


def _loss_hint(which: str, got, real, fake) -> str:
    """Why a wrong ``d_loss`` (which="d") or ``g_loss`` (which="g") differs, when it is a known mistake."""
    sp = F.softplus
    if which == "d":
        known = [
            (sp(real).mean() + sp(-fake).mean(),
             "진짜와 가짜가 바뀌었습니다: 진짜 로짓은 정답 1(−log σ(real)), 가짜 로짓은 정답 0(−log(1 − σ(fake)))입니다"),
            (sp(-real).sum() + sp(fake).sum(), "배치의 합을 구했습니다: 각 항을 배치 평균(.mean())으로 하세요"),
            (torch.cat([sp(-real), sp(fake)]).mean(),
             "진짜와 가짜를 한데 모아 한 번에 평균냈습니다: 두 항을 따로 평균낸 뒤 더하세요 "
             "(−mean log σ(real) − mean log(1 − σ(fake)))"),
            (-(sp(-real).mean() + sp(fake).mean()), "부호가 반대입니다: 손실은 −log(확률)이라 0 이상이어야 합니다"),
            (sp(-real).mean(), "가짜 항 −mean log(1 − σ(fake))가 빠졌습니다"),
            (sp(fake).mean(), "진짜 항 −mean log σ(real)가 빠졌습니다"),
            (sp(-real).mean() - sp(fake).mean(), "가짜 항의 부호가 틀렸습니다: −log(1 − σ(fake))를 더하세요"),
        ]
    else:
        known = [
            (-sp(fake).mean(),
             "최소최대(minimax) 손실 log(1 − σ(fake))를 돌려주었습니다. 판별자가 가짜를 확신 있게 거절하면 "
             "(σ ≈ 0) 기울기가 사라집니다: 비포화(non-saturating) 손실 −log σ(fake)를 쓰세요"),
            (sp(fake).mean(),
             "g_loss가 판별자의 가짜 항 −log(1 − σ(fake))와 같습니다: 이것을 줄이면 생성자가 판별자를 돕습니다. "
             "생성자는 가짜가 '진짜'(1)로 읽히길 원합니다 → −log σ(fake)"),
            (sp(-real).mean(), "g_loss에 진짜 로짓을 썼습니다: 생성자의 손실은 가짜 로짓만으로 계산합니다"),
            (sp(-fake).sum(), "배치의 합을 구했습니다: 배치 평균(.mean())으로 하세요"),
            (-sp(-fake).mean(), "부호가 반대입니다: −log σ(fake)는 0 이상입니다"),
            (sp(-real).mean() + sp(fake).mean(), "g_loss 자리에 판별자 손실을 돌려주었습니다: (d_loss, g_loss) 순서를 확인하세요"),
        ]
    for value, hint in known:
        if _close(got, value.double()):
            return hint
    return ""


def _stability_hint(name: str, got: torch.Tensor) -> str:
    problem = "무한대/NaN이 나옵니다" if not bool(torch.isfinite(got)) else "값이 다릅니다 (작은 eps를 더하면 값이 잘립니다)"
    return (
        f"로짓이 ±30, ±200처럼 큰 경우 {name}에서 {problem}. torch.log(torch.sigmoid(x))는 σ가 0이나 1로 "
        "반올림되면 log(0)이 됩니다. 로그를 직접 계산하지 말고 F.logsigmoid(x) 또는 "
        "−log σ(x) = F.softplus(−x), −log(1 − σ(x)) = F.softplus(x)를 쓰세요"
    )


@checker("연습 1 · GAN의 두 손실")
def check_gan_losses(answer) -> str:
    """Exercise 1: ``answer(real_logits, fake_logits)`` -> ``(d_loss, g_loss)``; g is the non-saturating loss."""
    moderate = [
        (_logits(n=16, seed=31), _logits(n=12, seed=32)),
        (_logits(4.0, -2.5, 0.0, n=8, seed=33), _logits(-3.0, 1.5, n=20, seed=34)),
        (_logits(2.0, 3.0, 5.0, n=6, seed=35) + 1.0, _logits(-5.0, -4.0, n=9, seed=36) - 1.0),
    ]
    large = [
        (torch.tensor([30.0, -30.0, 12.0, 0.5]), torch.tensor([-30.0, 30.0, -8.0])),
        (torch.tensor([200.0, -200.0, 1.0]), torch.tensor([-200.0, 200.0, -1.0, 0.0])),
    ]
    for index, (real, fake) in enumerate(moderate + large):
        out = call(answer, real.clone().requires_grad_(True), fake.clone().requires_grad_(True))
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise Failed("(d_loss, g_loss) 두 값을 튜플로 돌려주세요")
        d_raw, g_raw = out
        d, g = _scalar(d_raw, "d_loss"), _scalar(g_raw, "g_loss")
        if not (d_raw.requires_grad and g_raw.requires_grad):
            raise Failed("손실이 입력 로짓과 계산 그래프로 이어져 있지 않습니다 (.detach()나 NumPy를 거쳤나요?): "
                         "그러면 backward()로 학습할 수 없습니다")
        want_d = discriminator_loss(real, fake).double()
        want_g = generator_loss(fake, "nonsaturating").double()
        is_large = index >= len(moderate)
        for name, got, want in (("d_loss", d, want_d), ("g_loss", g, want_g)):
            if _close(got, want):
                continue
            if is_large:
                raise Failed(_stability_hint(name, got))
            hint = _loss_hint(name[0], got, real.double(), fake.double())
            formula = (
                "d_loss = −mean log σ(real) − mean log(1 − σ(fake))" if name == "d_loss"
                else "g_loss = −mean log σ(fake) (비포화 손실)"
            )
            raise Failed(
                f"{name}가 {float(got):.4f}인데 {float(want):.4f}여야 합니다. "
                + (hint if hint else f"식을 확인하세요: {formula}")
            )
    return "판별자 손실과 비포화 생성자 손실이 맞고, ±200 같은 큰 로짓에서도 안정적입니다"


# --- exercise 2 ------------------------------------------------------------------------------


def _vector(out, like: torch.Tensor, what: str) -> torch.Tensor:
    if out is None:
        raise Failed("함수가 아무것도 돌려주지 않았습니다 (return을 잊었나요?)")
    if not isinstance(out, torch.Tensor):
        raise Failed(f"결과는 torch 텐서여야 합니다 (받은 것: {type(out).__name__})")
    if out.shape != like.shape:
        raise Failed(f"{what}: 결과의 모양이 {tuple(out.shape)}인데 a와 같은 {tuple(like.shape)}여야 합니다")
    return out.detach().double()


def _same(got: torch.Tensor, want: torch.Tensor) -> bool:
    scale = max(1.0, float(want.norm()))
    return bool(torch.isfinite(got).all()) and float((got - want).norm()) <= ATOL * scale


def _unit(v: torch.Tensor) -> torch.Tensor:
    return v / v.norm()


@checker("연습 2 · 구면 보간 slerp")
def check_slerp(answer) -> str:
    """Exercise 2: ``answer(a, b, t)`` for 1-D tensors and a float ``t``, as :func:`coursekit.latent.slerp`."""
    rng = torch.Generator().manual_seed(41)
    a, b = torch.randn(64, generator=rng), torch.randn(64, generator=rng)

    # endpoints first: the easiest thing to get right, and the clearest message
    start = _vector(call(answer, a.clone(), b.clone(), 0.0), a, "t = 0")
    end = _vector(call(answer, a.clone(), b.clone(), 1.0), a, "t = 1")
    if _same(start, b.double()) and _same(end, a.double()):
        raise Failed("t = 0에서 b, t = 1에서 a가 나왔습니다: a와 b의 가중치가 바뀌었습니다 (t = 0 → a, t = 1 → b)")
    for t, got, want, name in ((0, start, a, "a"), (1, end, b, "b")):
        if not _same(got, want.double()):
            raise Failed(f"t = {t}에서는 {name}가 그대로 나와야 합니다 (양 끝점)")

    u, v = _unit(torch.randn(64, generator=rng)), _unit(torch.randn(64, generator=rng))
    cases = [
        ("단위 벡터 두 개, t = 0.5", u, v, 0.5),
        ("64차원 가우시안 코드 두 개, t = 0.5", a, b, 0.5),
        ("64차원 가우시안 코드 두 개, t = 0.3", a, b, 0.3),
        ("길이가 다른 두 벡터 (|a| = 2, |b| = 10), t = 0.7", 2 * u, 10 * v, 0.7),
    ]
    unit_passed = False
    for where, x, y, t in cases:
        want = slerp(x, y, t).double()
        got = _vector(call(answer, x.clone(), y.clone(), t), x, where)
        if _same(got, want):
            unit_passed = unit_passed or x is u
            continue
        if unit_passed:
            raise Failed(
                f"{where}: 단위 벡터에서는 맞는데 길이가 1이 아닌 벡터에서 틀립니다. 각도는 단위 벡터끼리의 "
                "내적으로 구하세요: cos Ω = a·b / (|a||b|) (결과는 정규화하지 않은 a, b를 섞습니다)"
            )
        if _same(got, lerp(x, y, t).double()):
            ends = f"|a| = {float(x.norm()):.2f}, |b| = {float(y.norm()):.2f}"
            raise Failed(
                f"{where}: 직선 보간(lerp)을 돌려주었습니다. 결과의 길이가 {float(got.norm()):.2f}로 "
                f"양 끝({ends})보다 짧아집니다 (구의 안쪽을 지남). slerp는 각도 Ω를 따라 "
                "sin((1−t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b 로 섞어 길이를 유지합니다"
            )
        if not bool(torch.isfinite(got).all()):
            raise Failed(f"{where}: 결과에 NaN이 있습니다. cos Ω = a·b / (|a||b|)로 정규화했는지, "
                         "arccos에 넣기 전에 [−1, 1]로 clamp 했는지 확인하세요")
        raise Failed(f"{where}: 값이 latent.slerp와 다릅니다. sin((1−t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b 를 확인하세요")

    parallel = [
        ("같은 벡터 (b = a)", a, a.clone(), 0.4),
        ("같은 방향 (b = 2.5·a)", a, 2.5 * a, 0.4),
        ("거의 같은 방향 (b = a + 아주 작은 차이)", a, a + 1e-6 * torch.randn(64, generator=rng), 0.6),
    ]
    for where, x, y, t in parallel:
        got = _vector(call(answer, x.clone(), y.clone(), t), x, where)
        if not _same(got, slerp(x, y, t).double()):
            nan = " NaN이 나옵니다:" if not bool(torch.isfinite(got).all()) else ""
            raise Failed(
                f"{where}, t = {t:g}:{nan} 두 벡터가 (거의) 같은 방향이면 Ω ≈ 0이라 sin Ω ≈ 0으로 나누게 됩니다. "
                "sin Ω가 아주 작으면 (예: 1e-6 미만) lerp로 대신하고, arccos 전에 cos을 [−1, 1]로 clamp 하세요"
            )
    middle = slerp(a, b, 0.5)
    return (
        f"양 끝점, 길이 유지(t = 0.5에서 |slerp| = {float(middle.norm()):.2f}, |lerp| = "
        f"{float(lerp(a, b, 0.5).norm()):.2f}), 거의 평행한 벡터까지 모두 latent.slerp와 같습니다"
    )


# --- exercise 3 ------------------------------------------------------------------------------


def _modes_variants(points: np.ndarray, k: int, radius: float, std: float) -> dict[str, tuple[int, str]]:
    """name -> (the count that mistake gives, its hint), for the usual mistakes in counting covered modes."""
    n = len(points)
    distances = np.linalg.norm(points[:, None] - ring_modes(k, radius)[None], axis=2)
    nearest = distances.argmin(1)
    closest = distances[np.arange(n), nearest]
    good = closest <= 3 * std
    threshold = max(1, math.ceil(0.01 * n - 1e-9))

    def covered(mask, need: int, strict: bool = False) -> int:
        counts = np.bincount(nearest[mask], minlength=k)
        return int((counts > need).sum() if strict else (counts >= need).sum())

    return {
        "no_3sigma": (
            covered(np.ones(n, bool), threshold),
            "3σ 조건을 빠뜨렸습니다: 가장 가까운 모드가 3·std보다 멀리 있는 샘플은 어느 모드에도 세지 않습니다",
        ),
        "no_share": (
            covered(good, 1),
            "1% 기준을 빠뜨렸습니다: 샘플 한두 개로는 모드를 포착했다고 하지 않습니다. 모드마다 고품질 샘플이 "
            "전체 n개의 1% 이상(최소 1개)이어야 합니다",
        ),
        "one_sigma": (
            covered(closest <= std, threshold),
            "거리 기준이 std입니다: 고품질 샘플은 가장 가까운 모드에서 3·std 이내입니다",
        ),
        "share_of_good": (
            covered(good, max(1, math.ceil(0.01 * int(good.sum()) - 1e-9))),
            "1%를 고품질 샘플 수에 대해 계산했습니다: 기준은 전체 샘플 수 n의 1%입니다 (max(1, ceil(0.01·n)))",
        ),
        "strict": (
            covered(good, threshold, strict=True),
            "정확히 1%인 모드도 포착된 것입니다: '1% 이상'이므로 > 대신 >= 를 쓰세요",
        ),
    }


def _cluster(mode: np.ndarray, count: int, rng: np.random.Generator, spread: float = 0.05) -> np.ndarray:
    return mode + spread * rng.standard_normal((count, 2))


def _mode_cases():
    """(description, points, ring arguments, the mistake the case is built to catch)."""
    rng = np.random.default_rng(51)
    modes = ring_modes()
    full = sample_ring(2000, seed=5).numpy().astype(np.float64)
    nearest = np.linalg.norm(full[:, None] - modes[None], axis=2).argmin(1)
    two = full[np.isin(nearest, [2, 5])]
    angles = 2 * np.pi * np.arange(300) / 300
    far = np.concatenate([
        _cluster(modes[1], 300, rng),
        _cluster(modes[6], 300, rng),
        np.stack([np.cos(angles), np.sin(angles)], 1),  # radius 1: at least 1 from every mode
        _cluster(modes[0] * 1.5, 200, rng),  # outside the ring, 1 from mode 0
    ])
    two_sigma = np.repeat(modes[[0, 1, 2]] + np.array([0.0, 0.1]), 40, axis=0)  # 2σ from their mode (σ = 0.05)
    below = np.concatenate([_cluster(modes[0], 1990, rng), _cluster(modes[3], 10, rng)])
    exact = np.concatenate([_cluster(modes[0], 990, rng), _cluster(modes[4], 10, rng)])
    strays = np.concatenate([_cluster(modes[7], 300, rng), _cluster(modes[2], 4, rng), np.full((100, 2), 9.0)])
    small = ring_modes(5, 1.0)[[0, 1, 3]].repeat([3, 2, 1], axis=0) + 0.02 * rng.standard_normal((6, 2))
    return [
        ("8개 모드 모두에서 뽑은 샘플 2,000개", full, {}, "no_3sigma"),
        ("모드 2와 5에서만 나온 샘플", two, {}, "no_3sigma"),
        ("두 모드 + 어느 모드에서도 먼 점 500개", far, {}, "no_3sigma"),
        ("모드 0, 1, 2에서 정확히 2σ 떨어진 점 120개", two_sigma, {}, "one_sigma"),
        ("모드 0에 1,990개, 모드 3에 10개 (0.5%)", below, {}, "no_share"),
        ("모드 0에 990개, 모드 4에 정확히 10개 (1%)", exact, {}, "strict"),
        ("모드 7에 300개, 모드 2에 4개, 먼 점 100개 (n = 404)", strays, {}, "share_of_good"),
        ("모드 5개, 반지름 1, std 0.1인 고리에 샘플 6개", small, {"k": 5, "radius": 1.0, "std": 0.1}, "strict"),
    ]


@checker("연습 3 · 포착한 모드 세기")
def check_modes_covered(answer) -> str:
    """Exercise 3: ``answer(samples, modes, std)`` -> the number of covered modes, as ``ring.mode_report``.

    ``samples`` ``(n, 2)`` and ``modes`` ``(k, 2)`` are float32 tensors. A sample
    is high quality when its nearest mode is at most ``3 * std`` away; a mode is
    covered when at least ``max(1, ceil(0.01 * n))`` high-quality samples have
    it as their nearest mode (``n``: all samples).
    """
    for where, points, ring, likely in _mode_cases():
        k, radius, std = ring.get("k", 8), ring.get("radius", 2.0), ring.get("std", 0.05)
        samples = torch.from_numpy(points.astype(np.float32))
        modes = torch.from_numpy(ring_modes(k, radius).astype(np.float32))
        want = mode_report(samples, k=k, radius=radius, std=std).modes_covered
        got = call(answer, samples.clone(), modes.clone(), std)
        if got is None:
            raise Failed("함수가 아무것도 돌려주지 않았습니다 (return을 잊었나요?)")
        try:
            value = float(got.item() if hasattr(got, "item") else got)
        except (TypeError, ValueError, RuntimeError):
            raise Failed(f"모드의 개수(정수 하나)를 돌려주세요 (받은 것: {type(got).__name__})") from None
        if value != int(value):
            raise Failed(f"모드의 개수는 정수여야 하는데 {value:g}입니다")
        if int(value) == want:
            continue
        variants = _modes_variants(points.astype(np.float32).astype(np.float64), k, radius, std)
        order = [likely] + [name for name in variants if name != likely]
        hint = next((variants[name][1] for name in order if variants[name][0] == int(value)), "")
        raise Failed(
            f"{where}: 포착한 모드는 {want}개인데 {int(value)}개라고 했습니다. "
            + (hint or "각 샘플을 가장 가까운 모드에 배정하고, 3·std 이내인 샘플만 세어, n의 1% 이상 받은 모드를 세세요")
        )
    return "여덟 가지 샘플 모두 ring.mode_report의 modes_covered와 같습니다 (3σ 조건과 1% 기준 모두 맞음)"


# Exercise 4's rules: the collapsing preset's generator learning rate, data and
# step budget stay; the networks and batch stay small enough for the checker to
# train twice in about 15 s on a laptop CPU.
RESCUE_SEEDS = (1, 2)
RESCUE_MIN_MODES = 7
RESCUE_LIMITS = {"steps": 2000, "hidden": 256, "layers": 4, "batch_size": 512}


def _modes_after_training(config, seed: int) -> int:
    from ..gan_training import train_toy_gan
    from ..models import toy_gan

    G, _, _ = train_toy_gan(config, seed=seed)
    return mode_report(toy_gan.sample(G, 2000, seed=2)).modes_covered


@checker("연습 4 · 붕괴하는 설정 살리기 (열린 문제)")
def check_toy_gan_rescue(answer) -> str:
    """Exercise 4 (open): ``answer()`` returns a ``ToyConfig`` that keeps the collapsing preset's
    ``lr_g`` (1e-4), data and at most 2,000 steps, yet covers at least 7 of 8 modes.

    The config is trained on seeds 1 and 2 (the lesson's live runs use seed 0)
    and each run's 2,000 samples are judged by ``ring.mode_report``. Only the
    verdict and the changed settings are printed: the exact mode count of a
    fresh training run differs between CPUs.
    """
    from ..models import toy_gan

    config = call(answer)
    if config is None:
        raise Failed("함수가 아무것도 돌려주지 않았습니다 (return을 잊었나요?)")
    if not isinstance(config, toy_gan.ToyConfig):
        raise Failed(f"ToyConfig를 돌려주세요, 예: toy_gan.CONFIGS['collapsing'].replace(...) (받은 것: {type(config).__name__})")
    base = toy_gan.CONFIGS["collapsing"]
    if config.lr_g != base.lr_g:
        raise Failed(f"생성자의 학습률 lr_g는 1e-4 그대로 두어야 합니다 (받은 것: {config.lr_g:g}). 다른 손잡이를 찾으세요")
    if config.data_size != base.data_size:
        raise Failed(f"데이터(data_size={base.data_size})는 바꾸지 마세요 (받은 것: {config.data_size})")
    for name, limit in RESCUE_LIMITS.items():
        if getattr(config, name) > limit:
            raise Failed(f"{name}은(는) {limit} 이하로 두세요 (받은 것: {getattr(config, name)}). 확인 셀이 두 번 학습합니다")
    changed = {k: v for k, v in config.as_dict().items() if v != base.as_dict()[k]}
    if not changed:
        raise Failed("붕괴하는 설정에서 바꾼 것이 없습니다. 2절에서 본 대로 이 설정은 모드 3개 이하에 몰립니다")
    for seed in RESCUE_SEEDS:
        modes = _modes_after_training(config, seed)
        if modes < RESCUE_MIN_MODES:
            raise Failed(
                f"시드 {seed}에서 덮은 모드가 {modes}/8입니다 ({RESCUE_MIN_MODES}개 이상이어야 통과). "
                "판별자와 생성자 가운데 누가 너무 빨리 배우는지 생각해 보세요"
            )
    what = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in changed.items())
    seeds = ", ".join(str(s) for s in RESCUE_SEEDS)
    return f"{what}(으)로 시드 {seeds} 모두 8개 중 {RESCUE_MIN_MODES}개 이상의 모드를 덮었습니다 (lr_g = 1e-4 그대로)"

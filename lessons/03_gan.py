# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["slide"]
# # 3주차: GAN, 위조지폐범과 경찰의 게임
#
# 지금까지는 이미지를 **읽는** 모델을 만들었습니다. 이번 주부터는 이미지를 **만드는** 모델입니다.
# GAN(Generative Adversarial Network, 생성적 적대 신경망)은 두 신경망이 서로 이기려고 겨루는 동안 둘 다 나아지는 구조입니다.
#
# **학습 목표**
#
# - 생성자(generator)와 판별자(discriminator)의 미니맥스(minimax) 게임, 판별자의 최적해, 그리고 실제로는 **비포화(non-saturating) 생성자 손실**을 쓰는 이유를 설명할 수 있다.
# - 2차원 장난감 GAN에서 **모드 붕괴**(mode collapse)와 **불안정한 학습**을 그림과 숫자로 확인할 수 있다.
# - DCGAN을 공용 훈련 루프로 학습시키고, 2주차의 잣대(`coursekit.metrics`)로 생성된 숫자를 채점할 수 있다.
# - 잠재 공간(latent space)을 보간(interpolation: lerp, slerp)하고, 잡음을 중심 쪽으로 당기는 **절단 트릭**(truncation trick)과 그 친척들이 품질과 다양성을 어떻게 맞바꾸는지 측정할 수 있다.
# - StyleGAN의 매핑 네트워크(mapping network), AdaIN, 층별 잡음, 스타일 믹싱(style mixing)을 작은 모델로 설명할 수 있다.
#
# **필요한 것**: 2주차의 합성곱과 CNN, 공용 훈련 루프 `coursekit.train.fit`, 숫자 잣대 `coursekit.metrics`.

# %%
import coursekit

coursekit.require(">=0.1,<0.2")
coursekit.setup_lesson(seed=0)

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

from coursekit import digit_bar, env, metrics, ring
from coursekit.adversarial import generator_loss, make_gan_step
from coursekit.checkpoints import read_manifest
from coursekit.datasets import digits, digits_sample
from coursekit.gan_training import train_gan, train_toy_gan
from coursekit.images import show
from coursekit.latent import lerp, sample_z, slerp
from coursekit.models import gan, stylegan, toy_gan
from coursekit.models.gan import to_signed
from coursekit.recipes import dcgan
from coursekit.train import Callback, fit, infinite_batches
from coursekit.widgets.week03 import LatentWalk, StyleMixer, TruncationExplorer

QUICK = env.mode() == "quick"

# %% [markdown] tags=["slide"]
# ## 1. 위조지폐범과 경찰
#
# GAN은 Goodfellow 등(2014)이 처음 제안했고, 위조지폐범과 경찰의 비유도 그 논문에서 나왔습니다.
#
# - **생성자** $G$는 위조지폐범입니다. 무작위 잡음 $z \sim \mathcal{N}(0, I)$를 받아 가짜 그림 $G(z)$를 만듭니다.
# - **판별자** $D$는 경찰입니다. 그림 $x$를 받아 그것이 진짜일 확률 $D(x)$를 답합니다.
#
# 경찰은 진짜와 가짜를 잘 가려내려 하고, 위조지폐범은 경찰을 속이려 합니다. 이 게임을 식으로 쓰면 **미니맥스** 문제가 됩니다.
#
# $$\min_G \max_D \; V(D, G) = \mathbb{E}_{x \sim p_\text{data}}[\log D(x)] + \mathbb{E}_{z}[\log(1 - D(G(z)))]$$
#
# $G$를 고정했을 때 $V$를 가장 크게 만드는 판별자는 $D^*(x) = \dfrac{p_\text{data}(x)}{p_\text{data}(x) + p_g(x)}$입니다
# (각 $x$에서 $a \log D + b \log(1-D)$를 $D$로 미분해 0으로 놓으면 $D = a/(a+b)$가 나옵니다).
# 생성자의 분포 $p_g$가 데이터 분포와 같아지면 $D^* = 1/2$이 되어, 경찰은 동전 던지기밖에 할 수 없습니다. 게임은 여기서 끝납니다.

# %% [markdown] tags=["slide"]
# ### 비포화 생성자 손실
#
# 식 그대로라면 생성자는 $\log(1 - D(G(z)))$를 줄여야 합니다. 그런데 학습 초기에는 가짜가 엉성해서 판별자가 $D(G(z)) \approx 0$으로 쉽게 거절하고,
# 이때 $\log(1 - D)$는 판별자의 로짓(logit)에 대해 거의 평평해서 **기울기가 거의 0**입니다. 그래서 실제로는 $-\log D(G(z))$를 줄입니다.
# 이것이 **비포화** 손실이고, Goodfellow 등(2014)이 같은 논문에서 함께 제안했습니다. 두 손실의 목표가 같은 것은 아닙니다. 같은 것은 **고정점**입니다:
# 어느 쪽이든 $p_g = p_\text{data}$, $D = 1/2$에서 게임이 멈추지만, 그곳까지 가는 동안의 기울기가 다릅니다.
# 판별자의 로짓을 $\ell$($D = \sigma(\ell)$)이라 하고 두 손실의 기울기를 직접 재 봅시다.

# %% tags=["slide"]
logits = torch.tensor([-8.0, -4.0, 0.0, 4.0], requires_grad=True)  # 판별자가 가짜를 얼마나 확신하며 거절하는가
for kind in ("minimax", "nonsaturating"):
    (grad,) = torch.autograd.grad(generator_loss(logits, kind) * len(logits), logits)
    d_fake = ", ".join(f"{p:.4f}" for p in torch.sigmoid(logits).tolist())
    slopes = ", ".join(f"{g:+.4f}" for g in grad.tolist())
    print(f"{kind:>13}: D(G(z)) = [{d_fake}] → 로짓 기울기 [{slopes}]")

# %% [markdown]
# *표: 판별자가 가짜를 확신하며 거절할 때($\ell = -8$, $D \approx 0.0003$) 미니맥스 손실의 로짓 기울기는 −0.0003뿐이지만, 비포화 손실의 기울기는 −0.9997로 거의 −1입니다.*
#
# 가장 배울 것이 많은 순간에 비포화 손실만 생성자를 힘 있게 밀어 줍니다. 가짜가 판별자를 속일 때($\ell = 4$)는 거꾸로 비포화 손실의 기울기가 작아집니다.
# 이 강의의 GAN은 모두 `coursekit.adversarial`의 비포화 손실을 씁니다.

# %% [markdown] tags=["slide"]
# ## 2. 장난감 GAN: 원 위의 가우시안 8개
#
# 진짜 데이터는 반지름 2인 원 위의 8곳(모드, mode)에 모인 점들입니다(모드마다 표준편차 0.05). 생성자는 2차원 잡음을 2차원 점으로 바꾸고, 판별자는 점을 진짜일 확률로 바꾸는
# 작은 MLP입니다. 두 설정은 **생성자의 학습률 하나만** 다릅니다.
#
# - **덮는(covering) 설정**: 생성자 1e-3, 판별자 2e-3
# - **붕괴하는(collapsing) 설정**: 생성자 1e-4, 판별자 2e-3 (판별자가 20배 빨리 배움)
#
# 먼저 두 설정을 2,000스텝씩 직접 학습하고, 생성된 점 2,000개로 판정합니다. 생성된 점 가운데 어느 한 모드의 3σ 안에 든 점이 "고품질"이고,
# 전체 점의 1% 이상을 고품질 점으로 받은 모드가 "덮은 모드"입니다(`coursekit.ring.mode_report`).

# %%
live_runs = {name: train_toy_gan(toy_gan.CONFIGS[name], seed=0) for name in ("covering", "collapsing")}
live_reports = {name: ring.mode_report(toy_gan.sample(G, 2000, seed=2)) for name, (G, _, _) in live_runs.items()}
covering_ok = live_reports["covering"].modes_covered == 8
collapsing_ok = live_reports["collapsing"].modes_covered <= 3
print("덮는 설정:", "8개 모드를 모두 덮었습니다 ✓" if covering_ok else f"덮은 모드 {live_reports['covering'].modes_covered}/8 (예상: 8개)")
print("붕괴하는 설정:", "3개 이하의 모드에 몰렸습니다 ✓" if collapsing_ok else f"덮은 모드 {live_reports['collapsing'].modes_covered}/8 (예상: 3개 이하)")

# %% [markdown]
# 판정만 출력하고 정확한 점의 개수는 출력하지 않았습니다. GAN 학습은 작은 반올림 차이도 키우기 때문입니다. 같은 코드와 같은 시드라도 CPU가 다르면
# (AVX2와 AVX-512, 인텔과 AMD) 행렬 곱의 마지막 자리가 달라지고, 2,000스텝 뒤에는 점들이 다른 곳에 찍힙니다.
# 붕괴하는 설정이 어떤 컴퓨터에서는 모드 2개를, 다른 컴퓨터에서는 3개를 덮는 식입니다. 그래도 "8개 모두"와 "3개 이하"라는 판정은 바뀌지 않습니다.
#
# 그래서 아래 그림은 같은 코드로 미리 학습해 저장해 둔 실행(`coursekit train toy-gan`, 체크포인트(checkpoint) `toy_gan_runs`)으로 그립니다.
# 500스텝마다 저장해 둔 생성자와 판별자로 생성된 점과 판별자의 판단(배경색: 진짜일 확률)을 그립니다.

# %% tags=["slide"]
toy_runs = toy_gan.load()
real_points = ring.sample_ring(1000, seed=1)
fig, axes = plt.subplots(2, 4, figsize=(13, 6.2), layout="constrained")
for row, name in enumerate(toy_runs.names):
    for ax, step in zip(axes[row], toy_runs.snapshot_steps):
        G, D = toy_runs.snapshot(name, step)
        xs, ys, probs = toy_gan.decision_surface(D, extent=3.0, n=80)
        fake = toy_gan.sample(G, 1000, seed=1)
        surface = ax.contourf(xs, ys, probs, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
        ax.scatter(*real_points.T, s=2, c="black", label="진짜")
        ax.scatter(*fake.T, s=2, c="orange", label="생성")
        ax.set_title(f"{'덮는' if name == 'covering' else '붕괴하는'} 설정, {step} 스텝")
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
axes[0, 0].legend(loc="lower left", markerscale=4, fontsize=8)
fig.colorbar(surface, ax=axes, shrink=0.7, label="판별자의 답 D(x): 진짜일 확률")
plt.show()

# %% [markdown]
# *그림: 저장된 실행. 검은 점은 진짜, 주황 점은 생성된 점, 배경은 판별자가 답한 진짜일 확률(빨강일수록 높음)입니다. 덮는 설정(윗줄)은 여덟 모드에 자리 잡고, 붕괴하는 설정(아랫줄)은 2,000스텝까지 모드 세 개 근처에만 머뭅니다.*
#
# 덮는 설정의 생성된 점은 500스텝에는 원을 따라 퍼져 있다가 차츰 여덟 모드로 모입니다. 붕괴하는 설정의 생성된 점은 오른쪽에서 아래쪽까지의 모드 세 개 근처에만 있고,
# 판별자가 빨갛게(진짜라고) 칠한 나머지 모드 쪽으로는 가지 않습니다.
#
# 저장된 실행의 마지막 생성자를 같은 방법으로 재면 모드별 개수까지 볼 수 있습니다(이 숫자는 저장된 가중치에서 나오므로 어느 컴퓨터에서나 같습니다).

# %% tags=["slide"]
for name in toy_runs.names:
    G, _ = toy_runs.snapshot(name, toy_runs.snapshot_steps[-1])
    print(f"{name:>10}: {ring.mode_report(toy_gan.sample(G, 2000, seed=2))}")

# %% [markdown]
# *표: 저장된 실행의 2,000스텝 생성자를 점 2,000개로 잰 결과. 덮는 설정은 8개 모드를 모두 덮고(모드마다 172~290개), 붕괴하는 설정은 고품질 점을 모드 3개에만 냅니다(그중 하나는 23개로 기준인 20개를 겨우 넘김).*
#
# 같은 측정을 시드 3개로 반복한 결과(`make bench`의 `bench_toy_gan`)에서도 덮는 설정은 모든 시드에서 8개 모드를 덮고,
# 붕괴하는 설정은 3개 이하만 덮습니다. 이 결과는 2,000스텝까지의 이야기입니다. 더 오래 학습하면 빠진 모드를 찾아가는지는 여기서 재지 않았습니다.

# %% [markdown] tags=["slide"]
# ### 불안정한 학습: 손실이 0을 향해 내려가지 않는다
#
# 보통의 학습이라면 손실이 꾸준히 내려가다 멈춥니다. GAN의 두 손실은 서로가 상대라서, 한쪽이 내려가면 다른 쪽이 올라가는 시소를 탑니다.
# 그래서 손실 대신 손실을 만드는 판별자의 답을 스텝마다 그립니다. 진짜에 준 평균 확률 D(진짜)와 생성된 점에 준 평균 확률 D(생성)이고, 저장된 실행의 기록입니다.
# 게임이 끝나면 둘 다 $D^* = 1/2$입니다. 제목의 숫자는 마지막 500스텝 동안 판별자 손실의 표준편차(흔들림의 크기)입니다.
# 덮는 설정은 1,000스텝 무렵까지 크게 흔들리다가 1/2 근처로 모이고, 붕괴하는 설정은 끝까지 D(진짜) ≈ 0.8, D(생성) ≈ 0.2에서 흔들립니다.

# %% tags=["slide"]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4), sharey=True)
for ax, name in zip(axes, toy_runs.names):
    arrays = toy_runs.history(name)
    ax.plot(arrays["step"], arrays["d_real"], lw=0.6, label="D(진짜)")
    ax.plot(arrays["step"], arrays["d_fake"], lw=0.6, label="D(생성)")
    ax.axhline(0.5, color="gray", ls="--", lw=0.8)
    last = arrays["d_loss"][-500:]
    ax.set_title(f"{'덮는' if name == 'covering' else '붕괴하는'} 설정 (D 손실의 흔들림 {last.std():.3f})")
    ax.set_xlabel("스텝")
axes[0].set_ylabel("판별자의 평균 답")
axes[0].legend()
fig.tight_layout()
plt.show()
recorded = {name: float(np.std(toy_runs.history(name)["d_loss"][-500:])) for name in toy_runs.names}
# 방금 학습한 실행의 흔들림은 비교하지 않습니다: CPU마다 크게 달라, 덮는 설정이 더 흔들린 기계도 있었습니다 (0.060 대 0.048).
print(f"저장된 실행의 흔들림: 붕괴하는 설정 {recorded['collapsing']:.3f}, 덮는 설정 {recorded['covering']:.3f}")

# %% [markdown] tags=["slide"]
# ### 판별자를 몇 번 학습할까: D:G 업데이트 비율
#
# 생성자를 한 번 고칠 때 판별자를 몇 번 고칠지(`d_steps`)도 손잡이입니다. 강의의 StyleGAN 프로젝트도 이 비율을 매개변수로 두고,
# WGAN(Arjovsky 등, 2017)은 판별자를 5번씩 학습합니다. 덮는 설정의 학습률은 그대로 두고, 판별자만 생성자 한 스텝마다 5번 학습해 봅니다.

# %% tags=["slide"]
ratio_G, _, _ = train_toy_gan(toy_gan.CONFIGS["covering"].replace(d_steps=5), seed=0)
ratio_modes = ring.mode_report(toy_gan.sample(ratio_G, 2000, seed=2)).modes_covered
print("판별자 1번 (덮는 설정):", "8개 모드를 모두 덮었습니다" if covering_ok else f"덮은 모드 {live_reports['covering'].modes_covered}/8")
print("판별자 5번 (d_steps=5):", "8개 모드를 다 덮지 못했습니다 ✓" if ratio_modes < 8 else "8개 모드를 모두 덮었습니다 (예상: 8개 미만)")

# %% [markdown] tags=["slide"]
# *표: 학습률은 같고 판별자의 업데이트 횟수만 다른 두 실행(시드 0)의 판정.*
#
# 시드 3개로 잰 `make bench`(`bench_toy_gan`)에서 덮은 모드는 판별자 1번이 8, 8, 8개, 2번이 5, 8, 3개, 5번이 4, 6, 4개였습니다(중앙값 8 → 5 → 4).
# 2절의 붕괴하는 설정처럼 생성자의 학습률을 낮추는 것과 판별자의 업데이트 횟수를 늘리는 것은 둘 다 판별자를 생성자보다 빨리 배우게 하고, 모드를 잃는 방향도 같습니다.

# %% [markdown] tags=["slide"]
# ## 3. DCGAN: 합성곱으로 숫자 만들기
#
# DCGAN(Radford 등, 2015)은 GAN을 합성곱 신경망으로 만든 기본형입니다. 우리 버전(`coursekit.models.gan`)은 이렇습니다.
#
# - 생성자: $z$(64차원) → 선형 층 → 64채널 7x7 → 3x3 합성곱 → **최근접 확대(nearest-neighbor upsampling) + 3x3 합성곱**으로 14x14 → 28x28, 마지막은 tanh([-1, 1]).
#   층마다 배치 정규화(batch normalization)와 ReLU를 씁니다.
# - 판별자: 스트라이드 2 합성곱(2주차 CNN은 최대 풀링으로 줄였습니다)과 LeakyReLU(0.2)로 28 → 14 → 7로 줄이고, 7x7에서 3x3 합성곱 두 개를 더 거쳐 마지막에 로짓 하나를 냅니다
#   (시그모이드는 손실 안에 있습니다). 7x7 특징에 **미니배치 표준편차(minibatch standard deviation)** 채널 하나를 붙여, 배치 안의 그림들이 얼마나 다양한지도 봅니다.
#   생성자가 한 모양만 내면 판별자가 쉽게 알아챕니다.
#
# 논문은 확대에 **전치 합성곱**(transposed convolution)을 썼지만, 전치 합성곱은 칸마다 커널이 겹치는 양이 달라 획에 바둑판 무늬를 남기기 쉽습니다
# (Odena 등, 2016). 같은 2,000스텝 시험에서 확대한 뒤 보통 합성곱을 하는 쪽의 확신 점수가 두 배쯤 높았습니다.
#
# 판별자를 7x7에서 더 깊게 만든 것도 재 본 결과입니다. 2주차의 엄격한 잣대로 재면, 얕은 판별자에게 배운 생성자는 15,000스텝까지 학습해도 확신 점수가
# 77% 근처에서 멈췄습니다. 읽을 수는 있어도 획이 어긋난 숫자가 많았는데, 숫자의 전체 배치를 판단하는 7x7 층을 늘리자 나아졌습니다.
#
# 학습 설정도 논문(학습률 2e-4)을 그대로 따르지 않고 직접 재 본 결과로 정했습니다. Adam(학습률 5e-4, β₁ = 0.5), 진짜 그림에서 판별자의 기울기를 누르는 가벼운
# **R1 벌점**(R1 penalty, γ = 0.1, 4스텝마다), 판별자가 보기 전에 진짜와 가짜를 똑같이 최대 2픽셀 무작위로 옮기는 **DiffAugment식 이동**(판별자가 4,000장을
# 외우지 못하게 합니다. 가짜에도 같은 변형을 하므로 생성자가 옮겨진 숫자를 배우지는 않습니다), 그리고 생성자 가중치의 **지수 이동 평균**(EMA, exponential moving average; 0.999)입니다.
# EMA 복사본은 마지막 1,000스텝 정도의 흔들림을 평균으로 지운 생성자이고, 우리가 저장하고 채점하는 것도 이 복사본입니다.
#
# 학습은 2주차의 공용 루프 `fit`이 맡고, 스텝 함수는 `coursekit.adversarial.make_gan_step`입니다(판별자 한 번, 생성자 한 번).

# %%
steps = 300 if QUICK else 4000
torch.manual_seed(0)
G_live, D_live = dcgan.build()
print(G_live)
print("생성자 파라미터:", sum(p.numel() for p in G_live.parameters()), "| 판별자 파라미터:", sum(p.numel() for p in D_live.parameters()))
fixed_z = sample_z(16, dcgan.SETTINGS["latent_dim"], seed=7)
progress_grids = []


def keep_samples(state):
    progress_grids.append((state.step, state.models["generator_ema"].generate(fixed_z)))


train_images, train_labels = digits("train")
G_live_ema, gan_history = train_gan(G_live, D_live, to_signed(train_images), dcgan.SETTINGS, steps=steps,
                                    seed=0, device="cpu", progress=False,
                                    callbacks=[Callback(keep_samples, every=steps // 4)])
live_score = metrics.classifier_score(G_live_ema.sample(1000, seed=digit_bar.EVAL_SEED))
assert live_score.confident > 0.1, f"짧은 학습의 확신 점수가 예상보다 낮습니다: {live_score.confident:.1%}"
print(f"{gan_history.steps_run} 스텝 학습한 EMA 생성자: 확신(≥0.9)한 숫자 10% 이상 (정확한 값은 CPU 종류에 따라 달라집니다)")

# %% tags=["slide"]
# NBVAL_IGNORE_OUTPUT
# (이 그림은 자동 비교에서 뺍니다: GAN 학습은 작은 반올림 차이도 키우므로, 짧은 학습의 그림과 손실은 CPU 명령어 집합(AVX2, AVX-512)마다 다릅니다.)
fig, axes = plt.subplots(1, len(progress_grids) + 1, figsize=(14, 3.3))
for ax, (step, images) in zip(axes, progress_grids):
    ax.imshow(torch.cat([torch.cat(list(images[r * 4 : r * 4 + 4, 0]), 1) for r in range(4)], 0), cmap="gray")
    ax.set_title(f"{step} 스텝 (같은 z 16개)")
    ax.axis("off")
arrays = gan_history.as_arrays()
axes[-1].plot(arrays["step"], arrays["d_loss"], lw=0.5, label="D 손실")
axes[-1].plot(arrays["step"], arrays["g_loss"], lw=0.5, label="G 손실")
axes[-1].legend()
axes[-1].set_xlabel("스텝")
axes[-1].set_title("손실")
fig.tight_layout()
plt.show()

# %% [markdown]
# *그림: 같은 잡음 16개로 만든 숫자가 학습이 진행되면서 얼룩에서 획으로 바뀝니다. 오른쪽 손실은 처음에 크게 흔들린 뒤 일정한 높이에서 맴돌 뿐, 보통의 학습처럼 0을 향해 내려가지 않습니다.*
#
# 빠른 모드의 짧은 학습으로는 여기까지입니다. 같은 코드로 더 오래 학습한 **기준 체크포인트**를 불러옵니다.

# %% tags=["slide"]
manifest = read_manifest("dcgan")
G_ref = gan.load()
print("학습 명령:", manifest["command"], "| 스텝:", manifest["extra"]["steps"])
samples = G_ref.sample(1000, seed=digit_bar.EVAL_SEED)
measured = digit_bar.measure(samples)
floor = metrics.feature_distance(digits_sample(1000, "train")[0], digits("test")[0])
print(f"확신(≥0.9)한 숫자 {measured['confident']:.1%}, 숫자 아님 {measured['not_digit']:.1%}, 커버리지 {measured['coverage']}/10")
print(f"클래스 비율 {measured['min_class_share']:.1%} ~ {measured['max_class_share']:.1%} (완벽하면 모두 10%)")
print(f"프레셰 거리 {measured['feature_distance']:.3g} (진짜끼리의 바닥 {floor:.2g})")
show(samples[:40], ncols=10, size=0.9)

# %% [markdown]
# *그림: 12,000스텝 학습한 기준 DCGAN의 숫자 40개. 대부분 또렷이 읽히지만 몇몇은 획이 끊기거나 두 숫자의 중간 모양입니다. 잣대로 보면 열 숫자가 모두 고르게(클래스마다 8.1~11.0%) 나오지만, 프레셰 거리(Fréchet distance, 11.2)는 진짜 그림끼리 잰 바닥값(6.1)보다 큽니다.*
#
# 잣대로 보면 열 숫자를 모두 고르게 그리고, 확신 점수는 3주차의 목표(85%)를 여유 있게 넘깁니다. 목표는 잡음 시드 세 개(1000~1002) 모두에서
# 85%보다 2%p 이상 높게 나오는 것이고, 체크포인트를 고를 때는 따로 떼어 둔 검증 시드(999)만 썼습니다. 검증 시드에서 6,000스텝은 86%로 목표를 겨우 넘었고,
# 두 배로 오래 학습하자 세 시드 모두 89% 안팎이 되었습니다(`make bench`가 시드별 숫자를 보여 줍니다).
# 프레셰 거리의 바닥값은 진짜 학습 그림 1,000장과 진짜 시험 그림 사이의 거리입니다. 생성된 그림의 거리가 이보다 크다는 것은 잣대의 눈에 아직 진짜와 구별된다는 뜻입니다.

# %% [markdown] tags=["slide"]
# ## 4. 잠재 공간 걷기
#
# 생성자는 잡음 $z$를 그림으로 바꾸는 연속 함수이므로, 두 잡음 사이를 조금씩 옮겨 가면 그림도 조금씩 바뀝니다.
#
# - **선형 보간(lerp, linear interpolation)**: $z_t = (1-t)\,z_a + t\,z_b$
# - **구면 보간(slerp, spherical linear interpolation)**: $z_t = \dfrac{\sin((1-t)\theta)}{\sin\theta} z_a + \dfrac{\sin(t\theta)}{\sin\theta} z_b$, $\theta$는 두 벡터 사이의 각
#
# 64차원 가우시안 잡음의 길이는 거의 항상 $\sqrt{64} = 8$ 근처입니다. 선형 보간의 가운데에서는 길이가 줄어 학습 때 드물던 잡음이 됩니다.
# 구면 보간은 각을 따라 돌기 때문에, 두 끝점의 길이가 같으면($\lVert z_a \rVert = \lVert z_b \rVert$) 길이가 그대로이고, 다르면 한쪽 길이에서 다른 쪽 길이로 서서히 바뀝니다.

# %% tags=["slide"]
z_a, z_b = sample_z(2, 64, seed=12)
ts = torch.linspace(0, 1, 9)
paths = {"lerp": lerp(z_a, z_b, ts), "slerp": slerp(z_a, z_b, ts)}
for name, path in paths.items():
    print(f"{name:>5} 길이:", " ".join(f"{length:.1f}" for length in path.norm(dim=1).tolist()))
show(torch.cat([G_ref.generate(paths["lerp"]), G_ref.generate(paths["slerp"])]), ncols=9, size=1.0)

# %% [markdown]
# *그림: 윗줄은 선형 보간, 아랫줄은 구면 보간으로 왼쪽의 4에서 오른쪽의 5까지 9칸에 걸쳐 걷습니다. 두 줄 모두 4는 조금 가늘어질 뿐 다섯째 칸까지 4로 남다가 여섯째 칸에서 한 번에 5가 됩니다. 선형 보간 가운데의 잡음 길이는 5.8까지 줄지만(구면 보간은 8.2에서 7.5로, 두 끝점의 길이 차이만큼 변함) 두 줄은 거의 같습니다.*
#
# 잠재 공간에서 숫자와 숫자 사이의 경계를 건너는 구간은 짧습니다. 이 작은 모델에서는 길이가 5.8까지 줄어도 그림이 망가지지 않아서 두 보간의 차이가 거의 보이지 않습니다.
# 둘의 차이는 생성자가 잡음의 길이에 민감할수록 커집니다.

# %% [markdown]
# 아래 위젯은 잠재 공간의 몇몇 방향을 슬라이더로 움직입니다. 어떤 방향은 굵기를, 어떤 방향은 기울기나 숫자 자체를 바꿉니다.

# %%
LatentWalk(G_ref)

# %% [markdown] tags=["slide"]
# ## 5. 절단 트릭과 잡음 축소: 품질과 다양성의 맞바꿈
#
# 학습 때 드물게 뽑힌 잡음(길이가 긴 $z$)에서는 생성자가 덜 배워서 이상한 그림이 나오기 쉽습니다. 그래서 잡음을 중심 쪽으로 당겨 쓰는 방법이 몇 가지 있습니다.
#
# - **절단 트릭**(BigGAN, Brock 등, 2018): $z$의 성분 가운데 절댓값이 문턱값을 넘는 것을 다시 뽑아, 모든 성분이 문턱 안에 드는 잘린 정규분포(truncated normal)에서 잡음을 얻습니다.
# - **잡음 축소**: $z' = \psi\, z$ ($0 \le \psi \le 1$). 표준편차가 $\psi$인 가우시안에서 뽑는 것과 같아서 온도(temperature)를 낮춘 샘플링이라고도 부릅니다(Glow, Kingma·Dhariwal, 2018). 절단 트릭과 노리는 효과는 같지만 다른 방법입니다.
# - **$w$ 공간의 절단 트릭**(StyleGAN): $w' = \bar w + \psi\,(w - \bar w)$. 6절에서 씁니다.
#
# 기대하는 것은 $\psi$를 줄일수록 그림이 "평균적인" 모습으로 또렷해지는 대신 다양성이 줄어드는 것입니다. DCGAN의 잡음 축소를 잣대로 재 봅시다.

# %% tags=["slide"]
for psi in (1.0, 0.75, 0.5, 0.25, 0.0):
    score = metrics.classifier_score(G_ref.sample(1000, seed=digit_bar.EVAL_SEED, psi=psi))
    print(f"DCGAN ψ = {psi:.2f}: {score}")

# %% [markdown]
# *표: 기준 DCGAN의 잡음 축소. 같은 잡음 1,000개를 $\psi$배로 줄여 잽니다. $\psi$를 줄일수록 확신 점수는 내려가고 "숫자 아님"이 늘어납니다. $\psi = 0.5$까지는 열 숫자를 모두 그리지만 $\psi = 0.25$에서는 커버리지가 3/10으로 무너지고, $\psi = 0$에서는 1,000장 모두 숫자가 아닌 같은 그림입니다.*
#
# 이 DCGAN에서는 기대와 반대입니다. 64차원 가우시안 잡음의 길이는 거의 항상 8 근처이므로(6보다 짧을 확률이 0.2%), $\psi = 0.5$는 길이 4 근처,
# $\psi = 0.25$는 길이 2 근처의 잡음을 만듭니다. 그런데 두 길이 모두 학습 중에는 사실상 나오지 않습니다.
# $P(\lVert z \rVert < 4) \approx 1.3 \times 10^{-10}$, $P(\lVert z \rVert < 2) \approx 2.4 \times 10^{-27}$입니다(자유도 64인 카이제곱 분포, `scipy.stats.chi2.cdf(r**2, 64)`).
# 그러니 길이 4에서는 버티고 길이 2에서는 무너지는 까닭은 "학습 때 본 적이 있느냐"가 아닙니다. 본 적 없는 안쪽으로 생성자가 어떻게 **외삽**(extrapolation)하느냐의 차이이고,
# 이 생성자는 길이 4까지는 조금씩 나빠지며 버티지만 그보다 안쪽에서는 숫자를 그리지 못합니다. $z$ 공간의 중심은 "평균적인 숫자"가 아닌 셈입니다.
# 6절의 StyleGAN은 $z$ 대신, 매핑 네트워크를 지난 $w$를 $w$들의 평균 쪽으로 당깁니다.
# 아래 위젯으로 $\psi$를 내려 보며 어디서 그림이 무너지는지 보세요.

# %%
TruncationExplorer(G_ref)

# %% [markdown] tags=["slide"]
# ## 6. StyleGAN의 생각을 작게
#
# StyleGAN(Karras 등, 2019)은 DCGAN과 네 가지가 다릅니다.
#
# 1. **매핑 네트워크**: $z$를 MLP에 통과시켜 중간 코드 $w$를 만듭니다. $w$는 가우시안을 따를 필요가 없어서, $w$의 방향이 그림의 변화와 더 잘 맞춰질 수 있습니다.
# 2. **AdaIN(adaptive instance normalization, 적응적 인스턴스 정규화)**: 모든 그림이 같은 학습된 상수 7x7에서 출발하고, 층마다 특징 맵을 채널별로 정규화한 뒤
#    $w$에서 나온 크기 $y_s$와 이동 $y_b$로 다시 칠합니다: $\text{AdaIN}(x, w) = y_s(w)\,\dfrac{x - \mu(x)}{\sigma(x)} + y_b(w)$.
# 3. **층별 잡음 입력(noise input)**: 층마다 합성곱 뒤에 픽셀마다 다른 무작위 잡음을 채널별로 학습된 세기만큼 더합니다. 얼굴이라면 머리카락 한 올의 위치처럼 무작위로 달라져도 되는 세부를 맡습니다.
#    `coursekit`의 작은 생성자도 층마다 이 잡음을 더합니다(평가 때는 고정된 잡음 그림을 써서 같은 $w$가 늘 같은 그림을 냅니다).
# 4. **스타일 믹싱**: 층마다 $w$를 따로 받을 수 있으므로, 앞쪽(거친, 7x7) 층에는 한 그림의 $w$를, 뒤쪽(세밀한, 14x14·28x28) 층에는 다른 그림의 $w$를 줄 수 있습니다.
#
# 강의의 "존재하지 않는 사람" 프로젝트가 인용하는 StyleGAN2(Karras 등, 2020)는 AdaIN을 **가중치 복조**(weight demodulation)로 바꿨습니다.
# 특징 맵을 정규화하는 대신 스타일로 합성곱 가중치를 조절하고(modulation), 출력의 크기가 1 근처가 되도록 그 가중치를 다시 나눕니다. AdaIN이 남기던 물방울 모양 얼룩을 없애려는 변경입니다.
#
# 같은 공용 루프와 GAN 스텝으로 학습한 작은 스타일 생성자(`coursekit.models.stylegan`)를 먼저 잣대로 재고, 스타일 믹싱 격자를 그려 봅시다.

# %%
style = stylegan.load()
print("학습 명령:", read_manifest("stylegan")["command"])
style_score = metrics.classifier_score(style.sample(1000, seed=digit_bar.EVAL_SEED))
print("StyleGAN ψ = 1.00:", style_score)
print("5% 미만으로 나오는 숫자:", [digit for digit in range(10) if style_score.shares()[digit] < 0.05])

# %% [markdown]
# *표: 3,000스텝 학습한 작은 StyleGAN을 잣대로 잰 결과. 확신 점수 62.2%, 커버리지 7/10이고, 숫자 1, 2, 6은 1,000장 중 5%에도 못 미칩니다.*
#
# 그림 몇 장만 봐서는 놓치기 쉬운 모드 붕괴를 잣대의 커버리지가 잡아냅니다. 이것을 생성자 구조 탓으로 돌릴 수는 없습니다. 두 모델은 같은 조건에서 학습하지 않았습니다:
# 이 StyleGAN은 3,000스텝, 기준 DCGAN은 12,000스텝을 학습했고, 판별자도 StyleGAN 쪽이 7x7 합성곱을 더하기 전의 얕은 판별자입니다.
# 같은 스텝 수와 같은 판별자로 비교하기 전에는 어느 생성자가 모드를 더 잘 덮는지 말할 수 없습니다.
#
# StyleGAN은 $z$가 아니라 $w$를 **$w$의 평균** $\bar w$ 쪽으로 당깁니다: $w' = \bar w + \psi\,(w - \bar w)$ ($w$ 공간의 절단 트릭).
# $\bar w$는 매핑 네트워크가 실제로 내놓는 코드들의 평균이라서, DCGAN의 $z = 0$과 달리 "평균적인 숫자"를 그립니다.

# %% tags=["slide"]
for psi in (1.0, 0.75, 0.5, 0.25, 0.0):
    print(f"StyleGAN ψ = {psi:.2f}: {metrics.classifier_score(style.sample(1000, seed=digit_bar.EVAL_SEED, psi=psi))}")

# %% [markdown]
# *표: 3,000스텝 학습한 작은 StyleGAN의 $w$ 공간 절단 트릭. $\psi = 1$에서 이미 커버리지가 7/10이고(숫자 1, 2, 6이 5% 미만), 확신 점수는 $\psi = 0.25$까지 55~64%에서 오르내리다가 $\psi = 0$에서 100%가 되고, 커버리지는 7, 7, 6, 4, 1로 줄어듭니다. DCGAN의 잡음 축소와 달리 무너지지 않지만, $\psi = 0$에서는 모든 그림이 같은 "평균 숫자" 하나입니다.*
#
# 다양성(커버리지)은 $\psi = 0.5$부터 줄지만, 품질은 $\psi = 0.25$까지 거의 그대로이고 $\psi = 0$에서야 확실히 오릅니다. **품질과 다양성의 맞바꿈**이 이 작은 모델에서는 다양성 쪽으로 기울어 있습니다.
#
# 이제 스타일 믹싱 격자입니다. 행과 열의 출처로는 잣대가 서로 다른 숫자라고 확신하는(확률 0.9 이상) 그림을 골랐습니다. 같은 숫자끼리 섞으면 차이가 잘 보이지 않기 때문입니다.

# %% tags=["slide"]
def distinct_digit_codes(ws, count):
    """The first `count` codes among `ws` whose images are confidently read as different digits."""
    probabilities = metrics.probabilities(style.images_from_ws(ws))
    chosen, seen = [], set()
    for index, (p, label) in enumerate(zip(probabilities.max(1).values.tolist(), probabilities.argmax(1).tolist())):
        if p >= 0.9 and label < 10 and label not in seen:
            chosen.append(index)
            seen.add(label)
    return ws[chosen[:count]]


w_rows = distinct_digit_codes(style.w_of(sample_z(64, style.latent_dim, seed=21), psi=0.7), 4)  # 거친 스타일의 출처 (행)
w_cols = distinct_digit_codes(style.w_of(sample_z(64, style.latent_dim, seed=22), psi=0.7), 5)  # 세밀한 스타일의 출처 (열)
cells = [style.images_from_ws(w_cols)]  # 첫 행: 열의 출처 그대로
for w in w_rows:
    mixed = style.mix(w.expand(len(w_cols), -1), w_cols, crossover=2)
    cells.append(torch.cat([style.images_from_ws(w[None]), style.images_from_ws(mixed)]))
grid = [torch.zeros(1, 28, 28)] + list(cells[0]) + [image for row in cells[1:] for image in row]
show(grid, ncols=6, size=1.1)

# %% [markdown]
# *그림: 스타일 믹싱 격자. 한 행에서는 거친 층(7x7, 층 0·1)의 $w$가, 한 열에서는 세밀한 층(14x14·28x28, 층 2~5)의 $w$가 같고, 그 출처는 첫 열(위에서부터 4, 9, 5, 0)과 첫 행(왼쪽부터 5, 0, 3, 4, 6)입니다. 5 열과 6 열에서는 네 행 모두 행의 숫자가 남지만(9 행은 4에 가까워짐), 0 열과 3 열에서는 어느 행이든 행의 숫자도 열의 숫자도 아닌 모양이 됩니다: 층이 거친 것과 세밀한 것으로 깔끔하게 나뉘지 않습니다.*
#
# 4 열에서는 4 행과 9 행만 행의 숫자를 지키고, 5 행과 0 행은 모양이 흐트러집니다. 0 열과 3 열의 결과는 서로 거의 같은데(4 행은 ㄴ 모양, 5 행은 ʋ 모양),
# 두 열의 $w$가 층 2~5에서 비슷하게 작용한다는 뜻입니다.
#
# 어느 층이 무엇을 정하는지는 교차 층(crossover layer)을 0부터 6까지 옮겨 보면 한 줄로 보입니다. 교차 층이 $c$이면 층 $0 \ldots c-1$은 A의 $w$를, 나머지 층은 B의 $w$를 씁니다.
# A는 격자에서 4 행의 출처, B는 6 열의 출처입니다.

# %% tags=["slide"]
w_a, w_b = w_rows[0], w_cols[-1]
strip = [style.images_from_ws(style.mix(w_a[None], w_b[None], crossover=c)) for c in range(style.num_layers + 1)]
show(torch.cat(strip), ncols=style.num_layers + 1, size=1.1, titles=[f"교차 층 {c}" for c in range(style.num_layers + 1)])

# %% [markdown]
# *그림: 숫자 4(A)와 숫자 6(B)의 교차 층 $c$를 0에서 6까지 옮깁니다. 층 $0 \ldots c-1$은 A, 나머지 층은 B를 따릅니다. 7x7 층 하나만 A에게 넘겨도($c = 1$) 숫자는 벌써 4이고(B의 둥근 획이 조금 남음), $c = 2$에서는 획이 가늘어질 뿐이며, $c = 3$부터는 A와 거의 구별되지 않습니다.*
#
# 이 짝에서는 숫자를 첫 7x7 층이 정하고, 14x14 층(2)은 획의 굵기를, 그 뒤의 층은 눈에 띄는 것을 거의 바꾸지 않습니다.
# 하지만 격자의 0 열과 3 열에서 보았듯이, 짝에 따라서는 14x14 층이 숫자 자체를 바꾸기도 합니다.

# %% [markdown]
# 교차 층을 옮기면 어느 층의 스타일을 어디서 가져오는지가 바뀝니다. 아래 위젯에서 A(거친 스타일)와 B(세밀한 스타일)의 시드, 그리고 교차 층을 바꿔 보세요.
# 교차 층이 0이면 모든 층이 B를, 6이면 모든 층이 A를 따릅니다. 교차 층을 2에서 4로 옮기면 14x14 층까지 A를 따르므로 숫자의 모양이 더 A를 닮습니다.

# %%
StyleMixer(style, seed=21, crossover=2, psi=0.7)

# %% [markdown] tags=["slide"]
# ## 7. GAN의 한계, 직접 보기
#
# 강의에서 꼽은 GAN의 세 가지 한계입니다. 두 가지는 이미 보았고, 나머지 하나는 지금부터 확인합니다.
#
# 1. **불안정한 학습**: 2절에서 판별자의 답은 덮는 설정에서 1,000스텝 가까이 크게 흔들렸고, 붕괴하는 설정에서는 끝까지 1/2로 모이지 않았습니다. 학습률 하나로 결과가 갈립니다.
# 2. **모드 붕괴**: 생성자가 데이터의 모드 가운데 몇 개만 그리는 현상입니다. 2절의 붕괴하는 설정은 8개 모드 중 3개만 그렸고, 6절의 작은 StyleGAN은 열 숫자 중 셋(1, 2, 6)을 5% 미만으로만 그렸습니다. 둘 다 잣대로 쟀습니다.
#
# 이름이 비슷한 **모델 붕괴**(model collapse)는 모드 붕괴와 다른 현상입니다. 모델이 만든 그림으로 다음 모델을 학습시키기를 세대마다 되풀이하면
# 드문 데이터(분포의 꼬리)가 세대마다 사라지고, 결국 모델이 원래 데이터와 멀어집니다(Shumailov 등, 2024, *Nature*). 근친혼을 거듭한 왕가에 빗대 "합스부르크 AI"라고도 부릅니다.
# 모드 붕괴는 모델 하나가 학습 중에 모드를 놓치는 일이고, 모델 붕괴는 자기 출력을 다시 먹은 여러 세대의 모델이 꼬리를 잃어 가는 일입니다. 모델 붕괴는 이후 주차에서 직접 재 봅니다.
#
# 3. **높은 해상도의 어려움**: 해상도가 커지면 생성자가 맞춰야 할 픽셀이 늘고, 판별자가 가짜를 알아볼 단서도 늘어납니다.
#    같은 작은 GAN(은닉층 두 개짜리 MLP 생성자와 판별자)을 같은 1,500스텝 동안 7x7, 14x14, 28x28로 줄인 숫자에서 학습해 비교합니다.

# %% tags=["slide"]
def train_small_gan(resolution, steps=1500, latent_dim=32):
    """An MLP GAN on digits averaged down to resolution x resolution; returns samples and D's last 300 answers."""
    def mlp(n_in, n_out, activation):
        return torch.nn.Sequential(torch.nn.Linear(n_in, 256), activation(), torch.nn.Linear(256, 256), activation(),
                                   torch.nn.Linear(256, n_out))

    data = F.adaptive_avg_pool2d(to_signed(train_images), resolution).flatten(1)
    torch.manual_seed(0)
    G = torch.nn.Sequential(mlp(latent_dim, resolution**2, torch.nn.ReLU), torch.nn.Tanh())
    D = torch.nn.Sequential(mlp(resolution**2, 1, lambda: torch.nn.LeakyReLU(0.2)), torch.nn.Flatten(0))
    optimizers = {name: torch.optim.Adam(model.parameters(), lr=2e-4, betas=(0.5, 0.999))
                  for name, model in (("generator", G), ("discriminator", D))}
    with env.torch_threads(1):
        history = fit({"generator": G, "discriminator": D}, make_gan_step(latent_dim), infinite_batches(data, batch_size=64, seed=0),
                      optimizers=optimizers, steps=steps, seed=0, device="cpu", progress=False)
        with torch.no_grad():
            fakes = G(sample_z(12, latent_dim, seed=1)).reshape(-1, 1, resolution, resolution)
    arrays = history.as_arrays()
    return fakes, arrays["d_real"][-300:].mean(), arrays["d_fake"][-300:].mean()


def at_display_size(images):
    """[-1, 1] images of any size → [0, 1] at 28x28 (nearest, so the pixels stay visible)."""
    return F.interpolate((images + 1) / 2, size=28, mode="nearest").clamp(0, 1)


def verdict(gap):
    """D(real) - D(fake) in words, on one side or the other of 0.3.

    The gaps measured on two machines (an Intel Xeon and an AMD EPYC, same numerics profile) were 0.08 at 7x7,
    0.50 to 0.64 at 14x14 and 0.63 at 28x28: the rounding of another CPU moves them by 0.1 or more, so the
    verdict only says which side of 0.3 a gap is on, 0.2 away from every measured value.
    """
    if gap < 0.3:
        return "판별자가 거의 가려내지 못합니다 (격차 0.3 미만)"
    return "판별자가 진짜와 가짜를 가려냅니다 (격차 0.3 초과)"


rows = []
for resolution in (7, 14, 28):
    fakes, d_real, d_fake = train_small_gan(resolution)
    reals = F.adaptive_avg_pool2d(to_signed(digits_sample(10, "test")[0][:6]), resolution)
    print(f"{resolution:2d}x{resolution:<2d} ({resolution**2:3d}픽셀): 마지막 300스텝의 D(진짜) − D(생성): {verdict(d_real - d_fake)}")
    rows += [at_display_size(reals), at_display_size(fakes[:6])]

# %% tags=["slide"]
# NBVAL_IGNORE_OUTPUT
# (이 그림은 자동 비교에서 뺍니다: 방금 학습한 생성자의 그림이라 CPU마다 조금씩 다릅니다. 판정은 위 셀에서 비교합니다.)
show(torch.cat(rows), ncols=6, size=0.9)

# %% [markdown]
# *그림: 두 줄씩 위에서부터 7x7, 14x14, 28x28이고, 각 쌍의 윗줄이 진짜, 아랫줄이 같은 1,500스텝을 학습한 생성자의 그림입니다. 판별자의 격차(D(진짜) − D(생성))는 7x7에서 0.3 미만, 14x14와 28x28에서 0.3 초과이고, 14x14와 28x28의 생성 그림에는 흩뿌린 점이 남습니다.*
#
# 7x7에서는 판별자의 답이 진짜와 가짜 모두 0.5 근처(동전 던지기)라서 생성자가 따라잡은 셈입니다(격차 약 0.1). 14x14와 28x28에서는 판별자가 진짜에 평균 0.8 안팎,
# 생성된 그림에 평균 0.2 안팎의 확률을 줍니다. 평균으로는 둘을 가려내지만, 생성된 그림 하나하나를 모두 가짜로 잡아내는 것은 아닙니다.
# 우리가 잰 기계들에서 격차는 14x14에서 0.50~0.64, 28x28에서 0.63~0.71이었습니다. 두 해상도의 차이가 기계 사이의 차이와 비슷한 크기이고,
# 정확한 값이 CPU마다 0.1쯤 달라지므로 학습 셀은 0.3을 기준으로 한 판정만 출력합니다.
# 이 실험이 보여 주는 것은 "해상도가 커질수록 점점 더 어렵다"가 아니라, 7x7에서 14x14로 넘어갈 때 이미 같은 학습량으로는 생성자가 따라잡지 못한다는 것입니다.
# 14x14에서 28x28로 갈 때 더 어려워지는지는 이 측정으로 가릴 수 없습니다.
# 1024x1024 얼굴이라면 픽셀이 28x28의 1,300배입니다. ProGAN(Karras 등, 2018)과 첫 StyleGAN이 4x4부터 학습하며 해상도를 두 배씩 늘려 가는 **점진적 성장**(progressive growing)을 쓴 것도 그래서입니다.

# %% [markdown] tags=["slide"]
# ## 8. 연습 문제
#
# <!-- notebook -->
# 각 문제의 `raise NotImplementedError` 줄을 지우고 그 자리에 코드를 채운 뒤, 아래의 확인 셀을 실행하세요.
#
# **연습 1.** `gan_losses(real_logits, fake_logits)`를 완성하세요. 판별자의 로짓을 받아 `(판별자 손실, 비포화 생성자 손실)`을 돌려줍니다.
# 판별자 손실은 $-\overline{\log \sigma(\ell_\text{real})} - \overline{\log(1 - \sigma(\ell_\text{fake}))}$, 생성자 손실은 $-\overline{\log \sigma(\ell_\text{fake})}$입니다(위에 그은 선은 배치 평균).
# 힌트: $\log \sigma(\ell)$을 `torch.log(torch.sigmoid(l))`로 쓰면 $\ell = -200$에서 $\sigma$가 float32로 0이 되어 $\log 0 = -\infty$가 됩니다. `torch.nn.functional.logsigmoid`를 쓰고, $\log(1 - \sigma(\ell)) = \log \sigma(-\ell)$을 이용하세요.

# %%
def gan_losses(real_logits, fake_logits):
    ### BEGIN SOLUTION
    d_loss = -F.logsigmoid(real_logits).mean() - F.logsigmoid(-fake_logits).mean()
    g_loss = -F.logsigmoid(fake_logits).mean()
    return d_loss, g_loss
    ### END SOLUTION


# %%
from coursekit.checks.week03 import check_gan_losses, check_modes_covered, check_slerp

check_gan_losses(gan_losses)

# %% [markdown]
# **연습 2.** `my_slerp(a, b, t)`를 완성하세요. 1차원 텐서 `a`, `b`와 실수 `t`를 받아 구면 보간을 돌려줍니다.
# 각은 $\theta = \arccos\!\left(\dfrac{a \cdot b}{\lVert a \rVert \lVert b \rVert}\right)$이고, $\sin\theta$가 0에 가까우면(`abs(sin θ) < 1e-6`, 거의 같은 방향) 선형 보간으로 대신하세요. `t`는 0~1 사이의 실수 하나입니다.
# 힌트: 반올림 때문에 코사인이 1을 살짝 넘으면 `arccos`가 NaN을 내므로 `clamp(-1, 1)`로 자르세요.

# %%
def my_slerp(a, b, t):
    ### BEGIN SOLUTION
    cos = torch.dot(a, b) / (a.norm() * b.norm())
    theta = torch.arccos(cos.clamp(-1, 1))
    if torch.sin(theta).abs() < 1e-6:
        return (1 - t) * a + t * b
    return (torch.sin((1 - t) * theta) * a + torch.sin(t * theta) * b) / torch.sin(theta)
    ### END SOLUTION


# %%
check_slerp(my_slerp)

# %% [markdown]
# **연습 3.** `modes_covered(samples, modes, std)`를 완성하세요. 생성된 점 `samples` $(n, 2)$, 모드 중심 `modes` $(k, 2)$, 표준편차 `std`를 받아,
# 가장 가까운 모드까지의 거리가 $3\sigma$ 이하인 점(고품질)만 모드별로 세고, **전체** 점 수(고품질이 아닌 점 포함)의 1% 이상을 받은 모드의 수를 돌려줍니다.
# 입력은 모두 torch 텐서이고, 여기서 $\sigma$는 시그모이드가 아니라 표준편차 `std`입니다.
# 힌트: `torch.cdist(samples, modes)`가 모든 점과 모드 사이의 거리입니다.

# %%
def modes_covered(samples, modes, std):
    ### BEGIN SOLUTION
    distances = torch.cdist(samples, modes)
    nearest, which = distances.min(dim=1)
    good = which[nearest <= 3 * std]
    counts = torch.bincount(good, minlength=len(modes))
    return int((counts >= max(1, np.ceil(0.01 * len(samples)))).sum())
    ### END SOLUTION


# %%
check_modes_covered(modes_covered)

# %% [markdown]
# **연습 4 (열린 문제).** 2절의 붕괴하는 설정(`toy_gan.CONFIGS["collapsing"]`)을 살려 보세요. 생성자의 학습률 `lr_g = 1e-4`와 데이터는 그대로 두고
# 스텝은 2,000 이하로 두면서, 다른 설정을 바꿔 8개 모드 가운데 7개 이상을 덮는 `ToyConfig`를 돌려주는 `rescue_config()`를 완성하세요.
# `toy_gan.CONFIGS["collapsing"].replace(이름=값)`으로 필드를 바꿉니다. 바꿀 수 있는 필드는 판별자의 학습률 `lr_d`, Adam의 `betas`, `batch_size`(512 이하),
# 판별자 업데이트 횟수 `d_steps`, 진짜 점에서 판별자의 기울기에 주는 벌점의 세기 `r1_gamma`, 손실 `loss`(`"nonsaturating"` 또는 `"minimax"`),
# 망의 크기 `hidden`(256 이하)과 `layers`(4 이하), 잡음의 차원 `latent_dim`입니다.
# 확인 셀은 이 설정을 시드 1과 2로 한 번씩 학습해(15초쯤 걸립니다) `ring.mode_report`로 판정합니다.
# 힌트: 2절과 D:G 비율 절에서 모드를 잃은 실행은 누가 누구보다 빨리 배웠나요?

# %%
def rescue_config():
    ### BEGIN SOLUTION
    return toy_gan.CONFIGS["collapsing"].replace(lr_d=2e-4)
    ### END SOLUTION


# %%
from coursekit.checks.week03 import check_toy_gan_rescue

check_toy_gan_rescue(rescue_config)

# %% [markdown] tags=["slide"]
# ## 정리
#
# - GAN은 생성자와 판별자의 게임입니다(Goodfellow 등, 2014). 판별자의 최적해는 $p_\text{data}/(p_\text{data} + p_g)$이고, 생성자는 미니맥스와 고정점이 같으면서 기울기가 살아 있는 비포화 손실로 학습합니다.
# - 2차원 장난감에서 학습률 하나만 바꿔도 8개 모드를 모두 덮거나 몇 개로 붕괴합니다. 손실은 0으로 내려가지 않고 흔들리며, 판별자의 답은 설정에 따라 1/2로 모이거나 끝까지 한쪽으로 기웁니다.
# - DCGAN은 확대 + 합성곱으로 숫자를 만들고, 2주차 잣대로 확신 점수·커버리지·프레셰 거리를 잽니다.
# - 잠재 공간은 slerp로 걷습니다. DCGAN의 잡음 축소는 $z = 0$ 근처가 숫자를 그리지 못해서 무너지고, StyleGAN의 $w$ 공간 절단 트릭은 무너지지 않는 대신 다양성을 먼저 깎습니다.
# - StyleGAN은 $z \to w$ 매핑, 층마다의 AdaIN과 잡음, 스타일 믹싱으로 거친 특징과 세밀한 특징을 나눠 조절하려 합니다. 우리 작은 모델에서는 그 나뉨이 깔끔하지 않았습니다.
# - 모드 붕괴(모델 하나가 몇 개 모드만 그림)와 모델 붕괴(자기 출력으로 거듭 학습한 모델이 분포의 꼬리를 잃음)는 다른 현상입니다.
#
# **다음 주(4주차)**: 오토인코더로 얼굴을 바꾸는 **딥페이크**를 만들고, 탐지와 윤리도 함께 다룹니다.

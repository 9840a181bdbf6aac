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
# # 6주차: 확산 모델, 잡음에서 숫자로
#
# 확산 모델(diffusion model)의 핵심 아이디어는 한 문장입니다: **잡음을 한 단계씩 더하는 과정은 쉽고, 그 반대를 배우면 잡음에서 그림을 만들 수 있다.**
# Stable Diffusion도 이 생각 위에 서 있습니다. 이번 주는 숫자 그림으로 앞 과정(잡음 더하기), 학습(잡음 맞히기), 샘플링(잡음 빼기)을
# 직접 코드로 돌리고, 웹 UI의 **프롬프트, 네거티브 프롬프트, CFG 스케일, 스텝 수, 시드**가 코드에서 각각 무엇인지 확인하고 그 효과를 잽니다.
#
# **학습 목표**
#
# - 앞 과정 $q(x_t \mid x_0)$를 닫힌 꼴로 쓰고, 선형·코사인 노이즈 스케줄이 그림을 얼마나 빨리 지우는지 비교할 수 있다.
# - "잡음을 맞히는" 학습 목표를 코드로 쓰고, CPU 20분 안에 두 레시피가 얼마나 배우는지 측정해 비교할 수 있다.
# - DDIM 한 스텝을 직접 쓰고, DDPM과 DDIM의 스텝 수에 따른 품질과 시간을 한 표로 비교할 수 있다.
# - 분류기 없는 가이던스(CFG)로 프롬프트와 네거티브 프롬프트를 구현하고, 가이던스 크기의 품질·다양성 트레이드오프를 잴 수 있다.
# - 확산 모델이 왜 느린지(그림 한 장에 네트워크를 몇 번 평가하는지) 숫자로 말할 수 있다.
#
# **필요한 것**: 2주차의 합성곱, 3주차의 숫자 잣대(`coursekit.metrics`)와 DCGAN, 5주차의 VAE(다음 시간의 잠재 확산), 공용 훈련 루프 `coursekit.train.fit`.

# %%
import coursekit

coursekit.require(">=0.1,<0.2")
coursekit.setup_lesson(seed=0)

import json
import time

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter
import numpy as np
import torch

from coursekit import env, metrics
from coursekit.checkpoints import read_manifest
from coursekit.datasets import digits
from coursekit.diffusion.forward import q_sample
from coursekit.diffusion.noise_schedule import cosine_schedule, linear_schedule
from coursekit.diffusion.samplers import sample, timesteps
from coursekit.diffusion.training import loss_weight, train_diffusion
from coursekit.images import draw_mosaic
from coursekit.models import gan
from coursekit.models.library_unet import LibraryUNet
from coursekit.paths import data_dir
from coursekit.recipes import ddpm
from coursekit.widgets.week06 import NoisingSlider, PromptPad

QUICK = env.mode() == "quick"
train_images, train_labels = digits("train")
test_images, test_labels = digits("test")
SCHEDULES = {"linear": linear_schedule(1000), "cosine": cosine_schedule(1000)}
pipeline = ddpm.load()  # 저장해 둔 모델 (2절에서 만드는 법을 봅니다)
TEN = torch.arange(10)  # 프롬프트 0, 1, ..., 9
PLAIN_LOG = FuncFormatter(lambda value, _: f"{value:g}")  # 로그 눈금을 1e-05처럼 (한글 글꼴에 없는 수학 기호 − 대신)


def measure(images, labels):
    """요청한 숫자로 읽힌 비율, 확신 있는 숫자의 비율, 같은 숫자끼리의 다양성."""
    score = metrics.classifier_score(images)
    return {"accuracy": metrics.conditional_accuracy(images, labels), "confident": score.confident,
            "diversity": metrics.class_diversity(images, labels)}


# %% [markdown] tags=["slide"]
# ## 1. 앞 과정: 잡음을 한 단계씩 더하기
#
# 그림 $x_0$(픽셀 값을 $[-1, 1]$로 옮긴 것)에 $T = 1000$번에 걸쳐 조금씩 가우시안 잡음을 섞습니다. 단계 $t$에서 섞는 양이 $\beta_t$입니다:
#
# $$q(x_t \mid x_{t-1}) = \mathcal{N}\big(\sqrt{1 - \beta_t}\, x_{t-1},\ \beta_t I\big)$$
#
# 신호를 $\sqrt{1-\beta_t}$배로 줄이는 만큼 잡음을 더하므로 $x_{t-1}$의 분산이 1이면 $x_t$의 분산도 1입니다 (분산 보존). 가우시안을 여러 번 섞어도 가우시안이라서
# 1000번을 다 밟을 필요 없이 **한 번에** $x_t$로 건너뛸 수 있습니다. $\alpha_t = 1 - \beta_t$, $\bar\alpha_t = \prod_{s \le t} \alpha_s$라 쓰면
#
# $$q(x_t \mid x_0) = \mathcal{N}\big(\sqrt{\bar\alpha_t}\, x_0,\ (1 - \bar\alpha_t) I\big), \qquad x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\, \varepsilon,\ \ \varepsilon \sim \mathcal{N}(0, I)$$
#
# 이것이 `q_sample`입니다. 한 단계씩 밟은 결과와 한 번에 건너뛴 결과가 같은 분포인지, 픽셀 하나(값 0.8)의 사슬 10만 개로 확인합니다.

# %%
schedule = SCHEDULES["linear"]
g = torch.Generator().manual_seed(0)
x = torch.full((100_000,), 0.8, dtype=torch.float64)
for beta in schedule.betas[:500]:  # t = 0, 1, ..., 499: 500번 섞기
    x = (1 - beta).sqrt() * x + beta.sqrt() * torch.randn(x.shape, generator=g, dtype=torch.float64)
alpha_bar = schedule.alpha_bars[499]
print(f"한 단계씩 500번: 평균 {x.mean():.3f}, 표준편차 {x.std():.3f}")
print(f"한 번에 (닫힌 꼴): 평균 √ᾱ·0.8 = {alpha_bar.sqrt() * 0.8:.3f}, 표준편차 √(1−ᾱ) = {(1 - alpha_bar).sqrt():.3f}")

# %% [markdown] tags=["slide"]
# ### 노이즈 스케줄: 선형과 코사인
#
# $\beta_t$를 어떻게 늘릴지가 **노이즈 스케줄**(noise schedule)입니다. DDPM(Ho 외 2020)은 $\beta_t$를 $10^{-4}$에서 $0.02$까지 **선형**으로 늘렸고,
# Improved DDPM(Nichol·Dhariwal 2021)은 $\bar\alpha_t$가 코사인 모양으로 줄어들게 하는 **코사인** 스케줄을 제안했습니다.
# 신호 대 잡음비(signal-to-noise ratio) $\text{SNR}(t) = \bar\alpha_t / (1 - \bar\alpha_t)$로 보면 차이가 잘 보입니다.

# %% tags=["slide"]
digit = test_images[test_labels == 5][:1]  # 숫자 5 하나
steps_shown = [0, 100, 200, 300, 400, 500, 600, 700, 800, 999]
noise = torch.randn(digit.shape, generator=torch.Generator().manual_seed(0))
fig = plt.figure(figsize=(12, 5.2), layout="constrained")
top, bottom = fig.subfigures(2, 1, height_ratios=(1.5, 1))
ax_bar, ax_snr = top.subplots(1, 2)
t_axis = np.arange(1000)
for name, s in SCHEDULES.items():
    ax_bar.plot(t_axis, s.alpha_bars.numpy(), label=name)
    ax_snr.semilogy(t_axis, s.snr.numpy(), label=name)
ax_bar.set(xlabel="t", ylabel=r"$\bar\alpha_t$ (남은 신호의 제곱)", title=r"$\bar\alpha_t$")
ax_snr.set(xlabel="t", ylabel="SNR (로그 눈금)", title=r"SNR$(t) = \bar\alpha_t / (1-\bar\alpha_t)$")
ax_snr.yaxis.set_major_formatter(PLAIN_LOG)
ax_bar.legend()
axes = bottom.subplots(2, 1)
for ax, (name, s) in zip(axes, SCHEDULES.items()):
    noisy = torch.cat([q_sample(s, digit * 2 - 1, torch.tensor([t]), noise) for t in steps_shown])
    draw_mosaic(((noisy + 1) / 2).clamp(0, 1), len(steps_shown), title=f"{name}: t = " + ", ".join(map(str, steps_shown)), ax=ax)
plt.show()

# %% [markdown]
# *그림: 위는 두 스케줄의 $\bar\alpha_t$와 SNR, 아래는 같은 숫자 5에 **같은 잡음** ε를 두 스케줄로 섞은 모습입니다.
# 선형 스케줄에서는 t ≈ 500에서 숫자가 흐려지고($\sqrt{\bar\alpha} \approx 0.28$) t ≥ 600은 거의 잡음뿐이라, 그 단계들에 쓰는 학습 시간은 대부분 낭비됩니다.
# 코사인 스케줄은 숫자를 더 오래 남겨 두어 t 전체에 걸쳐 배울 거리가 고르게 퍼집니다.*
#
# 아래 위젯으로 t를 직접 움직여 보세요. 두 그림에는 같은 잡음이 들어 있어서 다른 것은 $\bar\alpha_t$뿐입니다.

# %%
slider = NoisingSlider(digit[0], SCHEDULES, seed=0, t=300)
slider

# %% [markdown] tags=["slide"]
# ## 2. 학습: 잡음을 맞히기
#
# 거꾸로 가는 과정 $p_\theta(x_{t-1} \mid x_t)$를 배우는 방법은 놀랄 만큼 단순합니다 (DDPM). 학습 그림 $x_0$와 단계 $t$, 잡음 ε를 무작위로 뽑아
# $x_t$를 만들고, 네트워크 $\varepsilon_\theta$가 **섞인 잡음 ε를 맞히게** 합니다. 클래스 $c$(프롬프트 "7")도 함께 넣습니다:
#
# $$\mathcal{L} = \mathbb{E}_{x_0, c, t, \varepsilon}\Big[\, \lambda(t)\, \big\lVert \varepsilon - \varepsilon_\theta(\sqrt{\bar\alpha_t} x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon,\ t,\ c) \big\rVert^2 \Big]$$
#
# 잡음을 알면 $x_0$도 압니다: $\hat{x}_0 = (x_t - \sqrt{1-\bar\alpha_t}\,\hat\varepsilon)/\sqrt{\bar\alpha_t}$. 네트워크는 `coursekit.models.unet.UNet`입니다 (0.56M 파라미터, 한 파일):
# t의 사인·코사인 임베딩, 빈 프롬프트용 "null" 클래스가 하나 더 있는 클래스 임베딩, 두 임베딩이 정규화를 늘이고 미는(scale-shift) 잔차 블록,
# 7x7에서의 셀프 어텐션, 28 → 14 → 7 → 14 → 28의 U자 모양과 건너뛰기 연결(skip connection).
#
# 가중치 $\lambda(t)$는 **min-SNR**(Hang 외 2023)입니다 (4절의 가이던스 크기 $w$와 다른 것입니다). ε의 오차는 $x_0$의 오차와
# $\lVert \varepsilon - \hat\varepsilon \rVert^2 = \text{SNR}(t)\,\lVert x_0 - \hat{x}_0 \rVert^2$의 관계라서, 평범한 ε-MSE는 $x_0$로 보면
# 거의 깨끗한 단계(SNR이 큰 t)를 지나치게 무겁게 봅니다. min-SNR-γ는 그 무게를 γ에서 잘라 $\min(\text{SNR}, \gamma)$로 만듭니다.
# ε-MSE에 곱하는 가중치로 쓰면 $\lambda(t) = \min(\text{SNR}(t), \gamma) / \text{SNR}(t)$입니다 (이 강의는 γ = 5).

# %%
t_axis = torch.arange(1000)
weights = loss_weight(SCHEDULES["cosine"], t_axis, "epsilon", 5.0)
fig, ax = plt.subplots(figsize=(7, 2.8), layout="constrained")
ax.semilogy(t_axis, SCHEDULES["cosine"].snr.numpy(), label="평범한 ε-MSE가 주는 x₀ 오차의 무게 = SNR")
ax.semilogy(t_axis, (weights * SCHEDULES["cosine"].snr.float()).numpy(), label="min-SNR-5: min(SNR, 5)")
ax.set(xlabel="t", ylabel="x₀ 오차의 무게", title="코사인 스케줄에서 단계마다 학습이 쏟는 무게")
ax.yaxis.set_major_formatter(PLAIN_LOG)
ax.legend()
plt.show()

# %% [markdown]
# *그림: 평범한 MSE로는 t가 작은 (거의 깨끗한) 단계가 무게의 대부분을 가져갑니다. min-SNR은 그 무게를 5에서 잘라, 상대적으로 나머지 단계의 몫을 키웁니다.*
#
# 직접 짧게 학습해 봅니다. 레시피는 저장된 모델과 같습니다 (`coursekit.recipes.ddpm.SETTINGS`): 코사인 스케줄, ε 예측, min-SNR-5,
# 라벨의 10%를 빈 프롬프트로 바꾸기(4절의 가이던스를 위해), AdamW 2e-3, 배치 64, EMA.

# %%
live_steps = 80 if QUICK else 160
torch.manual_seed(0)
live = ddpm.build()
settings = {**ddpm.SETTINGS, "warmup": 20}  # 짧은 학습이라 워밍업도 짧게
live.net, history = train_diffusion(live.net, train_images * 2 - 1, train_labels, live.schedule, settings,
                                    steps=live_steps, seed=0)
loss = np.array(history.losses["loss"])
first, last = loss[:20].mean(), loss[-20:].mean()
print(f"{live_steps}스텝 학습: " + ("손실이 처음 20스텝 평균의 절반 아래로 줄었습니다 ✓" if last < 0.5 * first
                                   else "손실이 처음 20스텝 평균의 절반 아래로 줄지 않았습니다 ✗"))

# %% [markdown]
# 손실 값 자체는 찍지 않았습니다. 학습은 반올림 차이를 키우므로 CPU가 다르면 마지막 자리가 달라집니다 (3주차와 같은 이유).
# 몇십 초 학습한 모델과, 같은 코드로 4,000스텝 학습해 저장한 모델(`coursekit train ddpm`)에게 같은 프롬프트 0~9와 같은 시드를 줍니다.

# %% tags=["slide"]
manifest = read_manifest("ddpm")
print(f"저장된 모델: {manifest['extra']['steps']:,}스텝, 명령 `{manifest['command']}`, "
      f"조건부 정확도 {manifest['metrics']['conditional_accuracy']:.0%} (시드 세 개의 중앙값)")
fig, axes = plt.subplots(2, 1, figsize=(8, 2.2), layout="constrained")
draw_mosaic(live.generate(TEN, seed=1), 10, title=f"방금 {live_steps}스텝 학습한 모델", ax=axes[0])
draw_mosaic(pipeline.generate(TEN, seed=1), 10, title=f"저장된 모델 ({manifest['extra']['steps']:,}스텝)", ax=axes[1])
plt.show()

# %% [markdown]
# *그림: 같은 프롬프트 0~9, 같은 시드, DDIM 20스텝, 가이던스 2. 짧은 학습의 결과는 획이 뭉친 얼룩이고, 4,000스텝 학습한 모델은 요청한 숫자를 그립니다.*

# %% [markdown] tags=["slide"]
# ### 같은 일을 라이브러리로: `diffusers.UNet2DModel`
#
# 직접 쓴 UNet과 같은 일을 하는 라이브러리 모델이 `diffusers`의 `UNet2DModel`입니다. 허브에서 내려받지 않고 설정만으로 만들고,
# 클래스 조건은 `num_class_embeds`(시간 임베딩에 더하는 클래스 임베딩)로 넣습니다. `coursekit.models.library_unet.LibraryUNet`이
# 그것을 우리 UNet처럼 `net(x, t, labels)`로 부를 수 있게 감싸서, 같은 학습 루프와 샘플러에 그대로 들어갑니다.

# %%
library = LibraryUNet()  # Hugging Face 확산 강좌의 설정: 32/64/64 채널, 블록당 층 2개, 14x14와 7x7에서 어텐션
count = lambda net: sum(p.numel() for p in net.parameters())
x_t = torch.randn(4, 1, 28, 28)
out = library(x_t, torch.tensor([999, 500, 100, 0]), torch.tensor([7, 7, 7, library.null_label]))
print(f"UNet2DModel: 파라미터 {count(library) / 1e6:.2f}M, 입력 {tuple(x_t.shape)} → 예측한 잡음 {tuple(out.shape)}")
print(f"우리 UNet:   파라미터 {count(pipeline.net) / 1e6:.2f}M, 같은 모양을 받고 같은 모양을 냅니다")

# %% [markdown] tags=["slide"]
# ### 레시피 경주: CPU 1분당 품질
#
# 같은 CPU, 같은 시간(학습 20분, 코어 하나씩, 동시에)을 두 레시피에 주었습니다 (`make bench`의 `bench_recipe_race`; 아래는 그 저장된 기록).
#
# - **이 강의의 레시피**: 위의 UNet, 코사인 스케줄, min-SNR-5, 라벨 드롭아웃 + 가이던스 2, AdamW + 워밍업·코사인 감쇠, EMA, 배치 64.
# - **흔한 레시피**: 라이브러리의 기본값으로 짠 기준입니다. 위의 `UNet2DModel`(Hugging Face 확산 강좌의 클래스 조건 단원과 같은 크기)에
#   `diffusers`의 기본 선형 스케줄, ε 예측, 평범한 MSE, Adam 1e-3, 배치 128, EMA·가이던스 없음. (그 강좌의 노트북은 코사인 스케줄을 쓰고
#   클래스 임베딩 4채널을 입력에 이어 붙입니다. 여기서는 클래스를 `num_class_embeds`로 넣었습니다.)
#
# 측정은 두 모델 모두 DDIM 20스텝으로, 중간 지점은 숫자당 20개(200개), 마지막은 숫자당 100개(1,000개)를 뽑아 요청한 숫자로 읽힌 비율입니다.

# %% tags=["slide"]
race = json.loads((data_dir() / "measurements" / "recipe_race.json").read_text())
names = {"coursekit": "이 강의의 레시피", "hf-course": "흔한 레시피 (라이브러리 기본값)"}
fig, ax = plt.subplots(figsize=(7.5, 3.6), layout="constrained")
for key, run in race.items():
    minutes = [p["train_minutes"] for p in run["curve"]]
    accuracy = [p["conditional_accuracy"] for p in run["curve"]]
    ax.plot(minutes, accuracy, marker="o", label=f"{names[key]}: {run['parameters'] / 1e6:.2f}M 파라미터, {run['steps']:,}스텝")
ax.axhline(0.9, color="gray", ls="--", lw=1)
ax.set(xlabel="학습 시간 (분, CPU 코어 하나)", ylabel="조건부 정확도", ylim=(0, 1), title="같은 20분, 두 레시피")
ax.legend(loc="center right")
plt.show()
ours, usual = race["coursekit"], race["hf-course"]
print(f"20분 뒤 조건부 정확도 (1,000개): 이 강의의 레시피 {ours['curve'][-1]['conditional_accuracy']:.1%}, "
      f"흔한 레시피 {usual['curve'][-1]['conditional_accuracy']:.1%}")
print(f"한 스텝의 시간은 흔한 레시피가 {usual['seconds_per_step'] / ours['seconds_per_step']:.0f}배, "
      f"파라미터는 {usual['parameters'] / ours['parameters']:.1f}배; 그래서 20분에 밟은 스텝은 "
      f"이 강의 레시피의 {ours['steps'] / usual['steps']:.0f}분의 1입니다")

# %% [markdown]
# *그림: 점 하나가 측정 한 번입니다 (학습을 멈추고 DDIM 20스텝으로 뽑아 잼; 재는 시간은 학습 시간에서 뺐습니다).*
#
# 위의 비율이 보여 주듯 흔한 레시피는 한 스텝에 드는 시간이 훨씬 깁니다: `UNet2DModel`은 파라미터가 더 많고, 14x14(196개 위치)에서도 어텐션을 하며,
# 배치도 두 배입니다. 그래서 같은 20분에 스텝을 훨씬 적게 밟습니다. 나머지 차이(스케줄, min-SNR, EMA, 가이던스)가 각각 얼마를 보태는지는
# 이 경주로 나누어 재지 않았습니다. 둘을 통째로 비교했을 뿐입니다. GPU에서 오래 학습하면 흔한 레시피도 잘 됩니다:
# 이 경주가 재는 것은 "CPU에서 20분"이라는 예산 안의 효율입니다.

# %% [markdown] tags=["slide"]
# ## 3. 샘플링: 잡음을 한 단계씩 빼기
#
# **DDPM** 샘플러는 앞 과정을 근사적으로 거꾸로 밟습니다. 네트워크가 맞힌 잡음으로 $\hat{x}_0$를 구하고, 사후분포 $q(x_{t-1} \mid x_t, \hat{x}_0)$에서
# 한 단계 덜 시끄러운 $x_{t-1}$을 뽑습니다 (잡음 $z$를 새로 더함). 보통 T = 1000단계를 모두 밟습니다.
#
# **DDIM**(Song 외 2021)은 같은 네트워크로 단계를 건너뜁니다. 지금 단계 $t$에서 다음 단계 $t'$로 갈 때 $\hat{x}_0$와 $\hat\varepsilon$을 다시 섞습니다 (η = 0이면 결정적):
#
# $$\hat{x}_0 = \frac{x_t - \sqrt{1-\bar\alpha_t}\,\hat\varepsilon}{\sqrt{\bar\alpha_t}}, \qquad x_{t'} = \sqrt{\bar\alpha_{t'}}\,\hat{x}_0 + \sqrt{1-\bar\alpha_{t'}}\,\hat\varepsilon$$
#
# 20스텝이면 $t$ = 950, 900, …, 0만 밟습니다 (`diffusers`의 "leading" 간격: 첫 스텝이 999가 아니라 950이라 출발 잡음을 $x_{950}$으로 봅니다;
# "trailing" 간격은 999부터). 같은 시드, 같은 프롬프트 0~9로 DDIM의 스텝 수만 바꿔 봅니다.

# %% tags=["slide"]
print("DDIM 10스텝이 밟는 t:", timesteps(1000, 10))
rows = {}
for steps in (50, 20, 10, 5):
    rows[f"DDIM {steps}스텝"] = pipeline.generate(TEN, seed=2, steps=steps)
fig, axes = plt.subplots(len(rows), 1, figsize=(7, 1.05 * len(rows)), layout="constrained")
for ax, (name, images) in zip(axes, rows.items()):
    draw_mosaic(images, 10, title=name, ax=ax)
plt.show()

# %% [markdown]
# *그림: DDIM은 같은 잡음에서 출발하면 스텝 수가 달라도 거의 같은 숫자로 갑니다 (η = 0이면 잡음에서 그림까지가 하나의 정해진 길).
# 50스텝과 20스텝이 거의 같고, 10스텝부터 획이 두꺼워지며, 5스텝에서는 망가지기 시작합니다.*
#
# 품질과 시간을 한 표로 봅니다. 숫자당 10개씩 100개를 뽑아 잰 값입니다. DDPM 1000스텝으로 100개를 뽑는 데는 이 컴퓨터에서 7분이 넘게 걸려서
# `make bench`(`bench_diffusion`)가 같은 시드, 같은 100개로 잰 기록을 읽습니다 (DDPM은 스텝마다 새 잡음을 더하므로, 같은 출발 잡음에서도 DDIM과 다른 숫자 모양이 나옵니다).
# 아래에서 DDIM 10스텝을 여기서 다시 재어 기록과 맞는지도 봅니다.

# %% tags=["slide"]
samplers = json.loads((data_dir() / "measurements" / "samplers.json").read_text())
lines = ["| 샘플러 | 그림당 네트워크 평가 | 조건부 정확도 | 확신 있는 숫자 | 특징 거리 | 100개에 걸린 시간 |", "|---|---|---|---|---|---|"]
for row in samplers["rows"]:
    lines.append(f"| {row['name']} | {row['calls']:,} | {row['conditional_accuracy']:.0%} | {row['confident']:.0%} "
                 f"| {row['feature_distance']:.0f} | {row['seconds']:.1f} s |")
print("\n".join(lines))
print(f"(가이던스 {samplers['guidance']:g}, 시드 {samplers['seed']}, 숫자당 {samplers['per_class']}개; 시간은 {samplers['hardware']}에서 잰 값)")
labels_100 = TEN.repeat_interleave(samplers["per_class"])
for steps in (10,):
    again = pipeline.generate(labels_100, seed=samplers["seed"], steps=steps)
    recorded = next(r for r in samplers["rows"] if r["name"] == f"DDIM {steps}")
    same = abs(metrics.conditional_accuracy(again, labels_100) - recorded["conditional_accuracy"]) <= 0.02
    print(f"DDIM {steps}스텝을 지금 다시 재면 " + ("기록과 같습니다 (±2%p) ✓" if same else "기록과 2%p 넘게 다릅니다 ✗"))

# %% [markdown] tags=["slide"]
# 표 읽는 법: **그림당 네트워크 평가 수**(NFE)는 스텝 수 × 2입니다. 가이던스에는 조건부와 빈 프롬프트, 두 예측이 필요하기 때문입니다
# (코드는 둘을 배치 하나로 묶어 한 번에 부르지만, 계산량은 두 배입니다). 시간은 거의 평가 수에 비례합니다.
# **특징 거리**는 3주차의 프레셰 거리입니다 (분류기 특징으로 잼, 낮을수록 진짜 숫자와 비슷; 100개로 재서 1,000개로 잴 때보다 값이 큽니다).
# **확신 있는 숫자**는 분류기가 0.9 이상의 확률로 어떤 숫자라고 읽은 그림의 비율입니다.

# %%
fig, (ax_acc, ax_fd) = plt.subplots(1, 2, figsize=(10, 3.2), layout="constrained")
for row in samplers["rows"]:
    for ax, key in ((ax_acc, "conditional_accuracy"), (ax_fd, "feature_distance")):
        ax.scatter(row["seconds"], row[key], color="tab:red" if row["name"].startswith("DDPM") else "tab:blue")
        ax.annotate(row["name"], (row["seconds"], row[key]), textcoords="offset points", xytext=(5, 4))
for ax in (ax_acc, ax_fd):
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(PLAIN_LOG)
    ax.set_xlabel("100개에 걸린 시간 (초, 로그 눈금)")
ax_acc.set(ylabel="조건부 정확도", title="높을수록 좋음")
ax_fd.set(ylabel="특징 거리", title="낮을수록 좋음", yscale="log")
ax_fd.yaxis.set_major_formatter(PLAIN_LOG)
plt.show()

# %% [markdown]
# *그림: 표의 값을 시간에 대해 그렸습니다 (기록). 20스텝에서 50스텝으로 가면 시간은 2.5배인데 품질은 거의 그대로이고, 10스텝 아래에서는 품질이 무너집니다.
# DDPM 1000스텝은 요청한 숫자를 모두 맞히지만 DDIM 20스텝보다 40배 넘게 오래 걸립니다.*
# DDIM 20스텝은 DDPM 1000스텝의 2%의 평가로 비슷한 품질을 냅니다. 이 강의가 기본값으로 20스텝을 쓰는 까닭입니다.
#
# ### 라이브러리의 기본값이 가이던스를 망가뜨리는 경우
#
# $\hat{x}_0$를 $[-1, 1]$로 자르면(clip) 자른 $\hat{x}_0$와 네트워크의 $\hat\varepsilon$이 서로 맞지 않게 됩니다. `diffusers`의 `DDIMScheduler`는
# 기본값(`use_clipped_model_output=False`)에서 자른 $\hat{x}_0$에 자르지 않은 $\hat\varepsilon$을 섞습니다. 가이던스는 $\hat\varepsilon$을 멀리 밀어내므로
# 둘의 어긋남이 스텝마다 쌓입니다. `coursekit`의 `ddim_step`은 자른 $\hat{x}_0$에서 $\hat\varepsilon$을 다시 계산합니다. 같은 프롬프트 50개로 비교합니다.

# %%
labels_50 = TEN.repeat_interleave(5)
for clipped_eps, what in ((False, "diffusers의 기본값 (자르지 않은 ε̂)"), (True, "ε̂을 자른 x̂₀에서 다시 계산")):
    images = pipeline.generate(labels_50, seed=samplers["seed"], clipped_eps=clipped_eps)
    print(f"DDIM 20스텝, 가이던스 2, {what}: 조건부 정확도 {metrics.conditional_accuracy(images, labels_50):.0%} (50개)")

# %% [markdown]
# 같은 모델, 같은 시드인데 한 줄의 차이로 결과가 크게 갈립니다. 어긋남은 스텝마다 쌓이므로 스텝을 늘리면 기본값 쪽이 더 나빠집니다.

# %% [markdown] tags=["slide"]
# ## 4. 프롬프트와 CFG 스케일: 분류기 없는 가이던스
#
# 웹 UI의 **프롬프트**가 숫자에서는 클래스 $c$입니다. 학습 때 라벨의 10%를 빈 프롬프트 ∅로 바꿔 두었으므로 한 네트워크가 조건부 예측 $\varepsilon(x, c)$와
# 무조건 예측 $\varepsilon(x, \varnothing)$을 모두 압니다. **분류기 없는 가이던스**(classifier-free guidance, Ho·Salimans 2022)는 그 차이를 $w$배 늘립니다:
#
# $$\hat\varepsilon = \varepsilon(x, \varnothing) + w \cdot \big(\varepsilon(x, c) - \varepsilon(x, \varnothing)\big)$$
#
# (논문은 $(1 + w')\,\varepsilon(x, c) - w'\,\varepsilon(x, \varnothing)$로 써서 $w' = 0$이 조건부 모델입니다. 여기의 $w$는 $w' + 1$로, `diffusers`와 웹 UI의 관례입니다.)
# $w = 1$은 조건부 모델 그대로, $w = 0$은 프롬프트를 무시한 모델, $w > 1$은 "프롬프트다운" 방향으로 더 밉니다. 웹 UI의 **CFG 스케일**이 이 $w$입니다.
# $w$를 바꾸며 숫자당 5개씩 50개를 뽑아 세 가지를 잽니다: 요청한 숫자로 읽힌 비율, 확신 있는 숫자의 비율, 그리고 **다양성**
# (같은 숫자로 요청한 그림끼리 분류기 특징이 평균 얼마나 떨어져 있는지; 진짜 숫자로 잰 값이 기준).

# %% tags=["slide"]
labels_sweep = TEN.repeat_interleave(5)
real_diversity = metrics.class_diversity(test_images, test_labels)
sweep = {}
lines = ["| 가이던스 w | 조건부 정확도 | 확신 있는 숫자 | 다양성 (진짜 숫자 = 100%) |", "|---|---|---|---|"]
for w in (0.0, 1.0, 2.0, 4.0, 7.0):
    images = pipeline.generate(labels_sweep, seed=3, guidance=w)
    sweep[w] = images
    m = measure(images, labels_sweep)
    lines.append(f"| {w:g} | {m['accuracy']:.0%} | {m['confident']:.0%} | {m['diversity'] / real_diversity:.0%} |")
print("\n".join(lines))
fig, axes = plt.subplots(len(sweep), 1, figsize=(7, 1.05 * len(sweep)), layout="constrained")
for ax, (w, images) in zip(axes, sweep.items()):
    draw_mosaic(images[::5], 10, title=f"w = {w:g}", ax=ax)
plt.show()

# %% [markdown] tags=["slide"]
# *그림: 같은 시드, 프롬프트 0~9, 가이던스만 다릅니다.*
#
# 표가 웹 UI에서 CFG 스케일을 올릴 때 보이는 일을 숫자로 보여 줍니다. $w = 0$은 프롬프트를 무시하니 맞히는 비율이 찍는 수준 아래이고
# (같은 프롬프트의 그림들이 서로 다른 숫자라서 다양성도 부풀려집니다), $w = 1$(가이던스 없음)도 꽤 틀리거나 숫자가 아닌 것을 그립니다.
# $w$를 올리면 요청한 숫자가 되는 비율이 빠르게 오르고, 대신 같은 숫자끼리 점점 닮아 다양성이 진짜 숫자보다 낮아집니다.
# 크게 올리면(w = 4, 7) 획이 굵고 과장된 "전형적인" 숫자가 나오고 다양성은 더 줄어듭니다. 이 강의의 모델은 검증용 시드에서 고른 $w = 2$를 기본값으로 씁니다.

# %% [markdown] tags=["slide"]
# ## 5. 네거티브 프롬프트
#
# 웹 UI의 **네거티브 프롬프트**는 가이던스의 기준을 빈 프롬프트 대신 "피하고 싶은 것"으로 바꾼 것입니다:
#
# $$\hat\varepsilon = \varepsilon(x, c_\text{neg}) + w \cdot \big(\varepsilon(x, c) - \varepsilon(x, c_\text{neg})\big)$$
#
# 이제 가이던스는 "프롬프트 쪽으로"이면서 동시에 "네거티브에서 멀어지는 쪽으로" 밉니다. $w = 1$이면 네거티브는 아무 효과가 없고
# (조건부 예측만 남음), $w = 0$이면 네거티브의 숫자 자체가 그려집니다.
#
# 효과가 가장 잘 보이는 것은 **빈 프롬프트 + 네거티브**입니다: $c = \varnothing$이면 "아무 숫자나, 단 7은 빼고"가 됩니다.
# 빈 프롬프트로 100개, 같은 시드로 네거티브 7을 걸어 100개를 그리고, 분류기가 읽은 숫자를 셉니다.

# %% tags=["slide"]
empty = torch.full((100,), pipeline.empty_prompt)
runs = {"빈 프롬프트": pipeline.generate(empty, seed=4, guidance=1.0),
        "빈 프롬프트 + 네거티브 7 (w = 2)": pipeline.generate(empty, seed=4, negative=7, guidance=2.0)}
lines = ["| | " + " | ".join(map(str, range(10))) + " | 숫자 아님 |", "|---" * 12 + "|"]
for name, images in runs.items():
    counts = torch.bincount(metrics.probabilities(images).argmax(1), minlength=11).tolist()
    lines.append(f"| {name} | " + " | ".join(map(str, counts)) + " |")
print("\n".join(lines))
fig, axes = plt.subplots(2, 1, figsize=(9, 2.0), layout="constrained")
for ax, (name, images) in zip(axes, runs.items()):
    draw_mosaic(images[:20], 20, title=name, ax=ax)
plt.show()

# %% [markdown]
# *그림: 같은 시드의 앞 20개. 표는 100개를 분류기가 읽은 숫자별 개수입니다.*
#
# 네거티브 7을 걸면 7이 사라집니다: 같은 시드에서 7이던 그림(윗줄의 14, 15번째)은 위쪽 가로획이 구부러져 3과 5가 됩니다. 밀려난 그림은 7과 가장
# 먼 쪽으로만 가는 것이 아니라서 다른 숫자들의 비율도 함께 흔들립니다 (이 시드에서는 6과 8이 늘고 4와 9가 줄었습니다). 빈 프롬프트만으로는
# 셋 중 하나 꼴로 숫자가 아닌 그림이 나온다는 것도 눈여겨보세요: 가이던스가 없는 무조건 모델의 품질입니다. 숫자에서는 네거티브로 고를 수 있는 것이 다른 숫자뿐이지만, 텍스트 프롬프트에서는
# "blurry, extra fingers"처럼 피하고 싶은 특징을 말로 적습니다. 식은 같습니다. 위젯(6절)의 프롬프트 목록에도 빈 프롬프트가 있습니다.

# %% [markdown] tags=["slide"]
# ## 6. 시드: 같은 프롬프트, 다른 그림
#
# 시드는 샘플러가 출발하는 잡음 $x_T$를 정합니다 (DDPM과 η > 0인 DDIM에서는 스텝마다 더하는 잡음도). 같은 프롬프트라도 시드가 다르면 다른 숫자가,
# 같은 시드면 언제나 같은 숫자가 나옵니다.

# %%
threes = torch.full((10,), 3)
by_seed = torch.cat([pipeline.generate(threes[:1], seed=s) for s in range(10)])
draw_mosaic(by_seed, 10, title="프롬프트 3, 시드 0~9", size=7)
plt.show()
again = pipeline.generate(threes[:1], seed=5)
print("시드 5를 다시 쓰면 픽셀 하나까지 같은 그림입니다:", torch.equal(again, by_seed[5:6]))

# %% [markdown] tags=["slide"]
# ### 위젯: 숫자판 웹 UI
#
# 프롬프트(숫자 또는 빈 프롬프트), 네거티브 프롬프트, 가이던스 w, DDIM 스텝 수, 시드를 바꾸면 숫자 하나를 새로 샘플링해 그리고, 분류기가 읽은 값을 보여 줍니다 (`make bench`의 중앙값은 1초 안).
#
# <!-- notebook -->
# 해 볼 것: 가이던스를 0으로 내려 프롬프트가 무시되는 것을 보세요. 스텝을 3~5로 줄이면 어떻게 되나요? 같은 시드로 프롬프트만 바꾸면 획의 기울기나 굵기처럼 "시드가 정한 것"이 남나요?

# %%
pad = PromptPad(pipeline, label=3, seed=0)
pad

# %% [markdown] tags=["slide"]
# ## 7. 확산 모델은 왜 느릴까
#
# GAN의 생성자는 잡음에서 그림까지 네트워크를 **한 번** 평가합니다. 확산 모델은 스텝마다 한 번, 가이던스를 쓰면 두 번 평가합니다.
# 각 방법으로 숫자 그림 20장을 만드는 시간을 잽니다.

# %% tags=["slide"]
dcgan = gan.load()
labels_20 = TEN.repeat_interleave(2)
runs = {
    "DCGAN (3주차)": (1, lambda: dcgan.sample(20, seed=0)),
    "DDIM 10스텝, 가이던스 2": (20, lambda: pipeline.generate(labels_20, seed=0, steps=10)),
    "DDIM 20스텝, 가이던스 2": (40, lambda: pipeline.generate(labels_20, seed=0, steps=20)),
    "DDIM 20스텝, 가이던스 없음": (20, lambda: pipeline.generate(labels_20, seed=0, steps=20, guidance=1.0)),
}
for name, (calls, run) in runs.items():
    start = time.perf_counter()
    run()
    print(f"{name}: 그림당 네트워크 평가 {calls}번, 20장에 {time.perf_counter() - start:.2f} s")
print("DDPM 1000스텝, 가이던스 2: 그림당 네트워크 평가 2,000번 (시간은 3절의 표에 기록)")

# %% [markdown] tags=["slide"]
# 시간은 네트워크 평가 수를 따라갑니다 (각 줄의 시간은 이 컴퓨터에서 잰 값이라 실행할 때마다 조금씩 다릅니다). 확산 모델을 빠르게 만드는 길은 그래서 셋입니다:
#
# - **스텝을 줄이는 샘플러**: DDIM(20~50스텝), DPM-Solver 같은 고차 풀이법(10~20스텝), 더 나아가 증류(distillation)로 1~4스텝.
# - **한 번의 평가를 싸게**: 작은 잠재 공간에서 확산하기 (다음 시간의 잠재 확산, Stable Diffusion의 방법: 512x512x3 대신 64x64x4).
# - **가이던스를 싸게**: 가이던스를 증류해 한 번의 평가에 넣기 (두 예측을 배치 하나로 묶는 것은 호출 횟수만 줄일 뿐 계산량은 그대로입니다).

# %% [markdown] tags=["slide"]
# ## 8. 연습 문제
#
# **연습 1.** 앞 과정의 닫힌 꼴 `my_q_sample(x0, alpha_bar, noise)`를 완성하세요. `x0`와 `noise`는 모양 $(N, 1, 28, 28)$,
# `alpha_bar`는 그림마다 하나인 $\bar\alpha_t$로 모양 $(N,)$입니다. $x_t = \sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\, \varepsilon$를 돌려줍니다.

# %%
def my_q_sample(x0, alpha_bar, noise):
    ### BEGIN SOLUTION
    a = alpha_bar.view(-1, 1, 1, 1)
    return a.sqrt() * x0 + (1 - a).sqrt() * noise
    ### END SOLUTION


# %%
from coursekit.checks.week06 import check_cfg, check_ddim_step, check_q_sample

check_q_sample(my_q_sample)

# %% [markdown]
# **연습 2.** 결정적인 DDIM 한 스텝(η = 0, 자르기 없음) `my_ddim_step(x_t, eps_hat, alpha_bar, alpha_bar_prev)`를 완성하세요.
# `alpha_bar`는 지금 단계의 $\bar\alpha_t$, `alpha_bar_prev`는 다음(덜 시끄러운) 단계의 $\bar\alpha_{t'}$로, 둘 다 파이썬 실수입니다. 3절의 두 식을 쓰세요.

# %%
def my_ddim_step(x_t, eps_hat, alpha_bar, alpha_bar_prev):
    ### BEGIN SOLUTION
    x0_hat = (x_t - (1 - alpha_bar) ** 0.5 * eps_hat) / alpha_bar**0.5
    return alpha_bar_prev**0.5 * x0_hat + (1 - alpha_bar_prev) ** 0.5 * eps_hat
    ### END SOLUTION


# %%
check_ddim_step(my_ddim_step)

# %% [markdown]
# **연습 3.** 분류기 없는 가이던스의 결합 `my_cfg(eps_cond, eps_ref, w)`를 완성하세요. `eps_ref`는 빈 프롬프트의 예측이거나 네거티브 프롬프트의 예측입니다.
# 통과하면 아래 셀이 여러분의 함수로 가이던스를 걸어 저장된 모델에서 숫자 0~9를 그립니다.

# %%
def my_cfg(eps_cond, eps_ref, w):
    ### BEGIN SOLUTION
    return eps_ref + w * (eps_cond - eps_ref)
    ### END SOLUTION


# %%
if check_cfg(my_cfg):
    net = pipeline.net

    def my_guided(x, t):  # 조건부와 빈 프롬프트의 예측을 한 배치로 구해 여러분의 식으로 섞습니다
        both = net(torch.cat([x, x]), torch.cat([t, t]), torch.cat([TEN, torch.full((10,), net.null_label)]))
        return my_cfg(both[:10], both[10:], 2.0)

    mine = ((sample(my_guided, (10, 1, 28, 28), pipeline.schedule, steps=20, seed=1) + 1) / 2).clamp(0, 1)
    same = torch.allclose(mine, pipeline.generate(TEN, seed=1), atol=1e-4)
    draw_mosaic(mine, 10, title="여러분의 CFG로 그린 0~9 (w = 2, DDIM 20스텝)", size=7)
    plt.show()
    print("coursekit의 guided_model로 그린 것과 같습니다" if same else "coursekit의 결과와 다릅니다: 식을 다시 보세요")

# %% [markdown] tags=["slide"]
# ## 정리
#
# - 앞 과정은 닫힌 꼴 $x_t = \sqrt{\bar\alpha_t}\,x_0 + \sqrt{1-\bar\alpha_t}\,\varepsilon$ 한 줄입니다. 코사인 스케줄은 선형보다 그림을 오래 남겨 학습할 거리를 고르게 나눕니다.
# - 학습은 "섞인 잡음을 맞히기"입니다. CPU 20분 예산에서는 작은 네트워크에 min-SNR 가중치, EMA, 가이던스를 더한 레시피가 흔한 레시피보다 훨씬 많이 배웁니다.
# - DDPM은 1000스텝을 모두 밟고, DDIM은 같은 네트워크로 20스텝만 밟아도 비슷한 품질을 냅니다. 시간은 네트워크 평가 수를 따라갑니다.
# - 프롬프트 = 클래스 조건, CFG 스케일 = $w$, 네거티브 프롬프트 = 가이던스의 기준을 바꾼 것, 시드 = 출발 잡음. $w$를 올리면 정확도는 오르고 다양성은 줄어듭니다.
#
# **다음 시간(7주차)**: 이 모델로 웹 UI의 나머지를 만듭니다. img2img와 인페인팅, ControlNet(윤곽선을 따르는 제어 가지), 체크포인트와 LoRA, 그리고
# 5주차의 4x7x7 잠재 안에서 확산하는 Stable Diffusion의 축소판.

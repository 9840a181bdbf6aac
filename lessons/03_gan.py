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
# GAN(Generative Adversarial Network, 생성적 적대 신경망)은 두 신경망이 서로를 이기려고 겨루면서 함께 좋아지는 구조입니다.
#
# **학습 목표**
#
# - 생성자와 판별자의 미니맥스 게임, 판별자의 최적해, 그리고 실제로는 **비포화(non-saturating) 생성자 손실** 을 쓰는 이유를 설명할 수 있다.
# - 2차원 장난감 GAN에서 **모드 붕괴** 와 **불안정한 학습** 을 그림과 숫자로 확인할 수 있다.
# - DCGAN을 공용 훈련 루프로 학습시키고, 2주차의 잣대(`coursekit.metrics`)로 생성된 숫자를 채점할 수 있다.
# - 잠재 공간을 보간(lerp, slerp)하고, **절단 트릭(truncation trick)** 의 품질·다양성 맞바꿈을 측정할 수 있다.
# - StyleGAN의 매핑 네트워크, AdaIN, 스타일 믹싱을 작은 모델로 설명할 수 있다.
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

from coursekit import env, metrics, ring
from coursekit.adversarial import discriminator_loss, generator_loss
from coursekit.checkpoints import load_checkpoint, read_manifest
from coursekit.datasets import digits, digits_sample
from coursekit.images import show
from coursekit.latent import lerp, sample_z, slerp
from coursekit.models import toy_gan
from coursekit.models.gan import Generator, to_signed
from coursekit.models.stylegan import StyleGenerator
from coursekit.recipes import dcgan
from coursekit.train import Callback, fit, infinite_batches
from coursekit.widgets.week03 import LatentWalk, TruncationExplorer

QUICK = env.mode() == "quick"

# %% [markdown] tags=["slide"]
# ## 1. 위조지폐범과 경찰
#
# - **생성자(generator)** $G$ 는 위조지폐범입니다. 무작위 잡음 $z \sim \mathcal{N}(0, I)$ 를 받아 가짜 그림 $G(z)$ 를 만듭니다.
# - **판별자(discriminator)** $D$ 는 경찰입니다. 그림 $x$ 를 받아 진짜일 확률 $D(x)$ 를 답합니다.
#
# 경찰은 진짜와 가짜를 잘 가려내려 하고, 위조범은 경찰을 속이려 합니다. 이 게임을 식으로 쓰면 **미니맥스(minimax)** 문제입니다.
#
# $$\min_G \max_D \; V(D, G) = \mathbb{E}_{x \sim p_\text{data}}[\log D(x)] + \mathbb{E}_{z}[\log(1 - D(G(z)))]$$
#
# $G$ 를 고정하면 $V$ 를 가장 크게 하는 판별자는 $D^*(x) = \dfrac{p_\text{data}(x)}{p_\text{data}(x) + p_g(x)}$ 입니다
# (각 $x$ 에서 $a \log D + b \log(1-D)$ 를 $D$ 로 미분해 0으로 두면 $D = a/(a+b)$).
# 생성자의 분포 $p_g$ 가 데이터 분포와 같아지면 $D^* = 1/2$: 경찰이 동전 던지기밖에 할 수 없습니다. 이것이 게임의 끝입니다.

# %% [markdown] tags=["slide"]
# ### 비포화 생성자 손실
#
# 식 그대로라면 생성자는 $\log(1 - D(G(z)))$ 를 줄입니다. 그런데 학습 초기에는 가짜가 엉성해서 판별자가 쉽게 $D(G(z)) \approx 0$ 으로 거절하고,
# 이때 $\log(1 - D)$ 는 평평해서 **기울기가 거의 0** 입니다. 그래서 실제로는 같은 목표를 가진 다른 손실 $-\log D(G(z))$ 를 줄입니다
# (**비포화, non-saturating**). 판별자의 로짓 $\ell$ ($D = \sigma(\ell)$)로 두 손실의 기울기를 직접 재 봅시다.

# %%
logits = torch.tensor([-8.0, -4.0, 0.0, 4.0], requires_grad=True)  # 판별자가 가짜를 얼마나 확신하며 거절하는가
for kind in ("minimax", "nonsaturating"):
    (grad,) = torch.autograd.grad(generator_loss(logits, kind) * len(logits), logits)
    print(f"{kind:>13}: D(G(z)) = {torch.sigmoid(logits).detach().numpy().round(4)} → 로짓 기울기 {grad.numpy().round(4)}")

# %% [markdown]
# 판별자가 가짜를 확신하며 거절할 때($\ell = -8$, $D \approx 0.0003$) 미니맥스 손실의 기울기는 0.0003뿐이지만 비포화 손실은 거의 −1입니다.
# 가장 배울 것이 많은 순간에 비포화 손실만 힘 있게 밀어 줍니다. 이 강의의 모든 GAN은 `coursekit.adversarial` 의 이 손실을 씁니다.

# %% [markdown] tags=["slide"]
# ## 2. 장난감 GAN: 원 위의 가우시안 8개
#
# 진짜 데이터는 반지름 2인 원 위 8곳에 모인 점들입니다 (각 모드의 표준편차 0.05). 생성자는 2차원 잡음을 2차원 점으로, 판별자는 점을 진짜일 확률로 바꾸는
# 작은 MLP입니다. 두 설정은 **생성자의 학습률 하나만** 다릅니다.
#
# - **덮는(covering) 설정**: 생성자 1e-3, 판별자 2e-3
# - **붕괴하는(collapsing) 설정**: 생성자 1e-4, 판별자 2e-3 (판별자가 20배 빨리 배움)
#
# 학습 중간중간 생성된 점과 판별자의 판단(배경색: 진짜일 확률)을 찍어 둡니다.

# %%
def train_with_snapshots(name, seed=0, every=500):
    """Train one toy configuration and keep (step, samples, decision surface) snapshots."""
    snapshots = []

    def snap(state):
        surface = toy_gan.decision_surface(state.models["discriminator"], extent=3.0, n=80)
        snapshots.append((state.step, toy_gan.sample(state.models["generator"], 1000, seed=1), surface))

    G, D, history = toy_gan.train_toy_gan(toy_gan.CONFIGS[name], seed=seed, callbacks=[Callback(snap, every=every)])
    return G, history, snapshots


runs = {name: train_with_snapshots(name) for name in ("covering", "collapsing")}
real_points = ring.sample_ring(1000, seed=1)

# %% tags=["slide"]
fig, axes = plt.subplots(2, 4, figsize=(12, 6.2))
for row, (name, (_, _, snapshots)) in enumerate(runs.items()):
    for ax, (step, fake, (xs, ys, probs)) in zip(axes[row], snapshots):
        ax.contourf(xs, ys, probs, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
        ax.scatter(*real_points.T, s=2, c="black", label="진짜")
        ax.scatter(*fake.T, s=2, c="orange", label="생성")
        ax.set_title(f"{'덮는' if name == 'covering' else '붕괴하는'} 설정, {step} 스텝")
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
axes[0, 0].legend(loc="lower left", markerscale=4, fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# *그림: 검은 점이 진짜, 주황 점이 생성된 점, 배경은 판별자가 "진짜"라고 보는 확률(빨강일수록 높음)입니다. 위쪽(덮는 설정)은 생성된 점이
# 여덟 모드로 퍼져 나가고, 아래쪽(붕괴하는 설정)은 생성자가 몇 개 모드에만 몰려 나머지를 영영 찾지 못합니다.*
#
# 그림만으로 판단하지 않도록 **측정** 합니다. 생성된 점 2,000개 중 어느 모드의 3σ 안에 든 점이 "고품질"이고,
# 고품질 점을 1% 이상 받은 모드가 "덮은 모드"입니다 (`coursekit.ring.mode_report`).

# %% tags=["slide"]
for name, (G, history, _) in runs.items():
    report = ring.mode_report(toy_gan.sample(G, 2000, seed=2))
    print(f"{name:>10}: {report}")

# %% [markdown]
# 같은 측정을 시드 3개로 반복한 결과(`make bench` 의 `bench_toy_gan`)에서도 덮는 설정은 모든 시드에서 8개 모드를 덮고,
# 붕괴하는 설정은 3개 이하만 덮습니다.

# %% [markdown] tags=["slide"]
# ### 불안정한 학습: 손실은 수렴하지 않는다
#
# 보통의 학습이라면 손실이 꾸준히 내려가다 멈춥니다. GAN의 두 손실은 서로의 상대이므로 한쪽이 내려가면 다른 쪽이 올라가는 시소를 탑니다.

# %% tags=["slide"]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4), sharey=True)
for ax, (name, (_, history, _)) in zip(axes, runs.items()):
    arrays = history.as_arrays()
    ax.plot(arrays["step"], arrays["d_real"], lw=0.6, label="D(진짜)")
    ax.plot(arrays["step"], arrays["d_fake"], lw=0.6, label="D(생성)")
    ax.axhline(0.5, color="gray", ls="--", lw=0.8)
    last = arrays["d_loss"][-500:]
    ax.set_title(f"{'덮는' if name == 'covering' else '붕괴하는'} 설정: 마지막 500스텝 D 손실 표준편차 {last.std():.3f}")
    ax.set_xlabel("스텝")
axes[0].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# *그림: 덮는 설정은 판별자의 답이 0.5 근처(동전 던지기)로 모이지만 계속 흔들립니다. 붕괴하는 설정은 판별자가 진짜(위)와 가짜(아래)를
# 계속 가려내고, 생성자는 따라잡지 못한 채 흔들립니다. 어느 쪽도 보통의 학습처럼 "수렴"하지 않습니다.*

# %% [markdown] tags=["slide"]
# ## 3. DCGAN: 합성곱으로 숫자 만들기
#
# DCGAN(Radford 등, 2015)은 GAN을 합성곱 신경망으로 만든 기본형입니다.
#
# - 생성자: $z$ (64차원) → 선형 층 → 7x7 특징 맵 → **전치 합성곱(transposed convolution)** 으로 14x14 → 28x28, 마지막은 tanh ([-1, 1]).
# - 판별자: 2주차 CNN처럼 스트라이드 2 합성곱으로 28 → 14 → 7, 마지막에 로짓 하나.
# - Adam(학습률 2e-4, β₁ = 0.5), 배치 정규화, LeakyReLU: 논문이 찾은 안정적인 조합입니다.
#
# 학습은 2주차의 공용 루프 `fit` 이 맡고, 스텝 함수는 `coursekit.adversarial.make_gan_step` 입니다 (판별자 한 번, 생성자 한 번).
# 생성자 가중치의 **지수 이동 평균(EMA)** 을 따로 두어, 마지막 몇 스텝의 흔들림이 평균으로 지워진 복사본을 씁니다.

# %% tags=["slide"]
steps = 400 if QUICK else 4000
torch.manual_seed(0)
G_live, D_live = dcgan.build()
fixed_z = sample_z(16, dcgan.SETTINGS["latent_dim"], seed=7)
progress_grids = []


def keep_samples(state):
    progress_grids.append((state.step, state.models["generator_ema"].generate(fixed_z)))


train_images, train_labels = digits("train")
G_live_ema, gan_history = dcgan.train_gan(G_live, D_live, to_signed(train_images), dcgan.SETTINGS, steps=steps,
                                          seed=0, device="cpu", callbacks=[Callback(keep_samples, every=steps // 4)])

fig, axes = plt.subplots(1, len(progress_grids) + 1, figsize=(14, 3.3))
for ax, (step, images) in zip(axes, progress_grids):
    ax.imshow(torch.cat([torch.cat(list(images[r * 4 : r * 4 + 4, 0]), 1) for r in range(4)], 0), cmap="gray")
    ax.set_title(f"{step} 스텝 (같은 z 16개)")
    ax.axis("off")
arrays = gan_history.as_arrays()
axes[-1].plot(arrays["step"], arrays["d_loss"], lw=0.5, label="D 손실")
axes[-1].plot(arrays["step"], arrays["g_loss"], lw=0.5, label="G 손실")
axes[-1].legend()
axes[-1].set_title("손실")
fig.tight_layout()
plt.show()

# %% [markdown]
# *그림: 같은 잡음 16개로 만든 숫자가 학습이 진행되며 얼룩에서 획으로 바뀝니다. 오른쪽 손실은 내려가다 멈추는 대신 두 선이 서로 맞서며 흔들립니다.*
#
# 빠른 모드의 짧은 학습으로는 여기까지입니다. 같은 코드로 더 오래 학습한 **기준 체크포인트** 를 불러옵니다.

# %% tags=["slide"]
manifest = read_manifest("dcgan")
G_ref = load_checkpoint("dcgan", dcgan.build()[0]).eval()
print("학습 명령:", manifest["command"], "| 스텝:", manifest["extra"]["steps"])
samples = G_ref.sample(1000, seed=dcgan.EVAL_SEED)
measured = dcgan.measure(samples)
floor = metrics.feature_distance(digits_sample(1000, "train")[0], digits("test")[0])
print(f"확신(≥0.9)한 숫자 {measured['confident']:.1%}, 숫자 아님 {measured['not_digit']:.1%}, 커버리지 {measured['coverage']}/10")
print(f"클래스 비율 {measured['min_class_share']:.1%} ~ {measured['max_class_share']:.1%} (완벽하면 모두 10%)")
print(f"프레셰 거리 {measured['feature_distance']:.3g} (진짜끼리의 바닥 {floor:.2g})")
show(samples[:40], ncols=10, size=0.9)

# %% [markdown]
# *그림: 기준 DCGAN이 만든 숫자 40개. 대부분 또렷이 읽히지만 몇몇은 획이 끊기거나 두 숫자의 중간 모양입니다.*
#
# 잣대로 보면 확신 점수는 높고 열 숫자를 모두 고르게 그립니다. 하지만 프레셰 거리는 진짜끼리의 바닥보다 훨씬 큽니다: 진짜와 아직 구별됩니다.

# %% [markdown] tags=["slide"]
# ## 4. 잠재 공간 걷기
#
# 생성자는 잡음 $z$ 를 그림으로 바꾸는 연속 함수이므로, 두 잡음 사이를 조금씩 옮기면 그림도 조금씩 바뀝니다.
#
# - **선형 보간(lerp)**: $z_t = (1-t)\,z_a + t\,z_b$
# - **구면 보간(slerp)**: $z_t = \dfrac{\sin((1-t)\theta)}{\sin\theta} z_a + \dfrac{\sin(t\theta)}{\sin\theta} z_b$, $\theta$ 는 두 벡터 사이의 각
#
# 64차원 가우시안 잡음의 길이는 거의 항상 $\sqrt{64} = 8$ 근처입니다. 선형 보간의 가운데는 길이가 줄어 학습 때 거의 본 적 없는 잡음이 되고,
# 구면 보간은 길이를 지키며 돌아갑니다.

# %% tags=["slide"]
z_a, z_b = sample_z(2, 64, seed=11)
ts = torch.linspace(0, 1, 9)
paths = {"lerp": lerp(z_a, z_b, ts), "slerp": slerp(z_a, z_b, ts)}
for name, path in paths.items():
    print(f"{name:>5} 길이: {path.norm(dim=1).numpy().round(1)}")
show(torch.cat([G_ref.generate(paths["lerp"]), G_ref.generate(paths["slerp"])]), ncols=9, size=1.0)

# %% [markdown]
# *그림: 윗줄은 선형 보간, 아랫줄은 구면 보간. 왼쪽 숫자가 오른쪽 숫자로 부드럽게 바뀝니다. 선형 보간의 가운데는 잡음의 길이가 줄어
# (위에 출력한 길이) 조금 더 흐리거나 평범한 모양이 되기 쉽습니다.*

# %% [markdown]
# 아래 위젯은 잠재 공간의 몇몇 방향을 슬라이더로 움직입니다. 어떤 방향은 굵기를, 어떤 방향은 기울기나 숫자 자체를 바꿉니다.

# %%
LatentWalk(G_ref)

# %% [markdown] tags=["slide"]
# ## 5. 절단 트릭: 품질과 다양성의 맞바꿈
#
# 학습 때 드물게 뽑힌 잡음(길이가 긴 $z$)에서는 생성자가 덜 배워서 이상한 그림이 나오기 쉽습니다.
# **절단 트릭(truncation trick)** 은 잡음을 중심 쪽으로 당겨 $z' = \psi\, z$ ($0 \le \psi \le 1$)를 씁니다.
# $\psi$ 를 줄이면 그림은 "평균적인" 모습으로 또렷해지지만, 다양성이 줄어듭니다. 잣대로 재 봅시다.

# %% tags=["slide"]
for psi in (1.0, 0.75, 0.5, 0.25, 0.0):
    score = metrics.classifier_score(G_ref.sample(1000, seed=dcgan.EVAL_SEED, psi=psi))
    print(f"ψ = {psi:.2f}: {score}")

# %% [markdown]
# $\psi$ 를 낮추면 확신 점수는 오르지만, 커버리지가 줄어 몇몇 숫자만 남고, $\psi = 0$ 이면 모든 잡음이 한 점이 되어 숫자 하나만 나옵니다.
# 아래 위젯으로 직접 $\psi$ 를 움직여 보세요.

# %%
TruncationExplorer(G_ref)

# %% [markdown] tags=["slide"]
# ## 6. StyleGAN의 생각을 작게
#
# 강의의 "존재하지 않는 사람" 프로젝트가 쓴 StyleGAN(Karras 등, 2019)은 DCGAN과 세 가지가 다릅니다.
#
# 1. **매핑 네트워크**: $z$ 를 MLP에 통과시켜 중간 코드 $w$ 를 만듭니다. $w$ 는 가우시안일 필요가 없어서, 방향이 그림의 변화와 더 잘 맞춰집니다.
# 2. **AdaIN(적응적 인스턴스 정규화)**: 모든 그림이 같은 학습된 상수 7x7에서 출발하고, 각 층마다 특징 맵을 채널별로 정규화한 뒤
#    $w$ 에서 나온 크기 $y_s$ 와 이동 $y_b$ 로 다시 칠합니다: $\text{AdaIN}(x, w) = y_s(w)\,\dfrac{x - \mu(x)}{\sigma(x)} + y_b(w)$.
# 3. **스타일 믹싱**: 층마다 $w$ 를 따로 받을 수 있으므로, 앞쪽(거친, 7x7) 층에는 한 그림의 $w$ 를, 뒤쪽(세밀한, 14·28) 층에는 다른 그림의 $w$ 를 줍니다.
#
# 같은 공용 루프와 GAN 스텝으로 학습한 작은 스타일 생성기(`coursekit.models.stylegan`)로 스타일 믹싱 격자를 그려 봅시다.

# %% tags=["slide"]
style = load_checkpoint("stylegan", StyleGenerator()).eval()
print("학습 명령:", read_manifest("stylegan")["command"])
w_rows = style.w_of(sample_z(4, style.latent_dim, seed=21), psi=0.7)  # 거친 스타일의 출처 (행)
w_cols = style.w_of(sample_z(5, style.latent_dim, seed=22), psi=0.7)  # 세밀한 스타일의 출처 (열)
cells = [style.images_from_ws(w_cols)]  # 첫 행: 열의 출처 그대로
for w in w_rows:
    mixed = style.mix(w.expand(len(w_cols), -1), w_cols, crossover=2)
    cells.append(torch.cat([style.images_from_ws(w[None]), style.images_from_ws(mixed)]))
grid = [torch.zeros(1, 28, 28)] + list(cells[0]) + [image for row in cells[1:] for image in row]
show(grid, ncols=6, size=1.1)

# %% [markdown]
# *그림: 첫 행은 세밀한 스타일을 줄 그림(열의 출처), 첫 열은 거친 스타일을 줄 그림(행의 출처)입니다. 가운데 칸은 7x7 층(0, 1)에 행의 $w$ 를,
# 14x14·28x28 층(2~5)에 열의 $w$ 를 넣은 결과입니다. 같은 행에서는 어떤 숫자인지와 전체 모양이 행의 출처를 따르고,
# 같은 열에서는 획의 굵기와 질감이 열의 출처를 따릅니다.*

# %% [markdown] tags=["slide"]
# ## 7. GAN의 한계, 보여 주기
#
# 강의에서 꼽은 GAN의 세 가지 한계를 이번 시간에 직접 보았거나 지금 봅니다.
#
# 1. **불안정한 학습**: 2절의 손실 그림처럼 두 손실이 수렴하지 않고 흔들리며, 학습률 하나로 결과가 갈립니다.
# 2. **모드 붕괴**: 2절의 붕괴하는 설정은 8개 모드 중 몇 개만 그리고, 5절의 $\psi \to 0$ 도 같은 모습(커버리지 1)입니다.
# 3. **높은 해상도의 어려움**: 해상도가 커질수록 판별자는 가짜를 쉽게 가려내고, 생성자는 맞춰야 할 픽셀이 많아집니다.
#    같은 DCGAN 생성자를 같은 스텝만큼 14x14와 28x28에서 학습해, 판별자가 얼마나 빨리 이기는지 비교합니다.

# %%
def discriminator_accuracy(resolution, real_train, fake_train, real_test, fake_test, steps=300):
    """Train a fresh DCGAN discriminator on images reduced to `resolution` (then enlarged back to 28x28);
    return its accuracy on held-out real and fake images."""
    def at(images):
        small = F.adaptive_avg_pool2d(to_signed(images), resolution)
        return F.interpolate(small, size=28, mode="nearest")

    torch.manual_seed(0)
    D = dcgan.build()[1]
    optimizer = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))

    def d_step(batch, state):
        real, fake = batch
        loss = discriminator_loss(D(real), D(fake))
        state.optimize(loss)
        return {"loss": loss}

    fit(D, d_step, infinite_batches(at(real_train), at(fake_train), batch_size=64, seed=0), optimizers=optimizer,
        steps=steps, seed=0, device="cpu", progress=False)
    with torch.no_grad():
        return ((D(at(real_test)) > 0).float().mean().item() + (D(at(fake_test)) < 0).float().mean().item()) / 2


real_train_2k = digits_sample(2000, "train")[0]
real_test_1k = digits("test")[0]
fake_train_2k, fake_test_1k = G_ref.sample(2000, seed=31), G_ref.sample(1000, seed=32)
for resolution in (7, 14, 28):
    accuracy = discriminator_accuracy(resolution, real_train_2k, fake_train_2k, real_test_1k, fake_test_1k)
    print(f"{resolution:2d}x{resolution:<2d}: 300스텝 학습한 판별자의 정확도 {accuracy:.0%} (처음 보는 진짜·가짜 각 1000장)")

# %% [markdown]
# 같은 판별자, 같은 학습 스텝, 같은 진짜·가짜 그림인데 해상도만 다릅니다 (작게 줄인 그림을 28x28로 다시 키워 정보량만 줄였습니다).
# 해상도가 높을수록 판별자는 가짜의 작은 흠(끊긴 획, 번진 가장자리)까지 보고 더 쉽게 이깁니다. 생성자 입장에서는 맞춰야 할 세부가 늘어나는 것이고,
# 1024x1024 얼굴에서는 이 격차가 훨씬 큽니다. 그래서 ProGAN·StyleGAN은 낮은 해상도부터 학습하며 층을 점점 늘리는 방법을 썼습니다.

# %% [markdown] tags=["slide"]
# ## 8. 연습 문제
#
# 각 문제의 `### BEGIN SOLUTION` 과 `### END SOLUTION` 사이를 채운 뒤, 아래의 확인 셀을 실행하세요.
#
# **연습 1.** `gan_losses(real_logits, fake_logits)` 를 완성하세요. 판별자의 로짓을 받아 `(판별자 손실, 비포화 생성자 손실)` 을 돌려줍니다.
# 판별자 손실은 $-\overline{\log \sigma(\ell_\text{real})} - \overline{\log(1 - \sigma(\ell_\text{fake}))}$, 생성자 손실은 $-\overline{\log \sigma(\ell_\text{fake})}$ (윗줄은 배치 평균).
# 힌트: $\log \sigma(\ell)$ 를 `torch.log(torch.sigmoid(l))` 로 쓰면 $\ell = -30$ 에서 $\log 0$ 이 됩니다. `torch.nn.functional.logsigmoid` 를 쓰고, $\log(1 - \sigma(\ell)) = \log \sigma(-\ell)$ 입니다.

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
# **연습 2.** `my_slerp(a, b, t)` 를 완성하세요. 1차원 텐서 `a`, `b` 와 실수 `t` 를 받아 구면 보간을 돌려줍니다.
# 각은 $\theta = \arccos\!\left(\dfrac{a \cdot b}{\lVert a \rVert \lVert b \rVert}\right)$ 이고, $\sin\theta$ 가 0에 가까우면(거의 같은 방향) 선형 보간으로 대신하세요.

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
# **연습 3.** `modes_covered(samples, modes, std)` 를 완성하세요. 생성된 점 `samples` $(n, 2)$, 모드 중심 `modes` $(k, 2)$, 표준편차 `std` 를 받아,
# 가장 가까운 모드까지 거리가 $3\sigma$ 이내인 점(고품질)만 모드별로 세고, 전체 점의 1% 이상을 받은 모드의 수를 돌려줍니다.
# 힌트: `torch.cdist(samples, modes)` 가 모든 점과 모드 사이의 거리입니다.

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

# %% [markdown] tags=["slide"]
# ## 정리
#
# - GAN은 생성자와 판별자의 게임입니다. 판별자의 최적해는 $p_\text{data}/(p_\text{data} + p_g)$ 이고, 생성자는 기울기가 살아 있는 비포화 손실로 학습합니다.
# - 2차원 장난감에서 학습률 하나만 바꿔도 8개 모드를 모두 덮거나 몇 개로 붕괴합니다. 손실은 수렴하지 않고 흔들립니다.
# - DCGAN은 전치 합성곱으로 숫자를 만들고, 2주차 잣대로 확신 점수·커버리지·거리를 잽니다.
# - 잠재 공간은 slerp로 걷고, 절단 트릭 $\psi$ 는 품질을 올리는 대신 다양성을 깎습니다.
# - StyleGAN은 $z \to w$ 매핑, 층마다의 AdaIN, 스타일 믹싱으로 거친 특징과 세밀한 특징을 나눠 조절합니다.
#
# **다음 주(4주차)**: 오토인코더로 얼굴을 바꾸는 **딥페이크** 를 만들고, 함께 탐지와 윤리를 다룹니다.

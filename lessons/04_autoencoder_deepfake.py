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
# # 4주차: 오토인코더 딥페이크, 만들고 재고 탐지하기
#
# 강의의 "구세대" 딥페이크(faceswap, faceswap-GAN, DeepFaceLab의 DF 구조)는 **인코더 하나를 두 사람이 함께 쓰고, 디코더를 사람마다 하나씩** 두는 오토인코더입니다.
# 이번 주는 그것을 CPU에서 끝까지 직접 만들고, 흉내 낸 도구들이 하지 않는 일, 곧 **정답과 비교해 재는 일**을 합니다. 그리고 만든 것을 탐지하고,
# 법과 동의를 구체적으로 봅니다.
#
# **학습 목표**
#
# - 인코더, 병목(bottleneck), 디코더가 무엇이고 병목의 크기가 복원에 어떻게 드러나는지 숫자 그림으로 설명할 수 있다.
# - 딥페이크 파이프라인(검출 → 랜드마크 → Umeyama 정렬 → 마스크 → 공유 인코더와 사람별 디코더 → 랜덤 워프 학습 → 스왑 → 합성)을 코드로 따라갈 수 있다.
# - 스왑을 정답과 비교해 잴 수 있다: 얼굴 안 SSIM, 신원 거리, 표정과 자세의 유지, 깜빡임.
# - FaceShifter의 AAD 층이 무엇을 섞는지 식과 코드로 설명할 수 있다.
# - 주파수 스펙트럼으로 합성 얼굴을 탐지하고, JPEG과 크기 변경이 탐지를 얼마나 흔드는지 잴 수 있다. 딥페이크에 관한 한국의 법을 설명할 수 있다.
#
# **필요한 것**: 1주차의 얼굴 스왑 파이프라인(`coursekit.faces`, `coursekit faceswap`), 2주차의 합성곱, 공용 훈련 루프 `coursekit.train.fit`.

# %%
import coursekit

coursekit.require(">=0.1,<0.2")
coursekit.setup_lesson(seed=0)

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

from coursekit import env
from coursekit.checkpoints import read_manifest
from coursekit.datasets import digits
from coursekit.face_swap_loss import face_swap_loss
from coursekit.face_swap_training import augment_faces, train_face_swap
from coursekit.faces import merge, puppet, puppet_sets, spectrum_detector, swap_measures
from coursekit.faces.extract import extract
from coursekit.faces.identity import face_descriptor
from coursekit.faces.video import open_writer, read_frames
from coursekit.faces.watermark import detect_watermark
from coursekit.images import draw_mosaic
from coursekit.models import vae
from coursekit.models.aad import AADLayer, AEI_NET_LOSS_WEIGHTS, HEAR_NET_LOSS_WEIGHTS
from coursekit.models.face_swap_ae import FaceSwapAE, encoder_shapes
from coursekit.recipes import deepfake_ae, deepfake_ae_nowarp
from coursekit.vae_measures import latent_codes
from coursekit.vae_training import train_autoencoder
from coursekit.widgets.week04 import PuppetSwap

QUICK = env.mode() == "quick"
HOPPER, COLLINS = puppet_sets.IDENTITIES
NAMES = {HOPPER: "Hopper", COLLINS: "Collins"}


def to_tensor(crops):
    """uint8 crops (N, S, S, 3) -> float tensors (N, 3, S, S) in [0, 1]."""
    return torch.from_numpy(np.stack(crops)).permute(0, 3, 1, 2).float() / 255


def show_rows(rows, titles, row_names, *, size=1.6):
    """A grid of uint8 crops: one list per row."""
    fig, axes = plt.subplots(len(rows), len(rows[0]), figsize=(size * len(rows[0]), size * len(rows) + 0.4),
                             layout="constrained", squeeze=False)
    for r, (row, name) in enumerate(zip(rows, row_names)):
        for c, image in enumerate(row):
            ax = axes[r, c]
            ax.imshow(image)
            ax.set_xticks([])
            ax.set_yticks([])
            if r == 0 and titles:
                ax.set_title(titles[c], fontsize=9)
        axes[r, 0].set_ylabel(name, fontsize=9)
    plt.show()


# %% [markdown] tags=["slide"]
# ## 1. 인코더, 병목, 디코더
#
# 오토인코더는 그림 $x$를 **인코더** $f$로 작은 코드 $z = f(x)$로 줄이고, **디코더** $g$로 $\hat x = g(z)$를 되살립니다.
# 가운데의 좁은 곳이 **병목**입니다. 손실은 복원 오차 하나뿐이라서, 네트워크는 병목에 들어갈 만큼만 그림의 요점을 담는 법을 배웁니다.
# 코드 $z$가 **잠재 표현(latent)** 입니다. 먼저 숫자 그림에서 병목의 크기를 바꿔 봅니다 (`BOTTLENECKS`를 바꿔 다시 실행해 보세요).

# %%
BOTTLENECKS = (2, 8, 32)
train_images, _ = digits("train")
test_images, _ = digits("test")
shown = test_images[::100][:10]
bottleneck = {}
for size in BOTTLENECKS:
    model = vae.Autoencoder(size, (256,))
    train_autoencoder(model, train_images, {"beta": None, "batch_size": 128, "lr": 2e-3}, steps=400, seed=0)
    restored = model.decode_images(latent_codes(model, test_images))
    bottleneck[size] = (restored, float(F.mse_loss(restored, test_images)))
errors = [bottleneck[s][1] for s in BOTTLENECKS]
print(f"병목이 클수록 테스트 숫자의 복원 오차(MSE)가 작아집니다: {'✓' if errors == sorted(errors, reverse=True) else '✗'}")

# %% tags=["slide"]
fig, axes = plt.subplots(len(BOTTLENECKS) + 1, 1, figsize=(8, 1.1 * (len(BOTTLENECKS) + 1)), layout="constrained")
draw_mosaic(shown, 10, title="원본 (테스트 숫자)", ax=axes[0])
for ax, size in zip(axes[1:], BOTTLENECKS):
    draw_mosaic(bottleneck[size][0][::100][:10], 10, title=f"병목 {size}차원을 거쳐 되살린 것", ax=ax)
plt.show()

# %% [markdown]
# *그림: 784개 픽셀을 2개 숫자로 줄이면 숫자의 대략적인 모양만 남고(비슷한 숫자끼리 섞이기도 합니다), 32개면 획의 굵기와 기울기까지 돌아옵니다.*
#
# MSE 값 자체는 찍지 않았습니다. 학습은 반올림 차이를 키워서 CPU가 다르면 마지막 자리가 달라지기 때문입니다 (3주차와 같은 이유).
# 얼굴 스왑은 이 생각을 얼굴에 씁니다: 인코더가 **자세, 표정, 조명**을 병목에 담고, 디코더가 그것을 **특정한 사람의 얼굴**로 되살립니다.

# %% [markdown] tags=["slide"]
# ## 2. 데이터: 정답이 있는 얼굴 인형
#
# 디스크에는 초상화 두 장(Grace Hopper, Eileen Collins)이 있을 뿐, 얼굴 데이터셋은 없습니다. 그래서 데이터를 만듭니다.
# `coursekit.faces.puppet`은 초상화의 68개 랜드마크를 움직여 **매개변수를 아는 프레임**을 만듭니다: 고개 돌리기(yaw)와 끄덕이기(pitch)는
# 점들을 원통 위에 올려 돌리고(코가 원통에서 튀어나와 있습니다), 기울이기(roll), 크기, 입 벌리기, 미소, 눈 감기는 해당 점들을 옮기고,
# 사진 전체를 조각별 아핀 변환(piecewise affine: 점들로 나눈 삼각형마다 따로 하는 아핀 변환)으로 그 점들에 맞춰 휘고, 마지막에 밝기와 색을 바꿉니다.
#
# 그러면 **"Hopper의 프레임 k에 Collins의 얼굴을 넣은 결과"에 정답이 있습니다**: 같은 매개변수로 그린 Collins의 프레임 k입니다.

# %%
poses = [puppet.Pose(), puppet.Pose(yaw=15), puppet.Pose(yaw=-12, pitch=8), puppet.Pose(roll=12, scale=0.9),
         puppet.Pose(mouth=0.9), puppet.Pose(smile=1.0, eyes=0.4), puppet.Pose(brightness=0.8, light=1.0, warmth=0.8)]
pose_names = ["사진 그대로", "yaw +15°", "yaw −12°, pitch +8°", "roll +12°, 0.9배", "입 0.9", "미소 1, 눈 뜬 정도 0.4", "조명과 색"]


def face_window(image, points, margin=0.55):
    """A square around the face of a full frame, for showing."""
    centre, half = points.mean(0), margin * np.ptp(points[:, 0]) + 10
    x0, y0 = (centre - half).astype(int)
    size = int(2 * half)
    return image[max(y0, 0):y0 + size, max(x0, 0):x0 + size]


rows = []
for name in (HOPPER, COLLINS):
    rgb, points = puppet_sets.portrait_fit(name)
    rows.append([face_window(puppet.render(rgb, points, p).image, points) for p in poses])

# %% tags=["slide"]
show_rows(rows, pose_names, [NAMES[HOPPER], NAMES[COLLINS]], size=1.7)

# %% [markdown]
# *그림: 위아래가 같은 매개변수입니다. 두 사람이 같은 자세와 표정을 짓고 있으니, 한 사람의 프레임마다 다른 사람의 정답 프레임이 있습니다.*
#
# **이 데이터의 한계**: 한 사람에 사진이 한 장뿐이고, 모든 프레임은 그 사진의 2차원 변형입니다. 사진에 없는 것(돌린 고개의 반대쪽 뺨, 벌린 입 안의 이)은
# 나타나지 않고, ±15°의 고개 돌리기는 새로운 시점이 아니라 그럴듯하게 눌린 그림입니다. 입안은 어둡게 칠했습니다. 그래서 여기서 잰 숫자는
# "실제 영상에서 이만큼 된다"가 아니라 "정답을 아는 조건에서 방법끼리 비교하면 이렇다"입니다.

# %% [markdown] tags=["slide"]
# ## 3. 추출: 프레임에서 정렬된 얼굴로
#
# 학습 데이터를 만드는 단계는 진짜 파이프라인 그대로입니다 (`coursekit.faces.extract`): 얼굴 검출(dlib HOG), 68개 랜드마크, 평균 얼굴 틀에 맞추는
# Umeyama 닮음 변환(회전, 균일한 크기, 이동), DeepFaceLab의 `full_face` 여백으로 64x64 자르기, 랜드마크 볼록 껍질(convex hull)로 얼굴 마스크.
# 자른 얼굴은 자세가 달라도 눈과 입이 거의 같은 픽셀에 옵니다. 그래서 네트워크는 위치가 아니라 생김새를 배웁니다.

# %%
rgb, points = puppet_sets.portrait_fit(HOPPER)
frame = puppet.render(rgb, points, puppet.Pose(yaw=10, roll=-10, mouth=0.5))
found = extract(frame.image)  # 검출과 랜드마크부터: 프레임의 알려진 점은 쓰지 않습니다
error = np.linalg.norm(found.image_points - frame.points, axis=1).mean() / np.linalg.norm(frame.points[16] - frame.points[0])
print(f"검출한 랜드마크와 인형이 놓은 점의 차이: 얼굴 폭의 5% 미만 {'✓' if error < 0.05 else '✗'}")
dotted = frame.image.copy()
for x, y in found.image_points.round().astype(int):
    dotted[max(y - 1, 0):y + 2, max(x - 1, 0):x + 2] = (0, 255, 0)

# %% tags=["slide"]
fig, axes = plt.subplots(1, 4, figsize=(10, 2.8), layout="constrained")
axes[0].imshow(face_window(dotted, frame.points))
axes[0].set_title("프레임과 검출한 랜드마크")
axes[1].imshow(found.crop)
axes[1].set_title("정렬해 자른 64x64")
axes[2].imshow(found.mask, cmap="gray")
axes[2].set_title("얼굴 마스크")
axes[3].imshow((found.crop * found.mask[..., None]).astype(np.uint8))
axes[3].set_title("마스크 안만")
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
plt.show()

# %% [markdown]
# *그림: 기울어진 얼굴이 정렬 뒤에는 똑바로 섭니다. 마스크가 학습 손실과 합성에서 "얼굴인 곳"을 정합니다.*
#
# 같은 추출을 여러분의 짧은 영상에도 할 수 있습니다: `coursekit faces-extract --video 내영상.mp4 --out 얼굴들/`이 프레임마다
# `face_00000.png`, `mask_00000.png`와 정렬 행렬을 씁니다. **본인이나 동의한 사람의 영상만 쓰세요.** 얼굴 묶음(face set)은 바로 그 사람의 딥페이크를 학습하는 재료입니다.

# %% [markdown] tags=["slide"]
# ## 4. 모델: 공유 인코더 하나, 사람마다 디코더 하나
#
# 강의의 그림(faceswap "original")을 따릅니다. 64x64x3 얼굴 → 스트라이드 2의 3x3 합성곱 넷으로 4x4까지 → dense 병목 → 다시 4x4로 펼치고
# 한 번 키워 8x8의 **"잠재 얼굴"**. dense는 모든 값을 모든 값에 잇는 완전 연결층입니다. 디코더는 사람마다 하나씩이고, 3x3 합성곱 + 픽셀 셔플
# (pixel shuffle: 채널 4개를 2x2 픽셀로 펼쳐 가로세로를 두 배로)로 세 번 키워 64x64x3 얼굴과 64x64x1 마스크를 냅니다. 얼굴은 tanh를 [0, 1]로 옮긴 값,
# 마스크는 sigmoid로 0과 1 사이입니다. 두 사람의 얼굴을 모두 복원하도록 학습하면, 인코더는 **둘에게 공통인 것**(자세, 표정, 조명)을 담고
# 디코더는 **그 사람의 생김새**를 배웁니다. **스왑** = Hopper의 프레임을 인코딩하고 Collins의 디코더로 디코딩하기.

# %%
for layer, shape in encoder_shapes():
    print(f"{layer:<28} {' x '.join(map(str, shape))}")
ours = sum(p.numel() for p in deepfake_ae.build().parameters())
wide = sum(p.numel() for p in FaceSwapAE(encoder_widths=(128, 256, 512, 1024), dense=1024, latent_channels=512,
                                         decoder_widths=(256, 128, 64)).parameters())
print(f"\n우리 모델: 파라미터 {ours / 1e6:.2f}M. 같은 구조를 faceswap original에 가까운 폭으로 만들면 대략 {wide / 1e6:.0f}M ({wide / ours:.0f}배)")

# %% [markdown] tags=["slide"]
# | | 해상도 | 인코더 폭 | 병목 | 잠재 얼굴 | 디코더 폭 | 배치, 최적화 |
# |---|---|---|---|---|---|---|
# | faceswap "original" | 64 | 128 → 1024 | dense 1024 | 8x8x512 | 256 / 128 / 64 | |
# | DeepFaceLab Quick96 | 96 | e_dims 64 | ae_dims 128 | | d_dims 64, 마스크 d_mask_dims 16 | 배치 4, RMSprop 2e-4 |
# | 이번 주 (`coursekit train deepfake-ae`) | 64 | 32 → 256 | dense 128 | 8x8x128 | 64 / 32 / 16 | 배치 16씩, Adam 5e-4 |
#
# 합성곱 폭을 4분의 1로, dense를 8분의 1로 줄였습니다. faceswap의 인코더는 5x5 합성곱이고 출력은 sigmoid인데, 여기서는 강의의 그림대로 3x3과 tanh입니다.
# DeepFaceLab의 LIAE 구조처럼 디코더를 하나만 두는 변형도 있습니다. 원본들은 GPU에서 며칠씩 학습하고, 우리는 CPU에서 30분입니다.

# %% [markdown] tags=["slide"]
# ## 5. 랜덤 워프와 DeepFaceLab의 손실
#
# 학습 입력은 그냥 얼굴이 아닙니다. 먼저 얼굴과 마스크를 함께 조금 돌리고, 키우고, 옮깁니다(±10°, ±5%, ±5%: 이것이 **목표**).
# 그다음 얼굴만 **랜덤 워프**합니다: 거친 격자의 안쪽 점들을 무작위로 흔들고 그 사이를 부드럽게 잇는 휘어짐입니다(이것이 **입력**).
# 네트워크는 휘어진 얼굴에서 **휘지 않은** 얼굴을 되살려야 하므로 픽셀을 그대로 베낄 수 없고, 얼굴의 구조를 배워야 합니다.

# %%
faces_demo, masks_demo = puppet_sets.face_set(HOPPER, 6)
inputs, targets, target_masks = augment_faces(faces_demo, masks_demo, torch.Generator().manual_seed(0))

# %% tags=["slide"]
as_images = lambda t: list((t.permute(0, 2, 3, 1).numpy() * 255).round().astype(np.uint8))  # noqa: E731
show_rows([as_images(targets), as_images(inputs)], None, ["목표", "입력 (워프)"], size=1.5)

# %% [markdown]
# *그림: 아래 줄의 얼굴은 눈, 코, 입이 제각각 조금씩 밀려 있습니다. 위 줄로 되돌리려면 "눈은 이렇게 생겼다"를 알아야 합니다.*
#
# 손실은 DeepFaceLab(Quick96, SAEHD)의 구성을 따릅니다. 목표 마스크 $m$을 조금 흐리게 한 뒤(여기서는 2 px 상자 흐림) 그 안에서만:
#
# $$\mathcal{L} = 10 \cdot \text{DSSIM}(\hat y \odot m,\; y \odot m) + 10 \cdot \overline{(\hat y \odot m - y \odot m)^2} + \overline{(\hat m - m)^2}$$
#
# DSSIM $= (1 - \text{SSIM}) / 2$은 지역의 평균, 분산, 공분산을 비교해 윤곽과 질감을 지키고(`coursekit.ssim`: σ = 1.5 가우시안 창, 가장자리를 빼면 scikit-image와 1e-4까지 같습니다),
# MSE는 색을 지키고, 마지막 항은 디코더의 마스크 출력이 얼굴 자리를 배우게 합니다. 합성할 때 그 마스크로 붙입니다.

# %%
with torch.no_grad():
    perfect = face_swap_loss(targets, target_masks, targets, target_masks)
    blurred = face_swap_loss(F.avg_pool2d(targets, 5, 1, 2), target_masks, targets, target_masks)
print(f"목표 그대로 내면 손실 {float(perfect['loss']):.3f}; 5x5로 흐리게 내면 DSSIM {float(blurred['dssim']):.3f}, "
      f"MSE {float(blurred['mse']):.4f} (가중치 10을 곱하기 전)")

# %% [markdown] tags=["slide"]
# ## 6. 짧은 학습, 그리고 저장된 모델
#
# 공용 훈련 루프(`coursekit.train.fit`)가 매 스텝 두 사람의 배치를 하나씩 받고(`zip_batches`), 각자의 디코더로 손실을 내 더한 뒤 한 번에 갱신합니다.
# 여기서는 사람마다 프레임 24장으로 잠깐만 돌립니다 (quick 모드 40스텝, full 모드 200스텝).

# %%
live_sets = {name: puppet_sets.face_set(name, 24) for name in (HOPPER, COLLINS)}
live_model = deepfake_ae.build()
live_steps = 40 if QUICK else 200
history = train_face_swap(live_model, live_sets, steps=live_steps, batch_size=8, seed=0)
loss = np.array(history.losses["loss"])
first, last = loss[:5].mean(), loss[-5:].mean()
print(f"{live_steps}스텝 학습: 손실이 처음 5스텝 평균보다 20% 넘게 줄었습니다 {'✓' if last < 0.8 * first else '✗'}")

# %% [markdown]
# 손실 값은 찍지 않았습니다(학습은 CPU마다 마지막 자리가 달라집니다). 이 정도 학습으로는 알아볼 수 있는 얼굴이 아직 나오지 않습니다.
# 아래부터는 같은 코드로 사람마다 프레임 300장, 4,000스텝 학습해 저장해 둔 모델을 씁니다.

# %%
model = deepfake_ae.load()
nowarp = deepfake_ae_nowarp.load()
for name in (deepfake_ae.NAME, deepfake_ae_nowarp.NAME):
    manifest = read_manifest(name)
    extra = manifest["extra"]
    print(f"{name}: {extra['steps']:,}스텝, {extra['train_seconds'] / 60:.0f}분 ({extra['hardware']}), 명령 `{manifest['command']}`")

# %% [markdown] tags=["slide"]
# ## 7. 스왑하고 합성하기
#
# 처음 보는 자세(학습에 쓰지 않은 시드의 매개변수)의 프레임에 스왑합니다. 각 열은 한 자세이고, 위에서부터 받는 쪽의 프레임,
# 오토인코더 스왑, 1주차의 랜드마크 스왑(`coursekit faceswap`: 사진을 휘어 붙이고 색을 맞춤), 그리고 정답입니다. 위의 세 줄은 받는 쪽 얼굴의 정렬로,
# 정답은 정답 프레임 자신의 정렬로 잘랐습니다.

# %%
held = puppet_sets.held_out_poses(4)
gallery = {}
for source, destination in ((COLLINS, HOPPER), (HOPPER, COLLINS)):
    dest_frames = [puppet.render(*puppet_sets.portrait_fit(destination), p).image for p in held]
    ae_frames, aligned = swap_measures.ae_swap(model, dest_frames, source)
    landmark_frames = swap_measures.landmark_swap(source, dest_frames)
    truths = [extract(puppet.render(*puppet_sets.portrait_fit(source), p).image) for p in held]
    gallery[source, destination] = {
        "받는 쪽": [a.crop for a in aligned],
        "오토인코더": [swap_measures.crop_like(r, a) for r, a in zip(ae_frames, aligned)],
        "랜드마크": [swap_measures.crop_like(r, a) for r, a in zip(landmark_frames, aligned)],
        "정답": [t.crop for t in truths],
        "frames": ae_frames,
    }
titles = [f"yaw {p.yaw:+.0f}°, 입 {p.mouth:.1f}" for p in held]

# %% tags=["slide"]
rows = gallery[COLLINS, HOPPER]
show_rows([rows[k] for k in ("받는 쪽", "오토인코더", "랜드마크", "정답")], titles,
          ["Hopper 프레임", "AE: Collins", "랜드마크 스왑", "정답: Collins"], size=1.4)

# %% [markdown]
# *그림: 오토인코더는 Hopper의 자세와 조명으로 Collins의 얼굴을 "다시 그립니다". 그래서 조명이 정답을 따라가지만 64 px 디코더라 흐립니다.
# 랜드마크 스왑은 Collins의 사진을 휘어 붙이므로 선명하지만, 사진의 음영과 입안이 그대로 오고 색만 받는 쪽에 맞춰집니다.*

# %% tags=["slide"]
rows = gallery[HOPPER, COLLINS]
show_rows([rows[k] for k in ("받는 쪽", "오토인코더", "랜드마크", "정답")], titles,
          ["Collins 프레임", "AE: Hopper", "랜드마크 스왑", "정답: Hopper"], size=1.4)

# %% [markdown]
# *그림: 반대 방향입니다. Hopper의 안경과 주름이 얼마나 남는지 보세요. 디코더가 외운 것은 Hopper 한 장의 사진에서 나온 300장의 변형뿐입니다.*

# %% [markdown] tags=["slide"]
# ### 합성: 마스크, 색, 블렌딩
#
# 디코더의 64x64 얼굴을 원래 프레임에 되돌려 붙입니다(`coursekit.faces.merge`): 마스크 = 디코더의 마스크 x 받는 쪽 랜드마크 껍질,
# 가장자리를 깎고(erode) 부드럽게 하고(feather), 원하면 색을 받는 쪽 얼굴에 맞추고(Reinhard의 Lab 평균·표준편차 맞춤, DeepFaceLab의 `rct`),
# 정렬의 역행렬로 프레임에 되돌려 알파 또는 푸아송(Poisson) 블렌딩을 합니다. 결과에는 늘 보이는 표시와 보이지 않는 워터마크가 붙습니다.

# %%
dest = puppet.render(*puppet_sets.portrait_fit(HOPPER), held[0]).image
aligned = extract(dest)
face_t, mask_t = model.swap(to_tensor([aligned.crop]), COLLINS)
face_u8 = (face_t[0].permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
options = {"erode 0, feather 0": dict(erode=0, feather=0), "erode 2, feather 3 (기본)": dict(),
           "+ 색 맞춤 (rct)": dict(color="rct"), "푸아송 블렌딩": dict(blend="poisson")}
merged = {name: merge.merge_face(dest, aligned, face_u8, mask_t[0, 0].numpy(), **o) for name, o in options.items()}

# %% tags=["slide"]
show_rows([[face_window(m, aligned.image_points) for m in merged.values()]], list(merged), ["합성"], size=2.3)

# %% [markdown]
# *그림: 깎지 않은 마스크는 가장자리에 선이 보이고, 부드럽게 하면 사라집니다. 색 맞춤은 피부를 Hopper 쪽으로 옮기고, 푸아송 블렌딩(경계에서는 받는 쪽의 색을,
# 안쪽은 얼굴의 밝기 변화를 가져오는 방법)은 경계의 색을 받는 쪽에 맞춥니다. 보이는 표시는 프레임 오른쪽 아래에 있어 여기서는 잘렸습니다 (9절에 전체 프레임).*

# %% [markdown] tags=["slide"]
# ### 위젯: 인형을 움직이며 스왑과 정답 비교하기
#
# 슬라이더가 받는 쪽 프레임의 자세와 표정을 바꿉니다. 위젯은 그 프레임을 그리고, 얼굴을 잘라 스왑하고 붙인 뒤, 같은 자세로 그린 정답과 나란히 보여 줍니다
# (여기서는 빠르게 돌도록 프레임의 알려진 랜드마크로 자릅니다). 고개를 끝까지 돌리거나 입을 크게 벌리면 SSIM이 어떻게 되는지 보세요.

# %%
PuppetSwap(model)

# %% [markdown] tags=["slide"]
# ## 8. 스왑을 재다
#
# 학습에 쓰지 않은 자세에서, 두 방향 모두, 같은 프레임에 두 방법을 재 봅니다 (`coursekit.faces.swap_measures`):
#
# - **얼굴 안 SSIM, PSNR**: 받는 쪽 정렬로 자른 결과 대 정답의 정렬된 얼굴, 정답의 얼굴 마스크 안에서;
# - **신원**: 결과와 원본 사진의 dlib 얼굴 기술자(descriptor) 거리. 넣은 사람(source)과는 0.6 미만, 받는 사람(destination)과는 0.6 초과여야 "통과";
# - **표정과 자세 유지**: 결과에서 찾은 랜드마크와 받는 쪽 프레임의 랜드마크의 평균 거리(얼굴 폭 대비);
# - **깜빡임**: 부드러운 클립에서 프레임 사이 변화(얼굴 안)의 평균, 정답의 것을 뺀 값.
#
# 수업 시간 안에 돌도록 여기서는 자세 8개만 잽니다. 저장된 모델의 기록(아래 두 번째 표)은 자세 40개와 24프레임 클립에서 잰 것이고 `make bench`가 다시 잽니다.

# %%
live = swap_measures.measure(model, poses=8, clip=0)
print(swap_measures.table(live, methods=("ae", "landmark")))

# %%
records = {}
for name in (deepfake_ae.NAME, deepfake_ae_nowarp.NAME):
    records[name] = read_manifest(name)["metrics"]
combined = dict(records[deepfake_ae.NAME])
combined.update({k.replace("ae_", "nowarp_", 1): v for k, v in records[deepfake_ae_nowarp.NAME].items() if k.startswith("ae_")})
print("저장된 기록 (자세 40개, 클립 24프레임):\n")
print(swap_measures.table(combined, methods=("ae", "nowarp", "landmark")))
print()
for bar, ok in swap_measures.check(records[deepfake_ae.NAME]).items():
    print(f"{'✓' if ok else '✗'} {bar}")

# %% [markdown]
# 열 이름의 `C on H`는 "Collins의 얼굴을 Hopper의 프레임에"입니다. `nowarp`은 랜덤 워프 없이 똑같이 학습한 모델(`coursekit train deepfake-ae-nowarp`)입니다.
# 표를 읽는 법: 신원 통과율은 두 기준을 **모두** 넘은 프레임의 몫이라서, 랜드마크 스왑처럼 얼굴의 안쪽만 바꾸고 턱선과 머리는 받는 사람 그대로인
# 방법에는 어렵습니다. SSIM은 정답과 얼마나 같은 그림인지이므로, 사진을 휘어 붙이는 방법은 자세와 조명이 사진과 다를수록 손해를 봅니다.

# %% tags=["slide"]
rows = []
for m in (model, nowarp):
    frames = [puppet.render(*puppet_sets.portrait_fit(HOPPER), p).image for p in held]
    results, aligned_list = swap_measures.ae_swap(m, frames, COLLINS)
    rows.append([swap_measures.crop_like(r, a) for r, a in zip(results, aligned_list)])
rows.append(gallery[COLLINS, HOPPER]["정답"])
show_rows(rows, titles, ["워프로 학습", "워프 없이", "정답"])

# %% [markdown]
# *그림: 같은 데이터, 같은 스텝, 워프만 다릅니다. 표의 `nowarp` 열과 함께 보면, 이 데이터에서는 **차이가 작습니다**: Hopper를 Collins에 넣을 때
# 워프 쪽 SSIM이 조금 높고, 반대 방향은 거의 같거나 워프 없는 쪽이 조금 낫습니다.*
#
# 왜 작을까요? 시험 프레임도 학습 프레임과 같은 사진 한 장의 변형이라서, 입력을 베끼는 지름길이 시험에서도 통합니다. 워프가 막으려는 실패(처음 보는
# 표정이나 조명에서 무너지는 것)는 실제 영상처럼 시험이 학습과 다를 때 드러납니다. 이 인형 데이터로는 그것을 보여 줄 수 없다는 것도 측정의 결과입니다.

# %% [markdown] tags=["slide"]
# ## 9. 영상, 그리고 표시
#
# 부드럽게 움직이는 클립(키 자세 사이를 이은 24프레임)에 스왑을 하고 mp4로 씁니다(`coursekit.faces.video`). 프레임마다 보이는 표시와 보이지 않는 워터마크가 들어갑니다.

# %%
clip = puppet_sets.clip_poses(24)
clip_frames = [puppet.render(*puppet_sets.portrait_fit(HOPPER), p) for p in clip]
swapped_clip = []
for f in clip_frames:
    a = extract(f.image, points=f.points)
    face_t, mask_t = model.swap(to_tensor([a.crop]), COLLINS)
    face_u8 = (face_t[0].permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    swapped_clip.append(merge.merge_face(f.image, a, face_u8, mask_t[0, 0].numpy()))
out_dir = Path(tempfile.mkdtemp())
writer, codec = open_writer(out_dir / "swap.mp4", 12, swapped_clip[0].shape[1::-1])
for image in swapped_clip:
    writer.write(np.ascontiguousarray(image[:, :, ::-1]))
writer.release()
read_back, _ = read_frames(out_dir / "swap.mp4")
read_back = list(read_back)
print(f"영상 {len(read_back)}프레임 ({codec}); 다시 읽은 첫 프레임에서 워터마크 발견: {detect_watermark(read_back[0]).found}")

# %% tags=["slide"]
show_rows([[swapped_clip[0]]], ["전체 프레임: 오른쪽 아래의 표시"], ["스왑 영상"], size=3.2)
show_rows([[face_window(swapped_clip[i], clip_frames[i].points) for i in range(0, 24, 4)]],
          [f"프레임 {i}" for i in range(0, 24, 4)], ["스왑 영상"], size=1.7)

# %% [markdown]
# *그림: 고개를 돌리고 숙이며 살짝 웃는 동안 Collins의 얼굴이 따라갑니다. 8절 저장된 기록의 깜빡임 행은 이런 클립에서 잰 것입니다.*

# %% [markdown] tags=["slide"]
# ## 10. 새 세대: FaceShifter의 AAD 층
#
# FaceShifter(Li 외 2020)는 사람마다 디코더를 두지 않습니다. 생성기의 층마다 **AAD(Adaptive Attentional Denormalization)** 가
# 받는 쪽의 속성 특징 $z_{att}$(자세, 표정, 조명, 배경)와 넣을 사람의 신원 벡터 $z_{id}$(얼굴 인식 모델의 임베딩)를 섞습니다:
#
# $$\bar h = \text{InstanceNorm}(h),\quad A = \gamma_{att} \odot \bar h + \beta_{att},\quad I = \gamma_{id} \odot \bar h + \beta_{id},\quad
# M = \sigma(\text{conv}(\bar h)),\quad h_{out} = (1 - M) \odot A + M \odot I$$
#
# $\gamma_{att}, \beta_{att}$는 $z_{att}$의 합성곱이라 픽셀마다 다르고, $\gamma_{id}, \beta_{id}$는 $z_{id}$의 선형 변환이라 채널마다 하나입니다.
# 마스크 $M$이 픽셀마다 "속성을 얼마나, 신원을 얼마나" 받을지 고릅니다.

# %%
layer = AADLayer(channels=32, attribute_channels=32, identity_dim=128)
with torch.no_grad():
    crop_features = model.encoder[:2](to_tensor([gallery[COLLINS, HOPPER]["받는 쪽"][0]]))  # 첫 합성곱 층: 32 x 32 x 32
    # 보여 주기 위해 h와 z_att에 같은 특징 지도를 넣습니다 (AEI-Net에서는 z_att가 따로 있는 속성 인코더에서 옵니다).
    # z_id는 dlib의 128차원 기술자입니다 (논문은 ArcFace 임베딩).
    identity = torch.from_numpy(face_descriptor(puppet_sets.portrait_fit(COLLINS)[0])).float()[None]
    parts = layer.parts(crop_features, crop_features, identity)
    torch.nn.init.constant_(layer.mask.bias, -30.0)
    only_attributes = layer.parts(crop_features, crop_features, identity)
print(f"출력 {tuple(parts['out'].shape)}; M → 0으로 만들면 출력 = A: {torch.allclose(only_attributes['out'], only_attributes['attribute'], atol=1e-5)}")

# %% tags=["slide"]
fig, axes = plt.subplots(1, 3, figsize=(8, 2.9), layout="constrained")
axes[0].imshow(gallery[COLLINS, HOPPER]["받는 쪽"][0])
axes[0].set_title("받는 쪽 얼굴 (64x64)")
axes[1].imshow(crop_features[0].mean(0), cmap="magma")
axes[1].set_title("특징 지도 h (32채널 평균)")
shown_mask = axes[2].imshow(parts["mask"][0, 0], cmap="viridis")
axes[2].set_title("AAD 마스크 M (학습 전)")
fig.colorbar(shown_mask, ax=axes[2], fraction=0.046)
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
plt.show()

# %% [markdown]
# *그림: 진짜 얼굴의 특징 지도(우리 인코더의 첫 층)에 학습하지 않은 AAD 층을 얹었습니다. M은 이미 특징을 따라 픽셀마다 다르지만, 무엇을 고를지는 아직 모릅니다.
# 논문은 학습된 AEI-Net의 층마다 M이 어디서 커지는지 그려 보입니다: 층에 따라 다르지만, 신원이 드러나는 얼굴 안쪽에서 신원 쪽을 더 받습니다.*
#
# **왜 FaceShifter는 학습하지 않나**: AEI-Net의 손실은 적대적 : 속성 : 신원 : 복원 = 1 : 10 : 5 : 10이고 (가림을 고치는 HEAR-Net은 1 : 1 : 1),
# 신원 손실에는 미리 학습된 큰 얼굴 인식 모델이, 학습에는 수만 명의 얼굴 데이터(논문은 CelebA-HQ, FFHQ, VGGFace)와 여러 GPU의 긴 학습이 필요합니다.
# 두 장의 사진과 CPU로는 불가능하므로, 이번 주는 층을 만들고 그 마스크를 보는 데서 멈춥니다.

# %%
print("AEI-Net 손실 가중치:", AEI_NET_LOSS_WEIGHTS)
print("HEAR-Net 손실 가중치:", HEAR_NET_LOSS_WEIGHTS)

# %% [markdown] tags=["slide"]
# ## 11. 탐지: 주파수 스펙트럼
#
# 업샘플링하는 생성기는 이미지의 높은 주파수를 틀리게 남깁니다(Durall 외 2019 "Unmasking DeepFakes with simple Features", 2020 "Watch your
# Up-Convolution"). 방법은 간단합니다: 흑백으로 바꾸고, 2차원 DFT의 로그 크기를
# 가운데에서의 거리마다 평균 내 낮은 주파수부터 높은 주파수까지의 곡선 하나로 만들고(azimuthal average: 고리마다 평균), 그 곡선에 선형 분류기(로지스틱 회귀)를 씁니다.
# 진짜는 인형 프레임에 **자기 얼굴을 같은 합성 과정으로 다시 붙여** 자른 것, 가짜는 오토인코더 스왑을 합성해 자른 것입니다. 그래서 둘은 같은 리샘플링을 거쳤고
# 다른 것은 얼굴의 내용뿐입니다. 워터마크도 둘 다 넣지 않았습니다(탐지기가 워터마크를 배우지 않도록). 학습 50%, 임계값을 고르는 검증 20%, 시험 30%로 나누고,
# ROC-AUC(가짜 하나와 진짜 하나를 뽑았을 때 가짜 점수가 더 높을 확률)와 정확도를 시험 쪽에서 잽니다.

# %%
real_crops, fake_crops = swap_measures.detector_crops(model, 100 if QUICK else 200)
detector, scores = spectrum_detector.train_and_test(real_crops, fake_crops)
print(f"진짜 {len(real_crops)}장, 가짜 {len(fake_crops)}장 (시험은 각 {len(real_crops) - int(0.7 * len(real_crops))}장); "
      f"검증에서 고른 임계값 {detector.threshold:.2f}")
for change, label in (("clean", "그대로"), ("jpeg75", "JPEG 품질 75"), ("resize0.5", "0.5배로 줄였다 되돌림")):
    print(f"{label}: ROC-AUC {scores['auc_' + change]:.2f}, 정확도 {scores['accuracy_' + change]:.0%}")

# %% tags=["slide"]
profiles = {name: spectrum_detector.profiles(images) for name, images in
            (("진짜", real_crops), ("가짜 (스왑)", fake_crops),
             ("진짜, 0.5배 크기 변경", [spectrum_detector.half_resize(c) for c in real_crops]))}
fig, ax = plt.subplots(figsize=(7, 3.4), layout="constrained")
for (name, p), style in zip(profiles.items(), ("-", "-", "--")):
    ax.plot(p.mean(0), style, label=name)
ax.set_xlabel("주파수 (가운데로부터의 거리, 0 = 평균 밝기)")
ax.set_ylabel("평균 로그 크기 (dB)")
ax.legend()
plt.show()

# %% [markdown]
# *그림: 스왑한 얼굴은 64 px 디코더가 그려서 높은 주파수(오른쪽)가 진짜보다 **조금** 낮습니다. 자른 얼굴 안에서도 머리와 배경은 진짜 그대로라서 차이가 작고,
# 그래서 위의 AUC도 1과 거리가 있습니다. 진짜 얼굴을 0.5배로 줄였다 되돌리면(점선) 높은 주파수가 진짜와 가짜의 차이보다 훨씬 크게 내려갑니다:
# 크기만 바꿔도 진짜를 가짜로 오판하고, 진짜와 가짜를 함께 줄이면 구분의 단서가 함께 사라집니다 (AUC가 내려가고, 검증에서 고른 임계값의 정확도는 반반 찍기 수준이 됩니다).*

# %% [markdown] tags=["slide"]
# ### 워터마크를 다시 읽기
#
# 이 노트북이 만든 결과물에서 보이지 않는 워터마크를 다시 찾습니다. 보이는 표시는 잘라 내면 그만이지만, 워터마크는 JPEG 저장을 견딥니다.

# %%
outputs = {"7절의 스왑 프레임": gallery[COLLINS, HOPPER]["frames"][0], "합성(푸아송)": merged["푸아송 블렌딩"],
           "영상에서 다시 읽은 프레임": read_back[5], "같은 프레임을 JPEG 75로": spectrum_detector.jpeg(read_back[5], 75),
           "원래 초상화 (표시 없음)": puppet_sets.portrait_fit(HOPPER)[0]}
for name, image in outputs.items():
    result = detect_watermark(image)
    print(f"{name}: 워터마크 {'있음' if result.found else '없음'} (비트 일치 {result.bit_accuracy:.0%})")

# %% [markdown] tags=["slide"]
# ## 12. 동의와 법
#
# 이번 주에 만든 도구는 장난감이 아닙니다. 여기서는 한 장의 사진과 그 변형만으로 쟀지만, 같은 코드에 실제 영상의 얼굴 수천 장을 넣으면 훨씬 잘 됩니다. 강의가 꼽은 피해는 구체적입니다:
# 동의 없는 성적 합성물, 가족이나 회사 대표를 흉내 낸 사기, 선거와 뉴스의 허위 정보, 명예 훼손과 괴롭힘.
#
# - **동의**: 스왑에 쓰는 얼굴은 본인의 것이거나 분명히 동의받은 것이어야 합니다. 공인의 사진이 공개되어 있다는 것은 동의가 아닙니다.
#   이번 주의 두 초상화는 미국 정부 저작물(퍼블릭 도메인)이고, 결과는 모두 AI 생성물로 표시했습니다.
# - **성적 허위영상물**: 「성폭력범죄의 처벌 등에 관한 특례법」 제14조의2는 사람의 얼굴, 신체 또는 음성을 **대상자의 의사에 반하여** 성적 욕망이나
#   수치심을 일으키는 형태로 편집·합성한 허위영상물의 제작과 반포를 처벌합니다. 2024년 10월 개정으로 "반포할 목적"이 없어도 만들기만 하면 처벌되고,
#   형량이 높아졌으며(5년 이하에서 7년 이하의 징역으로), 이런 영상물을 **소지, 구입, 저장, 시청**하는 것도 범죄(3년 이하의 징역 또는 3천만 원 이하의 벌금)가 되었습니다.
# - **선거**: 「공직선거법」 제82조의8은 선거일 전 90일부터 선거일까지 선거운동을 위해 실제와 구분하기 어려운 딥페이크 영상 등을
#   만들거나 퍼뜨리는 것을 금지하고(2024년 총선부터 적용), 그 밖의 기간에도 그런 영상에는 인공지능으로 만든 가상의 정보라는 표시를 하게 합니다.
#
# 출처: 국가법령정보센터(law.go.kr)에서 법령 이름으로 현행 조문을 확인할 수 있습니다. 법은 바뀝니다. 이 노트북의 요약이 아니라 조문을 읽으세요.

# %% [markdown] tags=["slide"]
# ## 13. 연습 문제
#
# **연습 1.** 인코더의 출력 크기 `my_encoder_sizes(size, widths)`를 완성하세요. `size` px 얼굴이 폭 `widths[i]`의 3x3, 스트라이드 2, 패딩 1 합성곱을
# 차례로 지날 때 각 층 뒤의 `(C, H, W)`를 리스트로 돌려줍니다. 출력 크기 공식은 2주차의 $\lfloor (H + 2p - k)/s \rfloor + 1$입니다.

# %%
def my_encoder_sizes(size, widths):
    ### BEGIN SOLUTION
    shapes, side = [], size
    for width in widths:
        side = (side + 2 * 1 - 3) // 2 + 1
        shapes.append((width, side, side))
    return shapes
    ### END SOLUTION


# %%
from coursekit.checks.week04 import check_encoder_sizes, check_masked_loss, check_reinhard

check_encoder_sizes(my_encoder_sizes)

# %% [markdown]
# **연습 2.** DeepFaceLab 손실의 얼굴 부분 `my_masked_loss(face, target, mask)`를 완성하세요 (마스크는 이미 흐린 것으로 받습니다): 둘 다 마스크를 곱한 뒤
# `10 * dssim(..., window=5).mean() + 10 * ((...) ** 2).mean()`. `dssim`은 `coursekit.ssim`에 있습니다 (64 px의 창 크기는 5).

# %%
from coursekit.ssim import dssim


def my_masked_loss(face, target, mask):
    ### BEGIN SOLUTION
    a, b = face * mask, target * mask
    return 10 * dssim(a, b, window=5).mean() + 10 * ((a - b) ** 2).mean()
    ### END SOLUTION


# %%
check_masked_loss(my_masked_loss)

# %% [markdown]
# **연습 3.** Reinhard 색 전이 `my_reinhard(source_lab, target_lab, source_mask, target_mask)`를 완성하세요. 입력은 Lab 값의 float 배열 (H, W, 3)과
# 얼굴 마스크(bool, (H, W))입니다. 채널마다 **마스크 안 픽셀**의 평균 $\mu$와 표준편차 $\sigma$(`np.std`, ddof = 0)로 $(x - \mu_s) / \sigma_s \cdot \sigma_t + \mu_t$를 계산해
# source의 모든 픽셀에 씁니다.

# %%
def my_reinhard(source_lab, target_lab, source_mask, target_mask):
    ### BEGIN SOLUTION
    s, t = source_lab[source_mask], target_lab[target_mask]
    return (source_lab - s.mean(0)) / s.std(0) * t.std(0) + t.mean(0)
    ### END SOLUTION


# %%
check_reinhard(my_reinhard)

# %% [markdown] tags=["slide"]
# ## 정리
#
# - **오토인코더**는 병목을 지나 복원하며 요점을 배웁니다. 딥페이크는 인코더를 두 사람이 **공유**하게 해서, 병목에 자세와 표정이, 디코더에 생김새가 담기게 합니다.
# - **랜덤 워프**는 베끼는 지름길을 막습니다 (이 인형 데이터에서는 그 효과가 작게 쟀습니다). 손실은 마스크 안의 DSSIM + MSE와 마스크 항입니다.
# - 스왑 뒤에는 **합성**(마스크 다듬기, 색 맞춤, 블렌딩)이 결과의 절반입니다. 모든 출력에 AI 생성 표시를 합니다.
# - 정답이 있는 데이터에서는 방법을 **잴 수 있습니다**: 얼굴 안 SSIM, 신원 거리, 랜드마크 오차, 깜빡임.
# - **FaceShifter**의 AAD는 속성과 신원을 픽셀마다 마스크로 섞습니다. **탐지**는 주파수 흔적으로 되지만 크기 변경에 약합니다. 워터마크는 남습니다.
# - 만들 수 있다는 것과 만들어도 된다는 것은 다릅니다: 동의, 그리고 한국의 성폭력처벌법과 공직선거법.
#
# 다음 주(5주차)는 오토인코더의 잠재 공간에 "구멍"이 있어서 생성할 수 없다는 문제에서 출발해, 그것을 메우는 VAE를 만듭니다.

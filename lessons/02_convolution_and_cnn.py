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
# # 2주차: 합성곱과 CNN
#
# 1주차에는 픽셀 하나하나의 색을 바꿨습니다. 이번 주에는 **주변 픽셀까지 함께 보는** 연산인 합성곱(convolution)을 다룹니다.
# 흐리게 하기나 경계(edge) 찾기 같은 고전 필터(filter)도, 숫자를 알아보는 합성곱 신경망(convolutional neural network, CNN)도,
# 나중에 그림을 그리는 생성 모델(generative model)도 모두 이 연산을 쌓아 만듭니다.
#
# **학습 목표**
#
# - 5x5 입력과 3x3 커널(kernel)의 합성곱을 손으로 계산하고, 딥러닝의 "합성곱"이 커널을 뒤집지 않는 상호상관(cross-correlation)임을 설명할 수 있다.
# - 패딩(padding)과 스트라이드(stride)에 따른 출력 크기 $\lfloor (n + 2p - k)/s \rfloor + 1$을 계산할 수 있다.
# - 블러(blur), 샤프닝(sharpening), 소벨(Sobel), 라플라시안(Laplacian), 엠보스(emboss) 커널과 캐니(Canny) 경계 검출(edge detection)이 사진에서 무엇을 하는지 설명할 수 있다.
# - 풀링(pooling)을 거친 특징(feature)이 작은 이동에 둔감하다는 것을 수치로 확인할 수 있다.
# - 작은 CNN을 학습시키고, 학습된 필터와 특징 맵(feature map)을 해석하고, 이후 주차에서 생성된 숫자를 채점할 **숫자 분류기 잣대**를 쓸 수 있다.
#
# **필요한 것**: 1주차의 이미지 배열 다루기(`uint8`, 채널, `show`). PyTorch는 이번 주에 처음 본격적으로 씁니다.

# %%
import coursekit

coursekit.require(">=0.1,<0.2")
coursekit.setup_lesson(seed=0)

import cv2
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

from coursekit import color, env, filters, metrics, not_digits
from coursekit.classification import train_step
from coursekit.datasets import digits, digits_sample, photo
from coursekit.images import show
from coursekit.models import classifier
from coursekit.models.classifier import CLASS_NAMES, DigitClassifier
from coursekit.train import fit, infinite_batches
from coursekit.widgets.week02 import FeatureMapViewer, KernelEditor, SlidingWindow

# %% [markdown] tags=["slide"]
# ## 1. 합성곱을 손으로: 5x5 입력, 3x3 커널
#
# 커널은 작은 가중치(weight) 표입니다 (필터라고도 합니다). 커널을 입력 위에 겹쳐 놓고, 겹친 칸끼리 곱해서 모두 더하면 출력 한 칸이 됩니다.
# 커널을 한 칸씩 옮기며 반복하면 출력 전체, 즉 **특징 맵**이 만들어집니다.
#
# $$\text{출력}[i, j] = \sum_{u=0}^{k-1} \sum_{v=0}^{k-1} \text{입력}[i + u,\ j + v] \cdot \text{커널}[u, v]$$
#
# 강의 예제를 그대로 계산해 봅시다. 커널의 행은 (1 0 1), (1 0 1), (0 1 0)입니다.

# %%
lecture_input = np.array([
    [1, 2, 3, 4, 1],
    [2, 1, 0, 1, 2],
    [3, 0, 1, 1, 0],
    [1, 2, 1, 0, 1],
    [0, 1, 2, 3, 1],
])
lecture_kernel = np.array([
    [1, 0, 1],
    [1, 0, 1],
    [0, 1, 0],
])


def window_sum(image, kernel, i, j):
    """The sum of products at output (i, j), written out term by term."""
    window = image[i : i + kernel.shape[0], j : j + kernel.shape[1]]
    terms = " + ".join(f"{a}x{b}" for a, b in zip(window.ravel(), kernel.ravel()))
    return f"{terms} = {int((window * kernel).sum())}"


for i in range(3):
    for j in range(3):
        print(f"출력[{i},{j}] = {window_sum(lecture_input, lecture_kernel, i, j)}")

# %% [markdown]
# 첫 줄의 두 값 6과 9가 강의 슬라이드의 값입니다. 직접 만든 `coursekit.filters.conv2d`로 특징 맵 전체를 한 번에 계산해도 같습니다.

# %% tags=["slide"]
feature_map = filters.conv2d(lecture_input, lecture_kernel)
print("특징 맵 (3x3):")
print(feature_map.astype(int))
window_view = SlidingWindow(lecture_input, lecture_kernel, padding=0, stride=1)
show(window_view.render(), size=7.4)  # about 1:1, so the small labels stay sharp

# %% [markdown]
# *그림: 왼쪽 입력의 빨간 테두리 3x3 창과 커널을 칸끼리 곱해 더한 값이 오른쪽 특징 맵의 강조된 칸(6)이 됩니다.*
#
# 아래 위젯에서 **출력 위치** 슬라이더를 움직여 창을 한 칸씩 옮겨 보세요. 위젯 아래 줄에 그 위치의 곱의 합이 나옵니다.
# 패딩과 스트라이드도 바꿀 수 있습니다 (3절에서 다시 봅니다).

# %%
window_view

# %% [markdown] tags=["slide"]
# ## 2. 딥러닝의 "합성곱"은 상호상관이다
#
# 수학과 신호 처리(signal processing)에서 말하는 합성곱은 커널을 **상하·좌우로 모두 뒤집은(180° 돌린) 뒤** 곱의 합을 구합니다:
# $(I * K)[i, j] = \sum_{u,v} I[i - u, j - v]\,K[u, v]$.
# PyTorch의 `conv2d`, OpenCV의 `filter2D`, 그리고 우리가 만든 `filters.conv2d`는 커널을 뒤집지 않는 **상호상관**입니다.
# 커널은 어차피 학습으로 정해지는 값이라, 뒤집든 안 뒤집든 배울 수 있는 것은 같습니다. 그래서 딥러닝에서는 더 단순한 쪽을 "합성곱"이라 부릅니다.
# 세 구현이 같은 값을 내는지 무작위 입력으로 확인합니다.

# %% tags=["slide"]
rng = np.random.default_rng(0)
x = rng.normal(size=(32, 32))
k = rng.normal(size=(5, 5))

ours = filters.conv2d(x, k, padding="same")
by_opencv = cv2.filter2D(x, -1, k, borderType=cv2.BORDER_CONSTANT)
by_torch = F.conv2d(torch.from_numpy(x)[None, None], torch.from_numpy(k)[None, None], padding=2)[0, 0].numpy()
flipped = filters.convolve2d(x, k, padding="same")  # 뒤집는 합성곱

print("conv2d vs cv2.filter2D 차이 < 1e-9:", np.abs(ours - by_opencv).max() < 1e-9)
print("conv2d vs torch conv2d 차이 < 1e-9:", np.abs(ours - by_torch).max() < 1e-9)
print("뒤집는 합성곱 = 뒤집은 커널로 상호상관:",
      np.allclose(flipped, filters.conv2d(x, k[::-1, ::-1], padding="same")))
print(f"뒤집는 합성곱과 상호상관의 평균 차이: {np.abs(flipped - ours).mean():.2f}")

# %% [markdown]
# *표: 세 구현의 결과가 같고, 뒤집는 합성곱은 뒤집은 커널로 계산한 상호상관과 같습니다. 무작위 커널에서는 두 연산의 결과가 칸마다 평균 5.85씩 다릅니다.*
#
# 대칭인 커널(블러, 라플라시안)은 뒤집어도 같으니 차이가 없습니다. 왼쪽 위 칸만 1인 비대칭 커널로 차이를 눈으로 봅시다.
# 출력 크기가 입력과 같은 `same` 패딩에서는 커널의 가운데 칸 $(1, 1)$이 출력 위치에 놓이므로, 커널의 칸 $(u, v)$는 입력 $(i + u - 1,\ j + v - 1)$을 읽습니다.
# 왼쪽 위 칸 $(0, 0)$만 1이면 상호상관의 출력 $(i, j)$는 입력 $(i-1, j-1)$을 읽으므로 그림이 **오른쪽 아래로**, 뒤집는 합성곱에서는 **왼쪽 위로** 한 칸 움직입니다.

# %% tags=["slide"]
corner = np.array([[1, 0, 0], [0, 0, 0], [0, 0, 0]])
shape_L = np.zeros((7, 7), int)
shape_L[1:5, 2] = 1
shape_L[4, 2:5] = 1
moved_corr = filters.conv2d(shape_L, corner, padding="same").astype(int)
moved_conv = filters.convolve2d(shape_L, corner, padding="same").astype(int)
show([shape_L == 1, moved_corr == 1, moved_conv == 1],
     ["입력: L 모양", "상호상관 (conv2d)\n→ 오른쪽 아래로", "뒤집는 합성곱 (convolve2d)\n→ 왼쪽 위로"],
     cmap="gray", size=2.6)

# %% [markdown]
# *그림: 같은 커널인데 상호상관(가운데)은 L을 오른쪽 아래로, 뒤집는 합성곱(오른쪽)은 왼쪽 위로 옮겼습니다. 차이는 커널을 뒤집었느냐 하나뿐입니다.*

# %% [markdown] tags=["slide"]
# ## 3. 패딩과 스트라이드: 출력 크기
#
# 커널이 입력 밖으로 나가지 않게 하면(패딩 없음, `valid`) 출력은 입력보다 작아집니다. 가장자리에 0을 $p$칸씩 덧대면(**패딩**) 크기를 지킬 수 있고,
# 창을 $s$칸씩 건너뛰며 옮기면(**스트라이드**) 출력이 줄어듭니다. 입력 크기가 $n$, 커널 크기가 $k$일 때 출력 크기는 다음과 같습니다.
#
# $$n_\text{out} = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1$$
#
# 홀수 커널에 $p = (k-1)/2$, $s = 1$을 쓰면 $n_\text{out} = n$입니다 (`same` 패딩).

# %% tags=["slide"]
print(f"{'n':>2}  k  p  s  {'공식 ⌊(n + 2p − k) / s⌋ + 1':<26}  conv2d 결과")
for n, k_size, p, s in [(5, 3, 0, 1), (5, 3, 1, 1), (7, 3, 1, 2), (28, 5, 2, 1), (28, 2, 0, 2), (32, 4, 1, 4)]:
    out = filters.conv2d(np.zeros((n, n)), np.ones((k_size, k_size)), padding=p, stride=s)
    formula = f"⌊({n} + {2 * p} − {k_size}) / {s}⌋ + 1 = {filters.output_size(n, k_size, p, s)}"
    print(f"{n:>2}  {k_size}  {p}  {s}  {formula:<28}  {out.shape[0]}x{out.shape[1]}")

# %% [markdown]
# *표: 여섯 경우 모두 공식으로 구한 크기와 `conv2d`의 실제 출력 크기가 같습니다. 마지막 줄처럼 나누어떨어지지 않으면($30 / 4 = 7.5$) 남는 칸은 버립니다(내림).*
#
# 아래 위젯에서는 4x4 입력에 대해 커널 크기, 패딩, 스트라이드를 모두 바꿀 수 있습니다 (커널 값은 모두 1). 회색 패딩 칸이 생기고 창이 건너뛰는 모습을
# 위젯 아래 줄의 출력 크기 공식과 함께 확인해 보세요. 패딩 0에서 커널을 5로 키우면($k > n + 2p$) 창을 놓을 자리가 없다는 메시지가 나옵니다.

# %%
SlidingWindow(n=4, kernel=3, padding=0, stride=1)

# %% [markdown] tags=["slide"]
# ## 4. 사진에 고전 커널 적용하기
#
# | 커널 | 값 | 하는 일 |
# |---|---|---|
# | 상자 블러(box blur) | 모두 $1/k^2$ | 주변 평균: 흐리게 |
# | 가우시안 블러(Gaussian blur) | $e^{-(u^2+v^2)/(2\sigma^2)}$, 합이 1이 되게 나눔 | 가까운 이웃에 더 큰 가중치: 부드럽게 흐림 |
# | 샤프닝 | 가운데 5, 상하좌우 −1 | 원본 + (4×원본 − 상하좌우 합) = 원본 − 라플라시안: 경계 강조 |
# | 소벨 x / y | 한쪽 −1 −2 −1, 반대쪽 +1 +2 +1 | 가로/세로 방향의 밝기 변화(미분, derivative) |
# | 라플라시안 | 가운데 −4, 상하좌우 1 | 2차 미분: 모든 방향의 경계 |
# | 엠보스 | 대각선 한쪽은 음수, 반대쪽은 양수 | 빛을 비스듬히 비춘 듯한 양각 |
#
# 소벨의 두 결과 $G_x$와 $G_y$를 합친 $\sqrt{G_x^2 + G_y^2}$을 **기울기 크기**(gradient magnitude)라고 합니다. 방향과 상관없이 경계가 얼마나 센지를 나타냅니다.

# %% tags=["slide"]
cat = photo("chelsea")
gray = color.rgb_to_gray(cat)
magnitude, gx, gy = filters.gradient_magnitude(gray)


def to_display(values):
    """Float filter output -> uint8 for showing: clip to 0..255 (the titles say what was done before)."""
    return np.clip(values, 0, 255).astype(np.uint8)


panels = [
    (cat, "원본"),
    (filters.filter_image(cat, filters.box_kernel(7)), "상자 블러 7x7"),
    (filters.filter_image(cat, filters.gaussian_kernel(7, 2.0)), "가우시안 7x7, σ=2"),
    (filters.filter_image(cat, filters.kernel("sharpen")), "샤프닝"),
    (to_display(np.abs(gx)), "|소벨 x| (세로 경계)"),
    (to_display(np.abs(gy)), "|소벨 y| (가로 경계)"),
    (to_display(magnitude), "기울기 크기"),
    (to_display(4 * np.abs(filters.conv2d(gray, filters.kernel("laplacian"), padding="same", pad_mode="reflect"))),
     "|라플라시안| × 4"),
    (filters.filter_image(gray, filters.kernel("emboss")), "엠보스"),
]
show([p for p, _ in panels], [t for _, t in panels], cmap="gray", ncols=3, size=2.6)

# %% [markdown] tags=["slide"]
# *그림: 블러는 털의 결을 지우고 샤프닝은 털 끝을 또렷하게 합니다. 소벨 x는 세로 경계에, 소벨 y는 가로 경계에 반응합니다.*
#
# 소벨 x는 눈의 양옆과 얼굴의 옆선처럼 세로로 난 경계를, 소벨 y는 눈 위아래와 수염처럼 가로로 난 경계를 잡습니다.
# 라플라시안은 값이 작아 4배로 키워 그렸는데, 잔털 같은 잡음(noise)에도 고르게 반응합니다(2차 미분은 잡음에 민감합니다).
# 엠보스는 커널의 합이 1이라 밝기를 지키면서 경계의 한쪽은 밝게, 반대쪽은 어둡게 만들어 도드라져 보입니다.
#
# 음수가 나오는 커널(소벨, 라플라시안)의 결과는 그대로 보여 줄 수 없어서, 절댓값을 취한 뒤 0~255로 잘랐습니다(clip).
# 화면에 보이기 위한 선택일 뿐이고, 계산한 값 자체는 `conv2d`가 돌려준 실수 배열에 그대로 있습니다.

# %% [markdown] tags=["slide"]
# ### 캐니 경계 검출과 ControlNet
#
# 캐니 알고리즘은 네 단계로 경계선을 찾습니다.
#
# 1. 가우시안 블러로 잡음을 줄입니다. `cv2.Canny`는 이 단계를 하지 않으므로, 여기서는 먼저 5x5 가우시안으로 흐린 뒤 넘깁니다.
# 2. 소벨 커널로 기울기의 크기와 방향을 구합니다.
# 3. **비최대 억제**(non-maximum suppression): 기울기 방향으로 양옆 이웃보다 센 픽셀만 남겨 선을 1픽셀 두께로 얇게 만듭니다.
# 4. **이력 문턱값**(hysteresis thresholding): 기울기 크기가 `high`보다 큰 픽셀은 강한 경계로 남기고, `low`와 `high` 사이의 약한 경계는
#    강한 경계에 이어져 있을 때만 남깁니다. `low`보다 약한 픽셀은 버립니다.
#
# 이렇게 얻은 흑백 선 그림이 6주차 확산 모델(diffusion model)에서 쓰는 ControlNet "canny" **조건 이미지**(conditioning image)입니다.
# 모델은 이 선을 따라 그림을 그리라는 지시를 받습니다.

# %% tags=["slide"]
smooth = filters.filter_image(cat, filters.gaussian_kernel(5, 1.0))
edges_loose = filters.canny(smooth, 50, 100)
edges_strict = filters.canny(smooth, 100, 200)
show([cat, edges_loose, edges_strict],
     ["원본", f"캐니 (50, 100): 선 픽셀 {(edges_loose > 0).mean():.1%}", f"캐니 (100, 200): 선 픽셀 {(edges_strict > 0).mean():.1%}"],
     cmap="gray", size=3.3)

# %% [markdown]
# *그림: 문턱값이 낮으면(가운데) 털의 결이나 수염까지 선이 되고, 높이면(오른쪽) 선 픽셀이 7.5%에서 1.3%로 줄어 눈과 코의 윤곽, 이마의 굵은 줄무늬 몇 개만 남습니다.
# ControlNet에 줄 조건 이미지의 선 양도 이 문턱값으로 조절합니다.*

# %% [markdown] tags=["slide"]
# ### 커널 편집기
#
# <!-- notebook -->
# 아래 편집기에서 프리셋(preset)을 고르거나 칸의 값을 직접 바꿔 보세요. 오른쪽 그림이 바로 다시 그려집니다.
#
# <!-- notebook -->
# **해 볼 것**
#
# <!-- notebook -->
# - 샤프닝의 가운데 값을 5에서 9로 올리면 어떻게 될까요? (커널의 합이 1보다 커지면 그림 전체가 밝아집니다)
# - 소벨 x의 부호를 모두 뒤집어도, 표시를 `abs`(절댓값)로 두면 달라지는 것이 있을까요?
# - 5x5 가우시안 블러와 5x5 상자 블러는 흐리는 모양이 어떻게 다른가요?

# %%
KernelEditor()

# %% [markdown] tags=["slide"]
# ## 5. 풀링: 조금 움직여도 같은 특징
#
# **최대 풀링**(max pooling)은 $k \times k$ 칸(흔히 2x2)마다 가장 큰 값 하나만 남겨 가로·세로를 $1/k$로 줄입니다. **평균 풀링**(average pooling)은 평균을 남깁니다.
# 창 안에서 조금 움직인 것은 풀링 결과에 드러나지 않으므로, 풀링을 거친 특징은 **작은 이동에 둔감**해집니다.
#
# 시험용(test set) 숫자 200개(클래스마다 20개)를 오른쪽으로 1~3픽셀 옮긴 뒤, 원래 그림과 옮긴 그림이 얼마나 비슷한지를 **코사인 유사도**(cosine similarity)로 잽니다.
# 그림을 한 줄 벡터로 펼쳐 두 벡터 사이 각의 코사인을 구하며, 1이면 방향이 같습니다. 그런데 그림을 작게 줄이기만 해도 유사도가 오를지 모르므로,
# 비교 대상으로 **서브샘플링**(subsampling), 즉 4칸마다 한 픽셀만 뽑는 방법(`x[::4, ::4]`)도 함께 잽니다. 세 방법 모두 28x28을 7x7로 줄입니다.

# %% tags=["slide"]
sample = digits_sample(200, "test")[0][:, 0].numpy().astype(np.float64)


def cosine(a, b):
    """Mean cosine similarity of paired images (flattened)."""
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    return float(np.mean((a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))))


def shrink_all(images, how):
    """28x28 -> 7x7 for every image: keep every 4th pixel, or 4x4 average or max pooling."""
    if how == "subsample":
        return images[:, ::4, ::4]
    return np.stack([filters.pool2d(image, 4, mode=how) for image in images])


print("이동  픽셀 (28x28)  서브샘플링 (7x7)  평균 풀링 (7x7)  최대 풀링 (7x7)")
for shift in (1, 2, 3):
    moved = np.roll(sample, shift, axis=2)  # 숫자 주위는 검은 여백이라 굴려도(roll) 반대편으로 넘어가는 획이 없습니다
    pixels = cosine(sample, moved)
    shrunk = [cosine(shrink_all(sample, how), shrink_all(moved, how)) for how in ("subsample", "average", "max")]
    print(f"{shift}px  {pixels:12.2f}  {shrunk[0]:16.2f}  {shrunk[1]:15.2f}  {shrunk[2]:15.2f}")

# %% [markdown]
# *표: 4칸마다 한 픽셀만 뽑는 서브샘플링은 유사도가 픽셀 그대로와 거의 같습니다(2px 이동에서 둘 다 0.55). 크기를 줄이기만 해서는 이동에 둔감해지지 않습니다.
# 4x4 창 안의 값을 모으는 풀링은 유사도를 올립니다(2px에서 평균 풀링 0.81, 최대 풀링 0.84). 1px 이동에서는 두 풀링이 비슷하고(0.95, 0.94), 2~3px에서는 최대 풀링이 더 높습니다.*
#
# 최대 풀링은 창 안 어디에 획이 있든 가장 큰 값만 보므로, 획이 같은 창 안에서 움직이는 동안에는 값이 그대로입니다.
# 평균 풀링은 획이 조금만 움직여도 그만큼 값이 옆 창으로 옮겨 가고, 서브샘플링은 뽑는 자리에 획이 걸리느냐 마느냐에 따라 값이 통째로 바뀝니다.

# %% tags=["slide"]
one = sample[0]
one_moved = np.roll(one, 2, axis=1)
show([one, one_moved, filters.pool2d(one, 4), filters.pool2d(one_moved, 4)],
     ["숫자", "오른쪽으로 2px", "4x4 최대 풀링", "옮긴 뒤 4x4 최대 풀링"], cmap="gray", size=2.4)

# %% [markdown]
# *그림: 오른쪽으로 2px 옮긴 숫자는 눈으로 보면 거의 같지만, 픽셀로 재면 유사도가 0.55까지 떨어집니다(200장 평균). 4x4 최대 풀링으로 만든 7x7 요약은
# 몇 칸만 바뀌고, 평균 유사도는 0.84로 남습니다. CNN은 합성곱 → ReLU(음수를 0으로 바꾸는 함수) → 풀링을 반복하므로, 깊은 층일수록 위치가 조금 달라도 같은 특징을 냅니다.*

# %% [markdown] tags=["slide"]
# ## 6. 작은 CNN으로 숫자 읽기
#
# 이제 커널을 사람이 정하지 않고 **데이터에서 학습**합니다. 합성곱 층(convolutional layer)을 쌓은 신경망이 CNN입니다.
# `DigitClassifier`는 [합성곱 → ReLU($\max(0, x)$) → 2x2 최대 풀링]을 세 번 거친 뒤, 64차원 특징을 만드는 완전 연결 층(fully connected layer)과
# 분류 층을 둔 작은 CNN입니다 (28 → 14 → 7 → 3 픽셀). 데이터는 MNIST 숫자 5,000장을 고정된 방법으로 나눈 학습용(training set) 4,000장과 시험용 1,000장입니다.
# ReLU와 풀링은 가중치가 없는 연산이라 층으로 등록하지 않고 `forward` 안에서 함수로 부르므로, 모델을 출력한 목록에는 나오지 않습니다.
# 드롭아웃(dropout)은 학습 중에 특징의 30%를 무작위로 꺼서, 모델이 한 특징에만 기대지 않게 하는 장치입니다.

# %%
train_images, train_labels = digits("train")
test_images, test_labels = digits("test")  # 두 묶음 모두 클래스 순서(0, 0, ..., 9)로 정렬되어 있습니다
plain = DigitClassifier(num_classes=10)  # 숫자 10개만 아는 평범한 분류기
print(plain)
print("파라미터 수:", sum(p.numel() for p in plain.parameters()))

# %% [markdown]
# 학습은 모든 주차가 함께 쓰는 학습 루프(training loop) `coursekit.train.fit`이 맡습니다. 모델 쪽에서는 배치(batch) 하나로 손실(loss)을 계산해
# `state.optimize(loss)`를 부르는 **스텝 함수**(step function, 여기서는 `train_step`)만 넘기면 됩니다.
# CPU/GPU로 옮기기, 시드(seed), 진행 막대(progress bar), 시간 예산, 체크포인트(checkpoint)는 루프가 처리합니다.
# 손실은 **교차 엔트로피**(cross-entropy) $-\log p_\text{정답}$이고(정답 클래스에 준 확률이 클수록 작습니다), 최적화기(optimizer)는 Adam, 학습률(learning rate)은 0.002입니다.
# 빠른 모드(`COURSEKIT_MODE=quick`, 기본값)에서는 CPU로 수십 초 안에 끝나는 짧은 학습입니다.

# %% tags=["slide"]
steps = 300 if env.mode() == "quick" else 3000
optimizer = torch.optim.Adam(plain.parameters(), lr=2e-3)
history = fit(plain, train_step, infinite_batches(train_images, train_labels, batch_size=64, seed=0),
              optimizers=optimizer, steps=steps, seed=0, device="cpu")

with torch.no_grad():
    plain_accuracy = (plain(test_images).argmax(1) == test_labels).float().mean().item()
assert plain_accuracy > 0.95, f"짧은 학습의 정확도가 예상보다 낮습니다: {plain_accuracy:.1%}"
print(f"{history.steps_run}스텝 학습 후 시험 정확도: 95% 이상 (정확한 값은 CPU 종류에 따라 조금씩 다릅니다)")

# %% tags=["slide"]
# NBVAL_IGNORE_OUTPUT
# (이 그림은 자동 비교에서 뺍니다: 짧은 학습의 스텝별 손실은 CPU 명령어 집합(AVX2, AVX-512)에 따라 조금씩 달라집니다.)
ax = history.plot(smooth=20)
korean = {"loss": "손실", "accuracy": "배치 정확도"}
for line in ax.get_lines():  # history.plot labels its lines "loss", "loss (avg 20)", ...
    name, _, smoothed = line.get_label().partition(" (avg")
    line.set_label(korean[name] + (" (20스텝 이동 평균)" if smoothed else ""))
ax.legend()
ax.set(title="짧은 학습의 손실과 정확도", xlabel="스텝", ylabel="손실 / 배치 정확도")
plt.show()

# %% [markdown]
# *그림: 손실(교차 엔트로피)은 처음 몇십 스텝 동안 빠르게 떨어지고, 배치 정확도는 90%대로 올라갑니다. 흐린 선은 스텝마다의 값, 진한 선은 20스텝 이동 평균입니다.*

# %% [markdown] tags=["slide"]
# ### 평범한 분류기는 숫자가 아닌 그림에도 숫자라고 답한다
#
# 짧게 학습한 모델의 세부 숫자는 CPU 종류에 따라 조금씩 달라지므로, 여기서는 같은 코드로 4,000스텝 학습해 저장해 둔
# 평범한 분류기(`coursekit train plain-classifier`)로 잽니다.
# 분류기의 마지막 층이 클래스마다 내는 점수 $z_i$를 **로짓**(logit)이라 합니다. **소프트맥스**(softmax)는 로짓을 확률 $p_i = e^{z_i} / \sum_j e^{z_j}$ 꼴로 바꾸므로,
# 10개 클래스의 확률을 더하면 늘 1입니다. 그래서 분류기는 어떤 입력에든 어느 숫자엔가 확률을 나눠 줘야 하고, "숫자가 아니다"라고 답할 수 없습니다.
# 숫자가 아닌 그림을 1,000장씩 보여 주면 어떻게 될까요? 생성 모델이 만든 그림을 이런 분류기로 채점하면, 이 약점 때문에 **속일 수 있는 잣대**가 됩니다.

# %% tags=["slide"]
def column(text, width):
    """Left-align text to a display width: a Hangul syllable takes two columns."""
    return text + " " * (width - len(text) - sum("가" <= ch <= "힣" for ch in text))


plain_ref = classifier.load("digit_classifier_plain")
with torch.no_grad():
    print(f"저장된 평범한 분류기의 시험 정확도: {(plain_ref(test_images).argmax(1) == test_labels).float().mean().item():.1%}")
not_digit_sets = {
    "균일 잡음": torch.rand(1000, 1, 28, 28, generator=torch.Generator().manual_seed(1)),
    "둥근 얼룩": not_digits.make_not_digits(1000, train_images, train_labels, seed=1, families=["blobs"]),
    "심한 블러": not_digits.make_not_digits(1000, train_images, train_labels, seed=1, families=["blur"]),
    "조각 섞기": not_digits.make_not_digits(1000, train_images, train_labels, seed=1, families=["patches"]),
    "두 숫자 겹침": not_digits.make_not_digits(1000, train_images, train_labels, seed=1, families=["blend"]),
}
print(f"{column('숫자가 아닌 그림 (1,000장씩)', 28)}  0.9 이상 확신한 답  가장 많이 고른 숫자 (비율)")
with torch.no_grad():
    for name, images in not_digit_sets.items():
        probs = torch.softmax(plain_ref(images), dim=1)
        confident = (probs.max(1).values >= 0.9).float().mean().item()
        favorite = int(probs.argmax(1).mode().values)
        share = (probs.argmax(1) == favorite).float().mean().item()
        print(f"{column(name, 28)}  {confident:>18.0%}  {favorite} ({share:.0%})")
show([images[0] for images in not_digit_sets.values()], list(not_digit_sets), size=1.6)

# %% [markdown]
# *그림: 묶음마다 첫 그림입니다. 어느 것도 숫자가 아니지만, 평범한 분류기는 균일 잡음을 모두 "8"이라고 답하고 그중 81%를 0.9 이상의 확신으로 답합니다.
# 얼룩·블러·조각·겹친 숫자도 25~63%를 0.9 이상의 확신으로 숫자라고 답합니다.*
#
# 그래서 이 강의의 **기준 분류기**(reference classifier, `metrics.reference_classifier()`)는 11번째 클래스인 "**숫자 아님**"을 함께 배웁니다.
# "숫자 아님"으로 가르치는 그림은 두 종류입니다(`coursekit.not_digits`).
#
# - 숫자와 전혀 다른 것: 잡음, 심한 블러, 둥근 얼룩, 조각을 섞은 숫자, 사진 조각, 단색 그림.
# - 숫자를 **닮았지만 숫자가 아닌 것**: 두 숫자를 겹치거나 덧그린 그림, 획이 끊긴 숫자, 반쪽만 남은 숫자, 진짜 손글씨의 99.5%보다 굵거나 가는 획.
#   생성 모델이 실제로 틀리는 방식이 이쪽이라서 더 중요합니다.
#
# 이런 그림만 "숫자 아님"으로 가르치면 분류기가 지름길(shortcut)을 찾습니다. 겹친 그림이 흐릿하니 "흐리면 숫자 아님"을 배우거나,
# 회전시킨 진짜 숫자는 보간(interpolation) 때문에 경계가 부드러우니 "경계가 날카로우면 숫자 아님"을 배웁니다
# (실제로 이 지름길 때문에 진짜 시험 숫자의 17%를 거절한 적이 있습니다).
# 그래서 진짜 숫자 일부도 흐리게·부드럽게 만들어 숫자로 가르치고, "숫자 아님" 그림도 진짜 숫자와 똑같이 회전·이동시킵니다.
# **한글 음절**은 일부러 학습에서 뺐습니다. 한 번도 보지 못한 종류도 "숫자 아님"이라고 하는지 보는 시험입니다(7절).
# 같은 코드(`coursekit train classifier`)로 다시 만들 수 있고, 가중치는 `data/checkpoints/digit_classifier.safetensors`에,
# 학습 명령과 도달한 지표는 옆의 `.json` 매니페스트(manifest)에 있습니다.

# %% tags=["slide"]
reference = metrics.reference_classifier()
manifest = coursekit.checkpoints.read_manifest(metrics.CHECKPOINT)
print("학습 명령:", manifest["command"])
reference_accuracy = metrics.conditional_accuracy(test_images, test_labels)  # 정답 라벨을 주면 곧 정확도 (7절)
print(f"시험용 1,000장 정확도: {reference_accuracy:.1%}")

with torch.no_grad():
    predicted = reference(test_images).argmax(1)
confusion = np.zeros((10, 11), int)
np.add.at(confusion, (test_labels.numpy(), predicted.numpy()), 1)
fig, ax = plt.subplots(figsize=(6.4, 5))
ax.imshow(np.log1p(confusion), cmap="Blues")
for (i, j), count in np.ndenumerate(confusion):
    if count:
        ax.text(j, i, count, ha="center", va="center", fontsize=8, color="white" if count > 50 else "black")
ax.set_xticks(range(11), CLASS_NAMES, rotation=45)
ax.set_yticks(range(10))
ax.set_xlabel("예측한 클래스")
ax.set_ylabel("정답")
ax.set_title("기준 분류기의 혼동 행렬 (시험용 1,000장)")
plt.show()

# %% [markdown]
# *그림: 혼동 행렬(confusion matrix)의 대각선이 맞힌 개수(클래스마다 100장 중)이고, 대각선 밖의 작은 숫자가 틀린 경우입니다. 어느 숫자를 어느 숫자로 헷갈렸는지 찾아보세요.
# 마지막 열("숫자 아님")로 간 진짜 숫자도 몇 장 있습니다. 잣대가 엄격해서 생기는 일로, 획이 지나치게 굵거나 모양이 다른 숫자를 닮아 사람이 봐도 애매한 글씨가 대부분입니다.*

# %% [markdown] tags=["slide"]
# ### 학습된 첫 층의 필터와 특징 맵
#
# 기준 분류기(7절의 잣대, 6절에서 출력한 모델보다 넓은 32·64·128채널)의 첫 합성곱 층에 있는 5x5 커널 32개 중 앞의 16개입니다. 4절에서 손으로 만든 커널과 비슷한 역할을 하는 필터가 학습만으로 생깁니다.

# %% tags=["slide"]
first_filters = reference.conv1.weight.detach()[:16, 0].numpy()
limit = float(np.abs(first_filters).max())
show(list(first_filters), [f"필터 {i}" for i in range(16)], cmap="RdBu_r", vrange=(-limit, limit), ncols=8, size=1.3)

# %% [markdown]
# *그림: 빨강은 양수, 파랑은 음수 가중치입니다. 한쪽이 빨갛고 반대쪽이 파란 필터는 소벨처럼 그 방향의 경계에 반응하고,
# 가운데만 진한 필터는 획 자체(밝은 선)에 반응합니다.*

# %% tags=["slide"]
digit = test_images[test_labels == 4][:1]
with torch.no_grad():
    maps = reference.feature_maps(digit)[0][0]  # 첫 층: (32, 28, 28)
show([digit[0, 0]] + list(maps[:7]), ["입력"] + [f"필터 {i}의 맵" for i in range(7)],
     cmap=["gray"] + ["viridis"] * 7, vrange=[None] + [(0.0, max(float(m.max()), 1e-6)) for m in maps[:7]], ncols=8, size=1.8)

# %% [markdown]
# *그림: 숫자 4 한 장에서도 필터마다 밝아지는 곳이 다릅니다(맵마다 자기 최댓값을 노랑으로 칠했습니다).
# 어떤 맵은 대각선 획, 어떤 맵은 가로 획이나 획의 한쪽 가장자리에서 밝아집니다.*
#
# 아래 위젯으로 다른 숫자와 더 깊은 층(2층 64채널, 3층 128채널)을 보세요. 깊은 층일수록 맵은 작아지고(14x14, 7x7),
# 맵의 한 픽셀이 보는 입력 영역, 즉 수용 영역(receptive field)이 넓어집니다.

# %%
examples = [int(torch.nonzero(test_labels == d)[0]) for d in (1, 4, 7, 9)]  # 정렬된 시험 묶음에서 숫자마다 한 장
FeatureMapViewer(reference, test_images[examples], test_labels[examples])

# %% [markdown] tags=["slide"]
# ## 7. 생성된 숫자를 채점할 잣대: `coursekit.metrics`
#
# 3주차(생성적 적대 신경망, GAN), 5주차(변분 오토인코더, VAE), 6주차(확산 모델)에서는 모델이 만든 숫자를 같은 잣대로 비교합니다.
#
# - `classifier_score(images)`: 기준 분류기가 **확신(≥0.9)을 갖고 숫자로** 읽은 비율(**확신 점수**), 그리고 클래스 분포의
#   **커버리지**(coverage: 전체의 5% 이상을 차지하는 숫자 클래스의 수, 최대 10). 한 숫자만 그리는 모델은 커버리지가 1입니다.
# - `conditional_accuracy(images, labels)`: "3을 그려라"처럼 요청한 숫자가 나온 비율(조건부 정확도).
# - `feature_distance(a, b)`: 두 그림 묶음의 64차원 특징 분포 사이의 **프레셰 거리**(Fréchet distance). 숫자용 FID(Fréchet Inception Distance)입니다.
#
# $$d^2 = \lVert \mu_a - \mu_b \rVert^2 + \operatorname{tr}\!\left(\Sigma_a + \Sigma_b - 2\,(\Sigma_a \Sigma_b)^{1/2}\right)$$
#
# $\mu$는 특징의 평균 벡터, $\Sigma$는 공분산 행렬(covariance matrix), $\operatorname{tr}$는 대각합(trace), $(\cdot)^{1/2}$은 행렬 제곱근입니다.
# FID처럼 이 값 $d^2$을 그대로 "거리"로 보고합니다. 나중에 나올 점수를 해석할 수 있도록, 진짜 숫자와 뻔한 가짜로 잣대의 눈금을 먼저 재 둡니다.

# %% tags=["slide"]
real_train, _ = digits_sample(1000, "train")  # 클래스마다 100장 (digits()는 클래스 순서로 정렬되어 있음)
fakes = {
    "진짜 (시험용)": test_images,
    "균일 잡음": torch.rand(1000, 1, 28, 28, generator=torch.Generator().manual_seed(2)),
    "블러 σ=2": not_digits.gaussian_blur(real_train, 2.0).clamp(0, 1),
    "블러 σ=1": not_digits.gaussian_blur(real_train, 1.0).clamp(0, 1),
    "숫자 7만 반복": test_images[test_labels == 7][:1].repeat(1000, 1, 1, 1),
    "두 숫자 겹침": 0.5 * (test_images + test_images.flip(0).flip(-1)),  # 숫자 하나와 좌우로 뒤집은 다른 숫자
    "끊긴 획": not_digits.make_not_digits(1000, train_images, train_labels, seed=2, families=["broken"]),
    "한글 (학습에 없음)": not_digits.make_not_digits(1000, train_images, train_labels, seed=2, families=["hangul"]),
}
print(f"{column('그림 묶음 (1,000장씩)', 21)}  확신(≥0.9)한 숫자  숫자 아님  커버리지  학습용 1,000장과의 프레셰 거리")
for name, images in fakes.items():
    score = metrics.classifier_score(images)
    distance = metrics.feature_distance(real_train, images)
    coverage = f"{score.coverage}/10"
    print(f"{column(name, 21)}  {score.confident:>17.1%}  {score.not_digit:>9.1%}  {coverage:>8}  {distance:>30,.1f}")
show([images[0] for images in list(fakes.values())[1:]], list(fakes)[1:], size=1.4)

# %% [markdown]
# *그림: 가짜 묶음마다 첫 그림입니다. 약한 블러(σ=1)는 사람 눈에도 아직 숫자이고, 두 숫자 겹침과 끊긴 획은 숫자를 닮았습니다.*

# %% [markdown] tags=["slide"]
# **읽는 법**
#
# - **진짜 숫자** 사이의 거리(학습용과 시험용, 6.1)가 이 잣대의 **바닥**입니다. 같은 분포에서 뽑은 1,000장끼리도 표본이 달라 0이 되지는 않습니다.
#   생성 모델이 이 값에 가까울수록 진짜와 구별하기 어렵습니다. 진짜 시험 숫자도 100%가 "확신한 숫자"는 아닙니다(96.3%). 그렇다고 이 값이 생성 모델의 천장은 아닙니다: 표의 "숫자 7만 반복"처럼 다양성을 버린 생성 모델은 100%도 받으므로, 확신 점수는 커버리지, 거리와 함께 읽어야 합니다.
# - **잡음**과 **심한 블러**는 "숫자 아님"으로 읽히고 거리도 아주 큽니다. 평범한 분류기와 달리 이 잣대는 잡음에 속지 않습니다.
# - **약한 블러**(σ=1)는 아직 숫자로 읽히지만 거리(482.1)는 바닥보다 훨씬 큽니다. 확신 점수로는 보이지 않는 흐림을 거리는 잡아냅니다.
# - **한 숫자만 반복**하면 확신 점수는 만점이어도 커버리지가 1이고 거리가 큽니다. 3주차 GAN의 **모드 붕괴**(mode collapse)가 이렇게 드러납니다.
# - **두 숫자 겹침**과 **끊긴 획**은 숫자를 닮은 가짜입니다. 잣대는 이 가운데 1% 남짓만 확신한 숫자로 읽습니다(1.1%, 0.8%).
#   학습 때 한 번도 보지 못한 **한글**도 마찬가지입니다(0.5%).
#
# 그래도 잣대 하나로 모든 속임수를 막을 수는 없습니다. **점수 하나만 믿지 말고 확신 점수, 커버리지, 거리를 함께 보고, 그림을 직접 보세요.**

# %% [markdown] tags=["slide"]
# ## 8. 연습 문제
#
# <!-- notebook -->
# 각 문제의 `raise NotImplementedError` 줄을 지우고 그 자리에 코드를 채운 뒤, 바로 아래의 확인 셀을 실행하세요.
#
# **연습 1.** `my_conv2d(image, kernel)` 함수를 완성하세요. 2차원 배열 `image`와 `kernel`을 받아, 패딩 없이 스트라이드 1로
# 상호상관을 계산한 실수 배열을 돌려줍니다. 커널은 정사각형이 아닐 수도 있습니다(`kh, kw = kernel.shape`).
# `filters`, `cv2`, `torch`는 쓰지 말고 반복문과 NumPy로 계산하세요. 출력 모양은 $(H - k_h + 1) \times (W - k_w + 1)$입니다.

# %%
def my_conv2d(image, kernel):
    ### BEGIN SOLUTION
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (image[i : i + kh, j : j + kw] * kernel).sum()
    return out
    ### END SOLUTION


# %%
from coursekit.checks.week02 import check_conv2d_valid, check_conv_layer, check_shift_kernel

check_conv2d_valid(my_conv2d)

# %% [markdown]
# **연습 2.** 그림을 **오른쪽으로 한 픽셀** 옮기는 3x3 커널을 돌려주는 함수 `shift_right()`를 완성하세요. 즉 `same` 패딩으로 계산한 `conv2d` 출력의 $(y, x)$ 칸이
# 입력의 $(y, x-1)$ 칸과 같아야 합니다. 힌트: 2절의 L 모양 예제. 커널 가운데가 $(1, 1)$일 때 칸 $(u, v)$는 입력 $(y + u - 1,\ x + v - 1)$을 읽습니다.

# %%
def shift_right():
    ### BEGIN SOLUTION
    return np.array([
        [0, 0, 0],
        [1, 0, 0],
        [0, 0, 0],
    ])
    ### END SOLUTION


# %%
check_shift_kernel(shift_right)

# %% [markdown]
# **연습 3.** `conv_layer(c_in, size, c_out, k, padding, stride)` 함수를 완성하세요. 크기가 `size x size`이고 채널이 `c_in`개인 입력에
# `nn.Conv2d(c_in, c_out, k, padding=padding, stride=stride)`를 적용했을 때의 출력 모양 `(채널, 높이, 너비)`와 이 층의 학습 파라미터(parameter) 수를
# 튜플로 돌려줍니다. 층을 실제로 만들지 말고 공식으로 계산하세요. 힌트: 출력 채널마다 가중치가 $c_\text{in} \times k \times k$개인 커널 하나와 편향(bias) 하나가 있습니다.

# %%
def conv_layer(c_in, size, c_out, k, padding, stride):
    ### BEGIN SOLUTION
    side = (size + 2 * padding - k) // stride + 1
    return (c_out, side, side), c_out * (c_in * k * k + 1)
    ### END SOLUTION


# %%
check_conv_layer(conv_layer)

# %% [markdown]
# **연습 4 (열린 문제).** 4주차 딥페이크의 인코더를 미리 설계해 봅니다. 강의의 faceswap-GAN 인코더는 64x64x3 얼굴을
# **3x3 커널, 스트라이드 2** 합성곱만 쌓아 4x4x1024 특징 맵으로 줄입니다. 두 번째 층부터는 층마다 채널이 두 배로 늘어납니다.
# 층마다 `(c_in, c_out, padding, 출력 크기)`를 적은 리스트를 돌려주는 `encoder_plan()`을 완성하세요.
# 층이 몇 개 필요한지, 첫 층의 채널을 몇 개로 해야 마지막이 1024가 되는지, `padding`을 얼마로 해야 크기가 정확히 반씩 줄어드는지는 직접 정하세요.
# 확인 셀은 이 목록대로 `nn.Conv2d` 층을 실제로 쌓아 64x64 입력을 통과시키고, 적은 출력 크기가 층마다 맞는지와 마지막이 4x4x1024인지 확인한 뒤
# 인코더의 파라미터 수를 알려 줍니다. 3절의 출력 크기 공식 $\lfloor (n + 2p - k)/s \rfloor + 1$을 쓰세요.

# %%
def encoder_plan():
    ### BEGIN SOLUTION
    return [
        (3, 128, 1, 32),
        (128, 256, 1, 16),
        (256, 512, 1, 8),
        (512, 1024, 1, 4),
    ]
    ### END SOLUTION


# %%
from coursekit.checks.week02 import check_encoder_plan

check_encoder_plan(encoder_plan)

# %% [markdown] tags=["slide"]
# ## 정리
#
# - 합성곱 층은 작은 커널을 미끄러뜨리며 곱의 합을 구합니다. 딥러닝의 "합성곱"은 커널을 뒤집지 않는 상호상관입니다.
# - 출력 크기는 $\lfloor (n + 2p - k)/s \rfloor + 1$입니다. 패딩은 크기를 지키고, 스트라이드는 줄입니다.
# - 블러·샤프닝·소벨·라플라시안은 사람이 정한 커널이고, CNN은 같은 모양의 커널을 데이터에서 배웁니다. 캐니 경계 검출 결과는 ControlNet의 조건 이미지가 됩니다.
# - 풀링은 작은 이동에 둔감한 특징을 만듭니다. 크기를 줄이기만 하는 서브샘플링에는 이 효과가 없습니다.
# - 평범한 분류기는 잡음에도 속습니다. 이 강의의 잣대는 "숫자 아님" 클래스와 특징 거리(프레셰 거리)를 함께 써서 생성된 숫자를 채점합니다.
#
# **다음 주(3주차)**: 위조지폐범(생성자, generator)과 경찰(판별자, discriminator)이 겨루는 **GAN**으로 숫자를 직접 만들고, 오늘 만든 잣대로 채점합니다.

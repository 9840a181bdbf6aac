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
# # 1주차: 이미지와 색 공간
#
# 생성형 이미지 AI의 모델은 모두 결국 **숫자 배열**을 받아 숫자 배열을 내놓습니다.
# 이번 주에는 그 배열이 무엇인지, 그리고 같은 색을 서로 다른 좌표로 나타내는 **색 공간**(color space)이 왜 여러 가지인지 직접 계산하며 알아봅니다.
#
# **학습 목표**
#
# - 이미지를 `(높이, 너비, 채널)` 모양의 `uint8` 배열로 다루고, 자르기(crop)와 채널 보기를 할 수 있다.
# - OpenCV가 채널을 BGR 순서로 읽어서 생기는 "파란 얼굴" 버그를 알아보고 피할 수 있다.
# - 흑백(grayscale), HSV, YCrCb, Lab 변환을 공식으로 설명하고, 공식을 그대로 옮긴 `coursekit.color`의 결과를 `cv2.cvtColor`와 비교할 수 있다(흑백 변환은 연습 문제에서 직접 구현한다).
# - 히스토그램(histogram)을 읽고, HSV 색 범위로 물체를 골라내는 마스크(mask)를 만들 수 있다.
#
# **필요한 것**: Python과 NumPy 기초(배열 인덱싱(indexing), 브로드캐스팅(broadcasting)). 이번 주에 익힌 이미지 다루기는 이후 모든 주차에서 계속 씁니다.

# %% [markdown] tags=["slide"]
# ## 들어가며: 이미지를 다루는 세 분야
#
# 이미지를 다루는 분야는 무엇을 넣어 무엇을 얻는지로 나눠 볼 수 있습니다.
#
# | 분야 | 입력 → 출력 | 예 |
# |---|---|---|
# | 컴퓨터 비전(computer vision) | 이미지 → 설명 | 사진 속 숫자 알아보기, 얼굴 찾기 |
# | 컴퓨터 그래픽스(computer graphics) | 설명 → 이미지 | 3차원 모델, 조명, 카메라로 장면 그리기(렌더링(rendering)) |
# | 이미지 처리(image processing) | 이미지 → 이미지 | 흑백 변환, 색 보정, 흐리게 하기, 압축 |
#
# 생성형 이미지 AI는 글이나 무작위 숫자에서 이미지를 만든다는 점에서 그래픽스와 같은 방향(설명 → 이미지)이지만, 그리는 규칙을 사람이 짜 넣지 않고 데이터에서 배웁니다.
# 이번 주의 색 공간 변환과 2주차의 필터는 이미지 처리에, 2주차에 숫자를 알아보는 CNN은 컴퓨터 비전에 속합니다.

# %% [markdown] tags=["slide"]
# ## 인식 모델과 생성 모델
#
# 딥러닝 모델도 같은 방향으로 나눌 수 있습니다. 이 강의는 오른쪽 열의 생성 모델을 다룹니다.
#
# | | 인식 모델(판별 모델, discriminative model) | 생성 모델(generative model) |
# |---|---|---|
# | 목적 | 이미지가 무엇인지 알아맞힌다 | 그럴듯한 새 이미지를 만든다 |
# | 입력 → 출력 | 이미지 → 레이블(label)이나 점수 | 잡음(noise)과 조건(글, 레이블) → 이미지 |
# | 배우는 것 | 답의 확률 $p(y \mid x)$ | 이미지의 분포 $p(x)$, $p(x \mid y)$ |
# | 예 | 숫자 분류 CNN(2주차), 얼굴 검출기(4주차) | GAN(3주차), VAE(5주차), 확산 모델(diffusion model, 6주차) |
#
# 3주차의 GAN에서는 두 모델이 함께 나옵니다. 생성자(generator)가 만든 그림을 인식 모델인 판별자(discriminator)가 진짜인지 가려내며, 둘이 겨루면서 함께 학습합니다.

# %%
import coursekit

coursekit.require(">=0.1,<0.2")
coursekit.setup_lesson(seed=0)

import cv2
import matplotlib.pyplot as plt
import numpy as np

from coursekit import color
from coursekit.datasets import photo, photo_path
from coursekit.images import ImageError, read_bgr, show, to_rgb

# %% [markdown] tags=["slide"]
# ## 1. 이미지는 배열이다
#
# 컬러 사진 한 장은 세로 $H$개, 가로 $W$개의 픽셀(pixel)마다 빨강·초록·파랑(R, G, B) 세 값을 담은 배열 $I \in \{0, \dots, 255\}^{H \times W \times 3}$입니다.
# 값 하나는 1바이트 부호 없는 정수(unsigned integer, `uint8`)이고, 0이 가장 어둡고 255가 가장 밝습니다.
# `coursekit`의 모든 함수는 이 **RGB `uint8` (H, W, 3)** 배열을 기본 형식으로 씁니다.

# %% tags=["slide"]
img = photo("coffee")
print("모양(shape):", img.shape)
print("자료형(dtype):", img.dtype)
print("값의 범위:", img.min(), "~", img.max())
print("(y=100, x=200) 픽셀의 (R, G, B):", img[100, 200].tolist())

# %% [markdown]
# 배열이므로 자르기는 슬라이싱(slicing)이고, 채널 하나를 꺼내는 것은 마지막 축의 인덱싱입니다.
# 채널 하나만 꺼내면 `(H, W)` 흑백 이미지가 되는데, 밝은 곳일수록 그 색 성분이 강하다는 뜻입니다.

# %% tags=["slide"]
crop = img[60:260, 150:400]  # 세로 60~259, 가로 150~399
red, green, blue = img[..., 0], img[..., 1], img[..., 2]
only_red = np.zeros_like(img)
only_red[..., 0] = red
show([img, crop, red, green, blue, only_red],
     ["원본 (H=400, W=600)", "자르기 img[60:260, 150:400]", "R 채널", "G 채널", "B 채널", "R만 남긴 컬러"],
     size=2.6)

# %% [markdown]
# *그림: 빨간 컵과 받침 접시는 R 채널에서 밝고 G, B 채널에서 어둡습니다. 컵 안쪽의 흰 면은 세 채널 모두에서 밝습니다.*

# %% [markdown] tags=["slide"]
# ## 2. OpenCV는 BGR 순서로 읽는다
#
# `cv2.imread`는 채널을 **B, G, R** 순서로 돌려줍니다. 이 배열을 RGB 순서를 기대하는 matplotlib에 그대로 넘기면
# 빨강과 파랑이 뒤바뀐 그림이 나옵니다. 얼굴 사진이라면 얼굴이 파랗게 나오는, 가장 흔한 버그입니다.

# %% tags=["slide"]
path = photo_path("coffee")  # 디스크 위의 PNG 파일
bgr = cv2.imread(str(path))  # OpenCV: B, G, R 순서
print("cv2.imread의 (y=100, x=200) 픽셀:", bgr[100, 200], "← (B, G, R)")
show([bgr, bgr[..., ::-1]], ["BGR을 RGB로 착각한 그림", "채널을 뒤집은 올바른 그림"], size=3.5)

# %% [markdown]
# *그림: 왼쪽 그림에서는 빨간 컵과 접시가 파랗게 보입니다. `bgr[..., ::-1]`로 채널 순서만 뒤집으면 바로잡힙니다.*
#
# `coursekit`은 이 실수를 미리 막습니다. `read_bgr`로 읽은 배열에는 "BGR"이라는 표시가 붙어 있어서,
# `show`는 그 배열을 그리지 않고 무엇을 해야 하는지 영어 오류 메시지로 알려 줍니다.
#
# 이 강의의 배열은 모두 RGB이므로 OpenCV 변환 코드도 `cv2.COLOR_RGB2GRAY`처럼 `RGB2...`를 씁니다.
# 인터넷의 OpenCV 예제는 대개 `cv2.imread`로 읽은 BGR 배열을 다루므로 `BGR2...`를 씁니다. 배열의 채널 순서와 변환 코드의 순서를 늘 맞추세요.

# %%
tagged = read_bgr(path)
print(type(tagged).__name__)
try:
    show(tagged)
except ImageError as err:
    print("ImageError:", err)
print("to_rgb 후 (y=100, x=200):", to_rgb(tagged)[100, 200])
print("photo('coffee')와 완전히 같은가?", np.array_equal(to_rgb(tagged), img))

# %% [markdown] tags=["slide"]
# ## 3. 흑백 변환: 밝기 한 채널
#
# 사람의 눈은 초록에 가장 민감하고 파랑에 가장 둔감합니다. 그래서 흑백 변환은 세 채널의 단순 평균 대신
# ITU-R BT.601 표준의 가중합을 씁니다. 감마 보정(gamma correction)을 거친 R, G, B 값의 가중합이어서 **루마**(luma)라고 부르며,
# 빛의 물리적 세기인 휘도(luminance)와 구별합니다.
#
# $$Y = 0.299\,R + 0.587\,G + 0.114\,B$$
#
# `coursekit.color`의 함수들은 이런 공식을 NumPy로 그대로 옮긴 것입니다. 사진 한 장에서 OpenCV의 결과와 비교하고, 순수한 색 여섯 칸에서 단순 평균과 가중합을 재 봅시다.

# %% tags=["slide"]
gray = color.rgb_to_gray(img)
gray_cv = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
print("모양:", gray.shape, "| OpenCV와의 최대 차이:", np.abs(gray.astype(int) - gray_cv.astype(int)).max())

# 순수한 색 여섯 칸: 빨강, 초록, 파랑, 노랑, 청록, 자홍
patches = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [0, 255, 255], [255, 0, 255]]], np.uint8)
patches = np.repeat(np.repeat(patches, 60, axis=0), 60, axis=1)
average = patches.mean(axis=2).round().astype(np.uint8)
print("단순 평균:", average[0, ::60].tolist(), "| 가중합:", color.rgb_to_gray(patches)[0, ::60].tolist())
show([patches, average, color.rgb_to_gray(patches)], ["순수한 색", "단순 평균 (R+G+B)/3", "가중합 Y (BT.601)"], size=3.5)

# %% [markdown]
# *그림: 단순 평균에서는 빨강·초록·파랑이 모두 같은 회색(85)이 되지만, 사람 눈에는 초록이 훨씬 밝고 파랑이 어둡게 보입니다.
# 가중합은 그 차이를 반영해 초록 150, 빨강 76, 파랑 29가 됩니다.*

# %% [markdown] tags=["slide"]
# ## 4. HSV: 색상·채도·명도
#
# RGB는 빨강·초록·파랑이 각각 얼마나 섞였는지로 색을 나타내지만, 사람은 "무슨 색이고, 얼마나 선명하고, 얼마나 밝은가"로 색을 말합니다.
# HSV는 바로 이 세 가지, 색상(hue)·채도(saturation)·명도(value)를 축으로 씁니다. $M = \max(R,G,B)$, $m = \min(R,G,B)$, $C = M - m$이라 하면
#
# $$V = M, \qquad S = \begin{cases} C / M & M > 0 \\ 0 & M = 0 \end{cases}$$
#
# $$H = \begin{cases}
# 60° \cdot (G - B)/C & M = R \\
# 120° + 60° \cdot (B - R)/C & M = G \\
# 240° + 60° \cdot (R - G)/C & M = B
# \end{cases} \quad (\text{음수면 } +360°)$$
#
# 무채색(achromatic color; $C = 0$인 흰색, 회색, 검은색)은 색상이 정해지지 않으므로 $H = 0$으로 둡니다.
# 색상 $H$는 색상환(color wheel) 위의 각도이고, OpenCV는 0~359°를 한 바이트에 넣으려고 **2로 나눠 0~179**로 저장합니다.
# $S$는 0~1 사이의 비율이지만 OpenCV는 $S \cdot 255$로 저장하고, $V$는 0~255 그대로 저장합니다.

# %%
hsv = color.rgb_to_hsv(img)
hsv_cv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
print("OpenCV와의 채널별 최대 차이 (H, S, V):", np.abs(hsv.astype(int) - hsv_cv.astype(int)).max(axis=(0, 1)))
print("빨간 접시 픽셀 (y=250, x=150)의 HSV:", hsv[250, 150], f"→ 색상 {2 * int(hsv[250, 150, 0])}°")

# %% [markdown]
# 색이 다양한 꽃 사진으로 세 채널을 봅시다. 색상(H)은 각도이므로 흑백 대신 색상환의 색으로 칠했습니다.

# %% tags=["slide"]
flower = photo("flower")
flower_hsv = color.rgb_to_hsv(flower)
show([flower, flower_hsv[..., 0], flower_hsv[..., 1], flower_hsv[..., 2]],
     ["원본", "H (색상, 0~179)", "S (채도)", "V (명도)"],
     cmap=[None, "hsv", "gray", "gray"], vrange=[None, (0, 180), None, None], size=3)

# %% [markdown]
# *그림: 꽃잎은 주황(H≈15), 배경 잎은 청록(H≈90)으로 나뉩니다. 채도(S)는 오히려 어두운 배경 잎에서 가장 높고(≈250) 연한 꽃잎에서는 중간(≈150)입니다.
# 명도(V)는 밝은 꽃잎에서 높고 어두운 배경에서 낮습니다.*

# %% [markdown] tags=["slide"]
# ## 5. YCrCb: 밝기와 색 차이를 나눈다
#
# YCrCb는 색을 밝기 $Y$와 두 색차(chrominance) 성분 $C_r$, $C_b$로 나눕니다(OpenCV의 8비트 규약).
#
# $$Y = 0.299R + 0.587G + 0.114B, \quad C_r = 0.713\,(R - Y) + 128, \quad C_b = 0.564\,(B - Y) + 128$$
#
# 역변환은 $C_r$, $C_b$ 식을 $R$, $B$에 대해 풀고, $Y$의 정의식을 $G$에 대해 풀어서 얻습니다.
# JPEG 같은 압축 방식이 이 공간을 쓰는 이유를 바로 확인해 봅시다. 사람 눈은 밝기의 세부에는 민감하지만 색의 세부에는 둔감합니다.

# %% tags=["slide"]
ycrcb = color.rgb_to_ycrcb(img)
print("OpenCV와의 최대 차이 (Y, Cr, Cb):", np.abs(ycrcb.astype(int) - cv2.cvtColor(img, cv2.COLOR_RGB2YCrCb).astype(int)).max(axis=(0, 1)))


def blur_channels(ycc, channels, factor=8):
    """Shrink the given channels by `factor` and blow them back up (information thrown away)."""
    out = ycc.copy()
    h, w = ycc.shape[:2]
    for c in channels:
        small = cv2.resize(ycc[..., c], (w // factor, h // factor), interpolation=cv2.INTER_AREA)
        out[..., c] = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)  # cv2.resize는 (너비, 높이) 순서
    return out


color_only = color.ycrcb_to_rgb(blur_channels(ycrcb, [1, 2]))
luma_only = color.ycrcb_to_rgb(blur_channels(ycrcb, [0]))
print(f"색만 줄였을 때 평균 오차: {np.abs(color_only.astype(int) - img).mean():.1f}, "
      f"밝기만 줄였을 때: {np.abs(luma_only.astype(int) - img).mean():.1f} (0~255 기준)")
show([img, color_only, luma_only],
     ["원본", "색(Cr, Cb)만 가로·세로 1/8", "밝기(Y)만 가로·세로 1/8"], size=3.3)

# %% [markdown]
# *그림: 색 정보를 가로·세로 1/8(픽셀 수 1/64)로 줄여도(가운데) 거의 차이가 보이지 않지만, 밝기를 줄이면(오른쪽) 바로 흐려집니다(평균 오차 3.2 대 10.0).
# 그래서 JPEG는 Cr, Cb를 줄여서 저장합니다. 이를 크로마 서브샘플링(chroma subsampling)이라 하며, 흔히 가로·세로를 절반씩 줄이는 4:2:0 방식을 씁니다.*

# %% [markdown] tags=["slide"]
# ## 6. Lab: 사람이 느끼는 색 차이에 가깝게
#
# CIE L\*a\*b\*는 **밝기 L**, **초록↔빨강 a**, **파랑↔노랑 b**의 세 축으로 이루어지며, 두 색 사이의 거리가 사람이 느끼는 색 차이에 가깝도록 만든 공간입니다.
#
# 1. 0~255 값을 255로 나눠 0~1로 만든 $c$의 감마 보정을 풀어, 빛의 세기에 비례하는 선형(linear) 값으로 바꿉니다: $c_{lin} = \left(\frac{c + 0.055}{1.055}\right)^{2.4}$ (어두운 쪽인 $c \le 0.04045$에서는 $c/12.92$)
# 2. 선형 RGB에 3x3 행렬을 곱해 XYZ로 바꾸고, 흰색 기준점(white point) D65의 값 $X_n, Y_n, Z_n$으로 나눕니다.
# 3. $f(t) = t^{1/3}$(아주 작은 $t$에서는 직선)을 써서 다음과 같이 계산합니다.
#
# $$L = 116 f(Y/Y_n) - 16, \qquad a = 500\,\big(f(X/X_n) - f(Y/Y_n)\big), \qquad b = 200\,\big(f(Y/Y_n) - f(Z/Z_n)\big)$$
#
# OpenCV는 8비트에 넣으려고 $L \cdot 255/100$, $a + 128$, $b + 128$로 저장합니다.

# %%
lab = color.rgb_to_lab(img)
lab_cv8 = cv2.cvtColor(img, cv2.COLOR_RGB2Lab)
lab_cvf = cv2.cvtColor(img.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)  # 부동소수점 경로: L 0~100, a/b 그대로
lab_cvf8 = np.rint(lab_cvf * [255 / 100, 1, 1] + [0, 128, 128]).astype(int)
print("OpenCV float 경로와의 최대 차이 (L, a, b):", np.abs(lab.astype(int) - lab_cvf8).max(axis=(0, 1)))
print("OpenCV 8비트 경로와의 최대 차이 (L, a, b):", np.abs(lab.astype(int) - lab_cv8.astype(int)).max(axis=(0, 1)))
print("OpenCV 8비트 경로 vs OpenCV float 경로:", np.abs(lab_cv8.astype(int) - lab_cvf8).max(axis=(0, 1)))

# %% [markdown]
# OpenCV의 8비트 Lab 변환은 속도를 위해 감마 곡선과 세제곱근을 정수 표(lookup table)로 근사합니다.
# 그래서 OpenCV 자신의 부동소수점(floating point) 결과와도 최대 3까지 다릅니다. 우리 구현은 공식대로 계산하므로
# 부동소수점 경로와 1 이내로 맞습니다.

# %% tags=["slide"]
show([img, lab[..., 0], lab[..., 1], lab[..., 2]], ["원본", "L (밝기)", "a (초록→빨강)", "b (파랑→노랑)"],
     cmap=[None, "gray", "RdYlGn_r", "cividis"], vrange=[None, None, (68, 188), (68, 188)], size=3)

# %% [markdown]
# *그림: a와 b는 128(무채색) 근처에서만 조금씩 움직이므로 128±60 범위를 컬러맵(colormap)으로 칠했습니다. a에서는 빨간 컵과 접시가 가장 빨갛고,
# b에서는 노란 기운이 도는 크레마와 탁자가 노랗게, 컵 안쪽의 흰 면은 가운데(무채색) 색으로 보입니다.*
#
# **왜 나중에 중요할까?** 4주차 딥페이크(deepfake)에서는 붙여 넣은 얼굴의 피부색을 주변에 맞춰야 합니다.
# Lab에서는 밝기와 색이 나뉘어 있어서, 채널마다 평균과 표준편차만 맞춰도 색감이 자연스럽게 옮겨집니다.
# 이 방법을 색 전송(color transfer)이라고 합니다(Reinhard 외, 2001. 원 논문은 Lab과 비슷한 lαβ 공간을 썼고, DeepFaceLab은 Lab에서 계산합니다).
# 맛보기로 커피 사진에 밤하늘 로켓 사진의 색감을 입혀 봅시다.

# %%
def match_lab_statistics(source_rgb, target_rgb):
    """Give source the per-channel Lab mean and std of target (Reinhard-style color transfer)."""
    src = color.rgb_to_lab(source_rgb).astype(np.float64)
    tgt = color.rgb_to_lab(target_rgb).astype(np.float64)
    moved = (src - src.mean((0, 1))) / src.std((0, 1)) * tgt.std((0, 1)) + tgt.mean((0, 1))
    return color.lab_to_rgb(np.clip(np.rint(moved), 0, 255).astype(np.uint8))


rocket = photo("rocket")
show([img, rocket, match_lab_statistics(img, rocket)], ["커피 (원본)", "로켓 (색감의 출처)", "Lab 통계를 옮긴 커피"], size=3.3)

# %% [markdown]
# *그림: 모양은 커피 그대로인데, 색감은 로켓 사진의 어둡고 푸른 밤빛으로 바뀌었습니다.*

# %% [markdown] tags=["slide"]
# ### 모든 변환을 OpenCV와 비교
#
# 무작위 잡음 이미지에서 정방향과 역방향 변환을 모두 OpenCV와 비교합니다. 값은 `uint8`에서의 최대 절대 차이입니다.

# %% tags=["slide"]
rng = np.random.default_rng(0)
noise = rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)
noise_hsv = noise.copy()
noise_hsv[..., 0] %= 180  # HSV 입력의 H는 0~179
checks = [
    ("RGB→Gray", color.rgb_to_gray, noise, cv2.COLOR_RGB2GRAY),
    ("RGB→HSV", color.rgb_to_hsv, noise, cv2.COLOR_RGB2HSV),
    ("HSV→RGB", color.hsv_to_rgb, noise_hsv, cv2.COLOR_HSV2RGB),
    ("RGB→YCrCb", color.rgb_to_ycrcb, noise, cv2.COLOR_RGB2YCrCb),
    ("YCrCb→RGB", color.ycrcb_to_rgb, noise, cv2.COLOR_YCrCb2RGB),
    ("RGB→Lab", color.rgb_to_lab, noise, cv2.COLOR_RGB2Lab),
    ("Lab→RGB", color.lab_to_rgb, noise, cv2.COLOR_Lab2RGB),
]
print(f"{'변환':<10}  OpenCV와의 최대 차이")
for name, ours, source, code in checks:
    diff = np.abs(ours(source).astype(int) - cv2.cvtColor(source, code).astype(int)).max()
    print(f"{name:<10}  {diff}")

# %% [markdown]
# *표: 무작위 잡음 이미지에서 잰, 우리 구현과 `cv2.cvtColor`의 최대 차이. Lab은 OpenCV의 8비트 근사 때문에 2까지 나고, 나머지는 반올림 차이인 1입니다.*

# %% [markdown] tags=["slide"]
# ## 7. 히스토그램: 값이 어떻게 분포하는가
#
# 히스토그램은 값(0~255)마다 그 값을 가진 픽셀이 몇 개인지 센 것입니다. 채널마다 그려 보면 사진의 밝기와 색이 어떻게 분포하는지 한눈에 보입니다.

# %% tags=["slide"]
fig, axes = plt.subplots(1, 3, figsize=(12, 3))
# cv2.calcHist(이미지 목록, 채널, 마스크, 칸 수, 값 범위) → (256, 1) 모양의 개수
axes[0].imshow(img)
axes[0].set_title("원본")
axes[0].axis("off")
for c, name in enumerate("RGB"):
    counts = cv2.calcHist([img], [c], None, [256], [0, 256]).ravel()
    axes[1].plot(counts, color=name.lower(), label=name)
axes[1].set_title("RGB 채널별 히스토그램")
axes[1].set_xlabel("값")
axes[1].set_ylabel("픽셀 수")
axes[1].legend()
hue_counts = cv2.calcHist([hsv], [0], None, [180], [0, 180]).ravel()
axes[2].bar(np.arange(180), hue_counts, color=plt.cm.hsv(np.arange(180) / 180), width=1.0)
axes[2].set_title("색상(H) 히스토그램")
axes[2].set_xlabel("H (0~179)")
fig.tight_layout()
plt.show()

# %% [markdown]
# *그림: R 채널은 밝은 쪽에 많이 몰려 있고(빨간 컵과 탁자), 색상 히스토그램은 빨강~주황(0~15) 근처에서 높이 솟아 있습니다.*

# %% [markdown] tags=["slide"]
# ## 8. HSV로 색 골라내기
#
# 물체를 색으로 골라내는 일(색 임계값 처리, color thresholding)은 RGB보다 HSV에서 훨씬 쉽습니다. 색상(H)의 범위 하나로 "주황색"을 나타낼 수 있고,
# 채도(S)와 명도(V)의 하한으로 회색이나 그림자를 뺄 수 있기 때문입니다.
#
# $$\text{mask}(y, x) = \big[H_{lo} \le H \le H_{hi}\big] \wedge \big[S \ge S_{lo}\big] \wedge \big[V \ge V_{lo}\big]$$

# %% tags=["slide"]
mask = color.hsv_mask(flower_hsv, hue=(5, 25), saturation=(80, 255), value=(60, 255))
mask_cv = cv2.inRange(flower_hsv, (5, 80, 60), (25, 255, 255))
print("cv2.inRange와 같은 마스크:", np.array_equal(mask, mask_cv), f"| 선택된 픽셀 {(mask > 0).mean():.1%}")
show([flower, mask, color.apply_mask(flower, mask)], ["원본", "마스크 (H 5~25, S≥80, V≥60)", "마스크를 씌운 이미지"], size=3.3)

# %% [markdown]
# *그림: 주황색 꽃잎이 흰색(255)으로 골라졌고(전체 픽셀의 22.2%), 청록 배경은 0입니다. 꽃 가운데의 붉은 부분(대부분 H≈0~4, 일부는 색상환을 돌아 179)은 범위 5~25 밖이라 빠졌습니다.*

# %% [markdown] tags=["slide"]
# ## 9. 직접 돌려 보기: 위젯
#
# **색 공간 탐색기**는 고른 사진, 색 공간, 채널을 흑백으로 그리고, **HSV 범위 슬라이더**는 H, S, V 범위를 바꿀 때마다 마스크와 결과를 다시 그립니다.
# 우주비행사 사진의 주황색(H 4~20, S 150 이상)을 골라 보면, 색만으로 물체를 고르는 방법의 한계가 드러납니다.
#
# <!-- notebook -->
# **(a) 색 공간 탐색기**: 같은 사진이 색 공간마다 얼마나 다르게 나뉘는지 보세요. 위젯은 JupyterLab에서 셀을 실행해야 움직입니다.
# "대비 늘리기"는 채널의 최솟값~최댓값을 0~255로 펼쳐서, 128 근처에서만 조금씩 움직이는 a, b, Cr, Cb를 잘 보이게 합니다.

# %%
from coursekit.widgets.week01 import ColorSpaceExplorer, HsvThreshold

explorer = ColorSpaceExplorer()
explorer

# %% [markdown]
# 위젯이 그리는 그림은 `render()`가 돌려주는 배열입니다. 아래 셀은 위젯의 손잡이를 코드로 돌려 Lab의 a 채널을 고릅니다(위의 위젯도 함께 바뀝니다).

# %%
explorer.space.value = "Lab"
explorer.channel.value = "a"
show(explorer.render(), "색 공간 탐색기: Lab의 a 채널 (대비 늘림)", size=9)

# %% [markdown]
# **(b) HSV 범위 슬라이더**: H, S, V 범위를 움직이면 마스크와 결과가 바로 다시 그려집니다.
# 빨강처럼 색상환의 179→0 경계에 걸친 색은 "H 범위 밖을 선택"을 켜고 범위 바깥을 고르세요.
# 예를 들어 H를 (6, 169)로 두고 켜면 170~179와 0~5가 선택됩니다.

# %%
threshold = HsvThreshold()
threshold

# %% tags=["slide"]
threshold.photo.value = "astronaut"
threshold.hue.value = (4, 20)
threshold.saturation.value = (150, 255)
show(threshold.render(), threshold.status.value, size=9)

# %% [markdown]
# *그림: 우주복의 주황색 부분이 골라졌지만, 색이 비슷한 머리카락 일부와 뒤쪽 로켓의 주황색 연료 탱크도 함께 골라졌습니다.
# 채도 하한을 80으로 낮추면 얼굴 피부까지 섞여 들어옵니다. 색만으로 물체를 고르는 방법의 한계입니다.*

# %% [markdown] tags=["slide"]
# ## 10. 연습 문제
#
# <!-- notebook -->
# 각 문제의 함수 안에 있는 `raise NotImplementedError` 줄을 지우고, 그 자리(`# 여기에 코드를 작성하세요` 아래)에 코드를 쓰세요. 그다음 함수 아래의 확인 셀을 실행하면 통과 여부가 나옵니다.
#
# **연습 1.** `my_gray(rgb)`를 완성하세요. RGB `uint8` 이미지를 받아, BT.601 가중합 $Y$를 반올림한 `(H, W)` `uint8` 이미지를 돌려주는 함수입니다.
# `cv2`나 `coursekit.color`를 쓰지 말고 NumPy로만 계산하세요.
# 힌트: 먼저 `rgb.astype(np.float64)`로 바꾸세요. `uint8`끼리 더하거나 곱하면 255를 넘는 값이 넘칩니다(overflow). 반올림은 `np.rint`로 합니다.

# %%
def my_gray(rgb):
    ### BEGIN SOLUTION
    weights = np.array([0.299, 0.587, 0.114])
    return np.rint(rgb.astype(np.float64) @ weights).astype(np.uint8)
    ### END SOLUTION


# %%
from coursekit.checks.week01 import check_gray, check_histogram, check_red_mask, check_suit_mask

check_gray(my_gray)

# %% [markdown]
# **연습 2.** `red_mask(hsv)`를 완성하세요. OpenCV 8비트 HSV 이미지를 받아, **빨간색** 픽셀(색상 $H \ge 170$ 또는 $H \le 5$, $S \ge 120$, $V \ge 60$)은 255이고
# 나머지는 0인 `(H, W)` 마스크를 돌려주는 함수입니다. 힌트: 색상은 원형이라 빨강은 범위 하나로 나타낼 수 없습니다.
# NumPy 배열의 조건은 `and`/`or` 대신 `&`/`|`로 잇고, 비교마다 괄호를 치세요: `(h >= 170) | (h <= 5)`.

# %%
def red_mask(hsv):
    ### BEGIN SOLUTION
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red = ((h >= 170) | (h <= 5)) & (s >= 120) & (v >= 60)
    return red.astype(np.uint8) * 255
    ### END SOLUTION


# %%
check_red_mask(red_mask)

# %%
motorcycle = photo("motorcycle")
show([motorcycle, red_mask(color.rgb_to_hsv(motorcycle))], ["오토바이", "내 빨간색 마스크"], size=3.5)

# %% [markdown]
# *그림: 빨간 연료 탱크와 흙받이, 그리고 선반 위의 빨간 상자가 골라지고, 주황빛 나무 배경은 빠집니다(색상이 5보다 크기 때문입니다).*

# %% [markdown]
# **연습 3.** `histogram(channel)`을 완성하세요. `uint8` 채널 하나를 받아, 값 0, 1, ..., 255마다 그 값을 가진 픽셀 수를 담은 길이 256의 배열을 돌려주는 함수입니다.
# `np.histogram`이나 `cv2.calcHist`는 쓰지 마세요. 어두운 사진처럼 255가 한 번도 나오지 않아도 길이는 256이어야 합니다.
# 힌트: `np.bincount`의 `minlength`, 또는 값마다 `(channel == v).sum()`.

# %%
def histogram(channel):
    ### BEGIN SOLUTION
    return np.bincount(channel.ravel(), minlength=256)
    ### END SOLUTION


# %%
check_histogram(histogram)

# %% [markdown]
# **연습 4(생각해 보는 문제).** 9절의 그림에서 H 4~20, S ≥ 150 범위는 우주복뿐 아니라 머리카락 일부와 로켓의 연료 탱크까지 골랐습니다.
# `suit_mask(hsv)`를 완성해, 우주비행사 사진에서 **우주복은 고르고 머리카락과 연료 탱크는 빼는** HSV 범위를 찾으세요.
# `color.hsv_mask(hsv, hue=(..., ...), saturation=(..., ...), value=(..., ...))`를 돌려주면 되고, 정답은 하나가 아닙니다.
# 확인 셀은 우주복 세 곳에서 픽셀을 90% 이상 고르는지, 머리카락과 연료 탱크에서는 2% 이하로 고르는지 봅니다.
# 마스크는 각 픽셀의 H, S, V 값만으로 정해야 합니다(좌표로 잘라 내면 통과하지 못합니다).
#
# 힌트: 먼저 두 영역의 값을 직접 찍어 보세요. 머리카락은 `astronaut_hsv[35:60, 170:260]`, 우주복 가슴 부분은 `astronaut_hsv[290:340, 160:215]`에 있고,
# `np.median(영역.reshape(-1, 3), axis=0)`으로 영역의 H, S, V 중앙값을 볼 수 있습니다. 9절의 HSV 범위 슬라이더로 범위를 찾아봐도 좋습니다.

# %%
astronaut = photo("astronaut")
astronaut_hsv = color.rgb_to_hsv(astronaut)


def suit_mask(hsv):
    ### BEGIN SOLUTION
    # The suit's hue is about 5-9, the hair's and the fuel tank's about 15-22: a hue range that stops
    # below 15 keeps them apart; the S and V floors leave out the pale skin and the darkest folds.
    return color.hsv_mask(hsv, hue=(0, 12), saturation=(120, 255), value=(100, 255))
    ### END SOLUTION


# %%
check_suit_mask(suit_mask)

# %%
mine = suit_mask(astronaut_hsv)
show([astronaut, mine, color.apply_mask(astronaut, mine)], ["우주비행사", "내 우주복 마스크", "마스크를 씌운 이미지"], size=3.3)

# %% [markdown]
# *그림: 우주복의 주황색은 거의 다 골라졌고, 머리카락과 로켓의 연료 탱크는 빠졌습니다. 색상이 비슷한 성조기의 빨간 줄무늬 일부와 입술의 몇 픽셀은 여전히 섞여 들어옵니다.*

# %% [markdown] tags=["slide"]
# ## 정리
#
# - 이미지는 `(H, W, 3)` `uint8` 배열이고, 자르기와 채널 보기는 인덱싱입니다.
# - OpenCV는 BGR 순서로 읽습니다. 화면에 그리기 전에 `to_rgb`로 채널 순서를 뒤집으세요.
# - 흑백은 가중합(루마)입니다. HSV는 색을 색상·채도·명도로 나눈 공간, YCrCb는 밝기와 색차로 나눈 공간,
#   Lab은 거리가 사람이 느끼는 색 차이에 가까운 공간입니다.
# - 색으로 물체를 고를 때는 HSV 범위가 편합니다. 빨강은 179→0 경계에 걸친다는 점을 기억하세요.
#
# **다음 주(2주차)**: 이 배열 위로 커널(kernel)이라는 작은 창을 미끄러뜨리며 계산하는 **합성곱**(convolution)으로 흐리게 하기와 윤곽선 찾기를 해 보고, 숫자를 알아보는 CNN까지 만들어 봅니다.

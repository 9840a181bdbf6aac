import itertools

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from coursekit import color, filters
from coursekit.filters import KERNELS
from coursekit.images import BGRImage, ImageError

RNG = np.random.default_rng(0)
PHOTO = RNG.integers(0, 256, (40, 48, 3), dtype=np.uint8)


def shapes_image():
    """A gray test picture with real edges: a bright disk and a rectangle on a gentle ramp, plus noise."""
    yy, xx = np.mgrid[:64, :80]
    image = 40 + xx * 0.5
    image[(yy - 30) ** 2 + (xx - 25) ** 2 < 15**2] = 220
    image[10:50, 50:70] = 120
    image += np.random.default_rng(1).normal(0, 3, image.shape)
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


SHAPES = shapes_image()
SHAPES_RGB = np.stack([SHAPES, 255 - SHAPES, SHAPES // 2], axis=-1)


def naive_correlate(image, kernel, stride=(1, 1)):
    """The formula with plain loops: out[y, x] = sum_ij kernel[i, j] * image[y*s + i, x*s + j] (no padding)."""
    kh, kw = kernel.shape
    out_h = (image.shape[0] - kh) // stride[0] + 1
    out_w = (image.shape[1] - kw) // stride[1] + 1
    out = np.zeros((out_h, out_w))
    for y in range(out_h):
        for x in range(out_w):
            top, left = y * stride[0], x * stride[1]
            out[y, x] = (image[top : top + kh, left : left + kw] * kernel).sum()
    return out


def torch_conv2d(image, kernel, padding, stride):
    """PyTorch's conv2d, one group per channel so every channel gets the same 2-D kernel."""
    x = torch.from_numpy(np.asarray(image, np.float64))
    x = x[None, None] if x.ndim == 2 else x.permute(2, 0, 1)[None]
    channels = x.shape[1]
    weight = torch.from_numpy(np.asarray(kernel, np.float64))[None, None].repeat(channels, 1, 1, 1)
    out = F.conv2d(x, weight, padding=padding, stride=stride, groups=channels)[0]
    return out[0].numpy() if np.ndim(image) == 2 else out.permute(1, 2, 0).numpy()


# --- output_size -----------------------------------------------------------------


def test_output_size_known_values():
    assert filters.output_size(5, 3) == 3
    assert filters.output_size(5, 3, padding=1) == 5  # "same"
    assert filters.output_size(7, 3, stride=2) == 3
    assert filters.output_size(6, 2, 0, 2) == 3
    assert filters.output_size(5, 5) == 1
    assert filters.output_size(1, 3, padding=1) == 1
    assert filters.output_size(224, 7, 3, 2) == 112  # ResNet's first layer


def test_output_size_bad_input():
    with pytest.raises(ValueError, match="larger than"):
        filters.output_size(4, 5)
    with pytest.raises(ValueError, match="stride must be a positive"):
        filters.output_size(5, 3, stride=0)
    with pytest.raises(ValueError, match="padding must be a non-negative"):
        filters.output_size(5, 3, padding=-1)
    with pytest.raises(ValueError, match="n must be a positive"):
        filters.output_size(0, 1)
    with pytest.raises(TypeError, match="k must be an int"):
        filters.output_size(5, 2.0)
    with pytest.raises(TypeError, match="int"):
        filters.output_size(5, True)


# --- conv2d ----------------------------------------------------------------------


def test_conv2d_hand_example():
    image = np.array(
        [
            [1, 2, 3, 4, 0],
            [2, 1, 0, 1, 2],
            [3, 0, 1, 1, 0],
            [1, 2, 1, 0, 1],
            [0, 1, 2, 1, 0],
        ],
        dtype=float,
    )
    kernel = np.array([[1, 0, 1], [1, 0, 1], [0, 1, 0]])
    out = filters.conv2d(image, kernel)
    assert out.shape == (3, 3) and out.dtype == np.float64
    assert out[0, 0] == 6  # 1 + 3 + 2 + 0 + 0
    assert out[0, 1] == 9  # 2 + 4 + 1 + 1 + 1
    np.testing.assert_array_equal(out, naive_correlate(image, kernel.astype(float)))
    # integer arrays (as a student types them) work too
    np.testing.assert_array_equal(filters.conv2d(image.astype(int), kernel), out)


@pytest.mark.parametrize("stride", [(1, 1), (2, 1), (2, 3)])
def test_conv2d_matches_the_formula(stride):
    image = RNG.random((9, 11))
    kernel = RNG.uniform(-1, 1, (3, 4))
    expected = naive_correlate(image, kernel, stride)
    np.testing.assert_allclose(filters.conv2d(image, kernel, stride=stride), expected, atol=1e-12)
    # the same sum, written as one einsum over every kernel-sized window
    windows = sliding_window_view(image, kernel.shape)[:: stride[0], :: stride[1]]
    np.testing.assert_allclose(np.einsum("yxij,ij->yx", windows, kernel), expected, atol=1e-12)


@pytest.mark.parametrize(
    "pad_mode, border",
    [("constant", cv2.BORDER_CONSTANT), ("reflect", cv2.BORDER_REFLECT_101), ("replicate", cv2.BORDER_REPLICATE)],
)
@pytest.mark.parametrize("channels", [None, 3], ids=["gray", "rgb"])
@pytest.mark.parametrize("kernel_shape", [(3, 3), (5, 5), (7, 7), (3, 5)], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_matches_opencv_filter2d(dtype, kernel_shape, channels, pad_mode, border):
    shape = (23, 31) if channels is None else (23, 31, channels)
    image = RNG.random(shape).astype(dtype)
    kernel = RNG.uniform(-1, 1, kernel_shape)
    # filter2D is cross-correlation too, anchored at the kernel's centre (so "same" output)
    expected = cv2.filter2D(image, -1, kernel.astype(dtype), borderType=border)
    got = filters.conv2d(image, kernel, padding="same", pad_mode=pad_mode)
    assert got.dtype == np.float64 and got.shape == image.shape
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_conv2d_reflect_with_padding_wider_than_image_matches_opencv():
    image = RNG.random((3, 4))
    kernel = RNG.random((3, 3))
    padded = cv2.copyMakeBorder(image, 5, 5, 6, 6, cv2.BORDER_REFLECT_101)
    got = filters.conv2d(image, kernel, padding=(5, 6), pad_mode="reflect")
    np.testing.assert_allclose(got, naive_correlate(padded, kernel), atol=1e-12)


@pytest.mark.parametrize("channels", [None, 3], ids=["gray", "rgb"])
@pytest.mark.parametrize("kernel_shape", [(1, 1), (2, 2), (3, 3), (2, 3), (4, 1), (3, 5), (5, 5)], ids=str)
def test_conv2d_matches_torch(kernel_shape, channels):
    shape = (11, 13) if channels is None else (11, 13, channels)
    image = RNG.standard_normal(shape)
    kernel = RNG.standard_normal(kernel_shape)
    for padding, stride in itertools.product([0, 1, 2, (1, 0), (0, 2)], [1, 2, 3, (1, 2), (2, 1)]):
        expected = torch_conv2d(image, kernel, padding, stride)
        got = filters.conv2d(image, kernel, padding=padding, stride=stride)
        assert got.shape == expected.shape, (padding, stride)
        np.testing.assert_allclose(got, expected, atol=1e-5, err_msg=f"padding={padding} stride={stride}")


@settings(max_examples=150, deadline=None)
@given(
    h=st.integers(1, 12),
    w=st.integers(1, 12),
    kh=st.integers(1, 6),
    kw=st.integers(1, 6),
    ph=st.integers(0, 3),
    pw=st.integers(0, 3),
    sh=st.integers(1, 4),
    sw=st.integers(1, 4),
    channels=st.sampled_from([None, 1, 3]),
)
def test_property_output_shape_follows_formula(h, w, kh, kw, ph, pw, sh, sw, channels):
    image = np.random.default_rng(h * 13 + w).random((h, w) if channels is None else (h, w, channels))
    kernel = np.arange(kh * kw, dtype=float).reshape(kh, kw) - kh * kw / 2
    if kh > h + 2 * ph or kw > w + 2 * pw:
        with pytest.raises(ValueError, match="larger than"):
            filters.conv2d(image, kernel, padding=(ph, pw), stride=(sh, sw))
        return
    out = filters.conv2d(image, kernel, padding=(ph, pw), stride=(sh, sw))
    expected_hw = ((h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1)
    assert out.shape == expected_hw + image.shape[2:]
    assert expected_hw == (filters.output_size(h, kh, ph, sh), filters.output_size(w, kw, pw, sw))
    np.testing.assert_allclose(out, torch_conv2d(image, kernel, (ph, pw), (sh, sw)), atol=1e-9)


def test_conv2d_same_padding():
    image = RNG.random((10, 7))
    assert filters.conv2d(image, np.ones((3, 5)), padding="same").shape == (10, 7)
    # with a stride, "same" pads the same way and keeps ceil(n / stride) pixels
    assert filters.conv2d(image, np.ones((3, 3)), padding="same", stride=2).shape == (5, 4)
    np.testing.assert_allclose(
        filters.conv2d(image, np.ones((3, 5)), padding="same"), filters.conv2d(image, np.ones((3, 5)), padding=(1, 2))
    )
    np.testing.assert_array_equal(filters.conv2d(image, KERNELS["identity"], padding="same"), image)


def test_conv2d_per_channel_and_uint8_values_not_rescaled():
    image = RNG.random((12, 9, 5))
    kernel = RNG.random((3, 2))
    out = filters.conv2d(image, kernel, stride=2)
    for c in range(5):
        np.testing.assert_allclose(out[..., c], filters.conv2d(image[..., c], kernel, stride=2))
    got = filters.conv2d(PHOTO, KERNELS["identity"])
    assert got.dtype == np.float64 and got.max() > 1  # 0..255, not divided by 255
    np.testing.assert_array_equal(got, PHOTO[1:-1, 1:-1].astype(np.float64))


def test_conv2d_bad_input():
    image = RNG.random((8, 8))
    kernel = np.ones((3, 3))
    with pytest.raises(TypeError, match="numpy array"):
        filters.conv2d(image.tolist(), kernel)
    with pytest.raises(ImageError, match=r"\(H, W\) or \(H, W, C\)"):
        filters.conv2d(image[None, ..., None], kernel)
    with pytest.raises(ImageError, match=r"\(H, W\) or \(H, W, C\)"):
        filters.conv2d(np.zeros((0, 4)), kernel)
    with pytest.raises(ImageError, match="NaN"):
        filters.conv2d(np.full((4, 4), np.nan), kernel)
    with pytest.raises(ImageError, match="dtype bool"):
        filters.conv2d(image > 0.5, kernel)
    with pytest.raises(ValueError, match="kernel must be a non-empty 2-D"):
        filters.conv2d(image, np.ones((3, 3, 3)))
    with pytest.raises(ValueError, match="kernel must be a non-empty 2-D"):
        filters.conv2d(image, np.ones((0, 3)))
    with pytest.raises(ValueError, match="kernel contains NaN"):
        filters.conv2d(image, [[1, np.inf]])
    with pytest.raises(ValueError, match="rectangular"):
        filters.conv2d(image, [[1, 2], [3]])
    with pytest.raises(TypeError, match="kernel must hold numbers"):
        filters.conv2d(image, np.array([["a"]]))
    with pytest.raises(ValueError, match=r"kernel height 9 is larger than the padded image \(8 \+ 2 x 0 = 8\)"):
        filters.conv2d(image, np.ones((9, 3)))
    with pytest.raises(ValueError, match="kernel width 12 is larger"):
        filters.conv2d(image, np.ones((3, 12)), padding=1)
    with pytest.raises(ValueError, match="'same' padding needs an odd kernel size; got 2 x 3"):
        filters.conv2d(image, np.ones((2, 3)), padding="same")
    with pytest.raises(ValueError, match="'valid', 'same'"):
        filters.conv2d(image, kernel, padding="full")
    with pytest.raises(ValueError, match="padding must be a non-negative"):
        filters.conv2d(image, kernel, padding=-1)
    with pytest.raises(ValueError, match=r"pair \(rows, cols\)"):
        filters.conv2d(image, kernel, padding=(1, 2, 3))
    with pytest.raises(TypeError, match="padding must be an int"):
        filters.conv2d(image, kernel, padding=1.5)
    with pytest.raises(ValueError, match="stride must be a positive"):
        filters.conv2d(image, kernel, stride=0)
    with pytest.raises(ValueError, match="stride must be a positive"):
        filters.conv2d(image, kernel, stride=(1, -2))
    with pytest.raises(TypeError, match="stride must be an int"):
        filters.conv2d(image, kernel, stride="2")
    with pytest.raises(ValueError, match="pad_mode must be one of: constant, reflect, replicate"):
        filters.conv2d(image, kernel, pad_mode="wrap")


# --- convolve2d ------------------------------------------------------------------


def test_convolve2d_is_conv2d_with_flipped_kernel():
    image = RNG.random((15, 12, 3))
    kernel = RNG.random((3, 4))
    for kwargs in [{}, {"padding": 2, "stride": (2, 1)}, {"padding": (1, 2), "pad_mode": "reflect"}]:
        np.testing.assert_array_equal(
            filters.convolve2d(image, kernel, **kwargs), filters.conv2d(image, kernel[::-1, ::-1], **kwargs)
        )
    # for a kernel that is not symmetric under the flip the two really differ ...
    sobel, gauss = KERNELS["sobel_x"], KERNELS["gaussian"]
    assert not np.allclose(filters.convolve2d(image, sobel), filters.conv2d(image, sobel))
    # ... here by a sign: flipping sobel_x gives -sobel_x
    np.testing.assert_allclose(filters.convolve2d(image, sobel), -filters.conv2d(image, sobel))
    # and for a symmetric one they agree
    np.testing.assert_allclose(filters.convolve2d(image, gauss), filters.conv2d(image, gauss))


def test_convolve2d_matches_scipy():
    signal = pytest.importorskip("scipy.signal")
    image = RNG.random((14, 17))
    kernel = RNG.random((3, 4))
    np.testing.assert_allclose(filters.convolve2d(image, kernel), signal.convolve2d(image, kernel, mode="valid"))
    np.testing.assert_allclose(filters.conv2d(image, kernel), signal.correlate2d(image, kernel, mode="valid"))
    odd = RNG.random((5, 3))
    np.testing.assert_allclose(
        filters.convolve2d(image, odd, padding="same"), signal.convolve2d(image, odd, mode="same", boundary="fill")
    )


def test_convolve2d_bad_input():
    with pytest.raises(ValueError, match="kernel must be a non-empty 2-D"):
        filters.convolve2d(np.zeros((4, 4)), np.ones(3))
    with pytest.raises(ValueError, match="pad_mode"):
        filters.convolve2d(np.zeros((4, 4)), np.ones((3, 3)), pad_mode="zeros")
    with pytest.raises(TypeError, match="numpy array"):
        filters.convolve2d(None, np.ones((3, 3)))


# --- pool2d ----------------------------------------------------------------------

POOL_IMAGE = np.array(
    [
        [1, 3, 2, 1],
        [4, 2, 0, 1],
        [5, 6, 1, 2],
        [7, 8, 3, 4],
    ],
    dtype=float,
)


def test_pool2d_hand_example():
    np.testing.assert_array_equal(filters.pool2d(POOL_IMAGE), [[4, 2], [8, 4]])
    np.testing.assert_array_equal(filters.pool2d(POOL_IMAGE, mode="average"), [[2.5, 1], [6.5, 2.5]])
    np.testing.assert_array_equal(filters.pool2d(POOL_IMAGE, mode="avg"), filters.pool2d(POOL_IMAGE, mode="average"))
    # overlapping windows: size 2, stride 1
    np.testing.assert_array_equal(filters.pool2d(POOL_IMAGE, 2, 1), [[4, 3, 2], [6, 6, 2], [8, 8, 4]])
    # size 3, stride 1 and a rectangular window; leftover rows/columns are dropped (no padding)
    np.testing.assert_array_equal(filters.pool2d(POOL_IMAGE, 3, 1), [[6, 6], [8, 8]])
    np.testing.assert_array_equal(filters.pool2d(POOL_IMAGE, (1, 4)), [[3], [4], [6], [8]])
    np.testing.assert_array_equal(filters.pool2d(POOL_IMAGE, 3), [[6]])


def test_pool2d_dtypes_and_channels():
    assert filters.pool2d(PHOTO).dtype == np.uint8  # max picks existing values
    assert filters.pool2d(PHOTO, mode="avg").dtype == np.float64
    out = filters.pool2d(PHOTO, 3, 2, "avg")
    assert out.shape == (19, 23, 3)
    for c in range(3):
        np.testing.assert_array_equal(out[..., c], filters.pool2d(PHOTO[..., c], 3, 2, "avg"))


@pytest.mark.parametrize("size, stride", [(2, None), (3, 2), ((2, 3), (1, 2))])
def test_pool2d_matches_torch(size, stride):
    image = RNG.standard_normal((13, 11, 2))
    x = torch.from_numpy(image).permute(2, 0, 1)[None]
    step = size if stride is None else stride
    for mode, torch_pool in [("max", F.max_pool2d), ("average", F.avg_pool2d)]:
        expected = torch_pool(x, size, step)[0].permute(1, 2, 0).numpy()
        np.testing.assert_allclose(filters.pool2d(image, size, stride, mode), expected, atol=1e-12)


def test_max_pool_tolerates_small_shifts():
    """A bright pixel moving by 1 px inside the same 2x2 cell does not change the max-pooled image."""
    for (y, x), (y2, x2) in [((2, 2), (2, 3)), ((2, 2), (3, 2)), ((4, 5), (5, 4))]:
        a, b = np.zeros((8, 8)), np.zeros((8, 8))
        a[y, x] = b[y2, x2] = 1.0
        assert not np.array_equal(a, b)
        np.testing.assert_array_equal(filters.pool2d(a), filters.pool2d(b))
    # moving it into the next cell does change it
    a, b = np.zeros((8, 8)), np.zeros((8, 8))
    a[2, 3] = b[2, 4] = 1.0
    assert not np.array_equal(filters.pool2d(a), filters.pool2d(b))


def test_pool2d_bad_input():
    with pytest.raises(ValueError, match="pool height 5 is larger than the image"):
        filters.pool2d(POOL_IMAGE, 5)
    with pytest.raises(ValueError, match="pool width 6 is larger than the image"):
        filters.pool2d(POOL_IMAGE, (2, 6))
    with pytest.raises(ValueError, match="mode must be one of: max, average, avg"):
        filters.pool2d(POOL_IMAGE, mode="min")
    with pytest.raises(ValueError, match="size must be a positive"):
        filters.pool2d(POOL_IMAGE, 0)
    with pytest.raises(ValueError, match="stride must be a positive"):
        filters.pool2d(POOL_IMAGE, 2, 0)
    with pytest.raises(ImageError, match=r"\(H, W\) or \(H, W, C\)"):
        filters.pool2d(np.zeros(4))
    with pytest.raises(TypeError, match="numpy array"):
        filters.pool2d([[1, 2], [3, 4]])


# --- kernels ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 3, 5, 7, 9, 15])
@pytest.mark.parametrize("sigma", [0.5, 1.0, 2.3, 10.0])
def test_gaussian_kernel_matches_opencv(size, sigma):
    g = cv2.getGaussianKernel(size, sigma)
    kernel = filters.gaussian_kernel(size, sigma)
    assert kernel.shape == (size, size) and kernel.dtype == np.float64
    np.testing.assert_allclose(kernel, g @ g.T, rtol=0, atol=1e-12)
    assert abs(kernel.sum() - 1) < 1e-12
    np.testing.assert_array_equal(kernel, kernel.T)
    np.testing.assert_array_equal(kernel, kernel[::-1, ::-1])
    assert kernel.argmax() == kernel.size // 2  # the peak is the centre


def test_gaussian_kernel_bad_input():
    with pytest.raises(ValueError, match="size must be odd"):
        filters.gaussian_kernel(4, 1.0)
    with pytest.raises(ValueError, match="size must be a positive"):
        filters.gaussian_kernel(0, 1.0)
    with pytest.raises(TypeError, match="size must be an int"):
        filters.gaussian_kernel(3.0, 1.0)
    for sigma in (0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="sigma must be a positive"):
            filters.gaussian_kernel(3, sigma)
    with pytest.raises(TypeError, match="sigma must be a number"):
        filters.gaussian_kernel(3, "1")


def test_box_kernel():
    np.testing.assert_array_equal(filters.box_kernel(3), KERNELS["box"])
    kernel = filters.box_kernel(4)
    assert kernel.shape == (4, 4) and np.all(kernel == 1 / 16)
    # a box blur leaves a flat image flat
    np.testing.assert_allclose(filters.conv2d(np.full((6, 6), 7.0), filters.box_kernel(5)), 7.0)
    with pytest.raises(ValueError, match="size must be a positive"):
        filters.box_kernel(0)
    with pytest.raises(TypeError, match="size must be an int"):
        filters.box_kernel("3")


def test_kernel_table():
    assert list(KERNELS) == ["identity", "box", "gaussian", "sharpen", "sobel_x", "sobel_y", "laplacian", "emboss"]
    # blurs keep the brightness (sum 1), derivatives give 0 on a flat image (sum 0)
    sums = {"identity": 1, "box": 1, "gaussian": 1, "sharpen": 1, "emboss": 1,
            "sobel_x": 0, "sobel_y": 0, "laplacian": 0}
    for name, total in sums.items():
        k = KERNELS[name]
        assert k.shape == (3, 3) and k.dtype == np.float64, name
        assert abs(k.sum() - total) < 1e-12, name
    np.testing.assert_array_equal(KERNELS["sobel_x"], [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    np.testing.assert_array_equal(KERNELS["sobel_y"], KERNELS["sobel_x"].T)
    np.testing.assert_array_equal(KERNELS["gaussian"], np.outer([1, 2, 1], [1, 2, 1]) / 16)
    np.testing.assert_array_equal(KERNELS["sharpen"], [[0, -1, 0], [-1, 5, -1], [0, -1, 0]])
    np.testing.assert_array_equal(KERNELS["laplacian"], [[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    np.testing.assert_array_equal(KERNELS["emboss"], [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])
    # OpenCV's own 3x3 Gaussian with sigma 0 is the same binomial kernel
    g = cv2.getGaussianKernel(3, 0)
    np.testing.assert_allclose(KERNELS["gaussian"], g @ g.T, atol=1e-12)


def test_kernel_returns_a_copy():
    k = filters.kernel("sharpen")
    k[1, 1] = 100
    assert KERNELS["sharpen"][1, 1] == 5
    assert filters.kernel("sharpen")[1, 1] == 5
    with pytest.raises(ValueError, match="read-only"):
        KERNELS["sharpen"][1, 1] = 100  # the table itself cannot be changed in place
    with pytest.raises(ValueError, match="unknown kernel 'blur'; choose one of: identity, box, gaussian"):
        filters.kernel("blur")


# --- gradient_magnitude ----------------------------------------------------------


@pytest.mark.parametrize(
    "gray", [SHAPES, SHAPES / 255.0, RNG.standard_normal((17, 9))], ids=["uint8", "float", "noise"]
)
def test_gradient_magnitude_matches_opencv_sobel(gray):
    mag, gx, gy = filters.gradient_magnitude(gray)
    src = gray.astype(np.float64)
    expected_gx = cv2.Sobel(src, cv2.CV_64F, 1, 0, ksize=3, borderType=cv2.BORDER_REFLECT_101)
    expected_gy = cv2.Sobel(src, cv2.CV_64F, 0, 1, ksize=3, borderType=cv2.BORDER_REFLECT_101)
    np.testing.assert_allclose(gx, expected_gx, atol=1e-6)
    np.testing.assert_allclose(gy, expected_gy, atol=1e-6)
    np.testing.assert_allclose(mag, np.sqrt(expected_gx**2 + expected_gy**2), atol=1e-6)
    assert mag.shape == gray.shape and mag.dtype == np.float64


def test_gradient_of_a_vertical_edge():
    step = np.zeros((5, 6))
    step[:, 3:] = 1.0
    mag, gx, gy = filters.gradient_magnitude(step)
    np.testing.assert_array_equal(gy, 0)  # nothing changes going down
    np.testing.assert_array_equal(gx[:, 2:4], 4)  # dark -> bright going right: 1 + 2 + 1
    np.testing.assert_array_equal(gx[:, [0, 1, 4, 5]], 0)
    np.testing.assert_array_equal(mag, np.abs(gx))


def test_gradient_magnitude_bad_input():
    with pytest.raises(ImageError, match="rgb_to_gray"):
        filters.gradient_magnitude(PHOTO)
    with pytest.raises(TypeError, match="numpy array"):
        filters.gradient_magnitude([[0, 1], [1, 0]])
    with pytest.raises(ImageError, match="NaN"):
        filters.gradient_magnitude(np.array([[0.0, np.nan]]))


# --- canny -----------------------------------------------------------------------


@pytest.mark.parametrize("low, high", [(100, 200), (20, 60), (50, 50)])
def test_canny_matches_opencv(low, high):
    edges = filters.canny(SHAPES, low, high)
    assert edges.dtype == np.uint8 and edges.shape == SHAPES.shape
    assert set(np.unique(edges)) <= {0, 255}
    np.testing.assert_array_equal(edges, cv2.Canny(SHAPES, low, high))
    # a color image goes through our BT.601 gray conversion first
    expected_rgb = cv2.Canny(color.rgb_to_gray(SHAPES_RGB), low, high)
    np.testing.assert_array_equal(filters.canny(SHAPES_RGB, low, high), expected_rgb)


def test_canny_finds_the_shapes():
    edges = filters.canny(SHAPES)
    assert 0 < (edges == 255).mean() < 0.2
    assert edges[30, 10] == 255 or edges[30, 9] == 255 or edges[30, 11] == 255  # left rim of the disk
    assert not edges[30, 25]  # inside the disk: flat


def test_canny_bad_input():
    with pytest.raises(ValueError, match=r"low threshold \(200\) must not be larger than high \(100\)"):
        filters.canny(SHAPES, 200, 100)
    with pytest.raises(ValueError, match="low must be a non-negative"):
        filters.canny(SHAPES, -1, 100)
    with pytest.raises(ValueError, match="high must be a non-negative"):
        filters.canny(SHAPES, 0, float("nan"))
    with pytest.raises(TypeError, match="low must be a number"):
        filters.canny(SHAPES, "10", 100)
    with pytest.raises(ImageError, match="uint8"):
        filters.canny(SHAPES / 255.0)
    with pytest.raises(ImageError, match="BGR"):
        filters.canny(BGRImage(SHAPES_RGB))
    with pytest.raises(ImageError, match=r"\(H, W\) or \(H, W, 3\)"):
        filters.canny(SHAPES[None])
    with pytest.raises(TypeError, match="numpy array"):
        filters.canny(SHAPES.tolist())


# --- filter_image ----------------------------------------------------------------


@pytest.mark.parametrize("image", [PHOTO, PHOTO[..., 0]], ids=["rgb", "gray"])
def test_filter_image_identity_is_exact(image):
    for normalize in ("clip", "abs"):
        out = filters.filter_image(image, KERNELS["identity"], normalize=normalize)
        assert out.dtype == np.uint8
        np.testing.assert_array_equal(out, image)


def test_filter_image_normalize_modes():
    raw = filters.conv2d(PHOTO, KERNELS["sobel_x"], padding="same", pad_mode="reflect")
    assert raw.min() < 0 and raw.max() > 255  # the raw values do not fit in a byte
    clip = filters.filter_image(PHOTO, KERNELS["sobel_x"])
    np.testing.assert_array_equal(clip, np.clip(np.rint(raw), 0, 255))
    absolute = filters.filter_image(PHOTO, KERNELS["sobel_x"], normalize="abs")
    np.testing.assert_array_equal(absolute, np.clip(np.rint(np.abs(raw)), 0, 255))
    assert (absolute >= clip).all()
    minmax = filters.filter_image(PHOTO, KERNELS["sobel_x"], normalize="minmax")
    assert minmax.min() == 0 and minmax.max() == 255
    np.testing.assert_array_equal(minmax, np.rint((raw - raw.min()) / (raw.max() - raw.min()) * 255))
    # a flat image has no edges: minmax gives zeros instead of dividing by zero
    flat = np.full((8, 8, 3), 90, np.uint8)
    np.testing.assert_array_equal(filters.filter_image(flat, KERNELS["laplacian"], normalize="minmax"), 0)
    np.testing.assert_array_equal(filters.filter_image(flat, filters.gaussian_kernel(5, 1.0)), flat)


def test_filter_image_bad_input():
    with pytest.raises(ValueError, match="normalize must be one of: clip, abs, minmax"):
        filters.filter_image(PHOTO, KERNELS["box"], normalize="scale")
    with pytest.raises(ImageError, match="uint8"):
        filters.filter_image(PHOTO / 255.0, KERNELS["box"])
    with pytest.raises(ValueError, match="'same' padding needs an odd kernel size"):
        filters.filter_image(PHOTO, np.ones((2, 2)) / 4)
    with pytest.raises(ImageError, match=r"\(H, W\) or \(H, W, 3\)"):
        filters.filter_image(np.zeros((4, 4, 2), np.uint8), KERNELS["box"])
    with pytest.raises(TypeError, match="numpy array"):
        filters.filter_image("photo.png", KERNELS["box"])

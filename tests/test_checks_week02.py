import numpy as np
import pytest

from coursekit import filters
from coursekit.checks.week02 import check_conv2d_valid, check_conv_layer, check_shift_kernel


def conv_loops(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (image[i : i + kh, j : j + kw] * kernel).sum()
    return out


def shift_right():
    return [[0, 0, 0], [1, 0, 0], [0, 0, 0]]


def conv_layer(c_in, size, c_out, k, padding, stride):
    side = (size + 2 * padding - k) // stride + 1
    return (c_out, side, side), c_out * (c_in * k * k + 1)


@pytest.mark.parametrize(
    "check, solution",
    [(check_conv2d_valid, conv_loops), (check_shift_kernel, shift_right), (check_conv_layer, conv_layer)],
)
def test_checkers_pass_solution_and_fail_placeholder(check, solution, checker_verdict):
    checker_verdict.accepts(check, solution)


def test_conv2d_wrong_answers(capsys):
    assert not check_conv2d_valid(lambda image, kernel: filters.convolve2d(image, kernel))
    assert "뒤집어" in capsys.readouterr().out
    assert not check_conv2d_valid(lambda image, kernel: filters.conv2d(image, kernel, padding="same"))
    assert "출력 모양" in capsys.readouterr().out
    assert not check_conv2d_valid(lambda image, kernel: conv_loops(image, kernel) + 1)
    assert "값이 다릅니다" in capsys.readouterr().out
    assert not check_conv2d_valid(lambda image, kernel: None)
    assert "return" in capsys.readouterr().out
    assert not check_conv2d_valid(lambda image, kernel: "six")
    assert "숫자 배열" in capsys.readouterr().out


def test_conv2d_square_only_answer_fails_on_a_rectangular_kernel(capsys):
    def square_only(image, kernel):
        k = kernel.shape[0]
        return conv_loops(image, kernel[:k, :k] if kernel.shape[1] >= k else kernel)

    assert not check_conv2d_valid(square_only)
    assert "❌" in capsys.readouterr().out


def test_shift_kernel_wrong_answers(capsys):
    assert not check_shift_kernel(lambda: [[0, 0, 0], [0, 0, 1], [0, 0, 0]])
    assert "왼쪽으로" in capsys.readouterr().out
    assert not check_shift_kernel(lambda: [[0, 0, 0], [2, 0, 0], [0, 0, 0]])
    assert "합이 2" in capsys.readouterr().out
    assert not check_shift_kernel(lambda: [[0, 1, 0], [0, 0, 0], [0, 0, 0]])
    assert "이동하지 않습니다" in capsys.readouterr().out
    assert not check_shift_kernel(lambda: np.eye(5))
    assert "3x3" in capsys.readouterr().out


def test_conv_layer_wrong_answers(capsys):
    assert not check_conv_layer(lambda c_in, size, c_out, k, p, s: ((c_out, size, size), c_out * (c_in * k * k + 1)))
    assert "출력 모양" in capsys.readouterr().out
    assert not check_conv_layer(lambda c_in, size, c_out, k, p, s: (conv_layer(c_in, size, c_out, k, p, s)[0],
                                                                      c_out * c_in * k * k))
    assert "편향" in capsys.readouterr().out
    assert not check_conv_layer(lambda *args: 7)
    assert "튜플" in capsys.readouterr().out
    assert not check_conv_layer(lambda *args: ("a", 3))
    assert "세 정수" in capsys.readouterr().out
    ceil = lambda c_in, size, c_out, k, p, s: (  # noqa: E731
        (c_out, -(-(size + 2 * p - k) // s) + 1, -(-(size + 2 * p - k) // s) + 1), c_out * (c_in * k * k + 1))
    assert not check_conv_layer(ceil)
    assert "내림" in capsys.readouterr().out


# --- exercise 4 (open): the faceswap-GAN encoder's layers ------------------------------------

from coursekit.checks.week02 import check_encoder_plan


def encoder_plan():
    return [(3, 128, 1, 32), (128, 256, 1, 16), (256, 512, 1, 8), (512, 1024, 1, 4)]


def test_encoder_plan_accepts_the_lecture_encoder_and_counts_its_parameters(checker_verdict, capsys):
    checker_verdict.accepts(check_encoder_plan, encoder_plan)
    check_encoder_plan(encoder_plan)
    out = capsys.readouterr().out
    assert "6,198,528" in out and "64 → 32 → 16 → 8 → 4" in out


@pytest.mark.parametrize(
    "answer, expected",
    [
        (lambda: [(3, 128, 0, 31), (128, 256, 0, 15), (256, 512, 0, 7), (512, 1024, 0, 3)], ["3x3", "padding"]),
        (lambda: [(3, 128, 1, 32), (128, 256, 1, 16), (256, 512, 1, 8)], ["8x8", "층이 모자랍니다"]),
        (lambda: encoder_plan() + [(1024, 2048, 1, 2)], ["2x2", "층이 많습니다"]),
        (lambda: [(3, 128, 1, 32), (128, 256, 1, 16), (256, 512, 1, 9), (512, 1024, 1, 4)], ["층 3", "8x8", "9"]),
        (lambda: [(3, 128, 1, 32), (256, 256, 1, 16), (256, 512, 1, 8), (512, 1024, 1, 4)], ["층 2", "128"]),
        (lambda: [(1, 128, 1, 32), (128, 256, 1, 16), (256, 512, 1, 8), (512, 1024, 1, 4)], ["RGB", "3"]),
        (lambda: [(3, 128, 1, 32), (128, 384, 1, 16), (384, 512, 1, 8), (512, 1024, 1, 4)], ["두 배"]),
        (lambda: [(3, 64, 1, 32), (64, 128, 1, 16), (128, 256, 1, 8), (256, 512, 1, 4)], ["1024"]),
        (lambda: [(3, 128, 1)], ["네 값"]),
        (lambda: [], ["비어"]),
        (lambda: None, ["return"]),
        (lambda: [(3, 128, -1, 30)], ["padding"]),
        (lambda: [(3.5, 128, 1, 32)], ["정수"]),
    ],
)
def test_encoder_plan_wrong_answers(answer, expected, checker_verdict):
    checker_verdict.rejects(check_encoder_plan, answer, expected)

import cv2
import numpy as np
import pytest

from coursekit.checks import CheckResult, Failed, call
from coursekit import color
from coursekit.checks.week01 import check_gray, check_histogram, check_red_mask, check_suit_mask, reference_red_mask


def gray_solution(rgb):
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def histogram_solution(channel):
    return np.bincount(channel.ravel(), minlength=256)


def suit_solution(hsv):
    return color.hsv_mask(hsv, hue=(0, 12), saturation=(120, 255), value=(100, 255))


@pytest.mark.parametrize(
    "check, solution",
    [(check_gray, gray_solution), (check_red_mask, reference_red_mask), (check_histogram, histogram_solution),
     (check_suit_mask, suit_solution)],
)
def test_checkers_pass_solution_and_fail_placeholder(check, solution, checker_verdict):
    checker_verdict.accepts(check, solution)


def test_gray_wrong_answers(capsys):
    assert not check_gray(lambda rgb: rgb.mean(axis=2).round().astype(np.uint8))
    assert "0.299" in capsys.readouterr().out
    assert not check_gray(lambda rgb: cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float64))
    assert "uint8" in capsys.readouterr().out
    assert not check_gray(lambda rgb: rgb)
    assert "모양" in capsys.readouterr().out
    assert not check_gray(lambda rgb: None)
    assert "return" in capsys.readouterr().out


def test_red_mask_without_wrap_gets_a_hint(capsys):
    def no_wrap(hsv):
        h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
        return ((h >= 170) & (s >= 120) & (v >= 60)).astype(np.uint8) * 255

    assert not check_red_mask(no_wrap)
    assert "179 다음이 0" in capsys.readouterr().out


def test_histogram_off_by_one(capsys):
    assert not check_histogram(lambda c: np.bincount(c.ravel(), minlength=257)[1:])
    assert "정답" in capsys.readouterr().out


def test_histogram_without_minlength_or_with_byte_counts_fails(capsys):
    assert not check_histogram(lambda c: np.bincount(c.ravel()))
    assert "(256,)" in capsys.readouterr().out
    assert not check_histogram(lambda c: np.bincount(c.ravel(), minlength=256).astype(np.uint8))
    assert "정답" in capsys.readouterr().out


def test_gray_truncation_fails(capsys):
    weights = np.array([0.299, 0.587, 0.114])
    assert not check_gray(lambda rgb: (rgb.astype(np.float64) @ weights).astype(np.uint8))
    assert "np.rint" in capsys.readouterr().out
    assert check_gray(lambda rgb: np.rint(rgb.astype(np.float64) @ weights).astype(np.uint8))


def test_gray_integer_overflow_gets_a_hint(capsys):
    def integer_weights(rgb):
        return (299 * rgb[..., 0] + 587 * rgb[..., 1] + 114 * rgb[..., 2]) // 1000

    assert not check_gray(integer_weights)
    assert "astype(np.float64)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda hsv: (((hsv[..., 0] <= 5)) & (hsv[..., 1] >= 120) & (hsv[..., 2] >= 60)).astype(np.uint8) * 255, "170~179"),
        (lambda hsv: ((hsv[..., 0] > 170) | (hsv[..., 0] < 5)) & (hsv[..., 1] > 120) & (hsv[..., 2] > 60), "경계값"),
        (lambda hsv: ((hsv[..., 0] >= 170) | (hsv[..., 0] <= 5)).astype(np.uint8) * 255, "조건 밖"),
        (lambda hsv: hsv[..., 0] >= 170 | hsv[..., 0] <= 5, "& |"),
    ],
    ids=["no-high-range", "strict-bounds", "no-s-v", "precedence"],
)
def test_red_mask_hints(answer, hint, capsys):
    assert not check_red_mask(answer)
    assert hint in capsys.readouterr().out


def test_crashing_answer_is_reported_not_raised(capsys):
    assert not check_histogram(lambda c: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not check_gray("not a function")
    assert "함수를 넘겨" in capsys.readouterr().out


def test_call_wraps_errors():
    with pytest.raises(Failed, match="ValueError: x"):
        call(lambda: (_ for _ in ()).throw(ValueError("x")))


def test_check_result_shows_nothing_in_a_notebook():
    result = CheckResult("e", True, "")
    assert result._ipython_display_() is None and "passed=True" in repr(result)


def test_suit_mask_accepts_other_right_answers(capsys):
    assert check_suit_mask(lambda hsv: color.hsv_mask(hsv, hue=(170, 12), saturation=(100, 255), value=(80, 255)))
    assert check_suit_mask(lambda hsv: color.hsv_mask(hsv, hue=(3, 11), saturation=(130, 255), value=(80, 255)) > 0)
    assert "우주복 픽셀의" in capsys.readouterr().out


@pytest.mark.parametrize(
    "ranges, expected",
    [
        (dict(hue=(4, 20), saturation=(150, 255)), ["머리카락 픽셀의", "연료 탱크", "색상(H)"]),  # the lesson's widget example
        (dict(hue=(5, 25), saturation=(80, 255), value=(60, 255)), ["머리카락 픽셀의 7"]),
        (dict(hue=(6, 8), saturation=(150, 255), value=(200, 255)), ["우주복 픽셀을 6", "90% 이상"]),
    ],
    ids=["hair-and-tank", "mostly-hair", "too-narrow"],
)
def test_suit_mask_wrong_ranges(ranges, expected, checker_verdict):
    checker_verdict.rejects(check_suit_mask, lambda hsv: color.hsv_mask(hsv, **ranges), expected)


def test_suit_mask_must_be_a_color_rule(checker_verdict):
    def cut_out(hsv):
        mask = np.zeros(hsv.shape[:2], np.uint8)
        mask[200:500, 30:230] = 255
        return mask

    checker_verdict.rejects(check_suit_mask, cut_out, ["위치", "H, S, V"])


def test_suit_mask_bad_input(checker_verdict):
    checker_verdict.rejects(check_suit_mask, lambda hsv: hsv, ["모양", "(512, 512)"])
    checker_verdict.rejects(check_suit_mask, lambda hsv: None, ["return"])
    checker_verdict.rejects(check_suit_mask, lambda hsv: color.hsv_mask(hsv, saturation=(200, 100)), ["ValueError", "low <= high"])
    checker_verdict.rejects(check_suit_mask, (0, 12), ["함수를 넘겨"])

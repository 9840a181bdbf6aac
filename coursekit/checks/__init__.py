"""Exercise checkers: each runs a student's answer and prints one clear Korean pass/fail line.

A checker is a function decorated with :func:`checker`. It raises
:class:`Failed` with a hint when the answer is wrong and returns a short
success note otherwise. A checker never crashes because of the student's
code: an exception inside the answer (including the ``NotImplementedError``
of a student copy) is reported as a failure with its message.
"""

from __future__ import annotations

import functools
from typing import Callable

PASS = "✅ 통과"
FAIL = "❌ 아직 아닙니다"


class Failed(Exception):
    """The answer is wrong; the message (Korean) says how."""


class CheckResult:
    """The outcome of a checker: truthy when passed. Shows nothing in a notebook
    (the checker already printed its line), so a check cell has one clean output."""

    def __init__(self, exercise: str, passed: bool, detail: str):
        self.exercise, self.passed, self.detail = exercise, passed, detail

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"CheckResult({self.exercise!r}, passed={self.passed})"

    def _ipython_display_(self) -> None:
        pass


def report(exercise: str, passed: bool, detail: str = "") -> CheckResult:
    """Print one pass/fail line for an exercise and return the result."""
    print(f"[{exercise}] {PASS if passed else FAIL}" + (f": {detail}" if detail else ""))
    return CheckResult(exercise, passed, detail)


def checker(exercise: str):
    """Turn ``fn(answer) -> success note`` (raising :class:`Failed`) into a printing checker."""

    def wrap(fn: Callable[..., str]) -> Callable[..., CheckResult]:
        @functools.wraps(fn)
        def run(*args, **kwargs) -> CheckResult:
            try:
                note = fn(*args, **kwargs)
            except Failed as failure:
                return report(exercise, False, str(failure))
            return report(exercise, True, note)

        return run

    return wrap


def call(answer: Callable, *args):
    """Call the student's function; turn any exception in it into :class:`Failed`."""
    if not callable(answer):
        raise Failed(f"함수를 넘겨 주세요 (받은 것: {type(answer).__name__})")
    try:
        return answer(*args)
    except NotImplementedError:
        raise Failed("아직 답을 작성하지 않았습니다 (NotImplementedError)") from None
    except Exception as err:  # the student's code failed: say how, do not crash the checker
        hint = ""
        if "truth value of an array" in str(err):
            hint = " (배열 조건은 and/or 대신 & | 로 잇고, 비교마다 괄호를 치세요)"
        elif "must match the size of tensor" in str(err):
            hint = " (모양이 다른 두 텐서를 곱했습니다: 그림마다 하나인 값 (N,)은 .view(-1, 1, 1, 1)로 바꿔야 (N, C, H, W)에 곱해집니다)"
        elif isinstance(err, OverflowError):
            hint = " (uint8 값은 255를 넘으면 넘칩니다: 먼저 astype(np.float64)로 바꾸세요)"
        raise Failed(f"함수 실행 중 오류 — {type(err).__name__}: {err}{hint}") from None

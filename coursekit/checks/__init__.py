"""Exercise checkers: each runs a student's answer and prints a clear Korean pass/fail line.

A checker never raises because of the student's code: an exception inside the
answer (including the ``NotImplementedError`` of a student copy) is reported
as a failure with its message. It returns ``True`` on pass, ``False`` on fail.
"""

from __future__ import annotations

from typing import Callable

PASS = "✅ 통과"
FAIL = "❌ 아직 아닙니다"


def report(exercise: str, ok: bool, detail: str = "") -> bool:
    """Print one pass/fail line for an exercise and return ``ok``."""
    mark = PASS if ok else FAIL
    print(f"[{exercise}] {mark}" + (f": {detail}" if detail else ""))
    return ok


def call_answer(exercise: str, answer: Callable, *args):
    """Call the student's function; on an exception report it and return ``(False, None)``."""
    if not callable(answer):
        report(exercise, False, f"함수를 넘겨 주세요 (받은 것: {type(answer).__name__})")
        return False, None
    try:
        return True, answer(*args)
    except NotImplementedError:
        report(exercise, False, "아직 답을 작성하지 않았습니다 (NotImplementedError)")
    except Exception as err:  # the student's code failed: say how, do not crash the checker
        report(exercise, False, f"함수 실행 중 오류 — {type(err).__name__}: {err}")
    return False, None

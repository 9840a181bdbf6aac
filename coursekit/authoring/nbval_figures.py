"""A pytest plugin that makes nbval compare figures, not only text.

nbval 0.11 skips ``image/png`` outputs, so a lesson whose figure changed would
still pass. This plugin runs after each nbval cell test, in the same run (no
second execution): nbval keeps the fresh outputs on ``item.test_outputs`` and
the stored ones on ``item.cell.outputs``; every PNG is decoded and compared
pixel by pixel with :func:`compare_png`. Load it with
``pytest_plugins = ["coursekit.authoring.nbval_figures"]`` in a ``conftest.py``.

Tolerance: the same figure drawn on another CPU may differ by a few
antialiasing levels along edges, so a figure passes when its size is the same,
the mean absolute difference is at most ``MAX_MEAN_DIFF`` (0-255 scale) and at
most ``MAX_CHANGED_FRACTION`` of the pixels differ by more than
``CHANGED_LEVEL``. Anything more (a recolored channel, a moved curve, a new
panel) fails with the numbers.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest

__all__ = [
    "MAX_MEAN_DIFF", "CHANGED_LEVEL", "MAX_CHANGED_FRACTION", "decode_png", "compare_png", "png_outputs",
    "compare_cell_figures", "FigureMismatch", "pytest_runtest_call"
]

MAX_MEAN_DIFF = 1.0
CHANGED_LEVEL = 32
MAX_CHANGED_FRACTION = 0.002


def decode_png(data) -> np.ndarray:
    """Decode a notebook PNG output (base64 text or bytes) to an RGBA uint8 array."""
    from PIL import Image

    raw = base64.b64decode(data) if isinstance(data, str) else bytes(data)
    with Image.open(io.BytesIO(raw)) as image:
        return np.asarray(image.convert("RGBA"))


def compare_png(stored, fresh) -> str | None:
    """``None`` if two PNG outputs show the same figure, else what differs."""
    a, b = decode_png(stored), decode_png(fresh)
    if a.shape != b.shape:
        return f"figure size changed from {a.shape[1]}x{a.shape[0]} to {b.shape[1]}x{b.shape[0]} pixels"
    diff = np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2)
    mean = float(diff.mean())
    changed = float((diff > CHANGED_LEVEL).mean())
    if mean > MAX_MEAN_DIFF or changed > MAX_CHANGED_FRACTION:
        return (
            f"pixels differ: mean {mean:.2f} levels (allowed {MAX_MEAN_DIFF}), "
            f"{changed:.2%} of pixels by more than {CHANGED_LEVEL} (allowed {MAX_CHANGED_FRACTION:.2%})"
        )
    return None


def png_outputs(outputs) -> list:
    """The ``image/png`` payloads of a cell's outputs, in order."""
    return [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]


def compare_cell_figures(stored_outputs, fresh_outputs) -> list[str]:
    """Every difference between the figures of a stored and a freshly run cell."""
    stored, fresh = png_outputs(stored_outputs), png_outputs(fresh_outputs)
    if len(stored) != len(fresh):
        return [f"the cell drew {len(fresh)} figure(s); the stored notebook has {len(stored)}"]
    problems = []
    for number, (old, new) in enumerate(zip(stored, fresh), start=1):
        problem = compare_png(old, new)
        if problem:
            problems.append(f"figure {number}: {problem}")
    return problems


class FigureMismatch(AssertionError):
    """A notebook cell's figure differs from the stored one."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    fresh = getattr(item, "test_outputs", None)
    cell = getattr(item, "cell", None)
    checked = getattr(item, "options", {}).get("check", False)
    if fresh is None or cell is None or not checked or cell.get("execution_count") is None:
        return result
    problems = compare_cell_figures(cell.get("outputs", []), fresh)
    if problems:
        raise FigureMismatch(f"{item.name}: " + "; ".join(problems))
    return result

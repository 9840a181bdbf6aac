"""Every stored lesson notebook: executed in order, clean outputs, in sync with its .py, lesson shape."""

import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from coursekit.authoring.execution import JUPYTEXT, KERNELSPEC, WIDGET_VIEW, cell_id, widget_model_id

LESSONS = Path(__file__).resolve().parent.parent / "lessons"
NOTEBOOKS = sorted(LESSONS.glob("[0-9][0-9]_*.ipynb"))
NBVAL_MARKERS = ("# NBVAL_IGNORE_OUTPUT", "# NBVAL_SKIP", "# NBVAL_RAISES_EXCEPTION")
NBVAL_TAGS = ("nbval-ignore-output", "nbval-skip", "raises-exception")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
FONT_WARNINGS = re.compile(r"Glyph \d+|missing from (current )?font|findfont: Font family", re.I)


def test_there_are_lessons():
    assert NOTEBOOKS, "no lesson notebooks found"


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def output_texts(cell):
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            yield output.text
        for key in ("text/plain", "text/html", "text/markdown"):
            if key in output.get("data", {}):
                yield output.data[key]
        if output.output_type == "error":
            yield output.get("evalue", "")


def test_executed_in_order_from_one(notebook):
    _, nb = notebook
    counts = [c.execution_count for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), "run `make lessons` to execute top to bottom"


def test_no_errors_or_stderr(notebook):
    _, nb = notebook
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"cell {index} stored an error: {output.get('ename')}"
            if output.output_type == "stream":
                assert output.name == "stdout", f"cell {index} wrote to stderr (a warning?): {output.text[:200]}"


def test_no_font_warnings_anywhere(notebook):
    _, nb = notebook
    for index, cell in enumerate(nb.cells):
        for text in output_texts(cell):
            assert not FONT_WARNINGS.search(text), f"cell {index} has a font warning: {text[:200]}"


def test_few_cells_excluded_from_comparison(notebook):
    _, nb = notebook
    cells = code_cells(nb)
    excluded = [
        c for c in cells
        if any(m in c.source for m in NBVAL_MARKERS) or set(c.metadata.get("tags", [])) & set(NBVAL_TAGS)
    ]
    assert len(excluded) <= 0.10 * len(cells), f"{len(excluded)} of {len(cells)} code cells skip nbval's comparison"


def test_in_sync_with_its_percent_script(notebook):
    path, nb = notebook
    script = path.with_suffix(".py")
    assert script.is_file(), f"{script.name} is missing: every lesson is paired with a jupytext .py"
    paired = jupytext.read(script, fmt="py:percent")
    ours = [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]
    theirs = [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in paired.cells]
    assert ours == theirs, f"{path.name} and {script.name} differ: run `make lessons`"


def test_stored_in_normalized_form(notebook):
    path, nb = notebook
    assert "widgets" not in nb.metadata, "saved widget state holds random ids; run `make lessons`"
    assert nb.metadata.kernelspec == KERNELSPEC and nb.metadata.jupytext == JUPYTEXT
    for index, cell in enumerate(nb.cells):
        assert cell.id == cell_id(index)
        assert "execution" not in cell.metadata, "timing metadata is volatile"
        for number, output in enumerate(cell.get("outputs", [])):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view:
                assert view["model_id"] == widget_model_id(path.stem, index, number)


def test_lesson_shape(notebook):
    path, nb = notebook
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "a lesson starts with its title"
    assert "학습 목표" in first.source
    assert "coursekit.require(" in code_cells(nb)[0].source, "the first code cell checks the package version"
    prose = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert len(HANGUL.findall(prose)) > 500, "lesson prose is in Korean"
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert sum("slide" in t for t in tags) >= 5, "cells for the slides carry the tag 'slide'"
    widgets = [o for c in code_cells(nb) for o in c.outputs if WIDGET_VIEW in o.get("data", {})]
    assert widgets, "a lesson has at least one interactive widget"


def test_exercises_have_solutions_and_checks(notebook):
    _, nb = notebook
    cells = code_cells(nb)
    solutions = [i for i, c in enumerate(cells) if "### BEGIN SOLUTION" in c.source]
    assert 2 <= len(solutions) <= 4, "2-4 exercises"
    for i, position in enumerate(solutions):
        source = cells[position].source
        assert source.count("### BEGIN SOLUTION") == source.count("### END SOLUTION") >= 1
        following = cells[position + 1 : solutions[i + 1] if i + 1 < len(solutions) else None]
        check = next((c for c in following if re.search(r"\bcheck_\w+\(", c.source)), None)
        assert check is not None, f"exercise {i + 1} has no check cell after it"
        printed = "".join(o.get("text", "") for o in check.outputs)
        assert "✅ 통과" in printed, f"exercise {i + 1}'s stored check did not pass"


def _literal_bold(text: str) -> list[str]:
    """Bold runs CommonMark leaves as literal ``**`` (markdown-it in Marp, marked in JupyterLab): a closing
    ``**`` after punctuation and before a letter (``**루마(luma)**라고``), or an opening one the other way round."""
    found = []
    for paragraph in text.split("\n\n"):
        paragraph = re.sub(r"`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$", "§", paragraph, flags=re.S)  # code and math: one punctuation mark, no ** inside
        marks = [m.start() for m in re.finditer(r"(?<!\*)\*\*(?!\*)", paragraph)]
        for number, pos in enumerate(marks):
            before = paragraph[pos - 1] if pos > 0 else " "
            after = paragraph[pos + 2] if pos + 2 < len(paragraph) else " "
            punctuation = (lambda ch: not ch.isalnum() and not ch.isspace())
            closing_broken = number % 2 == 1 and punctuation(before) and after.isalnum()
            opening_broken = number % 2 == 0 and punctuation(after) and before.isalnum()
            if closing_broken or opening_broken:
                found.append(paragraph[max(0, pos - 30):pos + 30])
    return found


def test_literal_bold_detector():
    assert _literal_bold("**루마(luma)**라고") and _literal_bold("값**(a)**")
    assert _literal_bold("**$G$**는") and _literal_bold("**`x`**를")  # $ and ` are punctuation too
    assert not _literal_bold("`r**2` 그리고 **굵게**와")  # ** inside code is not bold
    assert not _literal_bold("**루마**(luma)라고, (**굵게**) **z = 0**에서, **끝.**")


def test_bold_renders_in_korean_text(notebook):
    """Write **루마**(luma)라고, not **루마(luma)**라고: the second shows its asterisks on the slides."""
    path, nb = notebook
    broken = [(i, snippet) for i, c in enumerate(nb.cells) if c.cell_type == "markdown" for snippet in _literal_bold(c.source)]
    assert not broken, f"{path.name}: bold left as literal ** (move the parenthesis out of the bold): {broken}"

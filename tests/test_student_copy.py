"""Student copies: solutions replaced by placeholders; checkers fail on them and pass on the solutions."""

import ast
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from coursekit import cli
from coursekit.authoring.student_copy import PLACEHOLDER, strip_solutions, strip_source, student_copy

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def test_strip_source_keeps_indentation_and_the_rest():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n    ### END SOLUTION\n\nprint(f)\n"
    assert strip_source(source) == (
        "def f(x):\n    # 여기에 코드를 작성하세요\n    raise NotImplementedError\n\nprint(f)\n"
    )


def test_strip_source_handles_several_regions_and_none():
    source = "### BEGIN SOLUTION\na = 1\n### END SOLUTION\nb = 2\n### BEGIN SOLUTION\nc = 3\n### END SOLUTION"
    stripped = strip_source(source)
    assert stripped.count(PLACEHOLDER[1]) == 2 and "b = 2" in stripped and "a = 1" not in stripped
    assert strip_source("x = 1\n") == "x = 1\n"
    with pytest.raises(ValueError, match="unbalanced"):
        strip_source("### BEGIN SOLUTION\nx = 1\n")


def test_strip_solutions_clears_solutions_and_every_output_after_the_first():
    nb = nbformat.read(LESSONS[0], as_version=4)
    stripped = strip_solutions(nb)
    solutions, started = 0, False
    for before, after in zip(nb.cells, stripped.cells):
        if before.cell_type == "code" and "### BEGIN SOLUTION" in before.source:
            solutions += 1
            started = True
            assert "### BEGIN SOLUTION" not in after.source and PLACEHOLDER[0] in after.source
        elif before.cell_type == "code" and started:
            assert after.source == before.source  # a checker cell keeps its code...
        else:
            assert after == before  # ...and everything before the exercises is untouched
        if before.cell_type == "code" and started:
            assert after.outputs == [] and after.execution_count is None  # no "✅ 통과" before solving
    checks = [c for c in stripped.cells if c.cell_type == "code" and "check_" in c.source]
    assert solutions >= 2 and checks and all(c.outputs == [] for c in checks)
    assert any("### BEGIN SOLUTION" in c.source for c in nb.cells if c.cell_type == "code")  # the input is not changed


def test_command_and_bad_input(tmp_path, capsys):
    assert cli.main(["student-copy", str(ROOT / "lessons"), "--out", str(tmp_path / "student")]) == 0
    assert sorted(p.name for p in (tmp_path / "student").glob("*.ipynb")) == [p.name for p in LESSONS]
    assert cli.main(["student-copy", str(ROOT / "lessons"), "--out", str(ROOT / "lessons")]) == 1
    assert "overwrite the solutions" in capsys.readouterr().err
    with pytest.raises(FileNotFoundError):
        student_copy(tmp_path / "none", tmp_path / "out")


def _names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell binds, names it reads) at any depth; IPython magics and shell lines are skipped."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    tree = ast.parse("\n".join(lines))
    bound, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, (ast.Store, ast.Del)) else read).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    return bound, read


def _needed_before(before: list, after: list) -> list:
    """The first cell (the set-up) and every earlier cell that binds a name the later cells read, transitively."""
    def free(cells) -> set[str]:  # read but not bound by these cells themselves (fig, ax, loop variables...)
        names = [_names(c.source) for c in cells]
        return set().union(*(r for _, r in names)) - set().union(*(b for b, _ in names))

    needed, kept = free(after), []
    for cell in reversed(before[1:]):
        if _names(cell.source)[0] & needed:
            kept.append(cell)
            needed |= free([cell])
    return [before[0], *reversed(kept)]


def test_needed_before_follows_names_back():
    cells = [nbformat.v4.new_code_cell(s) for s in ("import torch", "a = 1", "b = a + 1", "c = 3", "fig = 2",
                                                    "def f():\n    return b")]
    later = [nbformat.v4.new_code_cell("fig = f()\nprint(fig)"), cells[5]]
    chosen = _needed_before(cells[:5], later)
    assert [c.source for c in chosen] == ["import torch", "a = 1", "b = a + 1"]  # not "fig = 2": bound later


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_student_copy_runs_and_checkers_fail_on_placeholders(lesson, tmp_path):
    """The set-up cell, the earlier cells the exercises' names come from, then every cell from the first exercise on.

    The cells before the first exercise are the lesson's own, unchanged by the
    copy (asserted below) and executed by nbval; running all of them again here
    would only repeat that, so only those that bind a name used later run.
    """
    (copy,) = student_copy(lesson, tmp_path)
    nb = nbformat.read(copy, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    first_exercise = next(i for i, c in enumerate(code) if PLACEHOLDER[0] in c.source)
    assert first_exercise > 0, "the first code cell must be the lesson's set-up, not an exercise"
    original_code = [c for c in nbformat.read(lesson, as_version=4).cells if c.cell_type == "code"]
    assert [c.source for c in code[:first_exercise]] == [c.source for c in original_code[:first_exercise]]
    code = [*_needed_before(code[:first_exercise], code[first_exercise:]), *code[first_exercise:]]
    nb.cells = code
    NotebookClient(nb, kernel_name="python3", timeout=1200, allow_errors=True,  # as nbval (Makefile)
                   resources={"metadata": {"path": str(lesson.parent)}}).execute()
    errors = [o for o in code[0].outputs if o.output_type == "error"]
    assert not errors, f"the student copy's set-up cell fails: {errors[0].ename}: {errors[0].evalue}"
    checks = [c for c in code if "check_" in c.source and "import" not in c.source.splitlines()[-1]]
    printed = ["".join(o.get("text", "") for o in c.outputs) for c in checks]
    assert printed and all("❌" in p and "NotImplementedError" in p for p in printed), printed
    original = nbformat.read(lesson, as_version=4)
    solved = ["".join(o.get("text", "") for o in c.outputs) for c in original.cells
              if c.cell_type == "code" and "check_" in c.source and "import" not in c.source.splitlines()[-1]]
    assert len(solved) == len(printed) and all("✅" in p for p in solved)

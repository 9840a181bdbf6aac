"""Student copies: solutions replaced by placeholders; checkers fail on them and pass on the solutions."""

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


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_student_copy_runs_and_checkers_fail_on_placeholders(lesson, tmp_path):
    (copy,) = student_copy(lesson, tmp_path)
    nb = nbformat.read(copy, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=1200, allow_errors=True,  # as nbval (Makefile)
                   resources={"metadata": {"path": str(lesson.parent)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    first_exercise = next(i for i, c in enumerate(code) if PLACEHOLDER[0] in c.source)
    for cell in code[:first_exercise]:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"the student copy fails before the first exercise: {errors[0].ename}: {errors[0].evalue}"
    checks = [c for c in code if "check_" in c.source and "import" not in c.source.splitlines()[-1]]
    printed = ["".join(o.get("text", "") for o in c.outputs) for c in checks]
    assert printed and all("❌" in p and "NotImplementedError" in p for p in printed), printed
    original = nbformat.read(lesson, as_version=4)
    solved = ["".join(o.get("text", "") for o in c.outputs) for c in original.cells
              if c.cell_type == "code" and "check_" in c.source and "import" not in c.source.splitlines()[-1]]
    assert len(solved) == len(printed) and all("✅" in p for p in solved)

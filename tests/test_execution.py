"""make lessons: a lesson executes top to bottom into a normalized notebook, the same bytes every time."""

import nbformat
import pytest

from coursekit.authoring import execution

LESSON = '''# %% [markdown] tags=["slide"]
# # 0주차: 시험
# 학습 목표

# %%
import coursekit
coursekit.require(">=0.1")
coursekit.setup_lesson()
import os
import matplotlib.pyplot as plt
import ipywidgets as widgets
print("mode", os.environ["COURSEKIT_MODE"])

# %%
plt.plot([0, 1], [1, 0])
plt.title("한글 제목")
plt.show()

# %%
widgets.IntSlider(value=3, description="값")
'''


@pytest.fixture
def lesson(tmp_path):
    source = tmp_path / "00_test.py"
    source.write_text(LESSON, encoding="utf-8")
    return source


@pytest.mark.slow
def test_execute_twice_gives_identical_bytes(lesson, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_MODE", "full")  # stored outputs are always made in quick mode
    execution.execute(lesson)
    first = lesson.with_suffix(".ipynb").read_bytes()
    assert execution.check_reproducible(lesson)
    execution.execute(lesson)
    assert lesson.with_suffix(".ipynb").read_bytes() == first

    nb = nbformat.read(lesson.with_suffix(".ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3]
    assert "mode quick" in code[0].outputs[0].text
    assert any("image/png" in o.get("data", {}) for o in code[1].outputs)
    view = code[2].outputs[0].data[execution.WIDGET_VIEW]
    assert view["model_id"] == execution.widget_model_id("00_test", 3, 0)
    assert "widgets" not in nb.metadata and nb.cells[0].metadata.tags == ["slide"]


def test_check_reproducible_notices_a_difference(lesson, monkeypatch):
    lesson.with_suffix(".ipynb").write_text("{}")
    monkeypatch.setattr(execution, "execute", lambda source, target: target.write_text("{ }"))
    assert not execution.check_reproducible(lesson)


def test_normalize_drops_volatile_metadata():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01"}
    cell.outputs = [nbformat.v4.new_output("display_data", data={execution.WIDGET_VIEW: {"model_id": "random"}})]
    nb.cells = [cell]
    nb.metadata["widgets"] = {"state": {}}
    execution.normalize(nb, "07_x")
    assert "widgets" not in nb.metadata and "execution" not in cell.metadata
    assert cell.id == "cell-000"
    assert cell.outputs[0].data[execution.WIDGET_VIEW]["model_id"] == execution.widget_model_id("07_x", 0, 0)
    assert nb.metadata.jupytext == execution.JUPYTEXT


def test_notebooks_from(tmp_path, lesson):
    (tmp_path / "notes.py").write_text("")
    assert execution.notebooks_from([str(tmp_path)]) == [lesson]
    assert execution.notebooks_from([str(lesson.with_suffix(".ipynb"))]) == [lesson]
    with pytest.raises(FileNotFoundError, match="missing"):
        execution.notebooks_from([str(tmp_path / "01_none.ipynb")])
    with pytest.raises(ValueError, match="not a lesson"):
        execution.notebooks_from([str(tmp_path / "x.txt")])
    with pytest.raises(FileNotFoundError, match="no lessons"):
        execution.notebooks_from([str(tmp_path / "sub")]) if (tmp_path / "sub").mkdir() is None else None


def test_main_reports_bad_arguments(capsys, tmp_path):
    assert execution.main([str(tmp_path / "x.txt")]) == 2
    assert "not a lesson" in capsys.readouterr().err

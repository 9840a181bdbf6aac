"""A code cell's printed text on a slide: tables from aligned columns, the rest preformatted, never cut."""

import nbformat
import pytest

from coursekit.authoring.slide_text import MAX_TEXT_LINES, TextTooLong, cell_text, output_text, text_blocks


def test_aligned_columns_become_a_table():
    text = "이동   픽셀   최대풀링 2x2\n1px   0.82   0.89\n2px   0.55   0.71"
    assert text_blocks(text) == [("table", [
        "| 이동 | 픽셀 | 최대풀링 2x2 |", "|---|---|---|", "| 1px | 0.82 | 0.89 |", "| 2px | 0.55 | 0.71 |",
    ])]


def test_other_lines_are_preformatted_and_kept_whole():
    text = "KL = 7.3 nats, 오차 30.5\n한 줄 더"
    assert text_blocks(text) == [("pre", ["```text", "KL = 7.3 nats, 오차 30.5", "한 줄 더", "```"])]


def test_a_table_and_its_notes():
    text = "모델    확신\nVAE     79%\nAE      64%\n(세 시드의 중앙값)"
    kinds = [kind for kind, _ in text_blocks(text)]
    assert kinds == ["table", "pre"]
    assert text_blocks(text)[1][1][1] == "(세 시드의 중앙값)"


def test_markdown_tables_pass_through_and_pipes_are_escaped():
    assert text_blocks("| a | b |\n|---|---|\n| 1 | 2 |") == [("table", ["| a | b |", "|---|---|", "| 1 | 2 |"])]
    assert text_blocks("x|y   1\nz   2")[0][1][0] == "| x\\|y | 1 |"


def test_one_line_with_columns_is_not_a_table():
    assert text_blocks("정확도   97.8%") == [("pre", ["```text", "정확도   97.8%", "```"])]


def test_edge_cases():
    assert text_blocks("") == [] and text_blocks("\n\n") == []
    assert len(text_blocks("\n".join(["x"] * MAX_TEXT_LINES))[0][1]) == MAX_TEXT_LINES + 2


def test_too_long_output_is_an_error_not_a_cut():
    with pytest.raises(TextTooLong, match=r"03_gan.ipynb cell 7 printed 13 lines.*at most 12"):
        text_blocks("\n".join(str(i) for i in range(13)), where="03_gan.ipynb cell 7")


def test_cell_text_takes_stdout_and_plain_results_only():
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="printed\n"),
        nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "42"}, execution_count=1),
        nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>", "image/png": "AA=="}),
        nbformat.v4.new_output("execute_result", execution_count=1, data={
            "text/plain": "Widget()", "application/vnd.jupyter.widget-view+json": {"model_id": "x"}}),
    ]
    assert cell_text(cell) == "printed\n42"
    assert cell_text(nbformat.v4.new_code_cell("pass")) == ""


def test_output_text_of_one_output():
    assert output_text(nbformat.v4.new_output("stream", name="stdout", text="a\n")) == "a\n"
    assert output_text(nbformat.v4.new_output("stream", name="stderr", text="w\n")) == ""
    assert output_text(nbformat.v4.new_output("execute_result", data={"text/plain": "7"}, execution_count=1)) == "7\n"
    assert output_text(nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>", "image/png": "AA=="})) == ""
    assert output_text(nbformat.v4.new_output("error", ename="E", evalue="x", traceback=[])) == ""

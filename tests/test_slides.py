"""Marp decks from the cells tagged 'slide': structure, sync with the lessons, HTML and PDF export."""

import base64
import io
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pytest
from PIL import Image

from coursekit.authoring import slides, slides_export

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def png(color, size=(200, 100)) -> str:
    buffer = io.BytesIO()
    Image.fromarray(np.full((size[1], size[0], 3), color, np.uint8)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def figure_cell(source, color, tags=("slide",)):
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": list(tags)})
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": png(color), "text/plain": "<Figure>"})]
    cell.execution_count = 1
    return cell


@pytest.fixture
def notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    md = nbformat.v4.new_markdown_cell
    nb.cells = [
        md("# 9주차: 시험 강의\n\n소개 문장입니다.", metadata={"tags": ["slide"]}),
        nbformat.v4.new_code_cell("import x  # not on the slides"),
        md("## 첫 주제\n\n설명 $a^2$ 입니다.", metadata={"tags": ["slide"]}),
        figure_cell("plot(1)", 0),
        md("*그림: 검은 그림입니다.*"),
        md("## 빠지는 주제\n\n태그가 없습니다."),
        md("## 둘째 주제\n\n" + "\n\n".join(f"긴 문단 {i}: " + "가나다라마바사 " * 12 for i in range(8)), metadata={"tags": ["slide"]}),
        figure_cell("show_me()\nprint('code on the slide')", 255, tags=("slide", "slide-code")),
        md("## 셋째 주제\n\n$$x = \\begin{cases} 1 \\\\ 2 \\end{cases}$$", metadata={"tags": ["slide"]}),
    ]
    path = tmp_path / "09_test.ipynb"
    nbformat.write(nb, path)
    (tmp_path / "slides").mkdir()
    return path


def test_deck_structure(notebook):
    deck_path = slides.notebook_to_marp(notebook, notebook.parent / "slides")
    deck = deck_path.read_text(encoding="utf-8")
    assert deck.startswith("---\nmarp: true\ntheme: coursekit\npaginate: true\nmath: mathjax\n")
    assert "footer: '생성형 이미지 AI · 9주차: 시험 강의'" in deck
    chunks = deck.split("\n---\n")[1:]
    assert chunks[0].strip().startswith("<!-- _class: lead -->") and "# 9주차: 시험 강의" in chunks[0]
    headings = [re.search(r"^##+ .*$", c, re.M).group(0) for c in chunks[1:]]
    assert headings[0] == "## 이번 주 개요" and headings[1] == "## 첫 주제"
    assert "## 빠지는 주제" not in deck and "import x" not in deck  # untagged cells stay out
    assert any(h == "## 둘째 주제 (계속)" for h in headings)  # the long cell was split
    assert headings[-1] == "## 셋째 주제" and "\\begin{cases}" in chunks[-1]
    assert slides.count_slides(deck) == len(chunks)
    # figures: saved as PNG, referenced relatively, caption under the first, code only with slide-code
    images = re.findall(r"!\[height:(\d+)px\]\((img/09_test/[^)]+)\)", deck)
    assert len(images) == 2
    for height, relative in images:
        assert (deck_path.parent / relative).is_file() and 60 <= int(height) <= slides.FIGURE_MAX[1]
    assert "*그림: 검은 그림입니다.*" in deck
    assert "```python\nshow_me()\nprint('code on the slide')\n```" in deck
    assert "plot(1)" not in deck


def test_old_figures_are_removed(notebook):
    out = notebook.parent / "slides"
    stale = out / "img" / "09_test" / "old.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"x")
    slides.notebook_to_marp(notebook, out)
    assert not stale.exists()


def test_bad_input(tmp_path, notebook):
    with pytest.raises(FileNotFoundError, match="no notebook"):
        slides.notebook_to_marp(tmp_path / "none.ipynb", tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        slides.notebook_to_marp(notebook, tmp_path / "missing")
    untagged = nbformat.v4.new_notebook()
    untagged.cells = [nbformat.v4.new_markdown_cell("# 제목")]
    nbformat.write(untagged, tmp_path / "10_x.ipynb")
    with pytest.raises(ValueError, match="no cells tagged"):
        slides.notebook_to_marp(tmp_path / "10_x.ipynb", tmp_path / "slides")
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "11_x.ipynb")
    with pytest.raises(ValueError, match="no title"):
        slides.notebook_to_marp(tmp_path / "11_x.ipynb", tmp_path / "slides")


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_stored_decks_are_in_sync_with_the_lessons(lesson, tmp_path):
    fresh = slides.notebook_to_marp(lesson, tmp_path)
    stored = ROOT / "slides" / fresh.name
    assert stored.is_file(), f"{stored} is missing: run `make slides`"
    assert fresh.read_text(encoding="utf-8") == stored.read_text(encoding="utf-8"), "run `make slides`"
    fresh_images = sorted(p.name for p in (tmp_path / "img" / lesson.stem).glob("*.png"))
    stored_images = sorted(p.name for p in (ROOT / "slides" / "img" / lesson.stem).glob("*.png"))
    assert fresh_images == stored_images
    for name in fresh_images:
        assert (tmp_path / "img" / lesson.stem / name).read_bytes() == (ROOT / "slides" / "img" / lesson.stem / name).read_bytes()


def test_missing_tools_are_named(monkeypatch, tmp_path):
    monkeypatch.setattr(slides_export.shutil, "which", lambda name: None)
    with pytest.raises(slides_export.ExportToolMissing, match="Node.js"):
        slides_export.marp_command(tmp_path)
    monkeypatch.setattr(slides_export.shutil, "which", lambda name: "/usr/bin/node")
    with pytest.raises(slides_export.ExportToolMissing, match="make slides-tools"):
        slides_export.marp_command(tmp_path)
    monkeypatch.setenv("CHROME_PATH", str(tmp_path / "nothing"))
    monkeypatch.setattr(slides_export, "CHROMIUM_CANDIDATES", ())
    with pytest.raises(slides_export.ExportToolMissing, match="apt-get install chromium"):
        slides_export.chromium()


def _need(tool_check, missing_tool):
    try:
        tool_check()
    except slides_export.ExportToolMissing as err:
        missing_tool(str(err))


@pytest.fixture
def lesson_deck(tmp_path):
    """A copy of the first lesson's deck and its images, exported in a temporary folder."""
    lesson = LESSONS[0]
    deck = slides.notebook_to_marp(lesson, tmp_path)
    return deck, slides.count_slides(deck.read_text(encoding="utf-8"))


def test_html_export(lesson_deck, missing_tool):
    _need(slides_export.marp_command, missing_tool)
    deck, count = lesson_deck
    html = slides_export.export(deck, "html").read_text(encoding="utf-8")
    assert html.count("<section") >= count and "이미지" in html


@pytest.mark.slow
def test_pdf_export_has_a_page_per_slide_and_korean_text(lesson_deck, missing_tool):
    _need(slides_export.marp_command, missing_tool)
    _need(slides_export.chromium, missing_tool)
    if not all(shutil.which(t) for t in ("pdfinfo", "pdftotext", "pdffonts")):
        missing_tool("poppler-utils (pdfinfo, pdftotext, pdffonts) is not installed")
    deck, count = lesson_deck
    pdf = slides_export.export(deck, "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == count
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"[\uac00-\ud7a3]", text) and "이미지와 색 공간" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Nanum|CJK|Gothic", fonts), f"no Hangul font embedded:\n{fonts}"

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

from coursekit.authoring import deck_check, slides, slides_export

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


def _deck(tmp_path, cells, name="12_layout.ipynb"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 12주차: 배치", metadata={"tags": ["slide"]}), *cells]
    nbformat.write(nb, tmp_path / name)
    (tmp_path / "out").mkdir(exist_ok=True)
    deck = slides.notebook_to_marp(tmp_path / name, tmp_path / "out").read_text(encoding="utf-8")
    return deck.split("\n---\n")[1:]


def md(source, tagged=True):
    return nbformat.v4.new_markdown_cell(source, metadata={"tags": ["slide"]} if tagged else {})


def text_cell(text, tags=("slide",)):
    cell = nbformat.v4.new_code_cell("print(...)", metadata={"tags": list(tags)})
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    return cell


def test_a_lead_in_never_ends_a_slide(tmp_path):
    filler = "\n\n".join("가나다라마바사아자차 " * 8 for _ in range(6))
    chunks = _deck(tmp_path, [md(f"## 개요\n\n{filler}\n\n**학습 목표**\n\n- 하나\n- 둘")])
    for chunk in chunks:
        assert not chunk.rstrip().endswith("**학습 목표**")
    assert any("**학습 목표**\n\n- 하나" in chunk for chunk in chunks)


def test_notebook_only_paragraphs_stay_out(tmp_path):
    chunks = _deck(tmp_path, [md("## 연습\n\n슬라이드에 나옵니다.\n\n<!-- notebook -->\n`raise NotImplementedError` 줄을 지우세요.")])
    deck = "\n".join(chunks)
    assert "슬라이드에 나옵니다." in deck and "NotImplementedError" not in deck


def test_printed_measurements_reach_the_slide_with_their_caption(tmp_path):
    chunks = _deck(tmp_path, [
        md("## 측정"),
        text_cell("이동   픽셀\n1px   0.82\n2px   0.55\n"),
        md("*표: 한 칸 옮기면 픽셀 유사도가 0.82로 떨어집니다.*\n\n다음 문단은 노트북에만 있습니다.", tagged=False),
        text_cell("정확도 97.8%\n"),
        text_cell("보이지 않습니다\n", tags=()),
    ])
    deck = "\n".join(chunks)
    assert "| 이동 | 픽셀 |\n|---|---|\n| 1px | 0.82 |" in deck
    assert "*표: 한 칸 옮기면 픽셀 유사도가 0.82로 떨어집니다.*" in deck and "다음 문단" not in deck
    assert "```text\n정확도 97.8%\n```" in deck and "보이지 않습니다" not in deck


def test_a_caption_in_a_tagged_cell_is_not_shown_twice(tmp_path):
    chunks = _deck(tmp_path, [md("## 그림"), figure_cell("plot()", 0), md("*그림: 검은 네모입니다.*\n\n설명이 이어집니다.")])
    deck = "\n".join(chunks)
    assert deck.count("*그림: 검은 네모입니다.*") == 1 and "설명이 이어집니다." in deck


def test_too_long_printed_output_names_the_cell(tmp_path):
    with pytest.raises(ValueError, match=r"12_layout.ipynb cell 1 printed 20 lines"):
        _deck(tmp_path, [text_cell("\n".join(str(i) for i in range(20)))])


def test_a_figure_that_would_shrink_gets_its_own_slide(tmp_path):
    tall = nbformat.v4.new_code_cell("plot()", metadata={"tags": ["slide"]})
    tall.outputs = [nbformat.v4.new_output("display_data", data={"image/png": png(90, size=(600, 450))})]
    text = "\n\n".join("가나다라마바사아자차 " * 6 for _ in range(4))
    chunks = _deck(tmp_path, [md(f"## 큰 그림\n\n{text}"), tall])
    figure_slide = next(c for c in chunks if "![height:" in c)
    assert "(계속)" in figure_slide and "가나다라" not in figure_slide
    shown = int(re.search(r"height:(\d+)px", figure_slide).group(1))
    assert shown >= 0.6 * 450  # readable: at least 60% of its own size


def test_a_sub_heading_right_under_its_heading_shares_the_slide(tmp_path):
    chunks = _deck(tmp_path, [md("## 3. 큰 절\n\n### 3.1 작은 절\n\n본문입니다.")])
    assert len(chunks) == 3  # title, overview heading, and one slide for both headings
    assert chunks[2].strip().startswith("## 3. 큰 절\n\n### 3.1 작은 절\n\n본문입니다.")


def test_a_nearly_empty_continuation_takes_text_from_the_slide_before(tmp_path):
    paragraphs = ["가나다라마바사아자차카타파하 " * 5 for _ in range(6)]
    chunks = _deck(tmp_path, [md("## 정리\n\n" + "\n\n".join(paragraphs))])
    bodies = [c for c in chunks if c.strip().startswith("## 정리")]
    assert len(bodies) == 2
    counts = [b.count("가나다라마바사아자차카타파하 가나다") for b in bodies]
    assert min(counts) >= 2, counts  # not one full slide and one with a single paragraph


def test_figure_height_bad_input():
    with pytest.raises(ValueError, match="positive size"):
        slides.figure_height((0, 10), 0)
    assert slides.figure_height((500, 100), 0) == 160  # enlarged at most 1.6x
    assert slides.figure_height((2200, 100), 0) == 60  # never below 60 px, even when the width limits it
    assert slides.figure_height((500, 2000), 0) <= slides.CONTENT_PX


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_stored_deck_fits_its_frames_and_its_figures_are_readable(lesson, tmp_path, missing_tool):
    """Render the stored deck in Chromium: no slide overflows 16:9, no figure below a readable size."""
    _need(slides_export.marp_command, missing_tool)
    _need(slides_export.chromium, missing_tool)
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing_tool("Playwright for Python is not installed")
    stored = ROOT / "slides" / f"{lesson.stem}.md"
    shutil.copy(stored, tmp_path / stored.name)
    shutil.copytree(ROOT / "slides" / "img" / lesson.stem, tmp_path / "img" / lesson.stem, dirs_exist_ok=True)
    html = slides_export.export(tmp_path / stored.name, "html")
    measured = deck_check.measure(html)
    assert len(measured) == slides.count_slides(stored.read_text(encoding="utf-8"))
    found = deck_check.problems(measured)
    assert not found, "\n".join(map(str, found))


def test_deck_check_finds_overflow_and_small_figures():
    base = {"number": 3, "heading": "제목", "width": 1280, "height": 720, "bottomLimit": 664, "rightLimit": 1216,
            "bottom": 600, "right": 1200, "images": [{"src": "a.png", "natural": [1000, 500], "shown": [800, 400]}]}
    assert deck_check.problems([base]) == []
    over = dict(base, bottom=700, right=1300)
    small = dict(base, images=[{"src": "a.png", "natural": [1000, 500], "shown": [400, 200]}])
    broken = dict(base, images=[{"src": "b.png", "natural": [0, 0], "shown": [0, 0]}], width=1000)
    found = [str(p) for p in deck_check.problems([over, small, broken])]
    assert found[0] == "slide 3 (제목): content runs 36 px below the frame"
    assert "84 px past the right edge" in found[1]
    assert "shown at 40% of its size" in found[2]
    assert "not 16:9" in found[3] and "b.png did not load" in found[4]
    with pytest.raises(ValueError, match="readable_scale"):
        deck_check.problems([base], readable_scale=0)


def test_deck_check_bad_input(tmp_path, missing_tool):
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing_tool("Playwright for Python is not installed")
    with pytest.raises(FileNotFoundError, match="no exported deck"):
        deck_check.measure(tmp_path / "none.html")

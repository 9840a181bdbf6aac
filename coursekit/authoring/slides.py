"""Marp slides from a lesson notebook: the cells tagged ``slide``, in order.

- The notebook's title (its first ``# `` heading) becomes a title slide.
- A tagged markdown cell becomes slide text; each heading starts a new slide,
  and a long stretch of text is split at paragraph breaks over several slides.
- A tagged code cell contributes its figures (PNG outputs, saved under
  ``img/<lesson>/`` beside the deck and sized to fit the slide); its code is
  shown only when the cell is also tagged ``slide-code``. The italic caption
  (``*그림: ...*``) in the markdown cell right after it goes under the figure.
- The deck uses the course theme (``slides/theme/coursekit.css``, based on
  Marp's ``gaia``) with page numbers, a footer and MathJax for the formulas.

``coursekit slides lessons/01_x.ipynb`` (or ``make slides``) writes
``slides/01_x.md`` and its images; Marp CLI turns the deck into HTML and PDF.
"""

from __future__ import annotations

import base64
import io
import math
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = [
    "THEME", "COURSE", "CONTENT_PX", "FIGURE_MAX", "FIGURE_MIN_PX", "LINE_PX", "MATH_ROW_PX",
    "CHARS_PER_LINE", "text_height", "Slide", "lesson_title", "DeckBuilder", "front_matter",
    "notebook_to_marp", "count_slides"
]

SLIDE_TAG, CODE_TAG = "slide", "slide-code"
THEME = "coursekit"
COURSE = "생성형 이미지 AI"
# Layout budget of a 1280x720 slide in the course theme, in pixels.
CONTENT_PX = 480  # height under the heading
FIGURE_MAX = (1100, 390)  # the largest figure (width, height)
FIGURE_MIN_PX = 170  # a smaller space left for a figure moves it to its own slide
LINE_PX = 40  # one line of body text
MATH_ROW_PX = 52  # one row of display math
CHARS_PER_LINE = 40  # Hangul-width characters that fit on one line

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_CAPTION = re.compile(r"^\*그림:.*\*$", re.S)


def text_height(lines: list[str]) -> int:
    """About how many pixels a block of markdown lines takes on a slide."""
    joined = "\n".join(lines)
    if joined.strip().startswith("$$"):
        rows = joined.count("\\\\") + 1
        return MATH_ROW_PX * rows + (20 if rows > 1 else 0)
    height = 0
    for line in lines:
        width = sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in line)
        height += LINE_PX * max(1, math.ceil(width / CHARS_PER_LINE))
    return height


@dataclass
class Slide:
    heading: str = ""
    lines: list[str] = field(default_factory=list)
    lead: bool = False
    used: int = 0  # pixels of the content area already filled
    figure: bool = False

    def render(self) -> str:
        parts = ["<!-- _class: lead -->"] if self.lead else []
        if self.heading:
            parts.append(self.heading)
        body = "\n".join(self.lines).strip("\n")
        if body:
            parts.append(body)
        return "\n\n".join(parts)


def lesson_title(nb) -> str:
    """The text of the notebook's first ``# `` heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError("the notebook has no title: its first markdown heading ('# ...') is missing")


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _paragraphs(lines: list[str]) -> list[list[str]]:
    """Blocks separated by blank lines; display math ($$ ... $$) stays whole."""
    blocks, current, in_math = [], [], False
    for line in lines:
        stripped = line.strip()
        if line.count("$$") % 2:  # a display-math block opens or closes on this line
            in_math = not in_math
        if not stripped and not in_math:
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


class DeckBuilder:
    """Collects slides from cells, keeping each within the layout budget; figures go to ``image_dir``."""

    def __init__(self, stem: str, image_dir: Path, image_prefix: str):
        self.stem, self.image_dir, self.image_prefix = stem, image_dir, image_prefix
        self.slides: list[Slide] = []
        self.section = ""
        self.figures = 0

    def _current(self) -> Slide:
        if not self.slides or self.slides[-1].lead:
            self.slides.append(Slide(heading=self.section))
        return self.slides[-1]

    def _continue(self) -> Slide:
        heading = f"{self.section} (계속)" if self.section else ""
        self.slides.append(Slide(heading=heading))
        return self.slides[-1]

    def _place(self, lines: list[str], height: int) -> Slide:
        slide = self._current()
        if slide.figure or (slide.used and slide.used + height > CONTENT_PX):
            slide = self._continue()
        if slide.lines:
            slide.lines.append("")
            slide.used += 12
        slide.lines.extend(lines)
        slide.used += height
        return slide

    def add_markdown(self, source: str, title: str) -> None:
        chunk: list[str] = []
        for line in source.splitlines():
            match = _HEADING.match(line)
            if not match:
                chunk.append(line)
                continue
            self._add_text(chunk)
            chunk = []
            level, text = len(match.group(1)), match.group(2).strip()
            if level == 1 and text == title:
                self.slides.append(Slide(heading=f"# {text}", lines=[COURSE], lead=True))
                self.section = "## 이번 주 개요"
            else:
                self.section = f"## {text}" if level <= 2 else f"### {text}"
            self.slides.append(Slide(heading=self.section))
        self._add_text(chunk)

    def _add_text(self, lines: list[str]) -> None:
        for block in _paragraphs(lines):
            self._place(block, text_height(block))

    def add_code(self, cell, caption: str | None) -> None:
        if CODE_TAG in _tags(cell):
            code = cell.source.rstrip().splitlines()
            self._place(["```python", *code, "```"], 30 * len(code) + 30)
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("image/png")
            if data is not None:
                self._add_figure(base64.b64decode(data), caption)
                caption = None

    def _add_figure(self, png: bytes, caption: str | None) -> None:
        self.figures += 1
        name = f"{self.stem}-fig{self.figures:02d}.png"
        (self.image_dir / name).write_bytes(png)
        caption_px = text_height([caption]) + 12 if caption else 0
        slide = self._current()
        if slide.figure or CONTENT_PX - slide.used - caption_px < FIGURE_MIN_PX:
            slide = self._continue()
        width, height = _png_size(png)
        fit = round(FIGURE_MAX[0] * height / width)
        shown = max(60, min(FIGURE_MAX[1], fit, CONTENT_PX - slide.used - caption_px - 12))
        slide.lines += ["", f"![height:{shown}px]({self.image_prefix}/{name})"]
        if caption:
            slide.lines += ["", caption]
        slide.used += shown + caption_px + 12
        slide.figure = True


def front_matter(title: str) -> str:
    """Marp front matter: the course theme, page numbers, MathJax and a footer with the title."""
    footer = f"{COURSE} · {title}".replace("'", "''")
    return "\n".join([
        "---",
        "marp: true",
        f"theme: {THEME}",
        "paginate: true",
        "math: mathjax",
        f"footer: '{footer}'",
        "---",
    ])


def notebook_to_marp(notebook, out_dir="slides") -> Path:
    """Write ``<out_dir>/<stem>.md`` (Marp) and ``<out_dir>/img/<stem>/*.png``; returns the deck path."""
    notebook = Path(notebook)
    if not notebook.is_file() or notebook.suffix != ".ipynb":
        raise FileNotFoundError(f"no notebook at {notebook} (expected an .ipynb file)")
    nb = nbformat.read(notebook, as_version=4)
    title = lesson_title(nb)
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise FileNotFoundError(f"slides folder {out_dir} does not exist (create it first)")
    stem = notebook.stem
    image_dir = out_dir / "img" / stem
    if image_dir.exists():
        shutil.rmtree(image_dir)  # figures of an older version of the lesson go away
    image_dir.mkdir(parents=True)
    builder = DeckBuilder(stem, image_dir, f"img/{stem}")
    cells = nb.cells
    for index, cell in enumerate(cells):
        if SLIDE_TAG not in _tags(cell):
            continue
        if cell.cell_type == "markdown":
            builder.add_markdown(cell.source, title)
        elif cell.cell_type == "code":
            following = cells[index + 1] if index + 1 < len(cells) else None
            caption = None
            if following is not None and following.cell_type == "markdown":
                first = following.source.strip().split("\n\n")[0].strip()
                if _CAPTION.match(first):
                    caption = " ".join(line.lstrip("# ").strip() for line in first.splitlines())
            builder.add_code(cell, caption)
    slides = [s for s in builder.slides if s.heading or s.lines]
    if not slides:
        raise ValueError(f"{notebook.name} has no cells tagged '{SLIDE_TAG}'")
    deck = front_matter(title) + "\n\n" + "\n\n---\n\n".join(s.render() for s in slides) + "\n"
    if not any(image_dir.iterdir()):
        image_dir.rmdir()
    path = out_dir / f"{stem}.md"
    path.write_text(deck, encoding="utf-8")
    return path


def count_slides(deck: str) -> int:
    """Number of slides in a Marp deck (front matter excluded)."""
    body = deck.split("\n---\n", 1)[1] if deck.startswith("---\n") else deck
    return len(re.split(r"\n---\n", body))

"""Marp slides from a lesson notebook: the cells tagged ``slide``, in order.

- The notebook's title (its first ``# `` heading) becomes a title slide.
- A tagged markdown cell becomes slide text; each heading starts a new slide
  (a sub-heading right under its heading shares it), a long stretch of text is
  split at paragraph breaks over several slides, a one-line lead-in
  (``**학습 목표**``) stays with what follows it, and a paragraph that starts
  with ``<!-- notebook -->`` stays in the notebook only.
- A tagged code cell contributes its figures (PNG outputs, saved under
  ``img/<lesson>/`` beside the deck, as large as the slide allows: a figure that
  would have to shrink moves to a slide of its own) and its printed text
  (``slide_text``: aligned columns as a table, the rest as a short block); its
  code is shown only when the cell is also tagged ``slide-code``. The italic
  caption (``*그림: ...*`` or ``*표: ...*``) in the markdown cell right after it
  goes under the figure or the text.
- The deck uses the course theme (``slides/theme/coursekit.css``, based on
  Marp's ``gaia``) with page numbers, a footer and MathJax for the formulas.

``coursekit slides lessons/01_x.ipynb`` (or ``make slides``) writes
``slides/01_x.md`` and its images; Marp CLI turns the deck into HTML and PDF;
``deck_check`` measures the rendered slides.
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

from .slide_text import output_text, text_blocks

__all__ = [
    "THEME", "COURSE", "CONTENT_PX", "FIGURE_MAX", "MAX_UPSCALE", "SHRINK_LIMIT", "NEAR_EMPTY_PX", "LINE_PX",
    "MATH_ROW_PX", "CHARS_PER_LINE", "NOTEBOOK_ONLY", "caption_height", "text_height", "figure_height", "Slide", "lesson_title",
    "DeckBuilder", "front_matter", "notebook_to_marp", "count_slides"
]

SLIDE_TAG, CODE_TAG = "slide", "slide-code"
NOTEBOOK_ONLY = "<!-- notebook -->"  # first line of a paragraph the slides leave out
THEME = "coursekit"
COURSE = "생성형 이미지 AI"
# Layout budget of a 1280x720 slide in the course theme, in pixels (measured in
# Chromium: 616 px inside the padding, a heading takes about 80).
CONTENT_PX = 495  # height under the heading
FIGURE_MAX = (1100, 520)  # the largest figure (width, height)
MAX_UPSCALE = 1.6  # a small figure is enlarged at most this much
SHRINK_LIMIT = 0.85  # a figure shrunk below this share of its size moves to a slide of its own
NEAR_EMPTY_PX = 130  # a continuation slide this empty takes text from the slide before...
MERGE_SLACK_PX = 25  # ...or goes back onto it when both fit this close (the estimates run high)
LINE_PX = 40  # one line of body text
HEADING3_PX = 50  # a sub-heading
MATH_ROW_PX = 52  # one row of display math
CHARS_PER_LINE = 40  # Hangul-width characters that fit on one line
TABLE_ROW_PX = 30  # one row of a table
TABLE_CHARS_PER_LINE = 64  # Hangul-width characters across a whole table row
LIST_ITEM_PX = 9  # the spacing of a list item
PRE_LINE_PX = 28  # one line of a preformatted block
PRE_CHARS_PER_LINE = 58  # Hangul-width characters of a preformatted line
HEADING_LINE_PX, HEADING_CHARS_PER_LINE = 57, 28  # a second line of a wrapped heading
FIGURE_PAD_PX = 20  # margins around a figure
CAPTION_LINE_PX, CAPTION_CHARS_PER_LINE = 30, 48  # captions are set smaller (the theme's p:has(> em:only-child))

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_CAPTION = re.compile(r"^\*(그림|표):.*\*$", re.S)
_LIST_ITEM = re.compile(r"^\s{0,3}([-*]|\d+\.)\s")
_BOLD_LINE = re.compile(r"^\*\*[^*]+\*\*[:：]?$")


def _wrapped_rows(line: str, chars_per_line: float) -> int:
    """Lines ``line`` wraps to, counting a Hangul (or other CJK) character as 1 and any other as 0.55."""
    width = sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in line)
    return max(1, math.ceil(width / chars_per_line))


def caption_height(caption: str) -> int:
    """About how many pixels a caption takes under a figure or table."""
    return CAPTION_LINE_PX * _wrapped_rows(caption, CAPTION_CHARS_PER_LINE) + 8


def text_height(lines: list[str]) -> int:
    """About how many pixels a block of markdown lines takes on a slide."""
    joined = "\n".join(lines)
    if joined.strip().startswith("$$"):
        rows = joined.count("\\\\") + 1
        return MATH_ROW_PX * rows + (20 if rows > 1 else 0)
    if all(line.lstrip().startswith("|") for line in lines):  # a Markdown table
        rows = [line for line in lines if not re.fullmatch(r"\|?(\s*:?-+:?\s*\|)+\s*:?-*:?\s*", line.strip())]
        columns = max(1, lines[0].count("|") - 1)
        return sum(
            TABLE_ROW_PX * max(_wrapped_rows(cell, TABLE_CHARS_PER_LINE / columns) for cell in row.strip("| ").split("|"))
            for row in rows
        ) + 16
    height = 0
    for line in lines:
        extra = LIST_ITEM_PX if _LIST_ITEM.match(line) else 0
        height += LINE_PX * _wrapped_rows(line, CHARS_PER_LINE) + extra
    return height


@dataclass
class Slide:
    heading: str = ""
    blocks: list[list[str]] = field(default_factory=list)  # markdown blocks, blank lines between them
    heights: list[int] = field(default_factory=list)  # estimated pixels of each block
    lead: bool = False
    continued: bool = False  # a continuation of the slide before it (same section)

    @property
    def capacity(self) -> int:
        """Pixels of content under this slide's heading (a heading that wraps takes more)."""
        text = re.sub(r"^#+\s*", "", self.heading)
        return CONTENT_PX - HEADING_LINE_PX * (_wrapped_rows(text, HEADING_CHARS_PER_LINE) - 1)

    @property
    def used(self) -> int:
        """Pixels of the content area already filled (12 between blocks)."""
        return sum(self.heights) + 12 * max(0, len(self.heights) - 1)

    @property
    def has_figure(self) -> bool:
        return any(line.startswith("![") for block in self.blocks for line in block)

    def add(self, lines: list[str], height: int) -> None:
        self.blocks.append(list(lines))
        self.heights.append(height)

    def render(self) -> str:
        parts = ["<!-- _class: lead -->"] if self.lead else []
        if self.heading:
            parts.append(self.heading)
        parts += ["\n".join(block).strip("\n") for block in self.blocks]
        return "\n\n".join(part for part in parts if part)


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


def _is_lead_in(block: list[str]) -> bool:
    """A one-line block that introduces the next one (``**학습 목표**``, ``예를 들면:``)."""
    if len(block) != 1:
        return False
    line = block[0].strip()
    return bool(_BOLD_LINE.match(line)) or line.endswith((":", "："))


def _png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


def figure_height(size: tuple[int, int], caption_px: int, capacity: int = CONTENT_PX) -> int:
    """The height a figure of ``size`` (pixels) is shown at: the slide's width, at most
    ``MAX_UPSCALE`` times its own size and at most what a slide of its own leaves."""
    width, height = size
    if width <= 0 or height <= 0:
        raise ValueError(f"a figure must have a positive size, got {width}x{height}")
    fit = min(FIGURE_MAX[0] * height / width, MAX_UPSCALE * height)
    return max(60, round(min(fit, FIGURE_MAX[1], capacity - caption_px - FIGURE_PAD_PX)))


def _text_output_height(kind: str, lines: list[str]) -> int:
    if kind == "table":
        return TABLE_ROW_PX * (len(lines) - 1) + 16
    rows = sum(_wrapped_rows(line, PRE_CHARS_PER_LINE) for line in lines[1:-1])  # inside the ``` fence
    return PRE_LINE_PX * rows + 32


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
        self.slides.append(Slide(heading=heading, continued=True))
        return self.slides[-1]

    def _place(self, lines: list[str], height: int, joins: bool = False) -> Slide:
        """Put a block on the current slide or, when it does not fit, on a continuation;
        ``joins``: it continues the block before it (the next items of one list)."""
        slide = self._current()
        if joins and slide.blocks and slide.used + height <= slide.capacity:
            slide.blocks[-1] += lines
            slide.heights[-1] += height
            return slide
        if slide.blocks and slide.used + 12 + height > slide.capacity:
            slide = self._continue()
        slide.add(lines, height)
        return slide

    def _place_tall(self, block: list[str], height: int) -> None:
        """A block taller than a slide, split between list items (or lines) over slides."""
        if height <= self._current().capacity or block[0].strip().startswith("$$"):
            self._place(block, height)
            return
        pieces: list[list[str]] = []
        for line in block:
            starts_item = bool(_LIST_ITEM.match(line))
            if not pieces or starts_item or not _LIST_ITEM.match(block[0]):
                pieces.append([line])
            else:
                pieces[-1].append(line)
        for number, piece in enumerate(pieces):
            self._place(piece, text_height(piece), joins=number > 0)

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
                self.slides.append(Slide(heading=f"# {text}", blocks=[[COURSE]], heights=[LINE_PX], lead=True))
                self.section = "## 이번 주 개요"
                self.slides.append(Slide(heading=self.section))
                continue
            heading = f"## {text}" if level <= 2 else f"### {text}"
            last = self.slides[-1] if self.slides else None
            if level >= 3 and last is not None and not last.lead and not last.blocks and not last.continued:
                last.add([heading], HEADING3_PX)  # a sub-heading right under its heading: one slide
                self.section = last.heading
                continue
            self.section = heading
            self.slides.append(Slide(heading=self.section))
        self._add_text(chunk)

    def _add_text(self, lines: list[str]) -> None:
        blocks = [b for b in _paragraphs(lines) if b[0].strip() != NOTEBOOK_ONLY]
        index = 0
        while index < len(blocks):
            block = blocks[index]
            height = text_height(block)
            while _is_lead_in(block) and index + 1 < len(blocks):  # never end a slide on a lead-in
                index += 1
                block = [*block, "", *blocks[index]]
                height += 12 + text_height(blocks[index])
            self._place_tall(block, height)
            index += 1

    def add_code(self, cell, caption: str | None, where: str = "a code cell") -> None:
        if CODE_TAG in _tags(cell):
            code = cell.source.rstrip().splitlines()
            self._place(["```python", *code, "```"], 30 * len(code) + 30)
        items: list[list] = []  # ["figure", png bytes] and ["text", printed text], in output order
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get("image/png")
            if data is not None:
                items.append(["figure", base64.b64decode(data)])
            elif (text := output_text(output).strip("\n")):
                if items and items[-1][0] == "text":
                    items[-1][1] += "\n" + text
                else:
                    items.append(["text", text])
        for item in items:
            if item[0] == "text":
                item[1] = text_blocks(item[1], where)
        for number, (kind, content) in enumerate(items):
            if kind == "text":
                last_text = all(k != "figure" for k, _ in items[number:])
                self._add_text_output(content, caption if last_text else None)
                continue
            after = items[number + 1] if number + 1 < len(items) else None
            reserve = 0
            if after is not None and after[0] == "text":  # keep the figure's printed result beside it
                reserve = sum(_text_output_height(k, lines) + 12 for k, lines in after[1])
            self._add_figure(content, caption, reserve)
            caption = None

    def _add_text_output(self, blocks: list[tuple[str, list[str]]], caption: str | None = None) -> None:
        """Printed text (``text_blocks``) as tables and short blocks; a caption stays on the slide of the last one."""
        for number, (kind, lines) in enumerate(blocks):
            height = _text_output_height(kind, lines)
            if caption and number == len(blocks) - 1:
                lines, height = [*lines, "", caption], height + 12 + caption_height(caption)
            self._place(lines, height)

    def _add_figure(self, png: bytes, caption: str | None, reserve: int = 0) -> None:
        """Place a figure as large as the slide allows; ``reserve``: pixels the text after it needs,
        given up when the figure would shrink below ``SHRINK_LIMIT`` of its size for them."""
        self.figures += 1
        name = f"{self.stem}-fig{self.figures:02d}.png"
        (self.image_dir / name).write_bytes(png)
        caption_px = caption_height(caption) + 12 if caption else 0
        size = _png_size(png)

        def height_on(slide: Slide) -> int:
            full = figure_height(size, caption_px, slide.capacity)
            beside = figure_height(size, caption_px + reserve, slide.capacity)
            return beside if beside >= full * SHRINK_LIMIT else full

        slide = self._current()
        shown = height_on(slide)
        room = slide.capacity - slide.used - (12 if slide.blocks else 0) - caption_px - FIGURE_PAD_PX
        if slide.blocks and room < shown * SHRINK_LIMIT:
            slide = self._continue()
            shown = height_on(slide)
        elif slide.blocks:
            shown = min(shown, room)
        slide.add([f"![height:{shown}px]({self.image_prefix}/{name})"], shown + FIGURE_PAD_PX)
        if caption:
            slide.add([caption], caption_px - 12)

    def balance(self) -> None:
        """Move text from a full slide onto the nearly empty continuation after it."""
        for before, after in zip(self.slides, self.slides[1:]):
            if not after.continued or after.used > NEAR_EMPTY_PX or before.has_figure or after.has_figure:
                continue
            if before.heading and after.heading.startswith(before.heading.removesuffix(" (계속)")) \
                    and before.used + 12 + after.used <= before.capacity + MERGE_SLACK_PX:
                before.blocks += after.blocks
                before.heights += after.heights
                after.blocks, after.heights, after.heading = [], [], ""
                continue
            while len(before.blocks) > 1 and after.used + 12 + before.heights[-1] < before.used - before.heights[-1]:
                after.blocks.insert(0, before.blocks.pop())
                after.heights.insert(0, before.heights.pop())


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
    captioned = -1  # the cell whose first paragraph became a figure's caption
    for index, cell in enumerate(cells):
        if SLIDE_TAG not in _tags(cell):
            continue
        if cell.cell_type == "markdown":
            source = cell.source
            if index == captioned:
                source = source.strip().split("\n\n", 1)[1] if "\n\n" in source.strip() else ""
            builder.add_markdown(source, title)
        elif cell.cell_type == "code":
            following = cells[index + 1] if index + 1 < len(cells) else None
            caption = None
            if following is not None and following.cell_type == "markdown":
                first = following.source.strip().split("\n\n")[0].strip()
                if _CAPTION.match(first):
                    caption = " ".join(line.lstrip("# ").strip() for line in first.splitlines())
                    captioned = index + 1
            builder.add_code(cell, caption, where=f"{notebook.name} cell {index}")
    builder.balance()
    slides = [s for s in builder.slides if s.heading or s.blocks]
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
